// kafka-python 2.0.x and confluent-kafka through /usr/bin/python3: produce with keys and
// headers, consume one partition by assignment, and list offsets.
import {type ChildProcess, spawn} from 'node:child_process'
import {once} from 'node:events'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {python} from './clients.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

interface Roundtrip {
  acked: [number, number][]
  records: {partition: number; offset: number; key: string; value: string; headers: [string, string][]}[]
}

function expectedPartition(count: number, partition: number): Roundtrip['records'] {
  const records: Roundtrip['records'] = []
  for (let i = partition; i < count; i += 2) {
    records.push({partition, offset: records.length, key: `k${i}`, value: `v${i}`, headers: [['h', String(i)]]})
  }
  return records
}

describe('python clients', () => {
  const broker = useBroker({'num.partitions': '2'})

  it('kafka-python produces, consumes partition 0 and lists offsets', async () => {
    const count = 1000
    const result = await python<Roundtrip & {beginning: number[]; end: number[]; byTime: (number | null)[]}>(
      'kafka_python_roundtrip',
      [broker().bootstrap, 'kafka-python', String(count)],
    )
    expect(result.acked.filter(([partition]) => partition === 0).map(([, offset]) => offset)).toEqual(
      Array.from({length: count / 2}, (_, i) => i),
    )
    expect(result.records).toEqual(expectedPartition(count, 0))
    expect(result.beginning).toEqual([0, 0])
    expect(result.end).toEqual([count / 2, count / 2])
    // Timestamp 0 finds the first record; a time in the future finds nothing.
    expect(result.byTime).toEqual([0, null])
  })

  it('confluent-kafka produces idempotently, consumes partition 1 and lists offsets', async () => {
    const count = 1000
    const result = await python<Roundtrip & {errors: string[]; unflushed: number; watermarks: number[][]; byTime: number[]}>(
      'confluent_roundtrip',
      [broker().bootstrap, 'confluent', String(count)],
    )
    expect(result.errors).toEqual([])
    expect(result.unflushed).toBe(0)
    expect(result.acked.length).toBe(count)
    expect(result.records).toEqual(expectedPartition(count, 1))
    expect(result.watermarks).toEqual([
      [0, count / 2],
      [0, count / 2],
    ])
    expect(result.byTime).toEqual([0])
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** The broker process `kctl broker start` runs (src/broker/main.ts under vite-node, no build
 *  needed); resolves once it serves, i.e. has written broker.json. */
async function brokerProcess(dataDir: string, port: number): Promise<ChildProcess> {
  const options = {port, host: '127.0.0.1', dataDir, config: {'num.partitions': '2'}, fsync: 'interval', logFile: null}
  const child = spawn(process.execPath, [path.join(root, 'node_modules/vite-node/vite-node.mjs'), path.join(root, 'src/broker/main.ts'), JSON.stringify(options)], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(path.join(dataDir, 'broker.json'), 'utf8')) as {pid: number}).pid === child.pid) return child
    } catch {
      // not serving yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the broker did not start: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('kill -9 under a live client', () => {
  // The exchange: confluent-kafka produces 30,000 records idempotently (acks=all) and prints
  // each delivery report; after 5,000 reports the broker is killed with SIGKILL and started
  // again on the same data dir and port; the producer reconnects and retries what was in
  // flight. Every acknowledged record must be at its acknowledged offset, and no record may be
  // stored twice (a retried batch the dead broker had written is a duplicate, not a new append).
  it('keeps every acknowledged record and writes none twice across a broker killed mid-produce', async () => {
    const count = 30_000
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-kill-interop-'))
    const port = await freePort()
    let broker = await brokerProcess(dataDir, port)
    const producer = spawn('/usr/bin/python3', [path.join(root, 'test/interop/py/confluent_kill_roundtrip.py'), `127.0.0.1:${port}`, 'killed', String(count)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    try {
      const acked: {partition: number; offset: number; index: number}[] = []
      const errors: string[] = []
      let final: {unflushed: number; ends: number[]; records: [number, number, string][]} | undefined
      let killedAfter = 0
      const lines = readline.createInterface({input: producer.stdout!})
      for await (const line of lines) {
        const report = JSON.parse(line)
        if ('records' in report) final = report
        else if ('error' in report) errors.push(report.error)
        else acked.push(report)
        if (killedAfter === 0 && acked.length >= 5000) {
          killedAfter = acked.length
          const exited = once(broker, 'exit')
          broker.kill('SIGKILL')
          await exited
          broker = await brokerProcess(dataDir, port)
        }
      }
      expect(killedAfter).toBeGreaterThan(0)
      expect(killedAfter).toBeLessThan(count)
      expect(errors).toEqual([])
      expect(final!.unflushed).toBe(0)
      expect(acked).toHaveLength(count)
      const stored = new Map(final!.records.map(([partition, offset, value]) => [`${partition}:${offset}`, value]))
      for (const ack of acked) expect(stored.get(`${ack.partition}:${ack.offset}`)).toBe(`v${ack.index}`)
      // Each record once, offsets dense from 0: nothing duplicated, no offset reused or skipped.
      expect(final!.records).toHaveLength(count)
      expect(new Set(final!.records.map(([, , value]) => value)).size).toBe(count)
      expect(final!.ends).toEqual([count / 2, count / 2])
    } finally {
      producer.kill('SIGKILL')
      if (broker.exitCode === null) {
        const exited = once(broker, 'exit')
        broker.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, {recursive: true, force: true})
    }
  }, 120_000)
})
