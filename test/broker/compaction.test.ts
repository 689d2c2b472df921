// Compacted topics on the running broker, through real clients: kafkajs produces (plain and
// gzip batches) and consumes while the cleaner runs, kcat and @platformatic/kafka read the
// result, and a record without a key is refused with Kafka's INVALID_RECORD and per-record
// errors.
import {Consumer, stringDeserializers} from '@platformatic/kafka'
import {CompressionTypes, Kafka, logLevel, type Consumer as KafkajsConsumer} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {ErrorCode} from '../../src/kafka/protocol/index.js'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'
import {useBroker} from '../helpers/broker.js'
import {kcat} from '../interop/clients.js'
import {RawClient} from './raw-client.js'

const KEYS = 100
const ROUNDS = 100
// Record time an hour back, 200 ms a send: with segment.ms=100 every send rolls a segment.
const START = Date.now() - 3_600_000
const compacted = [
  {name: 'cleanup.policy', value: 'compact'},
  {name: 'min.cleanable.dirty.ratio', value: '0.01'},
  {name: 'segment.ms', value: '100'},
]

interface Seen {
  offset: number
  key: string
  value: string | null
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('compacted topics', () => {
  const broker = useBroker({'log.cleaner.backoff.ms': '20'})
  const kafka = () => new Kafka({brokers: [broker().bootstrap], clientId: 'compaction-test', logLevel: logLevel.NOTHING})

  async function consumeFromStart(topic: string, group: string, seen: Seen[]): Promise<KafkajsConsumer> {
    const consumer = kafka().consumer({groupId: group, maxWaitTimeInMs: 100})
    await consumer.connect()
    await consumer.subscribe({topic, fromBeginning: true})
    await consumer.run({
      eachMessage: async ({message}) => {
        seen.push({offset: Number(message.offset), key: message.key!.toString(), value: message.value === null ? null : message.value.toString()})
      },
    })
    return consumer
  }

  function cleaned(topic: string, since = 0): boolean {
    const stats = broker().state.log.cleanerStats(topic, 0)
    return stats !== undefined && stats.lastCleanedMs > since && stats.dirtyRatio === 0
  }

  it('compacts 100 keys written 10,000 times while a kafkajs consumer reads a consistent view; kcat reads the result', async () => {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'compacted', configEntries: compacted}]})
    await admin.disconnect()

    const live: Seen[] = []
    const reader = await consumeFromStart('compacted', 'live-reader', live)
    const producer = kafka().producer()
    await producer.connect()
    const sendsOfRounds = 5
    for (let send = 0; send < ROUNDS / sendsOfRounds; send++) {
      const messages = []
      for (let r = 0; r < sendsOfRounds; r++) {
        const round = send * sendsOfRounds + r
        for (let k = 0; k < KEYS; k++) messages.push({key: `k${k}`, value: `${round}`, timestamp: String(START + send * 200)})
      }
      await producer.send({topic: 'compacted', messages, compression: send % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None})
    }
    // A last record in a new segment closes the one before it, so all 10,000 are cleanable.
    await producer.send({topic: 'compacted', messages: [{key: 'k0', value: 'final', timestamp: String(START + 100_000)}]})
    await producer.disconnect()

    await until('the cleaner to finish', () => cleaned('compacted'))
    await until('the live reader to reach the end', () => live.some((s) => s.value === 'final'))
    await reader.disconnect()
    // The live reader saw every key's values in order, offsets only growing, and the latest last.
    const lastByKey = new Map<string, string | null>()
    for (let i = 0; i < live.length; i++) {
      if (i > 0) expect(live[i].offset).toBeGreaterThan(live[i - 1].offset)
      const previous = lastByKey.get(live[i].key)
      if (previous !== undefined && live[i].value !== 'final') expect(Number(live[i].value)).toBeGreaterThan(Number(previous))
      lastByKey.set(live[i].key, live[i].value)
    }
    expect(lastByKey.get('k0')).toBe('final')
    for (let k = 1; k < KEYS; k++) expect(lastByKey.get(`k${k}`)).toBe(String(ROUNDS - 1))

    // A reader starting now sees one record per key in the cleaned segments, plus the active one.
    const after: Seen[] = []
    const fresh = await consumeFromStart('compacted', 'fresh-reader', after)
    await until('the fresh reader to reach the end', () => after.some((s) => s.value === 'final'))
    await fresh.disconnect()
    expect(after).toHaveLength(KEYS + 1)
    expect(after.slice(0, KEYS).map((s) => s.key).sort()).toEqual(Array.from({length: KEYS}, (_, k) => `k${k}`).sort())
    for (const record of after.slice(0, KEYS)) expect(record.value).toBe(String(ROUNDS - 1))

    const lines = (await kcat(['-b', broker().bootstrap, '-C', '-t', 'compacted', '-o', 'beginning', '-e', '-q', '-f', '%o %k %s\n'])).trimEnd().split('\n')
    expect(lines).toHaveLength(KEYS + 1)
    expect(lines.map((line) => line.split(' ').slice(1).join(' '))).toEqual(after.map((s) => `${s.key} ${s.value}`))
    const offsets = lines.map((line) => Number(line.split(' ')[0]))
    expect(offsets).toEqual(after.map((s) => s.offset))
  })

  it('serves the compacted topic to @platformatic/kafka as well: one record per key, offsets growing', async () => {
    const consumer = new Consumer({clientId: 'pl-compacted', bootstrapBrokers: [broker().bootstrap], groupId: 'pl-compacted', deserializers: stringDeserializers, maxWaitTime: 200})
    const seen: Seen[] = []
    try {
      const stream = await consumer.consume({topics: ['compacted'], mode: 'earliest', autocommit: false})
      const timer = setTimeout(() => void stream.close(), 15_000)
      for await (const message of stream) {
        seen.push({offset: Number(message.offset), key: String(message.key), value: String(message.value)})
        if (seen.length === KEYS + 1) {
          clearTimeout(timer)
          break
        }
      }
    } finally {
      await consumer.close(true)
    }
    expect(seen).toHaveLength(KEYS + 1)
    for (let i = 1; i < seen.length; i++) expect(seen[i].offset).toBeGreaterThan(seen[i - 1].offset)
    expect(seen.at(-1)).toMatchObject({key: 'k0', value: 'final'})
    expect(seen.slice(0, KEYS).every((s) => s.value === String(ROUNDS - 1))).toBe(true)
  })

  it('keeps tombstones until their delete horizon (delete.retention.ms after the cleaning that kept them), then drops them with no new writes', async () => {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'tombstones', configEntries: [...compacted, {name: 'delete.retention.ms', value: '1500'}]}]})
    await admin.disconnect()
    const producer = kafka().producer()
    await producer.connect()
    const now = Date.now()
    await producer.send({topic: 'tombstones', messages: Array.from({length: 10}, (_, k) => ({key: `k${k}`, value: 'v', timestamp: String(now - 1000)}))})
    await producer.send({topic: 'tombstones', messages: Array.from({length: 5}, (_, k) => ({key: `k${k}`, value: null, timestamp: String(now)}))})
    await producer.send({topic: 'tombstones', messages: [{key: 'roll', value: '1', timestamp: String(now + 500)}]})
    await until('the first cleaning', () => cleaned('tombstones'))
    const first = broker().state.log.cleanerStats('tombstones', 0)!.lastCleanedMs

    const read = async (group: string, expected: number): Promise<Seen[]> => {
      const seen: Seen[] = []
      const consumer = await consumeFromStart('tombstones', group, seen)
      await until(`${expected} records`, () => seen.length >= expected)
      await consumer.disconnect()
      return seen
    }
    const kept = await read('tombstones-1', 11)
    expect(kept.filter((s) => s.value === null).map((s) => s.key).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'])

    // The first cleaning stamped the tombstones' batch with a delete horizon 1.5 s on; once it
    // has passed, the cleaner takes the idle partition again (below its dirty ratio) and they go.
    await producer.disconnect()
    await until('the cleaning at the delete horizon', () => broker().state.log.cleanerStats('tombstones', 0)!.lastCleanedMs > first)
    const gone = await read('tombstones-2', 6)
    // roll=1 sits in the active segment, never cleaned.
    expect(gone.map((s) => `${s.key}=${s.value}`)).toEqual(['k5=v', 'k6=v', 'k7=v', 'k8=v', 'k9=v', 'roll=1'])
  })

  it('refuses a record without a key as Kafka does: INVALID_RECORD with per-record errors', async () => {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'keys-only', configEntries: [{name: 'cleanup.policy', value: 'compact'}]}]})
    await admin.disconnect()
    const producer = kafka().producer({retry: {retries: 0}})
    await producer.connect()
    await expect(producer.send({topic: 'keys-only', messages: [{value: 'no key'}]})).rejects.toMatchObject({type: 'INVALID_RECORD'})
    await producer.send({topic: 'keys-only', messages: [{key: 'a', value: 'keyed'}]})
    await producer.disconnect()

    const client = await RawClient.connect(broker().bootstrap)
    try {
      const records = buildRecordBatch({records: [{key: 'a', value: '1'}, {value: '2'}, {key: 'b', value: '3'}, {key: null, value: '4'}]})
      const response = await client.request(0, 9, {transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{name: 'keys-only', partitionData: [{index: 0, records}]}]})
      const partition = response.responses[0].partitionResponses[0]
      expect(partition.errorCode).toBe(ErrorCode.INVALID_RECORD)
      expect(partition.recordErrors).toEqual([
        {batchIndex: 1, batchIndexErrorMessage: 'Compacted topic cannot accept message without key in topic partition keys-only-0.'},
        {batchIndex: 3, batchIndexErrorMessage: 'Compacted topic cannot accept message without key in topic partition keys-only-0.'},
      ])
      expect(partition.errorMessage).toMatch(/^One or more records have been rejected due to 2 record errors in total/)
    } finally {
      client.close()
    }
    expect(broker().state.log.offsets('keys-only', 0)?.highWatermark).toBe(1)
  })

  it('answers the cleaner state of a compacted topic only when DescribeConfigs names it', async () => {
    const client = await RawClient.connect(broker().bootstrap)
    try {
      const keys = ['kctl.log.cleaner.dirty.ratio', 'kctl.log.cleaner.last.cleaned.ms']
      const named = await client.request(32, 4, {resources: [{resourceType: 2, resourceName: 'compacted', configurationKeys: keys}], includeSynonyms: false, includeDocumentation: false})
      const values = Object.fromEntries(named.results[0].configs.map((c) => [c.name, c]))
      expect(values['kctl.log.cleaner.dirty.ratio']).toMatchObject({value: '0.0000', readOnly: true})
      expect(Number(values['kctl.log.cleaner.last.cleaned.ms'].value)).toBeGreaterThan(0)
      const all = await client.request(32, 4, {resources: [{resourceType: 2, resourceName: 'compacted', configurationKeys: null}], includeSynonyms: false, includeDocumentation: false})
      expect(all.results[0].configs.some((c) => c.name.startsWith('kctl.'))).toBe(false)
    } finally {
      client.close()
    }
  })
})
