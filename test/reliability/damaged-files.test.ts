// Damaged files in a data dir, as a crash, a bad disk or a careless hand leaves them: the
// broker starts and repairs what Kafka repairs (a torn or zero-filled segment tail is cut after
// an unclean shutdown, missing or corrupt index files are rebuilt from the segment), refuses
// with one line naming the file what it cannot (meta.properties without a cluster id), never
// serves a batch the disk changed after a clean shutdown, and what it serves afterwards is read
// back with kcat and kafkajs.
import {spawn} from 'node:child_process'
import {appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {afterEach, describe, expect, it} from 'vitest'
import {startBroker} from '../../src/broker/index.js'
import type {Logger} from '../../src/broker/types.js'
import {kcat} from '../interop/clients.js'
import {kafka, waitFor} from './helpers.js'

const RECORDS = 50
let dataDir = ''
afterEach(() => rmSync(dataDir, {recursive: true, force: true}))

/** A data dir holding topic `damaged` (one partition) with RECORDS records, the broker stopped cleanly. */
async function dataDirWithRecords(): Promise<string> {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-damaged-'))
  const broker = await startBroker({port: 0, dataDir})
  try {
    const producer = kafka(broker.bootstrap).producer({allowAutoTopicCreation: true})
    await producer.connect()
    for (let i = 0; i < RECORDS; i += 10) await producer.send({topic: 'damaged', acks: -1, messages: Array.from({length: 10}, (_, j) => ({value: `v${i + j}`}))})
    await producer.disconnect()
  } finally {
    await broker.close()
  }
  return dataDir
}

function partitionFile(suffix: string): string {
  const dir = path.join(dataDir, 'damaged-0')
  const name = readdirSync(dir).filter((file) => file.endsWith(suffix)).sort().at(-1)
  return path.join(dir, name!)
}

/** Starts the broker on the damaged dir; reads everything back with kcat; appends one more record with kafkajs. */
async function readBackAndAppend(): Promise<{values: string[]; nextOffset: number}> {
  const broker = await startBroker({port: 0, dataDir})
  try {
    const out = await kcat(['-C', '-b', broker.bootstrap, '-t', 'damaged', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'])
    const producer = kafka(broker.bootstrap).producer()
    await producer.connect()
    const [result] = await producer.send({topic: 'damaged', acks: -1, messages: [{value: 'after'}]})
    await producer.disconnect()
    return {values: out.split('\n').filter(Boolean), nextOffset: Number(result.baseOffset)}
  } finally {
    await broker.close()
  }
}

const all = Array.from({length: RECORDS}, (_, i) => `v${i}`)

describe('damaged files', () => {
  it('cuts a torn segment tail after a crash and continues at the next offset', async () => {
    await dataDirWithRecords()
    rmSync(path.join(dataDir, '.kafka_cleanshutdown'))
    // Half of a batch header, as a write interrupted by a crash leaves it.
    appendFileSync(partitionFile('.log'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 50, 0, 0, 0, 200, 0, 0, 0, 0, 2, 1, 2, 3]))
    expect(await readBackAndAppend()).toEqual({values: all, nextOffset: RECORDS})
  })

  it('cuts a zero-filled tail (blocks allocated, data never written) after a crash', async () => {
    await dataDirWithRecords()
    rmSync(path.join(dataDir, '.kafka_cleanshutdown'))
    appendFileSync(partitionFile('.log'), Buffer.alloc(8192))
    expect(await readBackAndAppend()).toEqual({values: all, nextOffset: RECORDS})
  })

  it('rebuilds missing index and time index files', async () => {
    await dataDirWithRecords()
    rmSync(partitionFile('.index'))
    rmSync(partitionFile('.timeindex'))
    expect(await readBackAndAppend()).toEqual({values: all, nextOffset: RECORDS})
  })

  it('rebuilds corrupt index and time index files', async () => {
    await dataDirWithRecords()
    writeFileSync(partitionFile('.index'), Buffer.from('not an index at all, and not a multiple of eight'))
    writeFileSync(partitionFile('.timeindex'), Buffer.alloc(36, 0xff))
    expect(await readBackAndAppend()).toEqual({values: all, nextOffset: RECORDS})
  })

  it('refuses, in one line naming the file, a meta.properties without its cluster id', async () => {
    await dataDirWithRecords()
    writeFileSync(path.join(dataDir, 'meta.properties'), 'garbage\n')
    await expect(startBroker({port: 0, dataDir})).rejects.toThrow(`unable to start the broker: ${path.join(dataDir, 'meta.properties')} has no cluster.id`)
  })

  it('never serves a batch damaged in the middle of an older segment: the records before it are, the partition answers KAFKA_STORAGE_ERROR there, other partitions go on', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-damaged-'))
    const first = await startBroker({port: 0, dataDir})
    try {
      const admin = kafka(first.bootstrap).admin()
      await admin.connect()
      // segment.ms=1000 and timestamps 2 s apart make the second half roll a new segment at offset 50.
      await admin.createTopics({topics: [{topic: 'crc', numPartitions: 2, configEntries: [{name: 'segment.ms', value: '1000'}]}]})
      await admin.disconnect()
      const producer = kafka(first.bootstrap).producer()
      await producer.connect()
      const now = Date.now()
      for (let batch = 0; batch < 10; batch++) {
        const timestamp = String(now + (batch < 5 ? 0 : 2000))
        for (const partition of [0, 1]) {
          await producer.send({topic: 'crc', acks: -1, messages: Array.from({length: 10}, (_, j) => ({partition, value: `p${partition}-${batch * 10 + j}`, timestamp}))})
        }
      }
      await producer.disconnect()
    } finally {
      await first.close()
    }

    // Flip bytes in the records of the third batch (offsets 20-29) of the older segment, after a clean stop.
    const segments = readdirSync(path.join(dataDir, 'crc-0')).filter((name) => name.endsWith('.log')).sort()
    expect(segments).toHaveLength(2)
    const file = path.join(dataDir, 'crc-0', segments[0])
    const bytes = readFileSync(file)
    let position = 0
    for (let batch = 0; batch < 2; batch++) position += 12 + bytes.readInt32BE(position + 8)
    expect(bytes.readBigInt64BE(position)).toBe(20n)
    for (const at of [position + 70, position + 71]) bytes[at] ^= 0xff
    writeFileSync(file, bytes)

    const errors: string[] = []
    const logger: Logger = {info: () => {}, warn: () => {}, debug: () => {}, error: (message) => errors.push(message)}
    const broker = await startBroker({port: 0, dataDir, logger})
    try {
      const before = Array.from({length: 20}, (_, i) => `p0-${i}`)
      const partition1 = Array.from({length: 100}, (_, i) => `p1-${i}`)

      // kcat (librdkafka): exactly the 20 records before the damaged batch.
      expect((await kcat(['-C', '-b', broker.bootstrap, '-t', 'crc', '-p', '0', '-o', 'beginning', '-c', '20', '-q', '-f', '%s\\n'])).split('\n').filter(Boolean)).toEqual(before)

      // One kcat consumer of both partitions: partition 1 is read to its end while partition 0
      // stops before offset 20, where every fetch is answered KAFKA_STORAGE_ERROR.
      const consumer = spawn('kcat', ['-C', '-u', '-b', broker.bootstrap, '-t', 'crc', '-o', 'beginning', '-d', 'fetch', '-f', '%p %s\\n'])
      let out = ''
      let debug = ''
      consumer.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      consumer.stderr.on('data', (chunk: Buffer) => (debug += chunk.toString()))
      try {
        await waitFor('kcat to read partition 1 and meet the storage error on partition 0', () => {
          const values = out.split('\n').filter(Boolean)
          // librdkafka's text for KAFKA_STORAGE_ERROR (code 56), after fetching offset 20.
          return values.length >= 120 && /Fetch topic crc \[0\] at offset 20 [^]*crc \[0\]: Fetch backoff for \d+ms: Broker: Disk error when trying to access log file on disk/.test(debug)
        })
      } finally {
        consumer.kill()
      }
      const read = out.split('\n').filter(Boolean)
      expect(read.filter((line) => line.startsWith('0 ')).map((line) => line.slice(2))).toEqual(before)
      expect(read.filter((line) => line.startsWith('1 ')).map((line) => line.slice(2))).toEqual(partition1)

      // kafkajs: the same 20 records, then its fetches of partition 0 fail with code 56.
      const kafkajsErrors: string[] = []
      const client = new Kafka({
        clientId: 'kctl-reliability',
        brokers: [broker.bootstrap],
        logLevel: logLevel.ERROR,
        logCreator: () => (entry) => kafkajsErrors.push(JSON.stringify(entry.log)),
        retry: {retries: 2, initialRetryTime: 100},
      })
      const group = client.consumer({groupId: 'crc-reader'})
      const received: string[] = []
      await group.connect()
      await group.subscribe({topic: 'crc', fromBeginning: true})
      await group.run({eachMessage: async ({partition, message}) => void received.push(`${partition} ${message.value!.toString()}`)})
      try {
        await waitFor('kafkajs to meet the storage error', () => received.filter((line) => line.startsWith('0 ')).length >= 20 && kafkajsErrors.some((line) => line.includes('Disk error when trying to access log file on the disk')))
      } finally {
        await group.disconnect()
      }
      expect(received.filter((line) => line.startsWith('0 ')).map((line) => line.slice(2))).toEqual(before)

      // One line in the broker log, naming the partition, the file, the position and what to do.
      expect(errors).toEqual([expect.stringContaining(`crc-0: the record batch at offset 20 (position ${position} of ${file}) fails its CRC-32C check`)])
      expect(errors[0]).toContain('deleting the records before offset 30')
    } finally {
      await broker.close()
    }
  }, 120_000)

  it('skips a torn last line of the committed offsets file and keeps the rest', async () => {
    await dataDirWithRecords()
    const broker = await startBroker({port: 0, dataDir})
    const admin = kafka(broker.bootstrap).admin()
    await admin.connect()
    await admin.setOffsets({groupId: 'kept', topic: 'damaged', partitions: [{partition: 0, offset: '7'}]})
    await admin.disconnect()
    await broker.close()
    appendFileSync(path.join(dataDir, 'groups', 'offsets.jsonl'), '{"kind":"commit","gro')
    const again = await startBroker({port: 0, dataDir})
    try {
      const check = kafka(again.bootstrap).admin()
      await check.connect()
      const [topic] = await check.fetchOffsets({groupId: 'kept', topics: ['damaged']})
      await check.disconnect()
      expect(topic.partitions).toEqual([expect.objectContaining({partition: 0, offset: '7'})])
    } finally {
      await again.close()
    }
  })
})
