// kafka-acls vocabulary → ACL bindings and filters: shortcuts, defaults, validation.
import {describe, expect, it} from 'vitest'
import {bindingsFromFlags, filtersFromFlags, parseOperation} from '../../src/admin/acls.js'

describe('bindingsFromFlags', () => {
  it('expands resources × operations × principals × hosts, with All and * as defaults', () => {
    expect(bindingsFromFlags({allowPrincipals: ['User:alice'], topics: ['t']})).toEqual([
      {resourceType: 'TOPIC', resourceName: 't', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'ALL', permission: 'ALLOW'},
    ])
    const rows = bindingsFromFlags({
      allowPrincipals: ['User:a', 'User:b'],
      allowHosts: ['10.0.0.1', '10.0.0.2'],
      denyPrincipals: ['User:c'],
      operations: ['read', 'Describe'],
      topics: ['t1', 't2'],
    })
    // 2 topics × 2 operations × (2 allow principals × 2 hosts + 1 deny principal × host *)
    expect(rows).toHaveLength(2 * 2 * 5)
    expect(rows.filter((row) => row.permission === 'DENY').every((row) => row.host === '*' && row.principal === 'User:c')).toBe(true)
  })

  it('knows --producer and --consumer as kafka-acls does', () => {
    const producer = bindingsFromFlags({allowPrincipals: ['User:p'], producer: true, idempotent: true, topics: ['t'], transactionalIds: ['tx']})
    expect(producer.map((row) => `${row.resourceType}:${row.resourceName}:${row.operation}`)).toEqual([
      'TOPIC:t:WRITE',
      'TOPIC:t:DESCRIBE',
      'TOPIC:t:CREATE',
      'TRANSACTIONAL_ID:tx:WRITE',
      'TRANSACTIONAL_ID:tx:DESCRIBE',
      'CLUSTER:kafka-cluster:IDEMPOTENT_WRITE',
    ])
    const consumer = bindingsFromFlags({allowPrincipals: ['User:c'], consumer: true, topics: ['t'], groups: ['g']})
    expect(consumer.map((row) => `${row.resourceType}:${row.resourceName}:${row.operation}`)).toEqual(['TOPIC:t:READ', 'TOPIC:t:DESCRIBE', 'GROUP:g:READ'])
  })

  it('keeps prefixed patterns, but the cluster is always literal', () => {
    const rows = bindingsFromFlags({allowPrincipals: ['User:a'], topics: ['logs.'], cluster: true, operations: ['Describe'], patternType: 'prefixed'})
    expect(rows.map((row) => [row.resourceType, row.patternType])).toEqual([
      ['TOPIC', 'PREFIXED'],
      ['CLUSTER', 'LITERAL'],
    ])
  })

  it('refuses what kafka-acls refuses', () => {
    expect(() => bindingsFromFlags({topics: ['t']})).toThrow('no principal given')
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a']})).toThrow('no resource given')
    expect(() => bindingsFromFlags({allowPrincipals: ['alice'], topics: ['t']})).toThrow('expected TYPE:NAME')
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], groups: ['g'], operations: ['Write']})).toThrow('unable to use operation WRITE on group g')
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], consumer: true, topics: ['t']})).toThrow('without --group')
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], producer: true, operations: ['Read'], topics: ['t']})).toThrow('unable to combine --operation')
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], topics: ['*'], patternType: 'prefixed'})).toThrow("prefixed ACL on '*'")
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], topics: ['t'], patternType: 'match'})).toThrow('allowed here are literal, prefixed')
    expect(() => bindingsFromFlags({allowHosts: ['1.2.3.4'], topics: ['t']})).toThrow('--allow-host without --allow-principal')
  })

  it('refuses a host name (Kafka compares IP addresses, so it would never match) and empty resource names', () => {
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], allowHosts: ['app.example.com'], topics: ['t']})).toThrow('unable to use --allow-host app.example.com: not an IP address')
    expect(() => bindingsFromFlags({denyPrincipals: ['User:a'], denyHosts: ['::1', 'localhost'], topics: ['t']})).toThrow('--deny-host localhost: not an IP address')
    expect(bindingsFromFlags({allowPrincipals: ['User:a'], allowHosts: ['::1', '10.0.0.7'], topics: ['t']}).map((row) => row.host)).toEqual(['::1', '10.0.0.7'])
    // an empty --topic reached the broker, which answered INVALID_REQUEST
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], topics: ['']})).toThrow('unable to use an empty --topic')
    expect(() => bindingsFromFlags({allowPrincipals: ['User:a'], groups: [' ']})).toThrow('unable to use an empty --group')
  })
})

describe('filtersFromFlags', () => {
  it('matches everything when nothing is given', () => {
    expect(filtersFromFlags({})).toEqual([
      {resourceType: 'ANY', resourceName: null, patternType: 'ANY', principal: null, host: null, operation: 'ANY', permission: 'ANY'},
    ])
  })

  it('narrows by resource (literal by default), principal, permission, host and operation', () => {
    expect(filtersFromFlags({topics: ['t'], principals: ['User:a']})).toEqual([
      {resourceType: 'TOPIC', resourceName: 't', patternType: 'LITERAL', principal: 'User:a', host: null, operation: 'ANY', permission: 'ANY'},
    ])
    expect(filtersFromFlags({topics: ['t'], patternType: 'match', denyPrincipals: ['User:a'], denyHosts: ['1.2.3.4'], operations: ['write']})).toEqual([
      {resourceType: 'TOPIC', resourceName: 't', patternType: 'MATCH', principal: 'User:a', host: '1.2.3.4', operation: 'WRITE', permission: 'DENY'},
    ])
  })
})

describe('parseOperation', () => {
  it('reads kafka-acls spellings', () => {
    expect(['Read', 'DescribeConfigs', 'describe-configs', 'IDEMPOTENT_WRITE', 'all'].map(parseOperation)).toEqual([
      'READ',
      'DESCRIBE_CONFIGS',
      'DESCRIBE_CONFIGS',
      'IDEMPOTENT_WRITE',
      'ALL',
    ])
    expect(() => parseOperation('Fly')).toThrow('unknown operation')
  })
})
