// Flags the acls commands share, in kafka-acls.sh's vocabulary, and the table of ACL rows.
import {Flags} from '@oclif/core'
import type {AclFlags, AclRow} from '../../src/admin/acls.js'
import {renderTable} from '../../src/ui/output.js'

export const resourceFlags = {
  cluster: Flags.boolean({description: 'the cluster resource (kafka-cluster)', helpGroup: 'RESOURCE'}),
  group: Flags.string({description: 'consumer group id; * = every group (repeatable)', multiple: true, helpGroup: 'RESOURCE'}),
  topic: Flags.string({description: 'topic name; * = every topic (repeatable)', multiple: true, helpGroup: 'RESOURCE'}),
  'transactional-id': Flags.string({description: 'transactional id; * = every one (repeatable)', multiple: true, helpGroup: 'RESOURCE'}),
}

export const principalFlags = {
  'allow-host': Flags.string({description: 'host (IP) the --allow-principal entries apply to (default *, repeatable)', multiple: true}),
  'allow-principal': Flags.string({description: 'principal to allow, e.g. User:alice (repeatable)', multiple: true}),
  'deny-host': Flags.string({description: 'host (IP) the --deny-principal entries apply to (default *, repeatable)', multiple: true}),
  'deny-principal': Flags.string({description: 'principal to deny, e.g. User:mallory (repeatable; DENY wins over ALLOW)', multiple: true}),
  operation: Flags.string({
    description: 'Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite or All (repeatable)',
    multiple: true,
  }),
}

type SharedFlags = {
  'allow-host'?: string[]
  'allow-principal'?: string[]
  cluster?: boolean
  consumer?: boolean
  'deny-host'?: string[]
  'deny-principal'?: string[]
  group?: string[]
  idempotent?: boolean
  operation?: string[]
  principal?: string[]
  producer?: boolean
  'resource-pattern-type'?: string
  topic?: string[]
  'transactional-id'?: string[]
}

export function aclFlags(flags: SharedFlags): AclFlags {
  return {
    allowPrincipals: flags['allow-principal'],
    denyPrincipals: flags['deny-principal'],
    allowHosts: flags['allow-host'],
    denyHosts: flags['deny-host'],
    operations: flags.operation,
    topics: flags.topic,
    groups: flags.group,
    cluster: flags.cluster,
    transactionalIds: flags['transactional-id'],
    patternType: flags['resource-pattern-type'],
    producer: flags.producer,
    consumer: flags.consumer,
    idempotent: flags.idempotent,
    principals: flags.principal,
  }
}

export function renderAcls(rows: AclRow[]): string {
  if (rows.length === 0) return 'no ACLs'
  return renderTable(
    ['RESOURCE-TYPE', 'RESOURCE', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'],
    rows.map((row) => [row.resourceType, row.resourceName, row.patternType, row.principal, row.host, row.operation, row.permission]),
  )
}
