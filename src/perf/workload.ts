// `kctl perf run workload.yaml` and `kctl perf e2e`: producers and consumers together. The
// workload file follows OpenMessaging Benchmark's workload names (topics, partitionsPerTopic,
// messageSize, producersPerTopic, consumerPerSubscription → consumersPerTopic, producerRate)
// with kctl's durations ("1m", "10s") instead of testDurationMinutes. Producers stamp each
// record's intended send time in a header; consumers read from the end of each topic and
// record end-to-end latency from that stamp, so neither side hides a stall.
import {readFileSync} from 'node:fs'
import {setMaxListeners} from 'node:events'
import yaml from 'js-yaml'
import {parseBytes, parseDurationMs} from '../config/units.js'
import {KctlError, usageError} from '../errors.js'
import {type CompressionName, compressionNames} from '../compression/index.js'
import {ensureTopic, openCluster, type TopicLayout} from './topic-layout.js'
import {connectConsumer, consumeDefaults, type ConsumeSettings, fetchUntilDone, type FetchLoop, RecordScanner} from './consumer.js'
import {javaFixed} from './format.js'
import type {HistogramLog} from './histogram-log.js'
import {type KeyPattern, parseKeyPattern, payloadsFromFile, randomPayloads} from './payloads.js'
import {connectProducers, driveProducers, measureOverhead, produceDefaults, type ProduceOutcome, type ProduceSettings, type ToolOverhead} from './run-produce.js'
import {type Clock, systemClock} from './load-producer.js'
import {LatencyRecorder, type RateSample, rateSample} from './stats.js'

export interface Workload {
  name: string
  /** Topic names: given, or `<topicPrefix>-<name>-<n>`. */
  topicNames: string[]
  partitionsPerTopic: number
  /** Create missing topics with partitionsPerTopic partitions (else a missing topic is an error). */
  createTopics: boolean
  payloads: Buffer[]
  keyPattern: KeyPattern
  producersPerTopic: number
  consumersPerTopic: number
  /** Records per second over the whole workload; -1 = as fast as possible. */
  producerRate: number
  numRecords: number
  durationMs: number
  warmupMs: number
  acks: number
  batchBytes: number
  lingerMs: number
  compression: CompressionName
}

const knownKeys = new Set([
  'name', 'topics', 'topicPrefix', 'partitionsPerTopic', 'messageSize', 'payloadFile', 'keyPattern', 'producersPerTopic',
  'consumersPerTopic', 'producerRate', 'duration', 'warmup', 'acks', 'batchSize', 'lingerMs', 'compression',
])

/** Reads and checks a workload file; every mistake is a one-line usage error naming the key. */
export function readWorkload(file: string): Workload {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new KctlError(`unable to read workload ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      exitCode: 2,
      hint: 'pass a YAML workload file, e.g. one from templates/workloads/',
    })
  }
  let raw: unknown
  try {
    raw = yaml.load(text)
  } catch (error) {
    throw usageError(`unable to read workload ${file}: ${(error as Error).message.split('\n')[0]}`, 'fix the YAML syntax')
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw usageError(`unable to read workload ${file}: not a YAML mapping`, 'see templates/workloads/ for the shape')
  const spec = raw as Record<string, unknown>
  for (const key of Object.keys(spec)) {
    if (!knownKeys.has(key)) throw usageError(`unable to read workload ${file}: unknown key "${key}"`, `known keys: ${[...knownKeys].join(', ')}`)
  }
  const bad = (key: string, expected: string): never => {
    throw usageError(`unable to read workload ${file}: ${key} must be ${expected}, got ${JSON.stringify(spec[key])}`)
  }
  const integer = (key: string, fallback: number | undefined, min: number): number => {
    const value = spec[key] ?? fallback
    if (value === undefined) bad(key, `an integer ≥ ${min}`)
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) return bad(key, `an integer ≥ ${min}`)
    return value
  }
  const stringValue = (key: string, fallback?: string): string => {
    const value = spec[key] ?? fallback
    if (typeof value !== 'string' && typeof value !== 'number') return bad(key, 'a string')
    return String(value)
  }
  const name = stringValue('name', 'workload')
  const topics = integer('topics', 1, 1)
  const prefix = stringValue('topicPrefix', 'kctl-perf')
  const producerRate = integer('producerRate', undefined, -1)
  if (producerRate === 0) bad('producerRate', 'records per second, or -1 for as fast as possible')
  const compression = stringValue('compression', 'none')
  if (!(compressionNames as readonly string[]).includes(compression)) bad('compression', `one of ${compressionNames.join(', ')}`)
  const acks = stringValue('acks', 'all')
  if (!['all', '-1', '0', '1'].includes(acks)) bad('acks', 'all, 1 or 0')
  if (spec.messageSize !== undefined && spec.payloadFile !== undefined) {
    throw usageError(`unable to read workload ${file}: messageSize and payloadFile exclude each other`, 'keep one of them')
  }
  const durationMs = parseDurationMs(stringValue('duration', '1m'), 'duration')
  const warmupMs = parseDurationMs(stringValue('warmup', '0s'), 'warmup')
  if (durationMs <= 0 || warmupMs >= durationMs) {
    throw usageError(`unable to read workload ${file}: warmup ${stringValue('warmup', '0s')} must be shorter than duration ${stringValue('duration', '1m')}`, 'the duration includes the warm-up')
  }
  const messageBytes = spec.payloadFile !== undefined ? 0 : parseBytes(stringValue('messageSize', '1KiB'), 'messageSize')
  if (spec.payloadFile === undefined && (!Number.isInteger(messageBytes) || messageBytes < 1)) {
    throw usageError(`unable to read workload ${file}: messageSize must be a whole number of bytes ≥ 1`, 'e.g. messageSize: 1KiB')
  }
  return {
    name,
    topicNames: Array.from({length: topics}, (_, index) => `${prefix}-${name}-${index}`),
    partitionsPerTopic: integer('partitionsPerTopic', 1, 1),
    createTopics: true,
    payloads: spec.payloadFile !== undefined ? payloadsFromFile(stringValue('payloadFile')) : randomPayloads(messageBytes),
    keyPattern: parseKeyPattern(stringValue('keyPattern', 'none')),
    producersPerTopic: integer('producersPerTopic', 1, 1),
    consumersPerTopic: integer('consumersPerTopic', 1, 0),
    producerRate,
    numRecords: Number.POSITIVE_INFINITY,
    durationMs,
    warmupMs,
    acks: acks === 'all' ? -1 : Number(acks),
    batchBytes: Math.floor(parseBytes(stringValue('batchSize', '1MiB'), 'batchSize')),
    lingerMs: integer('lingerMs', produceDefaults.lingerMs, 0),
    compression: compression as CompressionName,
  }
}

export interface WorkloadOutcome {
  workload: Workload
  layouts: TopicLayout[]
  startMs: number
  endMs: number
  publish: LatencyRecorder
  endToEnd: LatencyRecorder
  consumeSamples: RateSample[]
  /** Produced minus consumed records at each sample. */
  backlog: number[]
  produced: ProduceOutcome[]
  consumedRecords: number
  consumedBytes: number
  interrupted: boolean
  overhead: ToolOverhead
}

export interface WorkloadHooks {
  onLine?: (line: string) => void
  onProgress?: (progress: {records: number; elapsedMs: number; fraction: number | null}) => void
  signal?: AbortSignal
  histogramLog?: HistogramLog
  clock?: Clock
  createPartitions?: boolean
}

/** OMB's periodic line: rates, backlog and publish and end-to-end latency of the last window. */
function windowLine(publish: RateSample & {p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number; avgMs: number}, consumeRate: number, backlog: number, endToEnd: {p50Ms: number; p99Ms: number; maxMs: number}): string {
  return (
    `Pub rate ${javaFixed(publish.recordsPerSec, 1)} msg/s / ${javaFixed(publish.mibPerSec, 2)} MiB/s | Cons rate ${javaFixed(consumeRate, 1)} msg/s | ` +
    `Backlog ${backlog} | Pub Latency (ms) avg: ${javaFixed(publish.avgMs, 2)} - 50%: ${javaFixed(publish.p50Ms, 2)} - 99%: ${javaFixed(publish.p99Ms, 2)} - 99.9%: ${javaFixed(publish.p999Ms, 2)} - Max: ${javaFixed(publish.maxMs, 2)} | ` +
    `E2E Latency (ms) 50%: ${javaFixed(endToEnd.p50Ms, 2)} - 99%: ${javaFixed(endToEnd.p99Ms, 2)} - Max: ${javaFixed(endToEnd.maxMs, 2)}`
  )
}

export async function runWorkload(workload: Workload, bootstrapServers: string[], hooks: WorkloadHooks = {}): Promise<WorkloadOutcome> {
  const clock = hooks.clock ?? systemClock
  const cluster = await openCluster(bootstrapServers, 'kctl-perf-workload')
  const closers: (() => void)[] = []
  try {
    const layouts: TopicLayout[] = []
    for (const topic of workload.topicNames) layouts.push(await ensureTopic(cluster, topic, workload.createTopics ? workload.partitionsPerTopic : undefined))
    const consumerGroups: {layout: TopicLayout; loops: FetchLoop[]}[] = []
    for (const layout of layouts) {
      for (let consumer = 0; consumer < workload.consumersPerTopic; consumer++) {
        const partitions = layout.leaders.map((_, partition) => partition).filter((partition) => partition % workload.consumersPerTopic === consumer)
        if (partitions.length === 0) continue
        const loops = await connectConsumer(cluster, layout, true, partitions)
        closers.push(() => loops.forEach((loop) => loop.connection.close()))
        consumerGroups.push({layout, loops})
      }
    }
    const producerSets = []
    for (const layout of layouts) {
      const set = await connectProducers(cluster, layout, {producers: workload.producersPerTopic, acks: workload.acks, requestTimeoutMs: produceDefaults.requestTimeoutMs})
      closers.push(set.close)
      producerSets.push({layout, transports: set.transports})
    }
    return await drive(workload, layouts, consumerGroups, producerSets, clock, hooks)
  } finally {
    for (const close of closers) close()
    cluster.close()
  }
}

async function drive(
  workload: Workload,
  layouts: TopicLayout[],
  consumerGroups: {layout: TopicLayout; loops: FetchLoop[]}[],
  producerSets: {layout: TopicLayout; transports: Awaited<ReturnType<typeof connectProducers>>['transports']}[],
  clock: Clock,
  hooks: WorkloadHooks,
): Promise<WorkloadOutcome> {
  const startMs = clock.nowMs()
  const warmupUntilMs = startMs + workload.warmupMs
  const log = hooks.histogramLog
  const publish = new LatencyRecorder(startMs, warmupUntilMs, log && ((histogram, from, to) => log.add(histogram, from, to, 'publish')))
  const endToEnd = new LatencyRecorder(startMs, warmupUntilMs, log && ((histogram, from, to) => log.add(histogram, from, to, 'end-to-end')))
  const scanner = new RecordScanner(clock, endToEnd)
  const consumeSamples: RateSample[] = []
  const backlog: number[] = []
  let consumedRecordsAtSample = 0
  let consumedBytesAtSample = 0
  let sampledAtMs = startMs
  const sample = (nowMs: number): void => {
    publish.takeSample(nowMs)
    endToEnd.takeSample(nowMs)
    consumeSamples.push(rateSample(nowMs - startMs, nowMs - sampledAtMs, scanner.records - consumedRecordsAtSample, scanner.bytes - consumedBytesAtSample))
    backlog.push(Math.max(0, publish.records - scanner.records))
    consumedRecordsAtSample = scanner.records
    consumedBytesAtSample = scanner.bytes
    sampledAtMs = nowMs
  }
  let windowStartIndex = 0
  const sampler = setInterval(() => sample(clock.nowMs()), produceDefaults.sampleIntervalMs)
  const reporter = setInterval(() => {
    const samples = publish.samples.slice(windowStartIndex)
    const e2e = endToEnd.samples.slice(windowStartIndex)
    const consumed = consumeSamples.slice(windowStartIndex)
    windowStartIndex = publish.samples.length
    if (samples.length === 0) return
    const last = samples.at(-1)!
    const worst = (values: number[]): number => Math.max(0, ...values)
    const durationMs = samples.reduce((sum, current) => sum + current.durationMs, 0)
    const records = samples.reduce((sum, current) => sum + current.records, 0)
    const bytes = samples.reduce((sum, current) => sum + current.bytes, 0)
    hooks.onLine?.(
      windowLine(
        {...rateSample(last.atMs, durationMs, records, bytes), avgMs: last.avgMs, p50Ms: last.p50Ms, p99Ms: worst(samples.map((s) => s.p99Ms)), p999Ms: worst(samples.map((s) => s.p999Ms)), maxMs: worst(samples.map((s) => s.maxMs))},
        (consumed.reduce((sum, current) => sum + current.records, 0) * 1000) / Math.max(1, durationMs),
        backlog.at(-1) ?? 0,
        {p50Ms: e2e.at(-1)?.p50Ms ?? 0, p99Ms: worst(e2e.map((s) => s.p99Ms)), maxMs: worst(e2e.map((s) => s.maxMs))},
      ),
    )
  }, produceDefaults.reportIntervalMs)
  const progress = setInterval(() => {
    const elapsedMs = clock.nowMs() - startMs
    const fraction = Number.isFinite(workload.numRecords) ? publish.records / workload.numRecords : Number.isFinite(workload.durationMs) ? elapsedMs / workload.durationMs : null
    hooks.onProgress?.({records: publish.records, elapsedMs, fraction: fraction === null ? null : Math.min(1, fraction)})
  }, 200)
  const meter = measureOverhead()

  let producersDone = false
  const consumeSettings: ConsumeSettings = {
    ...consumeDefaults,
    topic: '',
    bootstrapServers: [],
    maxRecords: Number.POSITIVE_INFINITY,
    durationMs: Number.POSITIVE_INFINITY,
    fromLatest: true,
    // Consumers stop when the producers are done and they have caught up; a stalled broker
    // may keep them waiting, so allow it the produce request timeout.
    idleTimeoutMs: produceDefaults.requestTimeoutMs,
    maxWaitMs: 100,
  }
  // Every topic's producers and consumers listen for Ctrl-C on the one signal; past ten,
  // Node warns of a listener leak (MaxListenersExceededWarning) on stderr.
  if (hooks.signal) setMaxListeners(consumerGroups.length + producerSets.length + 10, hooks.signal)
  const consumers = consumerGroups.map(({layout, loops}) =>
    fetchUntilDone(consumeSettings, layout, loops, startMs, clock, {signal: hooks.signal, producerDone: () => producersDone}, scanner),
  )
  // Awaited only once the producers are done: handled from the start, so a consumer failing
  // mid-run (a fetch timing out) ends the run as an error instead of crashing the process
  // with an unhandled rejection.
  const consumersDone = Promise.all(consumers)
  consumersDone.catch(() => undefined)
  const produceSettings: ProduceSettings = {
    ...produceDefaults,
    topic: '',
    bootstrapServers: [],
    numRecords: workload.numRecords,
    durationMs: workload.durationMs,
    payloads: workload.payloads,
    recordsPerSec: workload.producerRate > 0 ? workload.producerRate / layouts.length : -1,
    acks: workload.acks,
    batchBytes: workload.batchBytes,
    lingerMs: workload.lingerMs,
    compression: workload.compression,
    producers: workload.producersPerTopic,
    warmupMs: workload.warmupMs,
    keyPattern: workload.keyPattern,
    stampSendTime: workload.consumersPerTopic > 0,
  }
  let produced: ProduceOutcome[]
  try {
    produced = await Promise.all(
      producerSets.map(({layout, transports}) =>
        driveProducers(
          {
            ...produceSettings,
            topic: layout.name,
            // Split a finite record count across topics the way producers split it.
            numRecords: Number.isFinite(workload.numRecords) ? Math.ceil(workload.numRecords / layouts.length) : workload.numRecords,
          },
          layout,
          transports,
          {signal: hooks.signal, clock},
          publish,
        ),
      ),
    )
    producersDone = true
    await consumersDone
  } finally {
    producersDone = true
    clearInterval(sampler)
    clearInterval(reporter)
    clearInterval(progress)
  }
  const endMs = clock.nowMs()
  if (publish.unsampledRecords > 0 || endToEnd.unsampledRecords > 0 || scanner.records > consumedRecordsAtSample || publish.samples.length === 0) sample(endMs)
  return {
    workload,
    layouts,
    startMs,
    endMs,
    publish,
    endToEnd,
    consumeSamples,
    backlog,
    produced,
    consumedRecords: scanner.records,
    consumedBytes: scanner.bytes,
    interrupted: Boolean(hooks.signal?.aborted),
    overhead: meter.stop(),
  }
}
