#!/usr/bin/env node
// Soak: the bundled broker (its own process, from dist/) under steady mixed load for a long
// time, to find what only time shows: memory that grows, latency that drifts, descriptors that
// leak. Load, all with kafkajs: producers (acks=all, idempotent), a consumer group of two
// members reading everything, admin churn (a topic created, written, described and deleted
// every few seconds; group offsets described), and short-lived connections.
// Sampled every SAMPLE_SECONDS: broker RSS (/proc), open descriptors, produce latency
// (p50/p99 of the interval), consumed lag. Reported: first/last/peak RSS, the RSS trend as a
// least-squares slope (MB per hour) over the second half of the run (the first half includes
// warm-up), the p99 trend the same way, and counts. Prints one JSON object; --out FILE also
// writes it there.
//
// Modes:
//   node bench/soak.js [--minutes 30] [--out soak.json]   the soak (default 30 minutes)
//   node bench/soak.js --crash-rounds 200                   crash consistency, long (vitest)
//   node bench/soak.js --fuzz-frames 10000000               protocol fuzzing, long (vitest)
// `npm run bench -- soak --minutes 2` runs it through bench/run.js.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import kafkajs from 'kafkajs'
import {startBrokerProcess} from './lib/broker-process.js'

const {Kafka, logLevel} = kafkajs
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const {values: args} = parseArgs({
  options: {
    minutes: {type: 'string', default: '30'},
    out: {type: 'string'},
    'crash-rounds': {type: 'string'},
    'fuzz-frames': {type: 'string'},
  },
})

const SAMPLE_SECONDS = 10
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The long modes are the reliability suites with bigger numbers; vitest prints their counts. */
function runSuite(file, env) {
  const started = Date.now()
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', file], {
    cwd: root,
    env: {...process.env, ...env},
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const summary = run.stdout.split('\n').filter((line) => /^(crash|fuzz|power loss)/.test(line))
  return {suite: file, env, passed: run.status === 0, seconds: Math.round((Date.now() - started) / 1000), summary}
}

function percentile(sorted, p) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** Least-squares slope of y over x. */
function slope(points) {
  if (points.length < 2) return null
  const n = points.length
  const mx = points.reduce((s, p) => s + p.x, 0) / n
  const my = points.reduce((s, p) => s + p.y, 0) / n
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0)
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
}

async function soak(minutes) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-soak-'))
  const {child, bootstrap} = await startBrokerProcess(dataDir)
  const kafka = new Kafka({clientId: 'soak', brokers: [bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'soak', numPartitions: 6}]})
  const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1})
  await producer.connect()
  const consumers = [0, 1].map(() => kafka.consumer({groupId: 'soak-group'}))
  let consumed = 0
  for (const consumer of consumers) {
    await consumer.connect()
    await consumer.subscribe({topic: 'soak', fromBeginning: true})
    await consumer.run({eachMessage: async () => void consumed++})
  }

  const endAt = Date.now() + minutes * 60_000
  const counts = {produced: 0, produceErrors: 0, topicsChurned: 0, adminErrors: 0, shortConnections: 0}
  let latencies = []
  const produceLoop = async () => {
    const value = 'x'.repeat(200)
    while (Date.now() < endAt) {
      const t0 = performance.now()
      try {
        await producer.send({topic: 'soak', acks: -1, messages: Array.from({length: 10}, (_, i) => ({key: `k${i}`, value}))})
        latencies.push(performance.now() - t0)
        counts.produced += 10
      } catch {
        counts.produceErrors++
      }
      await sleep(5)
    }
  }
  const adminLoop = async () => {
    for (let i = 0; Date.now() < endAt; i++) {
      const topic = `soak-churn-${i}`
      try {
        await admin.createTopics({topics: [{topic, numPartitions: 3}]})
        const churn = kafka.producer()
        await churn.connect()
        await churn.send({topic, messages: [{value: 'churn'}]})
        await churn.disconnect()
        counts.shortConnections++
        await admin.fetchTopicMetadata({topics: [topic]})
        await admin.describeGroups(['soak-group'])
        await admin.fetchOffsets({groupId: 'soak-group', topics: ['soak']})
        await admin.deleteTopics({topics: [topic]})
        counts.topicsChurned++
      } catch {
        counts.adminErrors++
      }
      await sleep(2000)
    }
  }

  const samples = []
  const startedAt = Date.now()
  const sampler = async () => {
    while (Date.now() < endAt) {
      await sleep(SAMPLE_SECONDS * 1000)
      const sorted = latencies.sort((a, b) => a - b)
      latencies = []
      samples.push({
        minute: round((Date.now() - startedAt) / 60_000, 2),
        rssMb: round(rssMb(child.pid)),
        fds: readdirSync(`/proc/${child.pid}/fd`).length,
        produceP50Ms: round(percentile(sorted, 50) ?? 0, 2),
        produceP99Ms: round(percentile(sorted, 99) ?? 0, 2),
        lag: counts.produced - consumed,
      })
    }
  }
  await Promise.all([produceLoop(), adminLoop(), sampler()])

  for (const consumer of consumers) await consumer.disconnect()
  await producer.disconnect()
  await admin.disconnect()
  const alive = child.exitCode === null
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  rmSync(dataDir, {recursive: true, force: true})

  const secondHalf = samples.slice(Math.floor(samples.length / 2))
  const perHour = (key) => {
    const s = slope(secondHalf.map((sample) => ({x: sample.minute / 60, y: sample[key]})))
    return s === null ? null : round(s, 2)
  }
  return {
    minutes,
    brokerAliveAtEnd: alive,
    ...counts,
    consumed,
    rssMb: {first: samples[0]?.rssMb ?? null, last: samples.at(-1)?.rssMb ?? null, peak: Math.max(...samples.map((s) => s.rssMb))},
    rssSlopeMbPerHour: perHour('rssMb'),
    fdsSlopePerHour: perHour('fds'),
    produceP99SlopeMsPerHour: perHour('produceP99Ms'),
    produceP99Ms: {first: samples[0]?.produceP99Ms ?? null, last: samples.at(-1)?.produceP99Ms ?? null},
    samples,
  }
}

let result
if (args['crash-rounds']) result = runSuite('test/reliability/crash.test.ts', {KCTL_CRASH_ROUNDS: args['crash-rounds'], KCTL_POWER_LOSS_ROUNDS: args['crash-rounds']})
else if (args['fuzz-frames']) result = runSuite('test/reliability/fuzz.test.ts', {KCTL_FUZZ_FRAMES: args['fuzz-frames']})
else result = await soak(Number(args.minutes))
const text = JSON.stringify(result, null, 2)
if (args.out) writeFileSync(args.out, `${text}\n`)
console.log(text)
process.exit(result.passed === false || result.brokerAliveAtEnd === false ? 1 : 0)
