// The --broker / --broker-defaults pair of the configs commands, as kafka-configs'
// --entity-name ID / --entity-default for --entity-type brokers.
import {Flags} from '@oclif/core'
import type {BrokerConfigChangeRow, BrokerEntity} from '../../src/admin/broker-configs.js'
import {KctlError, usageError} from '../../src/errors.js'

export const entityFlags = {
  broker: Flags.integer({description: 'the broker id whose configs to use', exclusive: ['broker-defaults'], min: 0}),
  'broker-defaults': Flags.boolean({description: 'the cluster-wide defaults every broker takes unless it has its own value', exclusive: ['broker']}),
}

export function entityOf(flags: {broker?: number; 'broker-defaults'?: boolean}, action: string): BrokerEntity {
  if (flags.broker !== undefined) return {broker: flags.broker}
  if (flags['broker-defaults']) return {defaults: true}
  throw usageError(`unable to ${action}: no broker given`, 'pass --broker ID or --broker-defaults')
}

/** The error to raise once the rows are printed: the request's, when it failed. */
export function changesFailed(rows: BrokerConfigChangeRow[], action: string): KctlError | undefined {
  const failed = rows.find((row) => row.status === 'failed')
  return failed ? new KctlError(`unable to ${action}: ${failed.error}`, {hint: 'kctl configs describe --all shows which configs are read-only'}) : undefined
}
