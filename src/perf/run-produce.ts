// `kctl perf produce`: runs the load producers (load-producer.ts) against a cluster on real
// timers, prints progress windows, samples the time series and measures the tool's own CPU
// and event-loop use, so a reader can tell a slow broker from a saturated generator. Its
// result, summary and report are in results/produce.ts.
import {monitorEventLoopDelay, performance} from 'node:perf_hooks'
import type {Histogram} from 'hdr-histogram-js'
import {errorByCode} from '../kafka/protocol/index.js'
import {KctlError} from '../errors.js'
import type {CompressionName} from '../compression/index.js'
import type {BrokerConnection, KafkaClient} from '../kafka/client/index.js'
import {ensureTopic, openCluster, type TopicLayout} from './topic-layout.js'
import {formatProducerWindow} from './format.js'
import type {HistogramLog} from './histogram-log.js'
import {type KeyPattern, keyPool} from './payloads.js'
import {type Clock, LoadProducer, type ProduceTransport, type SealedBatch, systemClock} from './load-producer.js'
import {LatencyRecorder, newHistogram} from './stats.js'

export interface ProduceSettings {
  topic: string
  bootstrapServers: string[]
  /** Create the topic with this many partitions when it does not exist. */
  createPartitions?: number
  numRecords: number
  durationMs: number
  payloads: Buffer[]
  /** Records per second over all producers; -1 for as fast as possible. */
  recordsPerSec: number
  acks: number
  batchBytes: number
  lingerMs: number
  compression: CompressionName
  producers: number
  warmupMs: number
  keyPattern: KeyPattern
  maxInFlight: number
  bufferBytes: number
  requestTimeoutMs: number
  reportIntervalMs: number
  sampleIntervalMs: number
  /** Stamp each record's intended send time in a header (for end-to-end latency). */
  stampSendTime: boolean
}

export const produceDefaults = {
  acks: 1,
  // librdkafka's batch.size (~1 MB): the Java default of 16 KiB caps a single-partition
  // run at one small batch per request.
  batchBytes: 1024 * 1024,
  // Kafka 4.0's linger.ms default (KIP-1030).
  lingerMs: 5,
  compression: 'none' as CompressionName,
  producers: 1,
  maxInFlight: 5,
  bufferBytes: 32 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  reportIntervalMs: 5000,
  sampleIntervalMs: 1000,
}

export interface ToolOverhead {
  /** Process CPU time over wall time, in percent of one core. */
  cpuPercent: number
  /** Share of wall time the event loop was busy (1 = saturated generator). */
  eventLoopUtilization: number
  /**
   * How late the tool's own timers fired (monitorEventLoopDelay): high values with low CPU
   * mean the load generator's host is starved, and latencies include that wait.
   */
  eventLoopDelayP99Ms: number
  eventLoopDelayMaxMs: number
}

/** Starts measuring the tool's own CPU, event-loop use and timer lateness. */
export function measureOverhead(): {stop: () => ToolOverhead} {
  const startMs = performance.now()
  const cpuStart = process.cpuUsage()
  const eluStart = performance.eventLoopUtilization()
  const delay = monitorEventLoopDelay({resolution: 1})
  delay.enable()
  return {
    stop() {
      delay.disable()
      const elapsedMs = Math.max(1, performance.now() - startMs)
      const cpu = process.cpuUsage(cpuStart)
      return {
        cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
        eventLoopUtilization: performance.eventLoopUtilization(eluStart).utilization,
        eventLoopDelayP99Ms: delay.count > 0 ? delay.percentile(99) / 1e6 : 0,
        eventLoopDelayMaxMs: delay.count > 0 ? delay.max / 1e6 : 0,
      }
    },
  }
}

export interface ProduceOutcome {
  settings: ProduceSettings
  layout: TopicLayout
  recorder: LatencyRecorder
  /** Generator lag: when each record was built minus when it was due (fixed rate only). */
  delay: Histogram
  errors: number
  errorNames: Record<string, number>
  startMs: number
  endMs: number
  interrupted: boolean
  overhead: ToolOverhead
}

export interface RunHooks {
  onLine?: (line: string) => void
  onProgress?: (progress: {records: number; elapsedMs: number; fraction: number | null}) => void
  signal?: AbortSignal
  histogramLog?: HistogramLog
  clock?: Clock
}

/** Produce transport over one connection per partition leader. */
class LeaderTransport implements ProduceTransport {
  constructor(
    private readonly topic: string,
    private readonly acks: number,
    private readonly timeoutMs: number,
    private readonly leaders: number[],
    private readonly connections: Map<number, BrokerConnection>,
  ) {}

  produce(batches: SealedBatch[]): Promise<number[]> {
    const byLeader = new Map<number, number[]>()
    batches.forEach((batch, index) => {
      const leader = this.leaders[batch.partition]
      const group = byLeader.get(leader)
      if (group) group.push(index)
      else byLeader.set(leader, [index])
    })
    const codes = new Array<number>(batches.length).fill(0)
    const requests = [...byLeader].map(([leader, indexes]) => this.send(leader, indexes.map((index) => batches[index]), indexes, codes))
    return Promise.all(requests).then(() => codes)
  }

  private async send(leader: number, batches: SealedBatch[], indexes: number[], codes: number[]): Promise<void> {
    const connection = this.connections.get(leader)!
    const body = {
      transactionalId: null,
      acks: this.acks,
      timeoutMs: this.timeoutMs,
      topicData: [{name: this.topic, partitionData: batches.map((batch) => ({index: batch.partition, records: batch.records}))}],
    }
    // acks=0: the broker sends nothing back; the record counts as sent once written.
    if (this.acks === 0) {
      connection.sendOnly(0, body)
      return
    }
    const response = await connection.send(0, body)
    const byPartition = new Map<number, number>()
    for (const topic of response.responses) {
      for (const partition of topic.partitionResponses) byPartition.set(partition.index, partition.errorCode)
    }
    batches.forEach((batch, position) => {
      codes[indexes[position]] = byPartition.get(batch.partition) ?? -1
    })
  }
}

function shareOf(total: number, parts: number, index: number): number {
  if (!Number.isFinite(total)) return total
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0)
}

/** Producer transports: for each producer, its own connection to every partition leader. */
export async function connectProducers(
  cluster: KafkaClient,
  layout: TopicLayout,
  settings: Pick<ProduceSettings, 'producers' | 'acks' | 'requestTimeoutMs'>,
): Promise<{transports: ProduceTransport[]; close: () => void}> {
  const connections: BrokerConnection[] = []
  const close = (): void => {
    for (const connection of connections) connection.close()
  }
  const transports: ProduceTransport[] = []
  try {
    for (let producer = 0; producer < settings.producers; producer++) {
      const byLeader = new Map<number, BrokerConnection>()
      for (const leader of new Set(layout.leaders)) {
        const connection = await cluster.openConnection(leader)
        connections.push(connection)
        byLeader.set(leader, connection)
      }
      transports.push(new LeaderTransport(layout.name, settings.acks, settings.requestTimeoutMs, layout.leaders, byLeader))
    }
  } catch (error) {
    close()
    throw error
  }
  return {transports, close}
}

export async function runProduce(settings: ProduceSettings, hooks: RunHooks = {}): Promise<ProduceOutcome> {
  const cluster = await openCluster(settings.bootstrapServers, 'kctl-perf-producer')
  let close = (): void => {}
  try {
    const layout = await ensureTopic(cluster, settings.topic, settings.createPartitions)
    const producers = await connectProducers(cluster, layout, settings)
    close = producers.close
    return await driveProducers(settings, layout, producers.transports, hooks)
  } finally {
    close()
    cluster.close()
  }
}

/**
 * Runs the producers on real timers until done or interrupted. With a shared `recorder`
 * (several topics feeding one set of figures) the caller prints progress and samples.
 */
export async function driveProducers(
  settings: ProduceSettings,
  layout: TopicLayout,
  transports: ProduceTransport[],
  hooks: RunHooks,
  recorder?: LatencyRecorder,
): Promise<ProduceOutcome> {
  const clock = hooks.clock ?? systemClock
  const startMs = recorder?.startMs ?? clock.nowMs()
  const publish =
    recorder ??
    new LatencyRecorder(startMs, startMs + settings.warmupMs, hooks.histogramLog && ((histogram, from, to) => hooks.histogramLog!.add(histogram, from, to, 'publish')))
  const keys = keyPool(settings.keyPattern, layout.leaders.length)
  const meter = measureOverhead()
  const count = transports.length
  let finish: () => void = () => {}
  const finished = new Promise<void>((resolve) => (finish = resolve))
  let failure: unknown
  const producers: LoadProducer[] = []
  const timers: {timeout: NodeJS.Timeout | null; immediate: NodeJS.Immediate | null}[] = []

  // Set once the run is over: late acks (or failures from closing sockets) schedule nothing.
  let ended = false
  const loop = (index: number): void => {
    if (ended) return
    const timer = timers[index]
    timer.immediate = null
    timer.timeout = null
    const producer = producers[index]
    try {
      producer.step()
    } catch (error) {
      producer.failure ??= error
    }
    if (producer.failure) {
      failure = producer.failure
      finish()
      return
    }
    if (producers.every((candidate) => candidate.finished)) {
      finish()
      return
    }
    const waitMs = producer.nextWakeMs(clock.nowMs())
    if (waitMs === 0) timer.immediate = setImmediate(loop, index)
    // Timers fire no earlier than asked: rounding up wakes once, just after the deadline.
    else if (Number.isFinite(waitMs)) timer.timeout = setTimeout(loop, Math.max(1, Math.ceil(waitMs)), index)
  }
  const wake = (index: number): void => {
    if (ended) return
    const timer = timers[index]
    if (timer.immediate !== null) return
    if (timer.timeout !== null) clearTimeout(timer.timeout)
    timer.timeout = null
    timer.immediate = setImmediate(loop, index)
  }

  for (let index = 0; index < count; index++) {
    const rate = settings.recordsPerSec > 0 ? settings.recordsPerSec / count : -1
    producers.push(
      new LoadProducer(
        {
          partitions: layout.leaders.length,
          recordsPerSec: rate,
          startMs,
          // Producer k's records fall between the others', so N producers keep one even rate.
          phaseMs: settings.recordsPerSec > 0 ? (index * 1000) / settings.recordsPerSec : 0,
          maxRecords: shareOf(settings.numRecords, count, index),
          endMs: startMs + settings.durationMs,
          batchBytes: settings.batchBytes,
          lingerMs: settings.lingerMs,
          maxInFlight: settings.maxInFlight,
          bufferBytes: settings.bufferBytes,
          compression: settings.compression,
          payloads: settings.payloads,
          keyPattern: settings.keyPattern,
          keys,
          stampSendTime: settings.stampSendTime,
        },
        transports[index],
        clock,
        publish,
        () => wake(index),
      ),
    )
    timers.push({timeout: null, immediate: null})
  }

  const expected = Number.isFinite(settings.numRecords) ? settings.numRecords : null
  const reporter = recorder ? undefined : setInterval(() => hooks.onLine?.(formatProducerWindow(publish.takeWindow(clock.nowMs()))), settings.reportIntervalMs)
  const sampler = recorder ? undefined : setInterval(() => publish.takeSample(clock.nowMs()), settings.sampleIntervalMs)
  const progress = setInterval(() => {
    const elapsedMs = clock.nowMs() - startMs
    const fraction = expected !== null ? publish.records / expected : Number.isFinite(settings.durationMs) ? elapsedMs / settings.durationMs : null
    hooks.onProgress?.({records: publish.records, elapsedMs, fraction: fraction === null ? null : Math.min(1, fraction)})
  }, 200)
  let interrupted = false
  const onAbort = (): void => {
    interrupted = true
    finish()
  }
  hooks.signal?.addEventListener('abort', onAbort, {once: true})
  if (hooks.signal?.aborted) onAbort() // Ctrl-C while connecting
  for (let index = 0; index < count; index++) wake(index)
  try {
    await finished
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort)
    clearInterval(reporter)
    clearInterval(sampler)
    clearInterval(progress)
    for (const timer of timers) {
      if (timer.timeout) clearTimeout(timer.timeout)
      if (timer.immediate) clearImmediate(timer.immediate)
    }
    for (const producer of producers) producer.stop()
    ended = true
  }
  if (failure) throw failure
  const endMs = clock.nowMs()
  // The last, partial sample: every record lands in some sample (and the histogram log).
  if (!recorder && (publish.unsampledRecords > 0 || publish.samples.length === 0)) publish.takeSample(endMs)

  const delay = newHistogram()
  const errorNames: Record<string, number> = {}
  let errors = 0
  for (const producer of producers) {
    delay.add(producer.delay)
    errors += producer.errors
    for (const [code, records] of producer.errorCodes) {
      const name = code === -1 ? 'NETWORK_EXCEPTION' : errorByCode(code).name
      errorNames[name] = (errorNames[name] ?? 0) + records
    }
  }
  const overhead = meter.stop()
  if (publish.records === 0 && errors > 0 && !interrupted) {
    throw new KctlError(`unable to produce to topic ${settings.topic}: ${Object.keys(errorNames).join(', ')}`, {
      hint: 'check the topic and the broker log',
    })
  }
  return {settings, layout, recorder: publish, delay, errors, errorNames, startMs, endMs, interrupted, overhead}
}
