// Compaction of a topic written with transactions, end to end: kafkajs (producer.transaction())
// and confluent-kafka (librdkafka, through /usr/bin/python3) commit and abort transactions on
// one compacted partition, a plain kafkajs producer writes values and a tombstone, and the
// bundled broker's cleaner runs with segments rolled every 100 ms of record time and a
// delete.retention.ms of 2 s. Then kcat reads the partition read_committed and
// read_uncommitted: the aborted records are gone from both views, each key has its latest
// committed value, the tombstone has gone after its delete horizon without further writes,
// offsets only grow; in the segment files only the markers of transactions that still hold
// data are left.
import fs from 'node:fs'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {readControlRecord, splitRecordBatches} from '../../src/kafka/protocol/record-batch.js'
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

  // The transaction markers in the partition's segment files, as [producer id, type].
  function markersOnDisk(): [number, string][] {
    const dir = path.join(broker().dataDir, `${TOPIC}-0`)
    const markers: [number, string][] = []
    for (const name of fs.readdirSync(dir).filter((f) => /^\d{20}\.log$/.test(f)).sort()) {
      const bytes = fs.readFileSync(path.join(dir, name))
      const split = splitRecordBatches(bytes)
      if (!split.ok) throw new Error(`${name}: ${split.message}`)
      for (const batch of split.batches) if (batch.isControl) markers.push([batch.producerId, readControlRecord(bytes, batch.position)!.type])
    }
    return markers
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
})
