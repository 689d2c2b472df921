// Lag arithmetic on synthetic observations: every rule of src/admin/lag/compute.ts.
import {describe, expect, it} from 'vitest'
import {buildLagReport, type GroupObservation, type PartitionOffsets, thresholdBreaches, timestampKey} from '../../src/admin/lag/compute.js'

const partitionsByTopic = new Map<string, PartitionOffsets[]>([
  ['orders', [
    {topic: 'orders', partition: 0, logStartOffset: 0, logEndOffset: 100},
    {topic: 'orders', partition: 1, logStartOffset: 50, logEndOffset: 80},
    {topic: 'orders', partition: 2, logStartOffset: 0, logEndOffset: 10},
  ]],
  ['audit', [{topic: 'audit', partition: 0, logStartOffset: 0, logEndOffset: 5}]],
])

function group(groupId: string, committed: Record<string, Record<number, number>>, extra: Partial<GroupObservation> = {}): GroupObservation {
  return {
    groupId,
    type: 'classic',
    state: 'Stable',
    members: [],
    committed: new Map(Object.entries(committed).map(([topic, partitions]) => [topic, new Map(Object.entries(partitions).map(([p, o]) => [Number(p), o]))])),
    ...extra,
  }
}

describe('buildLagReport', () => {
  const nowMs = 1_000_000
  const report = buildLagReport({
    nowMs,
    partitionsByTopic,
    groups: [
      group('billing', {orders: {0: 90, 1: 10, 2: 12}}, {
        members: [{memberId: 'm-1', clientId: 'billing-app', host: '/10.0.0.7', assignment: [{topic: 'orders', partitions: [0, 1]}]}],
      }),
      group('audit-reader', {audit: {0: 5}}),
    ],
    timestamps: new Map([
      [timestampKey('orders', 0, 90), nowMs - 4_000],
      [timestampKey('orders', 1, 50), nowMs - 60_000],
    ]),
  })

  it('counts lag from the committed offset to the high watermark, never below zero', () => {
    const byPartition = new Map(report.rows.filter((row) => row.group === 'billing').map((row) => [row.partition, row]))
    expect(byPartition.get(0)).toMatchObject({currentOffset: 90, logEndOffset: 100, lag: 10, timeLagMs: 4_000, consumerId: 'm-1', host: '/10.0.0.7', clientId: 'billing-app'})
    // committed 10 is below the log start 50: only 80 - 50 records can still be read
    expect(byPartition.get(1)).toMatchObject({currentOffset: 10, lag: 30, timeLagMs: 60_000})
    // committed past the end (after a truncation): 0, not -2
    expect(byPartition.get(2)).toMatchObject({currentOffset: 12, lag: 0, timeLagMs: 0, consumerId: null})
  })

  it('totals per group and per group and topic, sorted by lag', () => {
    expect(report.groups).toEqual([
      {group: 'billing', type: 'classic', state: 'Stable', members: 1, partitions: 3, lag: 40, maxTimeLagMs: 60_000},
      {group: 'audit-reader', type: 'classic', state: 'Stable', members: 0, partitions: 1, lag: 0, maxTimeLagMs: 0},
    ])
    expect(report.topics.map((total) => [total.group, total.topic, total.lag])).toEqual([['billing', 'orders', 40], ['audit-reader', 'audit', 0]])
    expect(report.rows.map((row) => row.lag)).toEqual([30, 10, 0, 0])
  })

  it('counts the whole backlog of a partition with no commit, and an unknown time lag as null', () => {
    const fresh = buildLagReport({
      nowMs,
      partitionsByTopic,
      groups: [group('fresh', {}, {members: [{memberId: 'm', clientId: 'c', host: '/h', assignment: [{topic: 'orders', partitions: [0, 1, 2]}]}]})],
      timestamps: new Map([[timestampKey('orders', 0, 0), nowMs - 1_000]]),
    })
    expect(fresh.rows.map((row) => [row.partition, row.currentOffset, row.lag, row.timeLagMs])).toEqual([
      [0, null, 100, 1_000],
      [1, null, 30, null],
      [2, null, 10, null],
    ])
    expect(fresh.groups[0]).toMatchObject({lag: 140, maxTimeLagMs: null})
  })

  it('limits rows to --topic and reports a group whose offsets failed without rows', () => {
    const filtered = buildLagReport({
      nowMs,
      partitionsByTopic,
      groups: [group('billing', {orders: {0: 1}, audit: {0: 0}}), group('broken', {}, {error: 'COORDINATOR_NOT_AVAILABLE'})],
      timestamps: new Map(),
      topicFilter: new Set(['audit']),
    })
    expect(filtered.rows.map((row) => row.topic)).toEqual(['audit'])
    expect(filtered.groups.find((total) => total.group === 'broken')).toMatchObject({error: 'COORDINATOR_NOT_AVAILABLE', maxTimeLagMs: null, partitions: 0})
  })
})

describe('thresholdBreaches', () => {
  const report = buildLagReport({
    nowMs: 600_000,
    partitionsByTopic,
    groups: [group('g', {orders: {0: 95, 1: 50, 2: 10}})],
    timestamps: new Map([[timestampKey('orders', 0, 95), 0]]),
  })

  it('reports lag above --max-lag and time lag above --max-time-lag', () => {
    expect(thresholdBreaches(report, {maxLag: 10})).toEqual([{group: 'g', topic: 'orders', partition: 1, what: 'lag', value: 30, limit: 10}])
    expect(thresholdBreaches(report, {maxLag: 30})).toEqual([])
    const timeBreaches = thresholdBreaches(report, {maxTimeLagMs: 300_000})
    // partition 0 is 600 s behind; partition 1 has lag but no readable record: unknown counts
    expect(timeBreaches.map((breach) => [breach.partition, breach.value])).toEqual([[1, null], [0, 600_000]])
  })
})
