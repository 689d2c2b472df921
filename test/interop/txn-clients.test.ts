// Transactions across independent clients: confluent-kafka (librdkafka) runs a
// consume-transform-produce loop over 10,000 records with aborted transactions mixed in;
// kcat and a kafkajs read_committed consumer then see every output record exactly once and
// no aborted one, while read_uncommitted readers see the aborted copies too. @platformatic/kafka
// commits and aborts its own transactions and reads them back read_committed.
import {Consumer, type Message, Producer, stringDeserializers, stringSerializers} from '@platformatic/kafka'
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {kcat, python} from './clients.js'

const TOTAL = 10_000

describe('transactions with real clients', () => {
  const broker = useBroker()
  const kafka = () => new Kafka({brokers: [broker().bootstrap], clientId: 'txn-interop', logLevel: logLevel.NOTHING})

  async function createTopics(...topics: string[]): Promise<void> {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({topics: topics.map((topic) => ({topic, numPartitions: 2}))})
    await admin.disconnect()
  }

  async function kcatValues(topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
    const out = await kcat(['-C', '-b', broker().bootstrap, '-t', topic, '-X', `isolation.level=${isolation}`, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'])
    return out.split('\n').filter((line) => line !== '')
  }

  it('confluent-kafka consume-transform-produce: each committed record once, no aborted one, offsets with the transactions', async () => {
    await createTopics('ctp-in', 'ctp-out')
    const seed = kafka().producer()
    await seed.connect()
    for (let from = 0; from < TOTAL; from += 1000) {
      await seed.send({topic: 'ctp-in', messages: Array.from({length: 1000}, (_, i) => ({key: String(from + i), value: `in-${from + i}`, partition: (from + i) % 2}))})
    }
    await seed.disconnect()

    const loop = await python<{committedRecords: number; committed: number; aborted: number}>('confluent_txn_ctp', [
      broker().bootstrap,
      'ctp-in',
      'ctp-out',
      'ctp-group',
      'ctp-txn',
      String(TOTAL),
      '4',
    ])
    expect(loop.committedRecords).toBe(TOTAL)
    expect(loop.aborted).toBeGreaterThan(0)

    const expected = Array.from({length: TOTAL}, (_, i) => `out-${i}`).sort()
    expect((await kcatValues('ctp-out', 'read_committed')).sort()).toEqual(expected)
    const uncommitted = await kcatValues('ctp-out', 'read_uncommitted')
    expect(uncommitted.length).toBeGreaterThan(TOTAL) // the aborted transactions' copies
    expect(new Set(uncommitted)).toEqual(new Set(expected))

    const consumer = kafka().consumer({groupId: 'ctp-verify', readUncommitted: false})
    await consumer.connect()
    await consumer.subscribe({topic: 'ctp-out', fromBeginning: true})
    const seen = new Map<string, number>()
    await new Promise<void>((resolve, reject) => {
      let count = 0
      consumer.run({
        eachMessage: async ({message}) => {
          const value = String(message.value)
          seen.set(value, (seen.get(value) ?? 0) + 1)
          if (++count === TOTAL) setTimeout(resolve, 500) // then look for anything extra
        },
      }).catch(reject)
    })
    await consumer.disconnect()
    expect(seen.size).toBe(TOTAL)
    expect([...seen.values()].every((n) => n === 1)).toBe(true)

    const admin = kafka().admin()
    await admin.connect()
    const offsets = await admin.fetchOffsets({groupId: 'ctp-group', topics: ['ctp-in']})
    await admin.disconnect()
    expect(offsets[0].partitions.map((p) => Number(p.offset)).reduce((a, b) => a + b, 0)).toBe(TOTAL)
  }, 90_000)

  it('@platformatic/kafka commits and aborts transactions; its read_committed consumer and kcat see only the committed', async () => {
    await createTopics('pl-txn')
    const producer = new Producer({clientId: 'pl-txn', bootstrapBrokers: [broker().bootstrap], idempotent: true, transactionalId: 'pl-txn', serializers: stringSerializers})
    try {
      const committed = await producer.beginTransaction()
      await committed.send({messages: Array.from({length: 50}, (_, i) => ({topic: 'pl-txn', partition: i % 2, value: `keep-${i}`}))})
      await committed.commit()
      const aborted = await producer.beginTransaction()
      await aborted.send({messages: Array.from({length: 50}, (_, i) => ({topic: 'pl-txn', partition: i % 2, value: `drop-${i}`}))})
      await aborted.abort()
      const last = await producer.beginTransaction()
      await last.send({messages: [{topic: 'pl-txn', partition: 0, value: 'keep-last'}]})
      await last.commit()
    } finally {
      await producer.close()
    }
    const expected = [...Array.from({length: 50}, (_, i) => `keep-${i}`), 'keep-last'].sort()

    const consumer = new Consumer({clientId: 'pl-reader', bootstrapBrokers: [broker().bootstrap], groupId: 'pl-reader', deserializers: stringDeserializers, maxWaitTime: 200})
    const values: string[] = []
    try {
      const stream = await consumer.consume({topics: ['pl-txn'], mode: 'earliest', autocommit: false})
      const timer = setTimeout(() => void stream.close(), 5000)
      for await (const message of stream) {
        values.push(message.value as string)
        if (values.length === expected.length) {
          clearTimeout(timer)
          break
        }
      }
    } finally {
      await consumer.close(true)
    }
    expect(values.sort()).toEqual(expected)
    expect((await kcatValues('pl-txn', 'read_committed')).sort()).toEqual(expected)
    expect(await kcatValues('pl-txn', 'read_uncommitted')).toHaveLength(101)
  }, 60_000)

  it('@platformatic/kafka consume-transform-produce: offsets sent with the transaction (addConsumer, addOffset) count only when it commits', async () => {
    await createTopics('pl-out')
    const producer = new Producer({clientId: 'pl-ctp', bootstrapBrokers: [broker().bootstrap], idempotent: true, transactionalId: 'pl-ctp', serializers: stringSerializers})
    const consumer = new Consumer({clientId: 'pl-ctp', bootstrapBrokers: [broker().bootstrap], groupId: 'pl-ctp', deserializers: stringDeserializers, maxWaitTime: 200})
    const admin = kafka().admin()
    await admin.connect()
    const committedOffsets = async () =>
      Object.fromEntries((await admin.fetchOffsets({groupId: 'pl-ctp', topics: ['pl-txn']}))[0].partitions.map((p) => [p.partition, Number(p.offset)]))
    try {
      const stream = await consumer.consume({topics: ['pl-txn'], mode: 'earliest', autocommit: false})
      const batch: Message<string, string, string, string>[] = []
      for await (const message of stream) {
        batch.push(message)
        if (batch.length === 51) break // the committed records of the previous test
      }
      const transform = async (commit: boolean) => {
        const txn = await producer.beginTransaction()
        await txn.send({messages: batch.map((m) => ({topic: 'pl-out', partition: m.partition, value: `${m.value}`.toUpperCase()}))})
        await txn.addConsumer(consumer)
        const last = new Map(batch.map((m) => [m.partition, m]))
        for (const message of last.values()) await txn.addOffset(message)
        if (commit) await txn.commit()
        else await txn.abort()
        return new Map([...last].map(([partition, m]) => [partition, Number(m.offset) + 1]))
      }
      await transform(false)
      expect(await committedOffsets()).toEqual({0: -1, 1: -1})
      const next = await transform(true)
      expect(await committedOffsets()).toEqual(Object.fromEntries(next))
    } finally {
      await consumer.close(true)
      await producer.close()
      await admin.disconnect()
    }
    const out = await kcatValues('pl-out', 'read_committed')
    expect(out.sort()).toEqual([...Array.from({length: 50}, (_, i) => `KEEP-${i}`), 'KEEP-LAST'].sort())
    expect(await kcatValues('pl-out', 'read_uncommitted')).toHaveLength(102)
  }, 60_000)
})
