// Damaged files in a data dir, as a crash, a bad disk or a careless hand leaves them: the
// broker starts and repairs what Kafka repairs (a torn or zero-filled segment tail is cut after
// an unclean shutdown, missing or corrupt index files are rebuilt from the segment), refuses
// with one line naming the file what it cannot (meta.properties without a cluster id), and
// what it serves afterwards is read back whole with kcat and kafkajs.
import {appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {startBroker} from '../../src/broker/index.js'
import {kcat} from '../interop/clients.js'
import {kafka} from './helpers.js'

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
