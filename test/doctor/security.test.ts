// Security: listeners, authorizer, allow-everyone, super users, and topics anyone may write,
// judged with the authorizer's own rules.
import {describe, expect, it} from 'vitest'
import {type Finding, runChecks} from '../../src/admin/doctor/index.js'
import type {ClusterSnapshot} from '../../src/admin/doctor/snapshot.js'
import type {AclBinding} from '../../src/kafka/acl/model.js'
import {healthyCluster, topic} from './fixtures.js'

function security(snapshot: ClusterSnapshot): Finding[] {
  return runChecks(snapshot, {checks: ['security']}).findings.filter((item) => !(item.id === 'security.super-users' && item.severity === 'info'))
}

function summary(findings: Finding[]): string[] {
  return findings.map((item) => `${item.id} ${item.severity} ${item.object.kind}:${item.object.name}`)
}

function set(snapshot: ClusterSnapshot, key: string, value: string): ClusterSnapshot {
  for (const node of snapshot.brokers) node.configs[key] = {value, source: 'STATIC_BROKER_CONFIG'}
  return snapshot
}

function acl(resourceName: string, principal: string, patternType: 'LITERAL' | 'PREFIXED' = 'LITERAL', permissionType: 'ALLOW' | 'DENY' = 'ALLOW'): AclBinding {
  return {resourceType: 'TOPIC', resourceName, patternType, principal, host: '*', operation: 'WRITE', permissionType}
}

describe('listeners and authorizer', () => {
  it('a PLAINTEXT listener on every broker is one cluster finding', () => {
    const snapshot = healthyCluster()
    for (const node of snapshot.brokers) node.listeners.push({name: 'INTERNAL', host: node.host, port: 9094, securityProtocol: 'PLAINTEXT'})
    expect(summary(security(snapshot))).toEqual(['security.plaintext-listener warning cluster:healthy'])
  })

  it('SASL_SSL only: nothing', () => {
    expect(security(healthyCluster())).toEqual([])
  })

  it('no authorizer: one finding; no per-topic findings on top', () => {
    const snapshot = set(healthyCluster(), 'authorizer.class.name', '')
    snapshot.acls = undefined
    expect(summary(security(snapshot))).toEqual(['security.no-authorizer warning cluster:healthy'])
  })

  it('allow.everyone.if.no.acl.found=true: the setting, and each topic without an ACL', () => {
    const snapshot = set(healthyCluster(), 'allow.everyone.if.no.acl.found', 'true')
    snapshot.topics.push(topic('logs', {partitions: 1, rf: 3}))
    const findings = security(snapshot)
    // orders has ACLs (so the fallback does not apply); __consumer_offsets is internal.
    expect(summary(findings)).toEqual(['security.allow-everyone warning cluster:healthy', 'security.topic-open-write warning topic:logs'])
    expect(findings[1].problem).toBe('any principal may write to logs (no ACL on the topic, allow.everyone.if.no.acl.found=true)')
  })
})

describe('super users', () => {
  it('named super users are info; User:ANONYMOUS or User:* a warning', () => {
    const snapshot = set(healthyCluster(), 'super.users', 'User:admin;User:ANONYMOUS')
    const findings = runChecks(snapshot, {checks: ['security.super-users']}).findings
    expect(summary(findings)).toEqual(['security.super-users warning principal:User:ANONYMOUS', 'security.super-users info principal:User:admin'])
  })

  it('User:* as super user: one warning, not one per topic', () => {
    const snapshot = set(healthyCluster(), 'super.users', 'User:*')
    expect(summary(security(snapshot))).toEqual(['security.super-users warning principal:User:*'])
  })
})

describe('topics any principal may write', () => {
  it('a prefixed ALLOW for User:* opens the topics it matches, not the others', () => {
    const snapshot = healthyCluster()
    snapshot.topics.push(topic('pub.events', {partitions: 1, rf: 3}))
    snapshot.acls!.push(acl('pub.', 'User:*', 'PREFIXED'))
    const findings = security(snapshot)
    expect(summary(findings)).toEqual(['security.topic-open-write warning topic:pub.events'])
    expect(findings[0].problem).toBe('any principal may write to pub.events (an ALLOW ACL for User:* or User:ANONYMOUS matches it)')
  })

  it('a DENY for User:* wins over the ALLOW', () => {
    const snapshot = healthyCluster()
    snapshot.topics.push(topic('pub.events', {partitions: 1, rf: 3}))
    snapshot.acls!.push(acl('pub.', 'User:*', 'PREFIXED'), acl('pub.events', 'User:*', 'LITERAL', 'DENY'))
    expect(security(snapshot)).toEqual([])
  })

  it('an ALLOW for User:ANONYMOUS matters only where a PLAINTEXT listener lets clients in unauthenticated', () => {
    const snapshot = healthyCluster()
    snapshot.acls!.push(acl('orders', 'User:ANONYMOUS'))
    expect(security(snapshot)).toEqual([])
    snapshot.brokers[0].listeners.push({name: 'PLAINTEXT', host: 'kafka-1', port: 9094, securityProtocol: 'PLAINTEXT'})
    const findings = security(snapshot)
    expect(summary(findings)).toEqual(['security.plaintext-listener warning broker:1', 'security.topic-open-write warning topic:orders'])
    expect(findings[1].problem).toBe('unauthenticated clients (User:ANONYMOUS on a PLAINTEXT listener) may write to orders (an ALLOW ACL for User:* or User:ANONYMOUS matches it)')
  })

  it('ACLs not readable: topics are not judged', () => {
    const snapshot = set(healthyCluster(), 'allow.everyone.if.no.acl.found', 'true')
    snapshot.acls = undefined
    expect(summary(security(snapshot))).toEqual(['security.allow-everyone warning cluster:healthy'])
  })
})
