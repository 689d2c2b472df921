// Protocol fuzzing: frames from fuzz-frames.ts (every API key and version, valid and broken)
// sent over many connections to the bundled broker in its own process. The broker must never
// crash, never grow without bound (its RSS is sampled), answer each frame with Kafka's
// response or close only that connection, and keep serving a well-behaved kafkajs client,
// which produces and reads back a record every HEALTH_EVERY frames. The SASL listener (raw
// tokens, mutated SaslHandshake/SaslAuthenticate) and the TLS listener (garbage instead of a
// ClientHello, mutated frames inside TLS) get fewer frames.
// Sizes: KCTL_FUZZ_FRAMES (default 100,000; the bench's long mode sends 10 M), KCTL_FUZZ_SEED.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {decodeResponse, type ApiKey} from '../../src/kafka/protocol/index.js'
import {FrameGenerator, type FuzzFrame, makeRng} from './fuzz-frames.js'
import {type BrokerChild, kafka, killBroker, spawnBroker} from './helpers.js'

const FRAMES = Number(process.env.KCTL_FUZZ_FRAMES ?? 100_000)
const SEED = Number(process.env.KCTL_FUZZ_SEED ?? Date.now() % 1_000_000)
const WORKERS = 16
const HEALTH_EVERY = 5000
const MAX_REQUEST_BYTES = 2 * 1024 * 1024
const ANSWER_TIMEOUT_MS = 2000
/** The broker's RSS may not pass this, whatever it is sent (it idles near 80 MB). */
const RSS_LIMIT_MB = 600

interface Tally {
  sent: number
  answered: number
  errorsAnswered: number
  closed: number
  unanswered: number
  byKind: Record<string, number>
}

function newTally(): Tally {
  return {sent: 0, answered: 0, errorsAnswered: 0, closed: 0, unanswered: 0, byKind: {}}
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

function hasErrorCode(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasErrorCode)
  if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      if (key === 'errorCode' && field !== 0) return true
      if (typeof field === 'object' && hasErrorCode(field)) return true
    }
  }
  return false
}

/** One connection that sends a frame, then waits for its answer, the close, or a timeout. */
class FuzzConnection {
  private buffered: Buffer = Buffer.alloc(0)
  private waiter: ((outcome: 'answered' | 'closed' | 'timeout', frame?: Buffer) => void) | undefined
  closed = false

  private constructor(private readonly socket: net.Socket | tls.TLSSocket) {
    socket.on('data', (data: Buffer) => {
      this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data])
      if (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const frame = this.buffered.subarray(4, 4 + this.buffered.readInt32BE(0))
        this.buffered = this.buffered.subarray(4 + frame.length)
        this.settle('answered', frame)
      }
    })
    socket.on('close', () => {
      this.closed = true
      this.settle('closed')
    })
    socket.on('error', () => {})
  }

  static open(port: number, useTls = false): Promise<FuzzConnection> {
    return new Promise((resolve, reject) => {
      const socket = useTls
        ? tls.connect({host: '127.0.0.1', port, rejectUnauthorized: false}, () => resolve(new FuzzConnection(socket)))
        : net.connect({host: '127.0.0.1', port, noDelay: true}, () => resolve(new FuzzConnection(socket)))
      socket.once('error', reject)
    })
  }

  private settle(outcome: 'answered' | 'closed' | 'timeout', frame?: Buffer): void {
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.(outcome, frame)
  }

  exchange(bytes: Buffer): Promise<{outcome: 'answered' | 'closed' | 'timeout'; frame?: Buffer}> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle('timeout'), ANSWER_TIMEOUT_MS)
      this.waiter = (outcome, frame) => {
        clearTimeout(timer)
        resolve({outcome, frame})
      }
      this.socket.write(bytes)
    })
  }

  destroy(): void {
    this.socket.destroy()
  }
}

/** Sends `count` frames from `next` over `workers` connections; reconnects after each close. */
async function fuzz(port: number, count: number, next: () => FuzzFrame, options: {tls?: boolean; everyFrames?: number; check?: () => Promise<void>} = {}): Promise<Tally> {
  const tally = newTally()
  let issued = 0
  let checking: Promise<void> = Promise.resolve()
  const worker = async () => {
    let connection = await FuzzConnection.open(port, options.tls)
    while (issued < count) {
      const frame = next()
      issued++
      if (options.check && options.everyFrames && issued % options.everyFrames === 0) checking = checking.then(options.check)
      tally.sent++
      tally.byKind[frame.kind] = (tally.byKind[frame.kind] ?? 0) + 1
      const {outcome, frame: answer} = await connection.exchange(frame.bytes)
      if (outcome === 'answered') {
        tally.answered++
        try {
          if (hasErrorCode(decodeResponse(frame.apiKey as ApiKey, frame.version, answer!).body)) tally.errorsAnswered++
        } catch {
          // ApiVersions answers an unsupported version in v0; anything else that does not decode
          // is a response the client cannot use, which counts as an answer, not as an error.
        }
        continue
      }
      if (outcome === 'closed') tally.closed++
      else tally.unanswered++
      connection.destroy()
      connection = await FuzzConnection.open(port, options.tls)
    }
    connection.destroy()
  }
  await Promise.all(Array.from({length: WORKERS}, worker))
  await checking
  return tally
}

describe('protocol fuzzing', () => {
  let dataDir: string
  let broker: BrokerChild
  let healthChecks = 0
  let peakRssMb = 0

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-fuzz-'))
    broker = await spawnBroker(dataDir, {
      config: {
        'socket.request.max.bytes': String(MAX_REQUEST_BYTES),
        'auto.create.topics.enable': 'false',
        listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256',
      },
    })
    const admin = kafka(broker.bootstrap).admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        {topic: 'fuzz-compact', numPartitions: 1, configEntries: [{name: 'cleanup.policy', value: 'compact'}, {name: 'max.message.bytes', value: String(MAX_REQUEST_BYTES)}]},
        {topic: 'fuzz-a', numPartitions: 3},
        {topic: 'fuzz-health', numPartitions: 1},
      ],
    })
    await admin.disconnect()
  }, 120_000)

  afterAll(async () => {
    if (broker) await killBroker(broker, 'SIGTERM')
    rmSync(dataDir, {recursive: true, force: true})
  })

  /** kafkajs produces one record and reads it back; the broker process must still be there. */
  async function healthCheck(): Promise<void> {
    expect(broker.child.exitCode, broker.stderr()).toBeNull()
    peakRssMb = Math.max(peakRssMb, rssMb(broker.child.pid!))
    const client = kafka(broker.bootstrap, `fuzz-health-${healthChecks}`)
    const producer = client.producer()
    await producer.connect()
    const [meta] = await producer.send({topic: 'fuzz-health', acks: -1, messages: [{value: `health-${healthChecks}`}]})
    await producer.disconnect()
    const admin = client.admin()
    await admin.connect()
    const [offsets] = await admin.fetchTopicOffsets('fuzz-health')
    await admin.disconnect()
    expect(Number(offsets.high)).toBe(Number(meta.baseOffset) + 1)
    healthChecks++
  }

  it(`survives ${FRAMES} generated frames and keeps serving kafkajs (seed ${SEED})`, async () => {
    const generator = new FrameGenerator({seed: SEED, maxRequestBytes: MAX_REQUEST_BYTES, topics: ['fuzz-a', 'nope'], compactedTopic: 'fuzz-compact', bombEvery: Math.min(20_000, Math.floor(FRAMES / 2))})
    const port = broker.port
    const tally = await fuzz(port, FRAMES, () => generator.next(), {everyFrames: HEALTH_EVERY, check: healthCheck})
    await healthCheck()
    console.log(
      `fuzz (seed ${SEED}): ${tally.sent} frames sent, ${tally.answered} answered (${tally.errorsAnswered} with a Kafka error), ${tally.closed} connections closed by the broker, ` +
        `${tally.unanswered} left unanswered (acks=0, long polls); ${healthChecks} kafkajs checks passed; broker peak RSS ${peakRssMb.toFixed(0)} MB; ` +
        `kinds ${JSON.stringify(tally.byKind)}`,
    )
    expect(tally.sent).toBe(FRAMES)
    expect(tally.answered + tally.closed + tally.unanswered).toBe(FRAMES)
    // Broken frames close their connection; valid ones are answered, some with Kafka errors.
    expect(tally.closed).toBeGreaterThan(FRAMES / 10)
    expect(tally.answered).toBeGreaterThan(FRAMES / 10)
    expect(tally.errorsAnswered).toBeGreaterThan(0)
    expect(peakRssMb).toBeLessThan(RSS_LIMIT_MB)
  }, Math.max(900_000, FRAMES * 2)) // the long mode: about 0.5 ms a frame here, 2 ms allowed

  it('survives hostile SASL handshakes and authentications on the SASL_PLAINTEXT listener', async () => {
    const port = listenerPort(broker, 'SASL_PLAINTEXT')
    const rng = makeRng(SEED + 1)
    const generator = new FrameGenerator({seed: SEED + 1, maxRequestBytes: MAX_REQUEST_BYTES, topics: ['fuzz-a']})
    // SaslHandshake and SaslAuthenticate, valid and broken, mixed with anything else (refused before authentication).
    const tally = await fuzz(port, Math.max(1000, FRAMES / 50), () => {
      for (;;) {
        const frame = generator.next()
        if (frame.apiKey === 17 || frame.apiKey === 36 || rng() < 0.2) return frame
      }
    })
    await healthCheck()
    console.log(`fuzz SASL listener: ${tally.sent} frames sent, ${tally.answered} answered (${tally.errorsAnswered} with a Kafka error), ${tally.closed} connections closed`)
    expect(tally.closed).toBeGreaterThan(0)
    expect(tally.answered).toBeGreaterThan(0)
  }, Math.max(300_000, FRAMES / 5))

  it('survives garbage instead of a TLS handshake and broken frames inside TLS', async () => {
    const port = listenerPort(broker, 'SSL')
    // Plain bytes at a TLS listener: each connection is refused without harm.
    const generator = new FrameGenerator({seed: SEED + 2, maxRequestBytes: MAX_REQUEST_BYTES, topics: ['fuzz-a']})
    const plain = await fuzz(port, 500, () => generator.next())
    expect(plain.answered).toBe(0)
    const inside = await fuzz(port, Math.max(1000, FRAMES / 100), () => generator.next(), {tls: true})
    await healthCheck()
    console.log(`fuzz TLS listener: ${plain.sent} plain frames (${plain.closed} closed), ${inside.sent} frames inside TLS, ${inside.answered} answered, ${inside.closed} connections closed`)
    expect(inside.answered).toBeGreaterThan(0)
    expect(inside.closed).toBeGreaterThan(0)
  }, Math.max(300_000, FRAMES / 5))
})

/** The port of a named listener, as the broker process announced its listeners. */
function listenerPort(broker: BrokerChild, name: string): number {
  const match = new RegExp(`${name}://127\\.0\\.0\\.1:(\\d+)`).exec(broker.listenersLine)
  if (!match) throw new Error(`no ${name} listener in "${broker.listenersLine}"`)
  return Number(match[1])
}
