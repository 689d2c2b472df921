// Compaction of a topic written with transactions, end to end: kafkajs (producer.transaction())
// and confluent-kafka (librdkafka, through /usr/bin/python3) commit and abort transactions on
// one compacted partition, a plain kafkajs producer writes values and a tombstone, and the
// bundled broker's cleaner runs with segments rolled every 100 ms of record time and a
// delete.retention.ms of 2 s. Then kcat reads the partition read_committed and
// read_uncommitted: the aborted records are gone from both views, each key has its latest
// committed value, the tombstone has gone after its delete horizon without further writes,
// offsets only grow; in the segment files only the markers of transactions that still hold
// data are left. A second topic keeps its tombstones for an hour: kcat and kafkajs read the
// batch the cleaner stamped with a delete horizon and see the records' original timestamps.
import fs from 'node:fs'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {DELETE_HORIZON_BIT, readControlRecord, type RecordBatchSpan, splitRecordBatches} from '../../src/kafka/protocol/record-batch.js'
import {useBroker} from '../helpers/broker.js'
import {kcat, python} from './clients.js'

const TOPIC = 'compacted-txn'

interface Read {
  offset: number
  key: string
  value: string | null
}

// Polls `check` (bounded); on a timeout the error shows what the last check saw.
async function until(what: string, check: () => Promise<{done: boolean; seen: unknown}>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const {done, seen} = await check()
    if (done) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(seen)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

describe('compaction of transactional writes', () => {
  const broker = useBroker({'log.cleaner.backoff.ms': '50'})
  const kafka = () => new Kafka({brokers: [broker().bootstrap], clientId: 'compaction-txn', logLevel: logLevel.NOTHING})

  async function kcatRead(isolation: 'read_committed' | 'read_uncommitted'): Promise<Read[]> {
    // -Z prints a null value as NULL; the fields are tab-separated.
    const out = await kcat(['-C', '-b', broker().bootstrap, '-t', TOPIC, '-p', '0', '-X', `isolation.level=${isolation}`, '-o', 'beginning', '-e', '-q', '-Z', '-f', '%o\\t%k\\t%s\\n'])
    return out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [offset, key, value] = line.split('\t')
        return {offset: Number(offset), key, value: value === 'NULL' ? null : value}
      })
  }

  // The batches in the segment files of partition 0 of `topic`, with their bytes.
  function batchesOnDisk(topic: string): {bytes: Buffer; batches: RecordBatchSpan[]}[] {
    const dir = path.join(broker().dataDir, `${topic}-0`)
    const found: {bytes: Buffer; batches: RecordBatchSpan[]}[] = []
    for (const name of fs.readdirSync(dir).filter((f) => /^\d{20}\.log$/.test(f)).sort()) {
      const bytes = fs.readFileSync(path.join(dir, name))
      const split = splitRecordBatches(bytes)
      if (!split.ok) throw new Error(`${name}: ${split.message}`)
      found.push({bytes, batches: split.batches})
    }
    return found
  }

  // The transaction markers in the partition's segment files, as [producer id, type].
  function markersOnDisk(): [number, string][] {
    return batchesOnDisk(TOPIC).flatMap(({bytes, batches}) =>
      batches.filter((b) => b.isControl).map((b): [number, string] => [b.producerId, readControlRecord(bytes, b.position)!.type]),
    )
  }

  it('removes aborted records and, after the delete horizon, tombstones and the markers of transactions without data; kcat sees the latest committed values', async () => {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          numPartitions: 1,
          configEntries: [
            {name: 'cleanup.policy', value: 'compact'},
            {name: 'min.cleanable.dirty.ratio', value: '0.01'},
            {name: 'segment.ms', value: '100'}, // rolls on record time: many small segments
            {name: 'delete.retention.ms', value: '2000'},
          ],
        },
      ],
    })
    await admin.disconnect()

    // kafkajs: T1 commits k1 and k2, T2 aborts k1 and k3, T3 commits k1 and k2 again.
    const transactional = kafka().producer({transactionalId: 'kafkajs-compact', idempotent: true, maxInFlightRequests: 1})
    await transactional.connect()
    const runTxn = async (outcome: 'commit' | 'abort', messages: {key: string; value: string}[]) => {
      const txn = await transactional.transaction()
      await txn.send({topic: TOPIC, messages: messages.map((m) => ({...m, partition: 0}))})
      await (outcome === 'commit' ? txn.commit() : txn.abort())
    }
    await runTxn('commit', [{key: 'k1', value: 'kjs-1'}, {key: 'k2', value: 'kjs-1'}])
    await runTxn('abort', [{key: 'k1', value: 'kjs-aborted'}, {key: 'k3', value: 'kjs-aborted'}])
    await runTxn('commit', [{key: 'k1', value: 'kjs-3'}, {key: 'k2', value: 'kjs-3'}])
    await transactional.disconnect()

    // confluent-kafka: commits p1, aborts p1 and k3, commits p1 and p2.
    const py = await python<{transactions: string[]}>('confluent_txn_compact', [broker().bootstrap, TOPIC, 'confluent-compact'])
    expect(py.transactions).toEqual(['commit', 'abort', 'commit'])

    // Plain writes: k4 then its tombstone, k5; a last record later in record time rolls the
    // segment, so everything before it is in closed segments the cleaner may take.
    const plain = kafka().producer()
    await plain.connect()
    await plain.send({topic: TOPIC, messages: [{key: 'k4', value: 'plain-4', partition: 0}, {key: 'k5', value: 'plain-5', partition: 0}]})
    await plain.send({topic: TOPIC, messages: [{key: 'k4', value: null, partition: 0}]})
    await plain.send({topic: TOPIC, messages: [{key: 'last', value: 'x', partition: 0, timestamp: String(Date.now() + 1000)}]})
    await plain.disconnect()

    const expected = {k1: 'kjs-3', k2: 'kjs-3', p1: 'py-3', p2: 'py-3', k5: 'plain-5', last: 'x'}
    const latest = (reads: Read[]) => Object.fromEntries(reads.map((r) => [r.key, r.value]))
    // Before the tombstone's horizon has passed the committed view already has these values.
    expect(latest(await kcatRead('read_committed'))).toMatchObject(expected)

    // Cleaning, then the pass at the delete horizon on the now idle partition.
    await until('the aborted records, the tombstone and the markers of emptied transactions to go', async () => {
      const uncommitted = await kcatRead('read_uncommitted')
      const markers = markersOnDisk()
      return {done: uncommitted.length === Object.keys(expected).length && markers.length === 2, seen: {uncommitted, markers}}
    })

    for (const isolation of ['read_committed', 'read_uncommitted'] as const) {
      const reads = await kcatRead(isolation)
      expect(reads.filter((r) => r.value?.includes('aborted'))).toEqual([])
      expect(reads.filter((r) => r.value === null)).toEqual([])
      expect(latest(reads)).toEqual(expected)
      for (let i = 1; i < reads.length; i++) expect(reads[i].offset).toBeGreaterThan(reads[i - 1].offset)
    }
    // Left: the COMMIT markers of the two transactions whose records are the latest values.
    const markers = markersOnDisk()
    expect(markers.map(([, type]) => type)).toEqual(['COMMIT', 'COMMIT'])
    expect(new Set(markers.map(([producerId]) => producerId)).size).toBe(2)
  }, 90_000)

  it('clients read a batch stamped with a delete horizon with its records\' own timestamps', async () => {
    const topic = 'stamped'
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [
            {name: 'cleanup.policy', value: 'compact'},
            {name: 'min.cleanable.dirty.ratio', value: '0.01'},
            {name: 'segment.ms', value: '100'},
            {name: 'delete.retention.ms', value: '3600000'},
          ],
        },
      ],
    })
    await admin.disconnect()
    const t0 = Date.now() - 60_000
    const producer = kafka().producer()
    await producer.connect()
    await producer.send({topic, messages: [{key: 'gone', value: 'v', timestamp: String(t0)}]})
    // One batch: a tombstone and a value 7 ms later, so both timestamp deltas are rewritten.
    await producer.send({topic, messages: [{key: 'gone', value: null, timestamp: String(t0 + 1000)}, {key: 'kept', value: 'v', timestamp: String(t0 + 1007)}]})
    await producer.send({topic, messages: [{key: 'last', value: 'x', timestamp: String(Date.now() + 1000)}]})
    await producer.disconnect()

    await until('the cleaner to stamp the tombstone\'s batch', async () => {
      const stamped = batchesOnDisk(topic).flatMap(({batches}) => batches.filter((b) => (b.attributes & DELETE_HORIZON_BIT) !== 0))
      return {done: stamped.length === 1, seen: stamped.map((b) => ({baseOffset: b.baseOffset, baseTimestamp: b.baseTimestamp}))}
    })
    const stamped = batchesOnDisk(topic).flatMap(({batches}) => batches.filter((b) => (b.attributes & DELETE_HORIZON_BIT) !== 0))[0]
    expect(stamped.baseTimestamp).toBeGreaterThan(Date.now() + 3_000_000) // the horizon, about an hour on
    expect(stamped.maxTimestamp).toBe(t0 + 1007)

    const out = await kcat(['-C', '-b', broker().bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%k\\t%s\\t%T\\n'])
    expect(out.split('\n').filter((line) => line !== '')).toEqual([`gone\tNULL\t${t0 + 1000}`, `kept\tv\t${t0 + 1007}`, expect.stringMatching(/^last\tx\t\d+$/)])

    const consumer = kafka().consumer({groupId: 'stamped-reader', maxWaitTimeInMs: 100})
    await consumer.connect()
    await consumer.subscribe({topic, fromBeginning: true})
    const seen: string[] = []
    await consumer.run({
      eachMessage: async ({message}) => {
        seen.push(`${message.key}=${message.value === null ? 'null' : String(message.value)}@${message.timestamp}`)
      },
    })
    await until('kafkajs to read 3 records', async () => ({done: seen.length >= 3, seen}))
    await consumer.disconnect()
    expect(seen.slice(0, 2)).toEqual([`gone=null@${t0 + 1000}`, `kept=v@${t0 + 1007}`])
  }, 60_000)
})
