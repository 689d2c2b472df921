// `kctl perf consume` and the consuming half of e2e and run: a lean Fetch loop per
// partition leader on the protocol codec. Partitions are assigned directly, not through a
// consumer group, so there is no rebalance and rebalance.time.ms is 0. Records are scanned
// in place (no per-record objects): key and value bytes are counted as the Java tool counts
// them, and the e2e send-time header is read when asked for.
import {errorByCode, readVarint, readVarlong, type Cursor} from '../kafka/protocol/index.js'
import {codecOfAttributes, decompress} from '../compression/index.js'
import {
  batchAttributesAt,
  batchBaseOffsetAt,
  batchLastOffsetAt,
  batchRecordCountAt,
  batchSizeAt,
  COMPRESSION_MASK,
  CONTROL_BIT,
  RECORD_BATCH_HEADER_BYTES,
} from '../kafka/protocol/record-batch.js'
import {KctlError} from '../errors.js'
import {sendTimeHeaderKey} from './batch.js'
import type {BrokerConnection, KafkaClient} from '../kafka/client/index.js'
import {ensureTopic, openCluster, type TopicLayout} from './topic-layout.js'
import type {Clock} from './load-producer.js'
import {systemClock} from './load-producer.js'
import {rateSample, type RateSample, type LatencyRecorder} from './stats.js'
import {measureOverhead, type ToolOverhead} from './run-produce.js'

export interface ConsumeSettings {
  topic: string
  bootstrapServers: string[]
  maxRecords: number
  durationMs: number
  /** Stop when no record arrived for this long (the Java tool's --timeout). */
  idleTimeoutMs: number
  fromLatest: boolean
  /** Per-partition bytes per fetch (the Java tool's --fetch-size, max.partition.fetch.bytes). */
  fetchBytes: number
  maxWaitMs: number
  sampleIntervalMs: number
}

export const consumeDefaults = {
  idleTimeoutMs: 10_000,
  fromLatest: false,
  fetchBytes: 1024 * 1024,
  maxWaitMs: 500,
  sampleIntervalMs: 1000,
}

export interface ConsumeOutcome {
  settings: ConsumeSettings
  layout: TopicLayout
  startMs: number
  endMs: number
  records: number
  /** Key plus value bytes, as kafka-consumer-perf-test counts them. */
  bytes: number
  rebalanceMs: number
  samples: RateSample[]
  timedOut: boolean
  interrupted: boolean
  overhead: ToolOverhead
}

export interface ConsumeHooks {
  signal?: AbortSignal
  clock?: Clock
  /** Records end-to-end latency from the send-time header when given. */
  endToEnd?: LatencyRecorder
  /** Called once the start offsets are known (e2e starts producing then). */
  onReady?: () => void
  /** Consumption may stop once this returns true and everything up to it was read. */
  producerDone?: () => boolean
  onProgress?: (progress: {records: number; elapsedMs: number; fraction: number | null}) => void
}

/** Counts and, for e2e, timestamps the records of a fetched `records` blob at or after `fromOffset`. */
export class RecordScanner {
  records = 0
  bytes = 0
  private readonly cursor: Cursor = {buf: Buffer.alloc(0), pos: 0}

  constructor(
    private readonly clock: Clock,
    private readonly endToEnd: LatencyRecorder | undefined,
    /** --num-records: records past it in the last fetch are not counted, so the run reads exactly that many. */
    private readonly maxRecords = Number.POSITIVE_INFINITY,
  ) {}

  /** Returns the offset after the last complete batch (fromOffset when there is none). */
  scan(blob: Buffer, fromOffset: number): number {
    let nextOffset = fromOffset
    let position = 0
    const nowMs = this.endToEnd ? this.clock.nowMs() : 0
    while (position + RECORD_BATCH_HEADER_BYTES <= blob.length) {
      const baseOffset = batchBaseOffsetAt(blob, position)
      const end = position + batchSizeAt(blob, position)
      if (end > blob.length) break // a partial batch at the end of the fetch
      const attributes = batchAttributesAt(blob, position)
      const lastOffset = batchLastOffsetAt(blob, position)
      const count = batchRecordCountAt(blob, position)
      if ((attributes & CONTROL_BIT) === 0 && lastOffset >= fromOffset) {
        let records = blob.subarray(position + RECORD_BATCH_HEADER_BYTES, end)
        const codec = codecOfAttributes(attributes)
        if (codec === undefined) {
          throw new KctlError(`unable to read topic data: record batch compressed with unknown codec ${attributes & COMPRESSION_MASK}`, {
            hint: 'Kafka assigns codecs 0-4 only: the batch is corrupt',
          })
        }
        if (codec !== 'none') records = decompress(codec, records)
        this.scanRecords(records, count, baseOffset, fromOffset, nowMs)
      }
      nextOffset = Math.max(nextOffset, lastOffset + 1)
      position = end
    }
    return nextOffset
  }

  private scanRecords(records: Buffer, count: number, baseOffset: number, fromOffset: number, nowMs: number): void {
    const cursor = this.cursor
    cursor.buf = records
    cursor.pos = 0
    for (let index = 0; index < count && cursor.pos < records.length; index++) {
      const length = readVarint(cursor)
      const next = cursor.pos + length
      cursor.pos++ // attributes
      readVarlong(cursor) // timestamp delta
      const offset = baseOffset + readVarint(cursor)
      const keyBytes = readVarint(cursor)
      if (keyBytes > 0) cursor.pos += keyBytes
      const valueBytes = readVarint(cursor)
      if (valueBytes > 0) cursor.pos += valueBytes
      if (offset >= fromOffset && this.records < this.maxRecords) {
        this.records++
        this.bytes += Math.max(0, keyBytes) + Math.max(0, valueBytes)
        if (this.endToEnd) this.recordEndToEnd(cursor, records, nowMs, Math.max(0, valueBytes))
      }
      cursor.pos = next
    }
  }

  private recordEndToEnd(cursor: Cursor, records: Buffer, nowMs: number, valueBytes: number): void {
    const headers = readVarint(cursor)
    for (let header = 0; header < headers; header++) {
      const keyBytes = readVarint(cursor)
      const keyStart = cursor.pos
      cursor.pos += keyBytes
      const valueLength = readVarint(cursor)
      if (
        valueLength === 8 &&
        keyBytes === sendTimeHeaderKey.length &&
        sendTimeHeaderKey.equals(records.subarray(keyStart, keyStart + keyBytes))
      ) {
        const intendedMs = records.readDoubleBE(cursor.pos)
        this.endToEnd!.record(nowMs - intendedMs, valueBytes, intendedMs)
        return
      }
      if (valueLength > 0) cursor.pos += valueLength
    }
  }
}

async function listOffsets(connection: BrokerConnection, topic: string, partitions: number[], timestamp: number): Promise<Map<number, number>> {
  const response = await connection.send(2, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{name: topic, partitions: partitions.map((partitionIndex) => ({partitionIndex, currentLeaderEpoch: -1, timestamp}))}],
    timeoutMs: 30_000,
  })
  const offsets = new Map<number, number>()
  for (const topicResponse of response.topics) {
    for (const partition of topicResponse.partitions) {
      if (partition.errorCode !== 0) {
        throw new KctlError(`unable to list offsets of ${topic}-${partition.partitionIndex}: ${errorByCode(partition.errorCode).name}`)
      }
      offsets.set(partition.partitionIndex, partition.offset)
    }
  }
  return offsets
}

export interface FetchLoop {
  connection: BrokerConnection
  /** Next offset to fetch, per partition. */
  offsets: Map<number, number>
}

/** Connects to the leaders of `partitions` (default: all) and finds the start offsets. */
export async function connectConsumer(
  cluster: KafkaClient,
  layout: TopicLayout,
  fromLatest: boolean,
  partitions: number[] = layout.leaders.map((_, partition) => partition),
): Promise<FetchLoop[]> {
  const byLeader = new Map<number, number[]>()
  for (const partition of partitions) {
    const leader = layout.leaders[partition]
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition])
  }
  const loops: FetchLoop[] = []
  try {
    for (const [leader, leaderPartitions] of byLeader) {
      const connection = await cluster.openConnection(leader)
      loops.push({connection, offsets: new Map()})
      loops.at(-1)!.offsets = await listOffsets(connection, layout.name, leaderPartitions, fromLatest ? -1 : -2)
    }
  } catch (error) {
    for (const loop of loops) loop.connection.close()
    throw error
  }
  return loops
}

export async function runConsume(settings: ConsumeSettings, hooks: ConsumeHooks = {}): Promise<ConsumeOutcome> {
  const clock = hooks.clock ?? systemClock
  const cluster = await openCluster(settings.bootstrapServers, 'kctl-perf-consumer')
  let loops: FetchLoop[] = []
  try {
    const layout = await ensureTopic(cluster, settings.topic, undefined)
    const startMs = clock.nowMs()
    loops = await connectConsumer(cluster, layout, settings.fromLatest)
    return await fetchUntilDone(settings, layout, loops, startMs, clock, hooks)
  } finally {
    for (const loop of loops) loop.connection.close()
    cluster.close()
  }
}

/**
 * Fetches until the record count, the duration, the idle timeout or the producer's end is
 * reached. With a shared `scanner` (several consumers feeding one count) the caller samples.
 */
export async function fetchUntilDone(
  settings: ConsumeSettings,
  layout: TopicLayout,
  loops: FetchLoop[],
  startMs: number,
  clock: Clock,
  hooks: ConsumeHooks,
  sharedScanner?: RecordScanner,
): Promise<ConsumeOutcome> {
  const scanner = sharedScanner ?? new RecordScanner(clock, hooks.endToEnd, settings.maxRecords)
  const meter = measureOverhead()
  const samples: RateSample[] = []
  let sampledRecords = 0
  let sampledBytes = 0
  let sampledAtMs = startMs
  const takeSample = (nowMs: number): void => {
    samples.push(rateSample(nowMs - startMs, nowMs - sampledAtMs, scanner.records - sampledRecords, scanner.bytes - sampledBytes))
    sampledRecords = scanner.records
    sampledBytes = scanner.bytes
    sampledAtMs = nowMs
  }
  const sampler = sharedScanner ? undefined : setInterval(() => takeSample(clock.nowMs()), settings.sampleIntervalMs)
  const progress = setInterval(() => {
    const elapsedMs = clock.nowMs() - startMs
    const fraction = Number.isFinite(settings.maxRecords) ? scanner.records / settings.maxRecords : Number.isFinite(settings.durationMs) ? elapsedMs / settings.durationMs : null
    hooks.onProgress?.({records: scanner.records, elapsedMs, fraction: fraction === null ? null : Math.min(1, fraction)})
  }, 200)
  let lastRecordMs = clock.nowMs()
  let timedOut = false
  // Ctrl-C may have come while connecting.
  let stopped = Boolean(hooks.signal?.aborted)
  const stop = (): void => {
    stopped = true
  }
  hooks.signal?.addEventListener('abort', stop, {once: true})
  hooks.onReady?.()
  const caughtUp = new Set<number>()

  const fetchLoop = async (loopIndex: number, loop: FetchLoop): Promise<void> => {
    while (!stopped) {
      // Only a fetch sent after the producers finished can prove the consumer caught up
      // with everything they sent (an older response may predate the last acks).
      const producerWasDone = hooks.producerDone?.() ?? false
      const response = await loop.connection.send(1, {
        replicaId: -1,
        maxWaitMs: settings.maxWaitMs,
        minBytes: 1,
        maxBytes: 64 * 1024 * 1024,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: layout.name,
            partitions: [...loop.offsets].map(([partition, fetchOffset]) => ({
              partition,
              currentLeaderEpoch: -1,
              fetchOffset,
              lastFetchedEpoch: -1,
              logStartOffset: -1,
              partitionMaxBytes: settings.fetchBytes,
            })),
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      })
      const before = scanner.records
      let behind = false
      for (const topic of response.responses) {
        for (const partition of topic.partitions) {
          if (partition.errorCode !== 0) {
            throw new KctlError(`unable to fetch ${layout.name}-${partition.partitionIndex}: ${errorByCode(partition.errorCode).name}`)
          }
          const fromOffset = loop.offsets.get(partition.partitionIndex)!
          const next = partition.records ? scanner.scan(partition.records, fromOffset) : fromOffset
          loop.offsets.set(partition.partitionIndex, next)
          if (next < partition.highWatermark) behind = true
        }
      }
      const nowMs = clock.nowMs()
      if (scanner.records > before) lastRecordMs = nowMs
      if (behind || !producerWasDone) caughtUp.delete(loopIndex)
      else caughtUp.add(loopIndex)
      if (scanner.records >= settings.maxRecords || nowMs - startMs >= settings.durationMs) stop()
      else if (caughtUp.size === loops.length) stop()
      else if (nowMs - lastRecordMs > settings.idleTimeoutMs) {
        timedOut = true
        stop()
      }
    }
  }

  try {
    await Promise.all(loops.map((loop, index) => fetchLoop(index, loop)))
  } finally {
    hooks.signal?.removeEventListener('abort', stop)
    clearInterval(sampler)
    clearInterval(progress)
  }
  const endMs = clock.nowMs()
  if (!sharedScanner && (scanner.records > sampledRecords || samples.length === 0)) takeSample(endMs)
  return {
    settings,
    layout,
    startMs,
    endMs,
    records: scanner.records,
    bytes: scanner.bytes,
    rebalanceMs: 0,
    samples,
    timedOut,
    interrupted: Boolean(hooks.signal?.aborted),
    overhead: meter.stop(),
  }
}
