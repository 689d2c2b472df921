// The broker settings catalogue: Kafka's names and defaults, precedence, and the difference
// between an unknown key (error) and a known-but-ignored one (warning).
import {describe, expect, it} from 'vitest'
import {BrokerSettings, brokerSettings, parseSettingArgument, resolveSettings} from '../../src/broker/settings.js'

describe('broker settings', () => {
  it('takes Kafka 4.0 defaults and the user\'s values by Kafka names', () => {
    const settings = new BrokerSettings(resolveSettings({'num.partitions': '3'}))
    expect(settings.int('num.partitions')).toBe(3)
    expect(settings.bool('auto.create.topics.enable')).toBe(true)
    expect(settings.int('message.max.bytes')).toBe(1048588)
    expect(settings.int('socket.request.max.bytes')).toBe(104857600)
    expect(settings.explicit.has('num.partitions')).toBe(true)
    expect(settings.explicit.has('message.max.bytes')).toBe(false)
  })

  it('resolves retention as Kafka does: ms over minutes over hours', () => {
    expect(new BrokerSettings(resolveSettings({})).retentionMs).toBe(168 * 3_600_000)
    expect(new BrokerSettings(resolveSettings({'log.retention.hours': '1'})).retentionMs).toBe(3_600_000)
    expect(new BrokerSettings(resolveSettings({'log.retention.hours': '1', 'log.retention.minutes': '5'})).retentionMs).toBe(300_000)
    expect(new BrokerSettings(resolveSettings({'log.retention.minutes': '5', 'log.retention.ms': '-1'})).retentionMs).toBe(-1)
    expect(new BrokerSettings(resolveSettings({'log.roll.hours': '2'})).segmentMs).toBe(7_200_000)
  })

  it('maps broker defaults onto topic config names', () => {
    const defaults = new BrokerSettings(resolveSettings({'log.retention.minutes': '10', 'message.max.bytes': '2000000'})).topicDefaults()
    expect(defaults['retention.ms']).toBe('600000')
    expect(defaults['max.message.bytes']).toBe('2000000')
    expect(defaults['segment.bytes']).toBe('1073741824')
  })

  it('rejects an unknown key with a did-you-mean hint', () => {
    expect(() => resolveSettings({'num.partition': '3'})).toThrow(/unknown setting "num.partition"/)
    try {
      resolveSettings({'num.partition': '3'})
    } catch (error) {
      expect((error as {hint: string}).hint).toMatch(/did you mean num.partitions/)
      expect((error as {exitCode: number}).exitCode).toBe(2)
    }
  })

  it('warns about known Kafka keys it ignores instead of dropping them silently', () => {
    const {warnings} = resolveSettings({'zookeeper.connect': 'zk:2181', 'num.io.threads': '8', 'offsets.topic.replication.factor': '3'})
    expect(warnings).toHaveLength(3)
    expect(warnings[0]).toMatch(/ignoring zookeeper.connect=zk:2181: ZooKeeper/)
    expect(warnings[2]).toMatch(/no replication/)
    // Real Kafka 4.0 keys of a production server.properties: warned about, never "unknown".
    const production = resolveSettings({
      'max.connections.per.ip.overrides': 'a:1',
      'fetch.max.bytes': '57671680',
      'log.roll.jitter.ms': '0',
      'log.local.retention.ms': '-2',
      'remote.log.storage.system.enable': 'false',
      'compression.zstd.level': '3',
      'eligible.leader.replicas.enable': 'false',
      'offsets.commit.timeout.ms': '5000',
      'create.topic.policy.class.name': 'com.example.Policy',
    })
    expect(production.warnings).toHaveLength(9)
    expect(production.warnings[3]).toBe('ignoring log.local.retention.ms=-2: the bundled broker has no tiered storage')
  })

  it('warns about accepted settings whose value would change nothing here', () => {
    const {values, warnings} = resolveSettings({
      'compression.type': 'gzip',
      'log.preallocate': 'true',
      'min.insync.replicas': '2',
      'log.flush.interval.messages': '10000',
      'log.segment.delete.delay.ms': '60000',
    })
    expect(warnings).toEqual([
      'compression.type=gzip has no effect: batches are stored as the producer compressed them (compression.type=producer)',
      'log.preallocate=true has no effect: segments are not preallocated',
      'min.insync.replicas=2 has no effect: the single replica always satisfies acks=all',
      'log.flush.interval.messages=10000 has no effect: only 1 (fsync every append, as --fsync always) is honoured; log.flush.interval.ms sets the interval',
    ])
    // Still stored, so DescribeConfigs reports what the user gave.
    expect(values.get('compression.type')).toBe('gzip')
    expect(resolveSettings({'log.flush.interval.messages': '1', 'compression.type': 'producer'}).warnings).toEqual([])
  })

  it('checks types, ranges, choices and the single-node replication factor', () => {
    expect(() => resolveSettings({'num.partitions': 'three'})).toThrow(/not a whole number/)
    expect(() => resolveSettings({'num.partitions': '0'})).toThrow(/below the minimum 1/)
    expect(() => resolveSettings({'auto.create.topics.enable': 'yes'})).toThrow(/not true or false/)
    expect(() => resolveSettings({'log.message.timestamp.type': 'Now'})).toThrow(/CreateTime, LogAppendTime/)
    expect(() => resolveSettings({'default.replication.factor': '3'})).toThrow(/needs more brokers/)
    expect(() => resolveSettings({'broker.id': '2'})).toThrow(/conflicts with node.id=1/)
  })

  it('parses --config key=value', () => {
    expect(parseSettingArgument('log.retention.hours=24')).toEqual(['log.retention.hours', '24'])
    expect(parseSettingArgument('sasl.jaas.config=a=b')).toEqual(['sasl.jaas.config', 'a=b'])
    expect(() => parseSettingArgument('novalue')).toThrow(/expected key=value/)
  })

  it('takes types and update modes from the one Kafka 4.0 catalogue, with the broker\'s own defaults over it', () => {
    const byName = new Map(brokerSettings.map((def) => [def.name, def]))
    // Kafka requires node.id and listens on :9092 by default; the bundled broker does neither.
    expect(byName.get('node.id')).toMatchObject({defaultValue: '1', type: 'int'})
    expect(byName.get('node.id')?.dynamic).toBeUndefined()
    expect(byName.get('listeners')?.defaultValue).toBeNull()
    expect(byName.get('group.initial.rebalance.delay.ms')?.defaultValue).toBe('0')
    // Kafka 4.0's DynamicBrokerConfig: topic-config synonyms are cluster-wide, listener keys per broker.
    expect(byName.get('log.retention.ms')?.dynamic).toBe('cluster-wide')
    expect(byName.get('message.max.bytes')?.dynamic).toBe('cluster-wide')
    expect(byName.get('advertised.listeners')?.dynamic).toBe('per-broker')
    expect(byName.get('log.retention.check.interval.ms')?.dynamic).toBeUndefined()
    expect(byName.get('log.message.timestamp.after.max.ms')?.defaultValue).toBe('3600000')
  })
})
