// Data and consumers: infinite retention, auto-create, and consumer groups classified as
// `kctl lag --watch` does, over two samples a window apart.
import {describe, expect, it} from 'vitest'
import {type Finding, runChecks} from '../../src/admin/doctor/index.js'
import type {ClusterSnapshot} from '../../src/admin/doctor/snapshot.js'
import {broker, consumers, GiB, healthyCluster, MiB, topic, withLogDirs} from './fixtures.js'

function data(snapshot: ClusterSnapshot, options = {}): Finding[] {
  return runChecks(snapshot, {checks: ['data'], ...options}).findings
}

function summary(findings: Finding[]): string[] {
  return findings.map((item) => `${item.id} ${item.severity} ${item.object.kind}:${item.object.name}`)
}

describe('retention', () => {
  it('kept forever and written to: a warning with its size and growth', () => {
    const snapshot = healthyCluster()
    snapshot.topics.push(topic('audit', {partitions: 2, rf: 3, writeBytesPerSec: MiB, configs: {'retention.ms': '-1'}}))
    withLogDirs(snapshot, {totalBytes: 1024 * GiB, usableBytes: 1000 * GiB}, (name) => (name === 'audit' ? 5 * GiB : GiB))
    const findings = data(snapshot)
    expect(summary(findings)).toEqual(['data.infinite-retention warning topic:audit'])
    // 2 partitions × 5 GiB; 2 × 1 MiB/s.
    expect(findings[0].problem).toBe('retention.ms=-1 and retention.bytes=-1: 10.0 GiB kept forever, growing 2.0 MiB/s (before replication)')
  })

  it('kept forever but idle: info', () => {
    const snapshot = healthyCluster()
    snapshot.topics.push(topic('archive', {partitions: 1, rf: 3, configs: {'retention.ms': '-1'}}))
    expect(summary(data(snapshot))).toEqual(['data.infinite-retention info topic:archive'])
  })

  it('a size cap or compaction is not "forever"', () => {
    const snapshot = healthyCluster()
    snapshot.topics.push(topic('capped', {partitions: 1, rf: 3, writeBytesPerSec: MiB, configs: {'retention.ms': '-1', 'retention.bytes': '1000000000'}}))
    snapshot.topics.push(topic('table', {partitions: 1, rf: 3, writeBytesPerSec: MiB, configs: {'retention.ms': '-1', 'cleanup.policy': 'compact'}}))
    expect(data(snapshot)).toEqual([])
  })
})

describe('auto-create', () => {
  it('on a multi-broker cluster: a warning', () => {
    const snapshot = healthyCluster()
    for (const node of snapshot.brokers) node.configs['auto.create.topics.enable'] = {value: 'true', source: 'DEFAULT_CONFIG'}
    expect(summary(data(snapshot))).toEqual(['data.auto-create-topics warning cluster:healthy'])
  })

  it('on a single broker (development): nothing', () => {
    const snapshot = healthyCluster()
    snapshot.brokers = [broker(1, undefined, {'auto.create.topics.enable': 'true'})]
    snapshot.topics = [topic('dev', {partitions: 1, rf: 1, brokers: [1]})]
    snapshot.consumers = undefined
    expect(data(snapshot)).toEqual([])
  })
})

describe('consumer groups over the window', () => {
  it.each([
    // Members present, committed offset frozen at 900 while the log grows: STALL.
    ['stalled', [{logEnd: 1000, committed: 900}, {logEnd: 1100, committed: 900}], 1, 'data.group-stalled error group:billing'],
    // The same without members: STOP.
    ['stopped', [{logEnd: 1000, committed: 900}, {logEnd: 1100, committed: 900}], 0, 'data.group-stopped warning group:billing'],
    // Consuming (900 → 1000) but lag grows 100 → 1000: WARN.
    ['falling behind', [{logEnd: 1000, committed: 900}, {logEnd: 2000, committed: 1000}], 1, 'data.group-falling-behind warning group:billing'],
    // Committed offset went back 900 → 800: ERR.
    ['rewound', [{logEnd: 1000, committed: 900}, {logEnd: 1100, committed: 800}], 1, 'data.group-error warning group:billing'],
  ])('%s', (_, samples, members, expected) => {
    const snapshot = healthyCluster()
    snapshot.consumers = consumers('orders', samples, members)
    expect(summary(data(snapshot))).toEqual([expected])
  })

  it('the stalled group\'s problem carries the reason and the lag', () => {
    const snapshot = healthyCluster()
    snapshot.consumers = consumers('orders', [{logEnd: 1000, committed: 900}, {logEnd: 1100, committed: 900}], 1)
    // Lag 100 → 200 over 30 s: +3.33/s, shown rounded.
    expect(data(snapshot)[0].problem).toBe('STALL: orders:0: members present, offset not moving; lag 200 record(s), growing 3/s')
  })

  it('caught up within the window: nothing', () => {
    expect(data(healthyCluster())).toEqual([])
  })

  it('--max-lag and --max-time-lag as kctl lag applies them', () => {
    const snapshot = healthyCluster()
    // End of the window: lag 1100 − 900 = 200, the first unconsumed record 2 minutes old.
    snapshot.consumers = consumers('orders', [{logEnd: 1000, committed: 900}, {logEnd: 1100, committed: 900}], 1)
    const over = data(snapshot, {maxLag: 100, maxTimeLagMs: 60_000}).filter((item) => item.id === 'data.group-over-lag-limit')
    expect(summary(over)).toEqual(['data.group-over-lag-limit error group:billing'])
    expect(over[0].problem).toBe('lag 200 > --max-lag 100 on orders:0; time-lag 2m0s > --max-time-lag 1m0s on orders:0')
    expect(data(snapshot, {maxLag: 500, maxTimeLagMs: 300_000}).filter((item) => item.id === 'data.group-over-lag-limit')).toEqual([])
  })
})
