// ACL bindings, filters and the authorization rule of Kafka's StandardAuthorizer (KIP-11,
// KIP-290 prefixed patterns), as pure functions over a list of bindings.
//
// The rule, in Kafka's order: a super user is allowed; otherwise the ACLs whose resource
// pattern matches are examined (a literal with the same name, the literal wildcard '*', a
// prefix of the name). Any of them that matches principal (or User:*), host (or '*') and
// operation with DENY denies; else one with ALLOW allows; else, when no ACL at all matched
// the resource, allow.everyone.if.no.acl.found decides; else deny. An ALLOW for READ, WRITE,
// DELETE or ALTER also allows DESCRIBE, and ALTER_CONFIGS allows DESCRIBE_CONFIGS; a DENY
// only denies its own operation (or ALL).

/** Numbers as on the wire (org.apache.kafka.common.resource.ResourceType). */
export const resourceTypeCodes = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const
export type ResourceTypeName = keyof typeof resourceTypeCodes
/** Resource types an ACL may be created for in the bundled broker. */
export type ResourceType = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'DELEGATION_TOKEN' | 'USER'

export const patternTypeCodes = {UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4} as const
export type PatternTypeName = keyof typeof patternTypeCodes
export type PatternType = 'LITERAL' | 'PREFIXED'

export const operationCodes = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const
export type OperationName = keyof typeof operationCodes
export type Operation = Exclude<OperationName, 'UNKNOWN' | 'ANY'>

export const permissionTypeCodes = {UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3} as const
export type PermissionTypeName = keyof typeof permissionTypeCodes
export type PermissionType = 'ALLOW' | 'DENY'

export const wildcardResource = '*'
export const wildcardPrincipal = 'User:*'
export const wildcardHost = '*'
/** The one cluster resource's name, as Kafka names it. */
export const clusterResourceName = 'kafka-cluster'

export interface AclBinding {
  resourceType: ResourceType
  resourceName: string
  patternType: PatternType
  principal: string
  host: string
  operation: Operation
  permissionType: PermissionType
}

/** DescribeAcls / DeleteAcls filter: null name, principal or host match anything. */
export interface AclFilter {
  resourceType: ResourceType | 'ANY'
  resourceName: string | null
  patternType: PatternType | 'ANY' | 'MATCH'
  principal: string | null
  host: string | null
  operation: Operation | 'ANY'
  permissionType: PermissionType | 'ANY'
}

export function nameOf<T extends Record<string, number>>(codes: T, code: number): keyof T | undefined {
  return (Object.keys(codes) as (keyof T)[]).find((name) => codes[name] === code)
}

/** "User:alice" → valid; Kafka's principal form is TYPE:NAME with a non-empty type. */
export function isValidPrincipal(principal: string): boolean {
  const colon = principal.indexOf(':')
  return colon > 0
}

/** Why Kafka would refuse to create this binding, or undefined when it is acceptable. */
export function invalidBindingReason(binding: {
  resourceType: ResourceTypeName
  resourceName: string
  patternType: PatternTypeName
  principal: string
  host: string
  operation: OperationName
  permissionType: PermissionTypeName
}): string | undefined {
  if (['ANY', 'UNKNOWN'].includes(binding.resourceType)) return `resource type ${binding.resourceType} is not allowed in an ACL`
  if (!['LITERAL', 'PREFIXED'].includes(binding.patternType)) return `pattern type ${binding.patternType} is not allowed in an ACL`
  if (['ANY', 'UNKNOWN'].includes(binding.operation)) return `operation ${binding.operation} is not allowed in an ACL`
  if (['ANY', 'UNKNOWN'].includes(binding.permissionType)) return `permission type ${binding.permissionType} is not allowed in an ACL`
  if (binding.resourceName === '') return 'resource name must not be empty'
  if (binding.patternType === 'PREFIXED' && binding.resourceName === wildcardResource) {
    return "a prefixed pattern must not be '*': use a literal '*' for every resource"
  }
  if (binding.resourceType === 'CLUSTER' && binding.resourceName !== clusterResourceName) {
    return `the cluster resource is named ${clusterResourceName}`
  }
  if (!isValidPrincipal(binding.principal)) return `could not parse principal ${binding.principal}: expected TYPE:NAME such as User:alice`
  if (binding.host === '') return 'host must not be empty (use * for any host)'
  return undefined
}

/** Kafka's ResourcePatternFilter.matches. */
function patternMatchesFilter(binding: AclBinding, filter: AclFilter): boolean {
  if (filter.resourceType !== 'ANY' && filter.resourceType !== binding.resourceType) return false
  if (filter.patternType !== 'ANY' && filter.patternType !== 'MATCH' && filter.patternType !== binding.patternType) return false
  if (filter.resourceName === null) return true
  if (filter.patternType === 'ANY' || filter.patternType === binding.patternType) return filter.resourceName === binding.resourceName
  // MATCH: every pattern that would apply to a resource of that name.
  return binding.patternType === 'LITERAL'
    ? filter.resourceName === binding.resourceName || binding.resourceName === wildcardResource
    : filter.resourceName.startsWith(binding.resourceName)
}

export function bindingMatchesFilter(binding: AclBinding, filter: AclFilter): boolean {
  return (
    patternMatchesFilter(binding, filter) &&
    (filter.principal === null || filter.principal === binding.principal) &&
    (filter.host === null || filter.host === binding.host) &&
    (filter.operation === 'ANY' || filter.operation === binding.operation) &&
    (filter.permissionType === 'ANY' || filter.permissionType === binding.permissionType)
  )
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  )
}

export interface AuthorizerPolicy {
  superUsers: ReadonlySet<string>
  allowEveryoneIfNoAclFound: boolean
}

export interface Action {
  principal: string
  /** The client's IP address as text, e.g. 127.0.0.1. */
  host: string
  operation: Operation
  resourceType: ResourceType
  resourceName: string
}

const impliesDescribe: ReadonlySet<Operation> = new Set(['DESCRIBE', 'READ', 'WRITE', 'DELETE', 'ALTER'])
const impliesDescribeConfigs: ReadonlySet<Operation> = new Set(['DESCRIBE_CONFIGS', 'ALTER_CONFIGS'])

function resourceMatches(binding: AclBinding, action: Action): boolean {
  if (binding.resourceType !== action.resourceType) return false
  if (binding.patternType === 'PREFIXED') return action.resourceName.startsWith(binding.resourceName)
  return binding.resourceName === action.resourceName || binding.resourceName === wildcardResource
}

function operationMatches(binding: AclBinding, operation: Operation): boolean {
  if (binding.operation === 'ALL' || binding.operation === operation) return true
  if (binding.permissionType === 'DENY') return false
  if (operation === 'DESCRIBE') return impliesDescribe.has(binding.operation)
  if (operation === 'DESCRIBE_CONFIGS') return impliesDescribeConfigs.has(binding.operation)
  return false
}

export function isAllowed(acls: readonly AclBinding[], policy: AuthorizerPolicy, action: Action): boolean {
  if (policy.superUsers.has(action.principal) || policy.superUsers.has(wildcardPrincipal)) return true
  let resourceHasAcls = false
  let allowed = false
  for (const binding of acls) {
    if (!resourceMatches(binding, action)) continue
    resourceHasAcls = true
    if (binding.principal !== action.principal && binding.principal !== wildcardPrincipal) continue
    if (binding.host !== wildcardHost && binding.host !== action.host) continue
    if (!operationMatches(binding, action.operation)) continue
    if (binding.permissionType === 'DENY') return false
    allowed = true
  }
  return allowed || (!resourceHasAcls && policy.allowEveryoneIfNoAclFound)
}
