// A full disk, for real: the data dir is a 16 MB tmpfs (mounted here as root; the suite is
// skipped where mount is not allowed). Once a filler file takes the space left, Produce is
// answered KAFKA_STORAGE_ERROR (kafkajs sees it), what was acknowledged stays readable (kcat),
// nothing half-written becomes visible, and writes resume at the next
// offset once the space is back. The group coordinator, whose state is written on SyncGroup and
// OffsetCommit, answers NOT_COORDINATOR (as Kafka maps a failed append) instead of closing the
// connection, keeps what it had, and works again once the space is back.
import {execFileSync, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, rmSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type RunningBroker, startBroker} from '../../src/broker/index.js'
import {kcat} from '../interop/clients.js'
import {Consumer, stringDeserializers} from '@platformatic/kafka'
import {Kafka, logLevel} from 'kafkajs'
import {kafka, waitFor} from './helpers.js'

const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'kctl-diskfull-'))
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]).status === 0
let broker: RunningBroker | undefined

beforeAll(async () => {
  if (mounted) broker = await startBroker({port: 0, dataDir: path.join(mountPoint, 'data')})
})
afterAll(async () => {
  await broker?.close()
  // Lazy: a descriptor the stopped broker may still hold must not fail the suite.
  if (mounted) execFileSync('umount', ['-l', mountPoint])
  rmSync(mountPoint, {recursive: true, force: true})
})

/** Fills the file system with one file until ENOSPC; returns its path. */
function fill(): string {
  const filler = path.join(mountPoint, 'filler')
  const chunk = Buffer.alloc(64 * 1024, 1)
  const fd = openSync(filler, 'w')
  try {
    for (;;) writeSync(fd, chunk)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
  return filler
}

describe.skipIf(!mounted)('disk full', () => {
  it('answers KAFKA_STORAGE_ERROR, keeps serving reads, and resumes at the next offset when space returns', async () => {
    const bootstrap = broker!.bootstrap
    const client = kafka(bootstrap, 'disk-full')
    const admin = client.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'full', numPartitions: 1}]})
    const producer = client.producer({retry: {retries: 0}})
    await producer.connect()
    const value = 'x'.repeat(1000)
    for (let i = 0; i < 10; i++) await producer.send({topic: 'full', acks: -1, messages: [{value: `${i}-${value}`}]})

    const filler = fill()
    let error: (Error & {type?: string}) | undefined
    for (let i = 0; i < 50 && !error; i++) {
      try {
        await producer.send({topic: 'full', acks: -1, messages: Array.from({length: 50}, () => ({value: `lost-${value}`}))})
      } catch (err) {
        error = err as Error & {type?: string}
      }
    }
    // kafkajs's text for KAFKA_STORAGE_ERROR (code 56).
    expect(error?.message).toMatch(/^Disk error when trying to access log file on the disk/)

    // Reads: exactly the acknowledged records, nothing half-written.
    const read = async () => (await kcat(['-C', '-b', bootstrap, '-t', 'full', '-o', 'beginning', '-e', '-q', '-f', '%o %s\\n'])).split('\n').filter(Boolean)
    const before = await read()
    expect(before.every((line) => !line.includes('lost-') || /^\d+ lost-x+$/.test(line))).toBe(true)
    const acknowledged = before.length
    expect(acknowledged).toBeGreaterThanOrEqual(10)

    rmSync(filler)
    const [resumed] = await producer.send({topic: 'full', acks: -1, messages: [{value: 'after'}]})
    expect(Number(resumed.baseOffset)).toBe(acknowledged)
    const after = await read()
    expect(after.slice(0, acknowledged)).toEqual(before)
    expect(after.at(-1)).toBe(`${acknowledged} after`)
    await producer.disconnect()
    await admin.disconnect()
  }, 180_000)

  it('answers a consumer group NOT_COORDINATOR while the disk is full, keeps its offsets, and lets it join and commit once space returns', async () => {
    const bootstrap = broker!.bootstrap
    // kafkajs's log lines, to see which errors its consumers met.
    const logs: string[] = []
    const client = new Kafka({
      clientId: 'disk-full-groups',
      brokers: [bootstrap],
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => logs.push(JSON.stringify(entry.log)),
      retry: {retries: 2, initialRetryTime: 100},
    })
    const admin = client.admin()
    await admin.connect()
    // Records larger than a page: a small one could still fit in the slack of a page the
    // file already has, where a full tmpfs does not refuse it. The joiner's subscription to
    // these 20 long topic names makes its group's stored generation over 4 KB, and commits
    // while the disk is full carry 4 KB of metadata (offset.metadata.max.bytes).
    const longTopics = Array.from({length: 20}, (_, i) => `long-${i}-${'x'.repeat(200)}`)
    await admin.createTopics({topics: ['grouped', ...longTopics].map((topic) => ({topic, numPartitions: 1}))})
    const metadata = 'm'.repeat(4096)
    const producer = client.producer()
    await producer.connect()
    await producer.send({topic: 'grouped', acks: -1, messages: Array.from({length: 5}, (_, i) => ({value: `g${i}`}))})
    await producer.disconnect()

    // A member that joined and committed before the disk filled up.
    const member = client.consumer({groupId: 'committer'})
    const seen: string[] = []
    await member.connect()
    await member.subscribe({topic: 'grouped', fromBeginning: true})
    await member.run({autoCommit: false, eachMessage: async ({message}) => void seen.push(message.value!.toString())})
    await waitFor('the member to read the records', () => seen.length === 5)
    await member.commitOffsets([{topic: 'grouped', partition: 0, offset: '2'}])
    const committed = async (groupId: string) => (await admin.fetchOffsets({groupId, topics: ['grouped']}))[0].partitions[0].offset

    const filler = fill()
    const joiner = client.consumer({groupId: 'joiner'})
    const received: string[] = []
    try {
      // Committing: the error, not a closed connection; the committed offset stays.
      const commitError = await member.commitOffsets([{topic: 'grouped', partition: 0, offset: '4', metadata}]).then(
        () => undefined,
        (error: Error) => error,
      )
      // kafkajs's text for NOT_COORDINATOR (code 16).
      expect(commitError?.message).toMatch(/not the correct coordinator for this group/)
      expect(await committed('committer')).toBe('2')

      // Joining: a new group's SyncGroup cannot store its generation; its member is told so
      // and gets no assignment while the disk is full.
      await joiner.connect()
      await joiner.subscribe({topics: ['grouped', ...longTopics], fromBeginning: true})
      await joiner.run({eachMessage: async ({message}) => void received.push(message.value!.toString())})
      await waitFor('the joiner\'s SyncGroup to be answered NOT_COORDINATOR', () => logs.some((line) => /Response SyncGroup/.test(line) && /not the correct coordinator for this group/.test(line)))
      expect(received).toEqual([])

      // Reads go on.
      expect((await kcat(['-C', '-b', bootstrap, '-t', 'grouped', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'])).split('\n').filter(Boolean)).toEqual(['g0', 'g1', 'g2', 'g3', 'g4'])
    } finally {
      rmSync(filler)
    }

    // Space is back: the joiner's retries get it an assignment and it commits; the member commits.
    await waitFor('the joiner to read the records', () => received.length === 5, 60_000)
    await joiner.commitOffsets([{topic: 'grouped', partition: 0, offset: '5'}])
    expect(await committed('joiner')).toBe('5')
    await member.commitOffsets([{topic: 'grouped', partition: 0, offset: '4'}])
    expect(await committed('committer')).toBe('4')
    // Not once did the broker close a connection on them.
    expect(logs.filter((line) => /Closed connection|KafkaJSConnectionClosedError|Connection error/i.test(line))).toEqual([])
    await joiner.disconnect()
    await member.disconnect()
    await admin.disconnect()
  }, 180_000)

  it('answers a KIP-848 member joining while the disk is full NOT_COORDINATOR, and lets it join once space returns', async () => {
    const bootstrap = broker!.bootstrap
    const consumer = new Consumer({
      clientId: 'disk-full-848',
      bootstrapBrokers: [bootstrap],
      groupId: 'joiner-848',
      groupProtocol: 'consumer',
      deserializers: stringDeserializers,
      maxWaitTime: 200,
      retries: 2,
      retryDelay: 100,
    })
    try {
      // The consumer-groups file is still empty here: the member's first heartbeat needs a new page.
      const filler = fill()
      try {
        const joinError = await consumer.consume({topics: ['grouped'], mode: 'earliest'}).then(
          () => undefined,
          (error: Error) => error,
        )
        expect(JSON.stringify(joinError, Object.getOwnPropertyNames(joinError ?? {}))).toMatch(/NOT_COORDINATOR|not the correct coordinator/i)
      } finally {
        rmSync(filler)
      }
      const stream = await consumer.consume({topics: ['grouped'], mode: 'earliest'})
      const values: string[] = []
      for await (const message of stream) {
        values.push(message.value)
        if (values.length === 5) break
      }
      expect(values).toEqual(['g0', 'g1', 'g2', 'g3', 'g4'])
      await stream.close()
    } finally {
      await consumer.close(true)
    }
  }, 120_000)

  it('refuses a read-only data dir at start-up in one line', async () => {
    const readOnly = path.join(mountPoint, 'ro')
    execFileSync('mkdir', ['-p', readOnly])
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', readOnly])
    try {
      await expect(startBroker({port: 0, dataDir: readOnly})).rejects.toThrow(/^unable to start the broker: data dir .* is not writable \(EROFS\)$/)
    } finally {
      execFileSync('umount', [readOnly])
    }
  })
})

