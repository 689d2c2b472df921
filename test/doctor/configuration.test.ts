// Configuration: config lint's rules on live configs, drift between brokers, and what
// `kctl init` would write for this cluster size.
import {describe, expect, it} from 'vitest'
import {brokerProperties, initValues} from '../../src/admin/doctor/checks/configuration.js'
import {type Finding, runChecks} from '../../src/admin/doctor/index.js'
import type {ClusterSnapshot} from '../../src/admin/doctor/snapshot.js'
import {broker, healthyCluster, topic} from './fixtures.js'

function configuration(snapshot: ClusterSnapshot, options = {}): Finding[] {
  return runChecks(snapshot, {checks: ['configuration'], ...options}).findings
}

function summary(findings: Finding[]): string[] {
  return findings.map((item) => `${item.id} ${item.severity} ${item.object.kind}:${item.object.name}`)
}

function set(snapshot: ClusterSnapshot, ids: number[], key: string, value: string, source = 'STATIC_BROKER_CONFIG'): ClusterSnapshot {
  for (const node of snapshot.brokers) if (ids.includes(node.id)) node.configs[key] = {value, source}
  return snapshot
}

describe('config lint on live configs', () => {
  it('explicitly set, readable values become the properties text, plus the replication keys at their defaults', () => {
    const node = broker(1, 'az-1', {})
    node.configs = {
      'num.io.threads': {value: '8', source: 'DEFAULT_CONFIG'},
      'offsets.topic.replication.factor': {value: '3', source: 'DEFAULT_CONFIG'},
      'log.dirs': {value: '/data', source: 'STATIC_BROKER_CONFIG'},
      'ssl.keystore.password': {value: null, source: 'STATIC_BROKER_CONFIG', sensitive: true},
      'log.retention.ms': {value: '3600000', source: 'DYNAMIC_BROKER_CONFIG'},
    }
    expect(brokerProperties(node)).toEqual({
      text: 'log.dirs=/data\nlog.retention.ms=3600000\noffsets.topic.replication.factor=3',
      keyOnLine: ['log.dirs', 'log.retention.ms', 'offsets.topic.replication.factor'],
    })
  })

  it('internal topic RF above the broker count: an error while the topic does not exist yet, for keys the broker has', () => {
    const snapshot = healthyCluster()
    // One broker that reports offsets.topic.replication.factor at Kafka's default 3 and (a 3.x broker) no share coordinator key.
    snapshot.brokers = [broker(1, undefined, {'controller.quorum.voters': '1@kafka-1:9093', 'transaction.state.log.replication.factor': '1', 'transaction.state.log.min.isr': '1'})]
    snapshot.brokers[0].configs['offsets.topic.replication.factor'] = {value: '3', source: 'DEFAULT_CONFIG'}
    snapshot.topics = [topic('dev', {partitions: 1, rf: 1, brokers: [1]})]
    const findings = configuration(snapshot).filter((item) => item.problem.includes('internal-topic-rf'))
    expect(findings.map((item) => `${item.severity} ${item.problem}`)).toEqual([
      'error offsets.topic.replication.factor=3 but the cluster has 1 broker(s): the internal topic cannot be created [config lint internal-topic-rf]',
    ])
    // Once __consumer_offsets exists the setting no longer matters.
    snapshot.topics.push(topic('__consumer_offsets', {partitions: 1, rf: 1, brokers: [1], internal: true}))
    expect(configuration(snapshot).filter((item) => item.problem.includes('internal-topic-rf'))).toEqual([])
  })

  it('the same finding on every broker is one finding for the cluster', () => {
    const snapshot = set(healthyCluster(), [1, 2, 3], 'log.dirs', '/tmp/kafka-logs')
    const findings = configuration(snapshot)
    expect(summary(findings)).toEqual(['configuration.lint warning cluster:healthy'])
    expect(findings[0].problem).toBe('log.dirs /tmp/kafka-logs is under /tmp, which the OS may wipe [config lint log-dirs-tmp]')
    expect(findings[0].fix).toBe('use a persistent disk, e.g. log.dirs=/var/lib/kafka/data (brokers 1,2,3)')
  })

  it('an inline comment on one broker names that broker', () => {
    const snapshot = set(healthyCluster(), [2], 'log.cleaner.threads', '2 # more')
    const findings = configuration(snapshot).filter((item) => item.problem.includes('[config lint inline-comment]'))
    expect(summary(findings)).toEqual(['configuration.lint error broker:2'])
  })

  it('a key Kafka 4 removed, set on a running (3.x) broker: an upgrade blocker, a warning; the same key at its default: nothing', () => {
    const snapshot = set(healthyCluster(), [1, 2, 3], 'log.message.format.version', '3.0')
    expect(configuration(snapshot).map((item) => `${item.severity} ${item.problem}`)).toEqual([
      'warning log.message.format.version is not accepted by Kafka 4: message formats v0/v1 were removed (KIP-724); delete the key [config lint removed-key]',
    ])
    expect(configuration(set(healthyCluster(), [1, 2, 3], 'log.message.format.version', '3.0', 'DEFAULT_CONFIG'))).toEqual([])
  })

  it('rules with a doctor check of their own are left to it', () => {
    // auto-create, unclean election, no authorizer and a PLAINTEXT listener are data.*, availability.* and security.* findings.
    const snapshot = healthyCluster()
    set(snapshot, [1, 2, 3], 'auto.create.topics.enable', 'true')
    set(snapshot, [1, 2, 3], 'unclean.leader.election.enable', 'true')
    set(snapshot, [1, 2, 3], 'authorizer.class.name', '')
    expect(configuration(snapshot)).toEqual([])
    const all = runChecks(snapshot).findings.map((item) => item.id)
    expect(all).toEqual(expect.arrayContaining(['data.auto-create-topics', 'availability.unclean-leader-election', 'security.no-authorizer']))
  })

  it('defaults for new topics: min.insync.replicas above default.replication.factor is an error', () => {
    const snapshot = set(healthyCluster(), [1, 2, 3], 'min.insync.replicas', '4')
    const findings = configuration(snapshot)
    expect(summary(findings)).toEqual(['configuration.lint error cluster:healthy'])
    expect(findings[0].problem).toContain('[config lint ha-min-insync]')
  })
})

describe('drift', () => {
  it('a key with two values: the majority first, as the fix', () => {
    const snapshot = set(healthyCluster(), [3], 'log.retention.ms', '3600000')
    set(snapshot, [1, 2], 'log.retention.ms', '86400000')
    const findings = configuration(snapshot)
    expect(summary(findings)).toEqual(['configuration.drift warning config:log.retention.ms'])
    expect(findings[0].problem).toBe('log.retention.ms differs between brokers: 1,2 → "86400000"; 3 → "3600000"')
    expect(findings[0].fix.startsWith('log.retention.ms=86400000 on every broker')).toBe(true)
  })

  it('per-node keys (node.id, broker.rack, advertised.listeners, key stores) are meant to differ', () => {
    const snapshot = healthyCluster()
    set(snapshot, [1], 'ssl.keystore.location', '/etc/kafka/ssl/kafka-1.keystore.p12')
    set(snapshot, [2], 'ssl.keystore.location', '/etc/kafka/ssl/kafka-2.keystore.p12')
    expect(configuration(snapshot)).toEqual([])
  })

  it('a single broker cannot drift', () => {
    const snapshot = healthyCluster()
    snapshot.brokers = [broker(1, undefined)]
    snapshot.topics = [topic('dev', {partitions: 1, rf: 1, brokers: [1]})]
    expect(configuration(snapshot).filter((item) => item.id === 'configuration.drift')).toEqual([])
  })
})

describe('what kctl init writes for this size', () => {
  it('3 brokers: internal topics RF 3 and min ISR 2, 1 GiB segments; threads only when --cores is given', () => {
    const snapshot = healthyCluster()
    expect(Object.fromEntries(initValues(snapshot, {}))).toEqual({
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'share.coordinator.state.topic.replication.factor': '3',
      'share.coordinator.state.topic.min.isr': '2',
      'log.segment.bytes': '1073741824',
    })
    // 16 cores: num.io.threads = max(8, 16), network = max(3, 8), fetchers = max(1, 4).
    expect(Object.fromEntries(initValues(snapshot, {hardware: {cores: 16}}))).toMatchObject({'num.io.threads': '16', 'num.network.threads': '8', 'num.replica.fetchers': '4'})
  })

  it('a differing value is info, naming init\'s value', () => {
    const snapshot = set(healthyCluster(), [1, 2, 3], 'transaction.state.log.min.isr', '1')
    const findings = configuration(snapshot)
    expect(summary(findings)).toEqual(['configuration.init-defaults info cluster:healthy'])
    expect(findings[0].problem).toBe('transaction.state.log.min.isr=1; kctl init writes 2 for 3 broker(s)')
  })

  it('thread counts are compared only with --cores', () => {
    const snapshot = set(healthyCluster(), [1, 2, 3], 'num.io.threads', '8')
    expect(configuration(snapshot)).toEqual([])
    expect(summary(configuration(snapshot, {hardware: {cores: 16}}))).toEqual(expect.arrayContaining(['configuration.init-defaults info cluster:healthy']))
  })

  it('a single node: init writes internal topics at RF 1 and no rebalance delay', () => {
    const snapshot = healthyCluster()
    snapshot.brokers = [broker(1, undefined, {'offsets.topic.replication.factor': '1', 'transaction.state.log.replication.factor': '1', 'transaction.state.log.min.isr': '1', 'share.coordinator.state.topic.replication.factor': '1', 'share.coordinator.state.topic.min.isr': '1', 'group.initial.rebalance.delay.ms': '0', 'controller.quorum.voters': '1@kafka-1:9093'})]
    snapshot.topics = [topic('dev', {partitions: 1, rf: 1, brokers: [1]})]
    expect(configuration(snapshot)).toEqual([])
  })
})
