// ACLs as kafka-acls.sh manages them: flags in its vocabulary expand into bindings (create) or
// filters (list, delete), sent on kctl's client (CreateAcls, DescribeAcls, DeleteAcls; the
// model and wire numbers are src/kafka/acl).
//
// kafka-acls semantics kept: operations default to ALL; --allow-host/--deny-host default to
// '*'; the pattern type defaults to literal; --producer means WRITE, DESCRIBE and CREATE on the
// topics (and WRITE, DESCRIBE on a transactional id; IDEMPOTENT_WRITE on the cluster with
// --idempotent); --consumer means READ and DESCRIBE on the topics and READ on the group; each
// operation must be valid for its resource type (AclCommand's validation table).
import {isIP} from 'node:net'
import {
  clusterResourceName,
  isValidPrincipal,
  type Operation,
  operationCodes,
  nameOf,
  type PatternType,
  type PatternTypeName,
  patternTypeCodes,
  type PermissionType,
  permissionTypeCodes,
  type ResourceType,
  resourceTypeCodes,
} from '../kafka/acl/model.js'
import {bindingToWire} from '../kafka/acl/wire.js'
import {type KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {ExitCode, KctlError, usageError} from '../errors.js'
import {type ConnectionOptions, withClient} from './connection.js'
import {kafkaErrorName} from './errors.js'

export type AclResourceKind = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID'

/** One ACL as kctl shows it (names, not numbers). */
export interface AclRow {
  resourceType: string
  resourceName: string
  patternType: string
  principal: string
  host: string
  operation: string
  permission: string
}

/** What the acls commands' flags say, before expansion. */
export interface AclFlags {
  allowPrincipals?: string[]
  denyPrincipals?: string[]
  allowHosts?: string[]
  denyHosts?: string[]
  operations?: string[]
  topics?: string[]
  groups?: string[]
  cluster?: boolean
  transactionalIds?: string[]
  /** literal | prefixed | match | any (match and any only for list and delete). */
  patternType?: string
  producer?: boolean
  consumer?: boolean
  idempotent?: boolean
  /** list only: any principal's ACLs when absent. */
  principals?: string[]
}

/** AclCommand's table of operations each resource type accepts (ALL everywhere). */
const validOperations: Record<AclResourceKind, readonly Operation[]> = {
  TOPIC: ['READ', 'WRITE', 'CREATE', 'DESCRIBE', 'DELETE', 'ALTER', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'ALL'],
  GROUP: ['READ', 'DESCRIBE', 'DELETE', 'ALL'],
  CLUSTER: ['CREATE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE', 'ALTER', 'DESCRIBE', 'ALL'],
  TRANSACTIONAL_ID: ['DESCRIBE', 'WRITE', 'ALL'],
}

const allOperations = Object.keys(operationCodes).filter((name) => name !== 'UNKNOWN' && name !== 'ANY') as Operation[]

/** "describe-configs", "DescribeConfigs" and "DESCRIBE_CONFIGS" all name DESCRIBE_CONFIGS. */
export function parseOperation(text: string): Operation {
  const normalised = text.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/[-\s]/g, '_').toUpperCase()
  const operation = allOperations.find((name) => name === normalised)
  if (!operation) throw usageError(`unable to use --operation ${text}: unknown operation`, `use one of ${allOperations.join(', ')}`)
  return operation
}

function checkPrincipal(principal: string): string {
  if (!isValidPrincipal(principal)) {
    throw usageError(`unable to use principal ${principal}: expected TYPE:NAME`, 'for example --allow-principal User:alice')
  }
  return principal
}

function patternTypeOf(flags: AclFlags, allowed: readonly string[]): PatternTypeName {
  const text = (flags.patternType ?? 'literal').toUpperCase()
  if (!allowed.includes(text)) {
    throw usageError(
      `unable to use --resource-pattern-type ${flags.patternType}: allowed here are ${allowed.map((name) => name.toLowerCase()).join(', ')}`,
    )
  }
  return text as PatternTypeName
}

function resourcesOf(flags: AclFlags): {type: AclResourceKind; name: string}[] {
  for (const [flag, names] of [['topic', flags.topics], ['group', flags.groups], ['transactional-id', flags.transactionalIds]] as const) {
    if ((names ?? []).some((name) => name.trim() === '')) throw usageError(`unable to use an empty --${flag}`, `name the ${flag}, or '*' for every one`)
  }
  return [
    ...(flags.topics ?? []).map((name) => ({type: 'TOPIC' as const, name})),
    ...(flags.groups ?? []).map((name) => ({type: 'GROUP' as const, name})),
    ...(flags.cluster ? [{type: 'CLUSTER' as const, name: clusterResourceName}] : []),
    ...(flags.transactionalIds ?? []).map((name) => ({type: 'TRANSACTIONAL_ID' as const, name})),
  ]
}

/** Resource → operations, from --operation or from the --producer / --consumer shortcuts. */
function operationsByResource(flags: AclFlags): {type: AclResourceKind; name: string; operations: Operation[]}[] {
  const resources = resourcesOf(flags)
  if (flags.producer || flags.consumer) {
    if ((flags.operations ?? []).length > 0) throw usageError('unable to combine --operation with --producer or --consumer', 'the shortcuts choose the operations')
    if ((flags.topics ?? []).length === 0) throw usageError('unable to use --producer or --consumer without --topic')
    if (flags.consumer && (flags.groups ?? []).length === 0) throw usageError('unable to use --consumer without --group', 'a consumer needs READ on its group')
    const planned: {type: AclResourceKind; name: string; operations: Operation[]}[] = []
    for (const resource of resources) {
      const operations = new Set<Operation>()
      if (flags.producer && resource.type === 'TOPIC') ['WRITE', 'DESCRIBE', 'CREATE'].forEach((op) => operations.add(op as Operation))
      if (flags.producer && resource.type === 'TRANSACTIONAL_ID') ['WRITE', 'DESCRIBE'].forEach((op) => operations.add(op as Operation))
      if (flags.consumer && resource.type === 'TOPIC') ['READ', 'DESCRIBE'].forEach((op) => operations.add(op as Operation))
      if (flags.consumer && resource.type === 'GROUP') operations.add('READ')
      if (operations.size > 0) planned.push({...resource, operations: [...operations]})
    }
    if (flags.producer && flags.idempotent) planned.push({type: 'CLUSTER', name: clusterResourceName, operations: ['IDEMPOTENT_WRITE']})
    return planned
  }
  const operations = (flags.operations ?? []).length > 0 ? [...new Set((flags.operations ?? []).map(parseOperation))] : (['ALL'] as Operation[])
  return resources.map((resource) => {
    const invalid = operations.filter((operation) => !validOperations[resource.type].includes(operation))
    if (invalid.length > 0) {
      throw usageError(
        `unable to use operation ${invalid.join(', ')} on ${resource.type.toLowerCase().replace('_', '-')} ${resource.name}`,
        `valid for ${resource.type}: ${validOperations[resource.type].join(', ')}`,
      )
    }
    return {...resource, operations}
  })
}

function entriesOf(flags: AclFlags): {principal: string; host: string; permission: PermissionType}[] {
  const entries: {principal: string; host: string; permission: PermissionType}[] = []
  for (const [principals, hosts, permission] of [
    [flags.allowPrincipals ?? [], flags.allowHosts ?? [], 'ALLOW'],
    [flags.denyPrincipals ?? [], flags.denyHosts ?? [], 'DENY'],
  ] as const) {
    if (principals.length === 0 && hosts.length > 0) {
      throw usageError(`unable to use --${permission.toLowerCase()}-host without --${permission.toLowerCase()}-principal`)
    }
    // Kafka matches the client's IP address against the ACL's host, so a host name never matches.
    const badHost = hosts.find((host) => host !== '*' && isIP(host) === 0)
    if (badHost !== undefined) {
      throw usageError(`unable to use --${permission.toLowerCase()}-host ${badHost}: not an IP address`, 'Kafka matches ACL hosts against the client\'s IP address: give an IPv4 or IPv6 address, or * for every host')
    }
    for (const principal of principals) {
      for (const host of hosts.length > 0 ? hosts : ['*']) entries.push({principal: checkPrincipal(principal), host, permission})
    }
  }
  return entries
}

/** `kctl acls create`: every (resource × operation × principal × host) binding the flags name. */
export function bindingsFromFlags(flags: AclFlags): AclRow[] {
  const patternType = patternTypeOf(flags, ['LITERAL', 'PREFIXED'])
  const entries = entriesOf(flags)
  if (entries.length === 0) throw usageError('unable to create ACLs: no principal given', 'add --allow-principal User:NAME or --deny-principal User:NAME')
  const resources = operationsByResource(flags)
  if (resources.length === 0) throw usageError('unable to create ACLs: no resource given', 'add --topic, --group, --cluster or --transactional-id')
  const rows: AclRow[] = []
  for (const resource of resources) {
    if (patternType === 'PREFIXED' && resource.name === '*') {
      throw usageError("unable to create a prefixed ACL on '*'", "use --resource-pattern-type literal with '*' for every resource")
    }
    for (const operation of resource.operations) {
      for (const entry of entries) {
        rows.push({
          resourceType: resource.type,
          resourceName: resource.name,
          patternType: resource.type === 'CLUSTER' ? 'LITERAL' : patternType,
          principal: entry.principal,
          host: entry.host,
          operation,
          permission: entry.permission,
        })
      }
    }
  }
  return rows
}

/** A DescribeAcls/DeleteAcls filter in kctl's names; null = any. */
export interface AclFilterRow {
  resourceType: AclResourceKind | 'ANY'
  resourceName: string | null
  patternType: PatternTypeName
  principal: string | null
  host: string | null
  operation: Operation | 'ANY'
  permission: PermissionType | 'ANY'
}

/**
 * `kctl acls list` and `delete`: one filter per (resource × principal × operation). Without a
 * resource every resource matches; without a principal every principal; without --operation
 * every operation.
 */
export function filtersFromFlags(flags: AclFlags): AclFilterRow[] {
  const resources = resourcesOf(flags)
  const patternType = patternTypeOf(flags, ['LITERAL', 'PREFIXED', 'MATCH', 'ANY'])
  const principals: {principal: string | null; host: string | null; permission: PermissionType | 'ANY'}[] = [
    ...entriesOf(flags).map((entry) => ({...entry, host: entry.host === '*' && !hasHostFlag(flags, entry.permission) ? null : entry.host})),
    ...(flags.principals ?? []).map((principal) => ({principal: checkPrincipal(principal), host: null, permission: 'ANY' as const})),
  ]
  if (principals.length === 0) principals.push({principal: null, host: null, permission: 'ANY'})
  const operations = (flags.operations ?? []).length > 0 ? [...new Set((flags.operations ?? []).map(parseOperation))] : (['ANY'] as const)
  const targets = resources.length > 0 ? resources : [{type: 'ANY' as const, name: null}]
  const filters: AclFilterRow[] = []
  for (const target of targets) {
    for (const entry of principals) {
      for (const operation of operations) {
        filters.push({
          resourceType: target.type,
          resourceName: target.name,
          // Without a resource, kafka-acls --list shows every pattern type.
          patternType: target.type === 'ANY' && flags.patternType === undefined ? 'ANY' : patternType,
          principal: entry.principal,
          host: entry.host,
          operation,
          permission: entry.permission,
        })
      }
    }
  }
  return filters
}

function hasHostFlag(flags: AclFlags, permission: PermissionType): boolean {
  return ((permission === 'ALLOW' ? flags.allowHosts : flags.denyHosts) ?? []).length > 0
}

/** A filter in DescribeAcls/DeleteAcls wire form (Kafka's numbers). */
function filterToWire(filter: AclFilterRow) {
  return {
    resourceTypeFilter: resourceTypeCodes[filter.resourceType],
    resourceNameFilter: filter.resourceName,
    patternTypeFilter: patternTypeCodes[filter.patternType],
    principalFilter: filter.principal,
    hostFilter: filter.host,
    operation: operationCodes[filter.operation],
    permissionType: permissionTypeCodes[filter.permission],
  }
}

function rowFromWire(resource: {resourceType: number; resourceName: string; patternType: number}, acl: {
  principal: string
  host: string
  operation: number
  permissionType: number
}): AclRow {
  return {
    resourceType: nameOf(resourceTypeCodes, resource.resourceType) ?? String(resource.resourceType),
    resourceName: resource.resourceName,
    patternType: nameOf(patternTypeCodes, resource.patternType) ?? String(resource.patternType),
    principal: acl.principal,
    host: acl.host,
    operation: nameOf(operationCodes, acl.operation) ?? String(acl.operation),
    permission: nameOf(permissionTypeCodes, acl.permissionType) ?? String(acl.permissionType),
  }
}

/** SECURITY_DISABLED is the one ACL error kafka users meet first; say what to do about it. */
function securityDisabled(error: unknown, action: string): KctlError | undefined {
  if (kafkaErrorName(error) !== 'SECURITY_DISABLED') return undefined
  return new KctlError(`unable to ${action}: the cluster has no authorizer (SECURITY_DISABLED)`, {
    exitCode: ExitCode.error,
    hint: 'set authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer (bundled broker: kctl broker start --config authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer)',
  })
}

/**
 * Runs an ACL request on kctl's client. CreateAcls and DeleteAcls change the cluster: they go
 * to the controller-or-any broker (KRaft brokers forward them) and again after NOT_CONTROLLER;
 * DescribeAcls goes to any broker.
 */
async function withAclClient<T>(options: ConnectionOptions, action: string, fn: (client: KafkaClient) => Promise<T>): Promise<T> {
  try {
    return await withClient({...options, action}, (client) => client.retry(() => fn(client)))
  } catch (error) {
    throw securityDisabled((error as {cause?: unknown}).cause ?? error, action) ?? error
  }
}

export async function createAcls(options: ConnectionOptions, rows: AclRow[]): Promise<AclRow[]> {
  await withAclClient(options, 'create ACLs', async (client) => {
    const creations = rows.map((row) => {
      const {patternType, ...wire} = bindingToWire({
        resourceType: row.resourceType as ResourceType,
        resourceName: row.resourceName,
        patternType: row.patternType as PatternType,
        principal: row.principal,
        host: row.host,
        operation: row.operation as Operation,
        permissionType: row.permission as PermissionType,
      })
      return {...wire, resourcePatternType: patternType}
    })
    const connection = await client.controller()
    const response = await connection.send(30, {creations})
    const failed = response.results.find((result) => result.errorCode !== 0)
    if (failed) throw KafkaClientError.fromCode(failed.errorCode, failed.errorMessage, connection.address)
  })
  return rows
}

/** Every ACL matching any of the filters, each once, sorted by resource then principal. */
export async function listAcls(options: ConnectionOptions, filters: AclFilterRow[]): Promise<AclRow[]> {
  const rows = await withAclClient(options, 'list ACLs', async (client) => {
    const connection = await client.anyBroker()
    const found: AclRow[] = []
    for (const filter of filters) {
      const response = await connection.send(29, filterToWire(filter))
      if (response.errorCode !== 0) throw KafkaClientError.fromCode(response.errorCode, response.errorMessage, connection.address)
      for (const resource of response.resources) for (const acl of resource.acls) found.push(rowFromWire(resource, acl))
    }
    return found
  })
  return sortRows(unique(rows))
}

/** Deletes every ACL matching the filters and returns them. */
export async function deleteAcls(options: ConnectionOptions, filters: AclFilterRow[]): Promise<AclRow[]> {
  const rows = await withAclClient(options, 'delete ACLs', async (client) => {
    const connection = await client.controller()
    const response = await connection.send(31, {filters: filters.map(filterToWire)})
    const failed = response.filterResults.find((result) => result.errorCode !== 0)
    if (failed) throw KafkaClientError.fromCode(failed.errorCode, failed.errorMessage, connection.address)
    return response.filterResults.flatMap((result) => result.matchingAcls.map((acl) => rowFromWire(acl, acl)))
  })
  return sortRows(unique(rows))
}

function unique(rows: AclRow[]): AclRow[] {
  const seen = new Set<string>()
  return rows.filter((row) => {
    const key = JSON.stringify(row)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function sortRows(rows: AclRow[]): AclRow[] {
  const key = (row: AclRow) => [row.resourceType, row.resourceName, row.patternType, row.principal, row.permission, row.operation, row.host].join('\0')
  return [...rows].sort((a, b) => key(a).localeCompare(key(b)))
}
