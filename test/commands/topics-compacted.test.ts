// `kctl topics describe` on a compacted topic of the bundled broker shows each partition's
// dirty ratio and last cleaning (the broker's kctl.log.cleaner.* entries); a delete-policy
// topic shows neither column.
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl, kctlJson} from './kctl.js'

describe('kctl topics describe on compacted topics', {timeout: 120_000}, () => {
  const broker = useBroker({'log.cleaner.backoff.ms': '20'})
  const env = isolatedEnv()
  const b = () => ['-b', broker().bootstrap]

  it('shows the dirty ratio and last cleaning per partition', async () => {
    const kafka = new Kafka({brokers: [broker().bootstrap], clientId: 'describe-compacted', logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    const configEntries = [
      {name: 'cleanup.policy', value: 'compact'},
      {name: 'min.cleanable.dirty.ratio', value: '0.01'},
      {name: 'segment.ms', value: '100'},
    ]
    await admin.createTopics({topics: [{topic: 'kv', numPartitions: 2, configEntries}, {topic: 'plain'}]})
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    const start = Date.now() - 60_000
    for (let round = 0; round < 3; round++) {
      await producer.send({topic: 'kv', messages: [0, 1].map((partition) => ({partition, key: 'k', value: String(round), timestamp: String(start + round * 1000)}))})
    }
    await producer.disconnect()
    const deadline = Date.now() + 30_000
    while ([0, 1].some((p) => (broker().state.log.cleanerStats('kv', p)?.lastCleanedMs ?? -1) < 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))

    const view = await kctlJson<{partitions: {partition: number; dirtyRatio: number; lastCleanedMs: number}[]}>(['topics', 'describe', 'kv', ...b()], {env})
    for (const partition of view.partitions) {
      expect(partition.dirtyRatio).toBe(0)
      expect(partition.lastCleanedMs).toBeGreaterThan(0)
    }
    const table = await kctl(['topics', 'describe', 'kv', ...b()], {env})
    expect(table.stdout).toMatch(/HIGH-WATERMARK\s+DIRTY-RATIO\s+LAST-CLEANED/)
    expect(table.stdout).toMatch(/\n0\s.*\s0\.00\s+\d{4}-\d\d-\d\dT/)
    const plain = await kctl(['topics', 'describe', 'plain', ...b()], {env})
    expect(plain.stdout).not.toContain('DIRTY-RATIO')
    expect(plain.code).toBe(0)
  })
})
