// Load and limits, bounded: connection quotas (max.connections, max.connections.per.ip: a
// connection beyond them is closed at once, as Kafka does), connections.max.idle.ms, a client
// that pipelines requests and never reads (the broker stops reading it, so its memory stays
// bounded), 2,000 concurrent connections, and 10,000 partitions on one broker. Start-up time,
// RSS and Metadata latency are printed as figures, never asserted as timings. The broker runs
// in its own process (helpers.ts spawnBroker) so its RSS is its own; kafkajs checks that it
// keeps serving.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {encodeRequest} from '../../src/kafka/protocol/index.js'
import {type BrokerChild, kafka, killBroker, spawnBroker, waitFor} from './helpers.js'

let broker: BrokerChild | undefined
let dataDir = ''
afterEach(async () => {
  if (broker) await killBroker(broker, 'SIGTERM')
  broker = undefined
  rmSync(dataDir, {recursive: true, force: true})
  // A graceful stop of 10,000 partitions flushes and closes 30,000 files.
}, 300_000)

async function start(config: Record<string, string> = {}): Promise<BrokerChild> {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-limits-'))
  broker = await spawnBroker(dataDir, {config})
  return broker
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
}

interface Probe {
  socket: net.Socket
  /** Resolves true when ApiVersions is answered, false when the broker closes the connection first. */
  answered: Promise<boolean>
  closed: Promise<void>
}

/** Opens a connection and sends one ApiVersions. */
function probe(port: number): Probe {
  const socket = net.connect({host: '127.0.0.1', port})
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  const answered = new Promise<boolean>((resolve) => {
    socket.once('data', () => resolve(true))
    socket.once('close', () => resolve(false))
  })
  socket.on('connect', () => {
    for (const chunk of encodeRequest(18, 3, 1, 'limits', {clientSoftwareName: 'limits', clientSoftwareVersion: '1'})) socket.write(chunk)
  })
  return {socket, answered, closed}
}

async function kafkajsServes(bootstrap: string): Promise<void> {
  const admin = kafka(bootstrap, 'limits-check').admin()
  await admin.connect()
  try {
    const {brokers} = await admin.describeCluster()
    expect(brokers).toHaveLength(1)
  } finally {
    await admin.disconnect()
  }
}

describe('load and limits', () => {
  it('closes a connection beyond max.connections.per.ip and max.connections, and accepts again once one goes', async () => {
    const {port} = await start({'max.connections.per.ip': '5'})
    const open = Array.from({length: 5}, () => probe(port))
    expect(await Promise.all(open.map((p) => p.answered))).toEqual([true, true, true, true, true])
    const refused = probe(port)
    expect(await refused.answered).toBe(false)
    open[0].socket.destroy()
    await open[0].closed
    // The broker learns of the close a moment later: ask until a new connection is answered.
    const again = await waitFor('a free slot', async () => {
      const attempt = probe(port)
      return (await attempt.answered) ? attempt : undefined
    }, 10_000)
    for (const p of [...open, again]) p.socket.destroy()
    await killBroker(broker!, 'SIGTERM')
    rmSync(dataDir, {recursive: true, force: true})

    const whole = await start({'max.connections': '3'})
    const three = Array.from({length: 3}, () => probe(whole.port))
    expect(await Promise.all(three.map((p) => p.answered))).toEqual([true, true, true])
    expect(await probe(whole.port).answered).toBe(false)
    for (const p of three) p.socket.destroy()
    await Promise.all(three.map((p) => p.closed))
    await waitFor('a free slot', async () => (await probe(whole.port).answered) || undefined, 10_000)
    await kafkajsServes(whole.bootstrap)
  }, 180_000)

  it('refuses a CreateTopics or CreatePartitions of 2^31 partitions instead of blocking (found by the fuzzer)', async () => {
    const {bootstrap} = await start()
    const admin = kafka(bootstrap, 'limits-huge').admin()
    await admin.connect()
    try {
      await expect(admin.createTopics({topics: [{topic: 'huge', numPartitions: 2147483647}]})).rejects.toThrow()
      await admin.createTopics({topics: [{topic: 'grows', numPartitions: 1}]})
      await expect(admin.createPartitions({topicPartitions: [{topic: 'grows', count: 2147483647}]})).rejects.toThrow()
      const metadata = await admin.fetchTopicMetadata({topics: ['grows']})
      expect(metadata.topics[0].partitions).toHaveLength(1)
    } finally {
      await admin.disconnect()
    }
    await kafkajsServes(bootstrap)
  }, 120_000)

  it('closes a connection idle for connections.max.idle.ms', async () => {
    const {port} = await start({'connections.max.idle.ms': '300'})
    const idle = probe(port)
    expect(await idle.answered).toBe(true)
    // Closed by the broker, not by us: nothing is sent after the first answer.
    await idle.closed
    expect(idle.socket.destroyed).toBe(true)
  }, 120_000)

  it('stops reading a client that pipelines Fetches and never reads, so its memory stays bounded', async () => {
    const {port, bootstrap} = await start()
    const producer = kafka(bootstrap).producer({allowAutoTopicCreation: true})
    await producer.connect()
    const value = Buffer.alloc(100_000, 7)
    for (let i = 0; i < 10; i++) await producer.send({topic: 'big', acks: -1, messages: Array.from({length: 9}, () => ({value}))})
    await producer.disconnect()
    const baseline = rssMb(broker!.child.pid!)
    // 5,000 Fetches of up to 10 MB each (about 9 MB answers) on one connection that never reads.
    const socket = net.connect({host: '127.0.0.1', port})
    socket.on('error', () => {})
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.pause()
    const fetch = (correlationId: number) =>
      Buffer.concat(
        encodeRequest(1, 12, correlationId, 'never-reads', {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 10 * 1024 * 1024,
          isolationLevel: 0,
          topics: [{topic: 'big', partitions: [{partition: 0, fetchOffset: 0, partitionMaxBytes: 10 * 1024 * 1024}]}],
        } as never),
      )
    for (let i = 1; i <= 5000; i++) socket.write(fetch(i))
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const peak = rssMb(broker!.child.pid!)
    await kafkajsServes(bootstrap)
    console.log(`limits: a client pipelining 5,000 Fetches of ~9 MB without reading: broker RSS ${baseline.toFixed(0)} MB -> ${peak.toFixed(0)} MB`)
    // Without back-pressure this would be 5,000 x 9 MB; the broker holds at most 100 responses.
    expect(peak - baseline).toBeLessThan(1200)
    socket.destroy()
  }, 180_000)

  it('serves 2,000 concurrent connections', async () => {
    const {port, bootstrap} = await start()
    const before = rssMb(broker!.child.pid!)
    const probes: Probe[] = []
    for (let i = 0; i < 2000; i++) {
      probes.push(probe(port))
      if (i % 200 === 199) await Promise.all(probes.slice(-200).map((p) => p.answered))
    }
    const answered = await Promise.all(probes.map((p) => p.answered))
    expect(answered.filter(Boolean)).toHaveLength(2000)
    const after = rssMb(broker!.child.pid!)
    await kafkajsServes(bootstrap)
    console.log(`limits: 2,000 open connections, each answered: broker RSS ${before.toFixed(0)} MB -> ${after.toFixed(0)} MB (${(((after - before) * 1024) / 2000).toFixed(1)} KB per connection)`)
    for (const p of probes) p.socket.destroy()
  }, 180_000)

  it('holds 10,000 partitions: start-up time, RSS and Metadata latency as figures', async () => {
    const {bootstrap} = await start()
    const admin = kafka(bootstrap, 'limits-admin').admin()
    await admin.connect()
    const created = performance.now()
    for (let t = 0; t < 10; t++) await admin.createTopics({topics: [{topic: `wide-${t}`, numPartitions: 1000}], timeout: 120_000})
    const createMs = performance.now() - created
    await admin.disconnect()
    await killBroker(broker!, 'SIGTERM')

    const started = performance.now()
    broker = await spawnBroker(dataDir)
    const startMs = performance.now() - started
    const rss = rssMb(broker.child.pid!)
    const again = kafka(broker.bootstrap, 'limits-admin-2').admin()
    await again.connect()
    const t0 = performance.now()
    const metadata = await again.fetchTopicMetadata({topics: []})
    const metadataMs = performance.now() - t0
    await again.disconnect()
    const partitions = metadata.topics.filter((t) => t.name.startsWith('wide-')).reduce((n, t) => n + t.partitions.length, 0)
    expect(partitions).toBe(10_000)
    console.log(
      `limits: 10,000 partitions: created in ${(createMs / 1000).toFixed(1)} s, restart to serving ${(startMs / 1000).toFixed(1)} s (process start included), ` +
        `RSS ${rss.toFixed(0)} MB, Metadata of all topics ${metadataMs.toFixed(0)} ms (load average ${os.loadavg()[0].toFixed(1)})`,
    )
  }, 600_000)
})
