// The authorizer's rule, case by case against Kafka's StandardAuthorizer semantics, and the
// DescribeAcls/DeleteAcls filter semantics of ResourcePatternFilter / AccessControlEntryFilter.
import {describe, expect, it} from 'vitest'
import {
  type AclBinding,
  type AclFilter,
  type Action,
  bindingMatchesFilter,
  invalidBindingReason,
  isAllowed,
  type Operation,
} from '../../src/kafka/acl/model.js'

const policy = {superUsers: new Set(['User:admin']), allowEveryoneIfNoAclFound: false}

function acl(partial: Partial<AclBinding>): AclBinding {
  return {
    resourceType: 'TOPIC',
    resourceName: 'orders',
    patternType: 'LITERAL',
    principal: 'User:alice',
    host: '*',
    operation: 'READ',
    permissionType: 'ALLOW',
    ...partial,
  }
}

function action(partial: Partial<Action>): Action {
  return {principal: 'User:alice', host: '127.0.0.1', operation: 'READ', resourceType: 'TOPIC', resourceName: 'orders', ...partial}
}

describe('isAllowed', () => {
  it('allows a literal match and denies other principals, resources and operations', () => {
    const acls = [acl({})]
    expect(isAllowed(acls, policy, action({}))).toBe(true)
    expect(isAllowed(acls, policy, action({principal: 'User:bob'}))).toBe(false)
    expect(isAllowed(acls, policy, action({resourceName: 'orders2'}))).toBe(false)
    expect(isAllowed(acls, policy, action({operation: 'WRITE'}))).toBe(false)
    expect(isAllowed(acls, policy, action({resourceType: 'GROUP'}))).toBe(false)
  })

  it('lets DENY win over ALLOW whatever the order', () => {
    const deny = acl({permissionType: 'DENY'})
    expect(isAllowed([acl({}), deny], policy, action({}))).toBe(false)
    expect(isAllowed([deny, acl({})], policy, action({}))).toBe(false)
    // A DENY on a prefix beats an ALLOW on the literal name.
    expect(isAllowed([acl({}), acl({patternType: 'PREFIXED', resourceName: 'ord', permissionType: 'DENY'})], policy, action({}))).toBe(false)
    // A DENY for everyone (User:*) beats alice's ALLOW.
    expect(isAllowed([acl({}), acl({principal: 'User:*', permissionType: 'DENY'})], policy, action({}))).toBe(false)
  })

  it('matches prefixed patterns by prefix only', () => {
    const acls = [acl({patternType: 'PREFIXED', resourceName: 'orders.'})]
    expect(isAllowed(acls, policy, action({resourceName: 'orders.eu'}))).toBe(true)
    expect(isAllowed(acls, policy, action({resourceName: 'orders.'}))).toBe(true)
    expect(isAllowed(acls, policy, action({resourceName: 'orders'}))).toBe(false)
    expect(isAllowed(acls, policy, action({resourceName: 'xorders.eu'}))).toBe(false)
  })

  it('treats a literal * as every resource of the type and a literal name as exact', () => {
    expect(isAllowed([acl({resourceName: '*'})], policy, action({resourceName: 'anything'}))).toBe(true)
    expect(isAllowed([acl({resourceName: 'ord'})], policy, action({resourceName: 'orders'}))).toBe(false)
    expect(isAllowed([acl({resourceName: '*'})], policy, action({resourceType: 'GROUP', resourceName: 'g'}))).toBe(false)
  })

  it('lets User:* and host * match, and a specific host match only that host', () => {
    expect(isAllowed([acl({principal: 'User:*'})], policy, action({principal: 'User:bob'}))).toBe(true)
    expect(isAllowed([acl({host: '127.0.0.1'})], policy, action({}))).toBe(true)
    expect(isAllowed([acl({host: '10.0.0.1'})], policy, action({}))).toBe(false)
    expect(isAllowed([acl({}), acl({host: '127.0.0.1', permissionType: 'DENY'})], policy, action({}))).toBe(false)
    expect(isAllowed([acl({}), acl({host: '10.0.0.1', permissionType: 'DENY'})], policy, action({}))).toBe(true)
  })

  it('implies DESCRIBE from an ALLOW of READ, WRITE, DELETE or ALTER, and nothing else', () => {
    const all: Operation[] = ['READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE']
    const implying = all.filter((operation) => isAllowed([acl({operation})], policy, action({operation: 'DESCRIBE'})))
    expect(implying).toEqual(['READ', 'WRITE', 'DELETE', 'ALTER', 'DESCRIBE'])
  })

  it('implies DESCRIBE_CONFIGS from ALTER_CONFIGS only', () => {
    const all: Operation[] = ['READ', 'WRITE', 'ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS']
    const implying = all.filter((operation) => isAllowed([acl({operation})], policy, action({operation: 'DESCRIBE_CONFIGS'})))
    expect(implying).toEqual(['DESCRIBE_CONFIGS', 'ALTER_CONFIGS'])
  })

  it('does not imply in the other direction: DESCRIBE does not allow READ', () => {
    expect(isAllowed([acl({operation: 'DESCRIBE'})], policy, action({operation: 'READ'}))).toBe(false)
  })

  it('lets a DENY deny only its own operation: a DENY READ leaves an allowed DESCRIBE', () => {
    const acls = [acl({operation: 'ALL'}), acl({operation: 'READ', permissionType: 'DENY'})]
    expect(isAllowed(acls, policy, action({operation: 'DESCRIBE'}))).toBe(true)
    expect(isAllowed(acls, policy, action({operation: 'READ'}))).toBe(false)
    expect(isAllowed(acls, policy, action({operation: 'WRITE'}))).toBe(true)
  })

  it('lets ALL allow and deny every operation', () => {
    expect(isAllowed([acl({operation: 'ALL'})], policy, action({operation: 'ALTER_CONFIGS'}))).toBe(true)
    expect(isAllowed([acl({operation: 'ALL'}), acl({operation: 'ALL', permissionType: 'DENY'})], policy, action({operation: 'DESCRIBE'}))).toBe(false)
  })

  it('allows super users regardless of DENY ACLs, and User:* in super.users makes everyone super', () => {
    const acls = [acl({principal: 'User:admin', permissionType: 'DENY', operation: 'ALL'})]
    expect(isAllowed(acls, policy, action({principal: 'User:admin'}))).toBe(true)
    expect(isAllowed([], {superUsers: new Set(['User:*']), allowEveryoneIfNoAclFound: false}, action({principal: 'User:x'}))).toBe(true)
  })

  it('applies allow.everyone.if.no.acl.found only when the resource has no ACL at all', () => {
    const open = {superUsers: new Set<string>(), allowEveryoneIfNoAclFound: true}
    expect(isAllowed([], policy, action({}))).toBe(false)
    expect(isAllowed([], open, action({}))).toBe(true)
    // bob has no ACL on orders but alice does: the resource has ACLs, so bob is denied.
    expect(isAllowed([acl({})], open, action({principal: 'User:bob'}))).toBe(false)
    // ACLs on other resources do not count.
    expect(isAllowed([acl({resourceName: 'payments'})], open, action({principal: 'User:bob'}))).toBe(true)
  })
})

describe('bindingMatchesFilter', () => {
  const any: AclFilter = {resourceType: 'ANY', resourceName: null, patternType: 'ANY', principal: null, host: null, operation: 'ANY', permissionType: 'ANY'}
  const literal = acl({})
  const prefixed = acl({patternType: 'PREFIXED', resourceName: 'ord'})
  const wildcard = acl({resourceName: '*'})
  const bindings = [literal, prefixed, wildcard]
  const matching = (filter: Partial<AclFilter>) => bindings.filter((binding) => bindingMatchesFilter(binding, {...any, ...filter}))

  it('matches everything with an all-ANY filter', () => {
    expect(matching({})).toEqual(bindings)
  })

  it('ANY pattern type with a name matches that exact name of any pattern type', () => {
    expect(matching({resourceName: 'ord'})).toEqual([prefixed])
  })

  it('LITERAL and PREFIXED match only their own pattern type', () => {
    expect(matching({patternType: 'LITERAL'})).toEqual([literal, wildcard])
    expect(matching({patternType: 'PREFIXED', resourceName: 'ord'})).toEqual([prefixed])
    expect(matching({patternType: 'PREFIXED', resourceName: 'orders'})).toEqual([])
  })

  it('MATCH finds every pattern that applies to a resource name', () => {
    expect(matching({patternType: 'MATCH', resourceName: 'orders'})).toEqual([literal, prefixed, wildcard])
    expect(matching({patternType: 'MATCH', resourceName: 'payments'})).toEqual([wildcard])
  })

  it('filters on principal, host, operation and permission', () => {
    const bob = acl({principal: 'User:bob', host: '10.0.0.1', operation: 'WRITE', permissionType: 'DENY'})
    const list = [literal, bob]
    const only = (filter: Partial<AclFilter>) => list.filter((binding) => bindingMatchesFilter(binding, {...any, ...filter}))
    expect(only({principal: 'User:bob'})).toEqual([bob])
    expect(only({host: '10.0.0.1'})).toEqual([bob])
    expect(only({operation: 'READ'})).toEqual([literal])
    expect(only({permissionType: 'DENY'})).toEqual([bob])
    expect(only({resourceType: 'GROUP'})).toEqual([])
  })
})

describe('invalidBindingReason', () => {
  const valid = {...acl({}), resourceType: 'TOPIC' as const}
  it('accepts a complete binding and refuses ANY/UNKNOWN values, bad principals and cluster names', () => {
    expect(invalidBindingReason(valid)).toBeUndefined()
    expect(invalidBindingReason({...valid, resourceType: 'ANY'})).toMatch(/resource type ANY/)
    expect(invalidBindingReason({...valid, patternType: 'MATCH'})).toMatch(/pattern type MATCH/)
    expect(invalidBindingReason({...valid, operation: 'ANY'})).toMatch(/operation ANY/)
    expect(invalidBindingReason({...valid, permissionType: 'UNKNOWN'})).toMatch(/permission type UNKNOWN/)
    expect(invalidBindingReason({...valid, principal: 'alice'})).toMatch(/could not parse principal alice/)
    expect(invalidBindingReason({...valid, resourceType: 'CLUSTER', resourceName: 'x'})).toMatch(/kafka-cluster/)
    expect(invalidBindingReason({...valid, resourceType: 'CLUSTER', resourceName: 'kafka-cluster'})).toBeUndefined()
    expect(invalidBindingReason({...valid, patternType: 'PREFIXED', resourceName: '*'})).toMatch(/prefixed pattern/)
  })
})
