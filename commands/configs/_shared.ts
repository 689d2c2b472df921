// What `kctl configs set` and `kctl configs delete` share: the --broker / --broker-defaults pair
// (kafka-configs' --entity-name ID / --entity-default for --entity-type brokers) and the
// confirm → IncrementalAlterConfigs → print → fail-after-printing sequence.
import {Flags} from '@oclif/core'
import {renderBrokerConfigChanges} from '../../src/admin/broker-configs-render.js'
import {alterBrokerConfigs, type BrokerConfigChangeRow, type BrokerEntity, entityLabel} from '../../src/admin/broker-configs.js'
import {KctlError, usageError} from '../../src/errors.js'
import type {OutputFormat} from '../../src/ui/output.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'

export const entityFlags = {
  broker: Flags.integer({description: 'the broker id whose configs to use', exclusive: ['broker-defaults'], min: 0}),
  'broker-defaults': Flags.boolean({description: 'the cluster-wide defaults every broker takes unless it has its own value', exclusive: ['broker']}),
}

export function entityOf(flags: {broker?: number; 'broker-defaults'?: boolean}, action: string): BrokerEntity {
  if (flags.broker !== undefined) return {broker: flags.broker}
  if (flags['broker-defaults']) return {defaults: true}
  throw usageError(`unable to ${action}: no broker given`, 'pass --broker ID or --broker-defaults')
}

interface ChangeFlags {
  'bootstrap-server'?: string
  context?: string
  'command-config'?: string
  debug?: boolean
  output: OutputFormat
  yes: boolean
}

/** Base of `configs set` and `configs delete`: one change of one entity's dynamic configs. */
export abstract class BrokerConfigsChangeCommand extends BaseCommand {
  static flags = {
    ...connectionFlags,
    ...entityFlags,
    output: outputFlag,
    yes: yesFlag,
  }

  /**
   * Asks `question` (unless --yes), sets `set` and removes `remove` on `entity`, prints the
   * rows, then raises the request's error when it failed.
   */
  protected async applyChange(
    flags: ChangeFlags,
    entity: BrokerEntity,
    change: {set: Record<string, string>; remove: string[]; question: string},
  ): Promise<BrokerConfigChangeRow[]> {
    const action = `${Object.keys(change.set).length > 0 ? 'set' : 'delete'} the configs of ${entityLabel(entity)}`
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const rows = await withClient(connectionOptions(flags, action), async (client) => {
      await confirmOrRefuse(`${change.question} ${entityLabel(entity)}: ${[...Object.entries(change.set).map(([key, value]) => `${key}=${value}`), ...change.remove].join(' ')}?`, {yes: flags.yes, action})
      return alterBrokerConfigs(client, entity, change.set, change.remove)
    })
    this.render(rows, flags.output, renderBrokerConfigChanges)
    const failed = rows.find((row) => row.status === 'failed')
    if (failed) throw new KctlError(`unable to ${action}: ${failed.error}`, {hint: 'kctl configs describe --all shows which configs are read-only'})
    return rows
  }
}
