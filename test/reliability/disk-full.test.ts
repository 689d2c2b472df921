// A full disk, for real: the data dir is a 16 MB tmpfs (mounted here as root; the suite is
// skipped where mount is not allowed). Once a filler file takes the space left, Produce is
// answered KAFKA_STORAGE_ERROR (kafkajs sees it), what was acknowledged stays readable (kcat),
// nothing half-written becomes visible, and writes resume at the next
// offset once the space is back.
import {execFileSync, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, rmSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type RunningBroker, startBroker} from '../../src/broker/index.js'
import {kcat} from '../interop/clients.js'
import {kafka} from './helpers.js'

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

  // Not yet: the group coordinator writes its state on JoinGroup/SyncGroup and fails the
  // request (the connection closes) on ENOSPC instead of answering an error and keeping
  // membership in memory (src/broker/groups).
  it.todo('lets a consumer group form and rebalance while the disk is full')

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

