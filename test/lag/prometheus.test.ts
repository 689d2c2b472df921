// Prometheus text for a lag report: kafka_exporter's names and labels, one HELP/TYPE per metric.
import {describe, expect, it} from 'vitest'
import {buildLagReport, timestampKey} from '../../src/admin/lag/compute.js'
import {renderPrometheus} from '../../src/admin/lag/prometheus.js'
import {LagWindow} from '../../src/admin/lag/watch.js'

describe('renderPrometheus', () => {
  const report = buildLagReport({
    nowMs: 10_000,
    partitionsByTopic: new Map([['orders', [
      {topic: 'orders', partition: 0, logStartOffset: 3, logEndOffset: 20},
      {topic: 'orders', partition: 1, logStartOffset: 0, logEndOffset: 5},
    ]]]),
    groups: [{groupId: 'app "x"', type: 'classic', state: 'Stable', members: [], committed: new Map([['orders', new Map([[0, 15]])]])}],
    timestamps: new Map([[timestampKey('orders', 0, 15), 7_500]]),
  })
  const window = new LagWindow(3)
  window.add(report)
  const text = renderPrometheus(report, {brokers: 1, trends: window.classify()})

  it('uses kafka_exporter names and labels', () => {
    expect(text).toContain('kafka_brokers 1\n')
    expect(text).toContain('kafka_topic_partitions{topic="orders"} 2\n')
    expect(text).toContain('kafka_topic_partition_current_offset{topic="orders",partition="0"} 20\n')
    expect(text).toContain('kafka_topic_partition_oldest_offset{topic="orders",partition="0"} 3\n')
    expect(text).toContain('kafka_consumergroup_current_offset{consumergroup="app \\"x\\"",topic="orders",partition="0"} 15\n')
    expect(text).toContain('kafka_consumergroup_current_offset{consumergroup="app \\"x\\"",topic="orders",partition="1"} -1\n')
    expect(text).toContain('kafka_consumergroup_lag{consumergroup="app \\"x\\"",topic="orders",partition="0"} 5\n')
    expect(text).toContain('kafka_consumergroup_lag{consumergroup="app \\"x\\"",topic="orders",partition="1"} 5\n')
    expect(text).toContain('kafka_consumergroup_lag_sum{consumergroup="app \\"x\\"",topic="orders"} 10\n')
    expect(text).toContain('kctl_consumergroup_lag_seconds{consumergroup="app \\"x\\"",topic="orders",partition="0"} 2.5\n')
    expect(text).toContain('kctl_consumergroup_status{consumergroup="app \\"x\\"",status="OK"} 1\n')
  })

  it('declares each metric once as a gauge', () => {
    const types = text.split('\n').filter((line) => line.startsWith('# TYPE'))
    expect(new Set(types).size).toBe(types.length)
    expect(types.every((line) => line.endsWith(' gauge'))).toBe(true)
    // every sample line is "name{labels} number"
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{.*\})? -?[0-9.]+$/)
  })
})
