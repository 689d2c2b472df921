// `kctl consume`: prints records as they arrive, through kcat-style format templates or as
// JSON Lines, until --max-messages, --timeout of idleness, or Ctrl-C.
//
// With --group, kctl is a member of that consumer group: it resumes from the committed
// offsets (else from the start or the end, as --from-beginning says, like
// kafka-console-consumer) and commits what it has printed, every second and on exit, Ctrl-C
// included. kafkajs's consumer cannot read without a group (it has no assign()), so without
// --group kctl fetches each partition from its leader itself, through kafkajs's internal Cluster (as kcat does with
// assign()): nothing joins a group, nothing is committed, and it starts at once instead of
// after the broker's group.initial.rebalance.delay.ms (3 s by default).
import {isUtf8} from 'node:buffer'
import type {Admin, Consumer, IHeaders, KafkaMessage} from 'kafkajs'
import {KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {KctlError, usageError} from '../errors.js'
import {clientOptions, connectWithin, type KafkaSession} from './connection.js'
import {readBatches} from './record-batches.js'
import {kafkaErrorName} from './errors.js'
import {unknownTopic} from './topics.js'

export interface ConsumedRecord {
  topic: string
  partition: number
  offset: number
  /** Milliseconds since the epoch (CreateTime or LogAppendTime, as the topic is set). */
  timestamp: number
  /** UTF-8 text, or base64 when keyEncoding says so. */
  key: string | null
  /** UTF-8 text, or base64 when valueEncoding says so. */
  value: string | null
  headers: Record<string, string>
  /** Present only for a key that is not valid UTF-8: `key` holds its bytes in base64. */
  keyEncoding?: 'base64'
  /** Present only for a value that is not valid UTF-8 (Avro, Protobuf, compressed payloads). */
  valueEncoding?: 'base64'
}

// ---- format templates -------------------------------------------------------------------

/**
 * kcat's -f tokens: %t topic, %p partition, %o offset, %k key, %K key length (-1 for null),
 * %s or %v value, %S value length (-1 for null), %h headers as k=v,k=v, %T timestamp (ms),
 * %% a percent sign; escapes \n \r \t \\ . A null key or value prints as nothing.
 */
export function compileFormat(template: string): (record: ConsumedRecord) => string {
  const parts: ((record: ConsumedRecord) => string)[] = []
  let literal = ''
  const flush = () => {
    if (literal !== '') {
      const text = literal
      parts.push(() => text)
      literal = ''
    }
  }
  for (let i = 0; i < template.length; i++) {
    const char = template[i]
    if (char === '\\' && i + 1 < template.length) {
      const escaped = ({n: '\n', r: '\r', t: '\t', '\\': '\\'} as Record<string, string>)[template[i + 1]]
      if (escaped !== undefined) {
        literal += escaped
        i++
        continue
      }
    }
    if (char !== '%') {
      literal += char
      continue
    }
    const token = template[++i]
    if (token === '%') {
      literal += '%'
      continue
    }
    const part = formatTokens[token]
    if (!part) throw usageError(`invalid --format token "%${token ?? ''}"`, 'use %t %p %o %k %K %v %s %S %h %T and %%')
    flush()
    parts.push(part)
  }
  flush()
  return (record) => parts.map((part) => part(record)).join('')
}

const formatTokens: Record<string, (record: ConsumedRecord) => string> = {
  t: (record) => record.topic,
  p: (record) => String(record.partition),
  o: (record) => String(record.offset),
  k: (record) => record.key ?? '',
  K: (record) => String(record.key === null ? -1 : Buffer.byteLength(record.key, record.keyEncoding ?? 'utf8')),
  v: (record) => record.value ?? '',
  s: (record) => record.value ?? '',
  S: (record) => String(record.value === null ? -1 : Buffer.byteLength(record.value, record.valueEncoding ?? 'utf8')),
  h: (record) => Object.entries(record.headers).map(([name, value]) => `${name}=${value}`).join(','),
  T: (record) => String(record.timestamp),
}

export const defaultFormat = '%v\\n'

// ---- start positions --------------------------------------------------------------------

export type StartPosition =
  /** The group's committed offsets; where it has none, `reset` (auto.offset.reset). */
  | {kind: 'committed'; reset: 'earliest' | 'latest'}
  | {kind: 'earliest'}
  | {kind: 'latest'}
  /** N ≥ 0: that offset; N < 0: |N| records before the end (kcat -o -N). */
  | {kind: 'offset'; offset: number}
  | {kind: 'timestamp'; timestampMs: number}

/** From the flags: --offset wins over --from-timestamp over --from-beginning. */
export function startPosition(flags: {offset?: string; fromTimestamp?: string; fromBeginning?: boolean; group?: string}, now = Date.now()): StartPosition {
  if (flags.offset !== undefined) {
    if (flags.offset === 'earliest' || flags.offset === 'beginning') return {kind: 'earliest'}
    if (flags.offset === 'latest' || flags.offset === 'end') return {kind: 'latest'}
    if (!/^-?\d+$/.test(flags.offset)) throw usageError(`invalid --offset "${flags.offset}"`, 'use a number, -N (N before the end), earliest or latest')
    return {kind: 'offset', offset: Number(flags.offset)}
  }
  if (flags.fromTimestamp !== undefined) return {kind: 'timestamp', timestampMs: parseTimestamp(flags.fromTimestamp, now)}
  if (flags.group) return {kind: 'committed', reset: flags.fromBeginning ? 'earliest' : 'latest'}
  return flags.fromBeginning ? {kind: 'earliest'} : {kind: 'latest'}
}

/** Epoch milliseconds, an ISO-8601 date/time, or "-1h" style (that long ago). */
export function parseTimestamp(text: string, now = Date.now()): number {
  if (/^\d+$/.test(text)) return Number(text)
  const ago = /^-(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text)
  if (ago) {
    const unitMs: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}
    return now - Math.round(Number(ago[1]) * unitMs[ago[2]])
  }
  const parsed = Date.parse(text)
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(parsed)) return parsed
  throw usageError(`invalid --from-timestamp "${text}"`, 'use epoch milliseconds, an ISO date like 2025-01-11T16:54:15Z, or -1h for an hour ago')
}

// ---- consuming --------------------------------------------------------------------------

export interface ConsumeOptions {
  topic: string
  /** Only these partitions (without a group). */
  partitions?: number[]
  group?: string
  start: StartPosition
  maxMessages?: number
  /** Stop after this long without a record. */
  idleTimeoutMs?: number
  /** Aborted on Ctrl-C: stop, commit (with a group), leave. */
  signal?: AbortSignal
  commitIntervalMs?: number
  /** read_committed (the default, as librdkafka and kcat) skips open and aborted transactions;
   *  read_uncommitted shows every record up to the high watermark. */
  isolation?: Isolation
}

export type Isolation = 'read_committed' | 'read_uncommitted'

export type StopReason = 'max-messages' | 'idle' | 'interrupted'

export interface ConsumeResult {
  count: number
  reason: StopReason
  /** Offsets committed for --group on the way out (next offset to read per partition). */
  committed: {partition: number; offset: number}[]
}

export async function consume(session: KafkaSession, options: ConsumeOptions, onRecord: (record: ConsumedRecord) => void): Promise<ConsumeResult> {
  if (options.group && options.partitions) {
    throw usageError('--partition cannot be combined with --group', 'the group decides which partitions this member reads; drop one of them')
  }
  const action = `consume from topic ${options.topic}`
  const admin = session.kafka.admin()
  await connectWithin(admin, session, action)
  try {
    const bounds = await partitionBounds(admin, options.topic, action)
    const selected = options.partitions ?? bounds.map((bound) => bound.partition)
    for (const partition of selected) {
      if (!bounds.some((bound) => bound.partition === partition)) {
        throw new KctlError(`unable to ${action}: partition ${partition} does not exist (the topic has ${bounds.length})`, {
          exitCode: 4,
          hint: `use a partition from 0 to ${bounds.length - 1}`,
        })
      }
    }
    const selectedBounds = bounds.filter((bound) => selected.includes(bound.partition))
    const seeks = await seekOffsets(admin, options.topic, options.start, selectedBounds)
    const stop = new StopCondition(options)
    try {
      if (options.group) return await readAsGroup(session, options, options.group, seeks, stop, onRecord, action)
      const reset = async () => seekOffsets(admin, options.topic, {kind: 'earliest'}, await partitionBounds(admin, options.topic, action))
      return await readPartitions(session, options.topic, seeks, stop, onRecord, reset, options.isolation ?? 'read_committed')
    } finally {
      stop.dispose()
    }
  } catch (error) {
    throw session.fail(error, action)
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}

interface PartitionBound {
  partition: number
  low: number
  high: number
}

async function partitionBounds(admin: Admin, topic: string, action: string): Promise<PartitionBound[]> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    if (offsets.length === 0) throw unknownTopic(topic, action)
    return offsets.map((entry) => ({partition: entry.partition, low: Number(entry.low), high: Number(entry.high)})).sort((a, b) => a.partition - b.partition)
  } catch (error) {
    if (kafkaErrorName(error) === 'UNKNOWN_TOPIC_OR_PARTITION') throw unknownTopic(topic, action)
    throw error
  }
}

/** Where each selected partition starts; nothing for a group's committed offsets. */
async function seekOffsets(admin: Admin, topic: string, start: StartPosition, bounds: PartitionBound[]): Promise<Map<number, number>> {
  const seeks = new Map<number, number>()
  if (start.kind === 'committed') return seeks
  if (start.kind === 'timestamp') {
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, start.timestampMs)
    for (const entry of byTime) if (bounds.some((bound) => bound.partition === entry.partition)) seeks.set(entry.partition, Number(entry.offset))
    return seeks
  }
  for (const bound of bounds) {
    if (start.kind === 'earliest') seeks.set(bound.partition, bound.low)
    else if (start.kind === 'latest') seeks.set(bound.partition, bound.high)
    else if (start.offset >= 0) seeks.set(bound.partition, Math.max(bound.low, Math.min(start.offset, bound.high)))
    else seeks.set(bound.partition, Math.max(bound.low, bound.high + start.offset))
  }
  return seeks
}

/** Ends a run on --max-messages, --timeout of idleness, Ctrl-C (the signal) or a failure. */
class StopCondition {
  readonly stopped: Promise<StopReason>
  reason: StopReason | undefined
  failure: unknown
  count = 0
  private resolve: (reason: StopReason) => void = () => undefined
  private idleTimer: NodeJS.Timeout | undefined
  private readonly onAbort = () => this.stop('interrupted')

  constructor(private readonly options: Pick<ConsumeOptions, 'maxMessages' | 'idleTimeoutMs' | 'signal'>) {
    this.stopped = new Promise((resolve) => {
      this.resolve = resolve
    })
    options.signal?.addEventListener('abort', this.onAbort)
    if (options.signal?.aborted) this.stop('interrupted')
    if (options.maxMessages === 0) this.stop('max-messages')
    this.armIdle()
  }

  stop(reason: StopReason, failure?: unknown): void {
    if (this.reason) return
    this.reason = reason
    this.failure = failure
    this.resolve(reason)
  }

  /** Counts a printed record. */
  recorded(): void {
    this.count++
    this.armIdle()
    if (this.options.maxMessages !== undefined && this.count >= this.options.maxMessages) this.stop('max-messages')
  }

  dispose(): void {
    clearTimeout(this.idleTimer)
    this.options.signal?.removeEventListener('abort', this.onAbort)
  }

  private armIdle(): void {
    if (this.options.idleTimeoutMs === undefined || this.reason) return
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.stop('idle'), this.options.idleTimeoutMs)
  }
}

const fetchMaxWaitMs = 500
const partitionMaxBytes = 1024 * 1024
const responseMaxBytes = 32 * 1024 * 1024
const retryPauseMs = 250

/**
 * Without a group: Fetch from each partition's leader from the given offsets, as kcat does with
 * assign(), over kctl's own client. read_committed (librdkafka's default): the broker stops at
 * the last stable offset and names the aborted transactions, whose records are dropped
 * (record-batches.ts); read_uncommitted reads to the high watermark and keeps them.
 */
async function readPartitions(
  session: KafkaSession,
  topic: string,
  positions: Map<number, number>,
  stop: StopCondition,
  onRecord: (record: ConsumedRecord) => void,
  resetOutOfRange: () => Promise<Map<number, number>>,
  isolation: Isolation,
): Promise<ConsumeResult> {
  const client = await KafkaClient.connect(clientOptions(session.connection))
  try {
    while (!stop.reason) {
      const round = fetchRound(client, topic, positions, stop, onRecord, isolation).catch(async (error: unknown) => {
        if (error instanceof KafkaClientError && error.type === 'OFFSET_OUT_OF_RANGE') {
          // Retention removed the records at our position: continue from the log start.
          const earliest = await resetOutOfRange()
          for (const [partition, offset] of positions) if (offset < (earliest.get(partition) ?? 0)) positions.set(partition, earliest.get(partition) ?? 0)
        } else if (error instanceof KafkaClientError && error.retriable) {
          // A moved leader or a restarting broker: find the leaders again after a pause, like
          // kcat, which keeps trying until stopped.
          client.invalidate()
          await new Promise((resolve) => setTimeout(resolve, retryPauseMs))
        } else stop.stop('interrupted', error)
      })
      await Promise.race([round, stop.stopped])
    }
  } finally {
    client.close()
  }
  if (stop.failure) throw stop.failure
  return {count: stop.count, reason: stop.reason ?? 'interrupted', committed: []}
}

async function fetchRound(
  client: KafkaClient,
  topic: string,
  positions: Map<number, number>,
  stop: StopCondition,
  onRecord: (record: ConsumedRecord) => void,
  isolation: Isolation,
): Promise<void> {
  const byLeader = await client.byLeader([...positions.keys()].map((partition) => ({topic, partition})))
  await Promise.all(
    [...byLeader].map(async ([leader, partitions]) => {
      const connection = await client.broker(leader)
      // Fetch v13+ names topics by id only; v4-12 by name is what every Kafka since 0.11 answers.
      const response = await connection.send(
        1,
        {
          replicaId: -1,
          maxWaitMs: fetchMaxWaitMs,
          minBytes: 1,
          maxBytes: responseMaxBytes,
          isolationLevel: isolation === 'read_committed' ? 1 : 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{topic, partitions: partitions.map(({partition}) => ({partition, currentLeaderEpoch: -1, fetchOffset: positions.get(partition)!, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes}))}],
          forgottenTopicsData: [],
          rackId: '',
        },
        Math.min(connection.version(1) ?? 4, 12),
      )
      for (const {partitions: fetched} of response.responses) {
        for (const data of fetched) {
          if (data.errorCode !== 0) throw KafkaClientError.fromCode(data.errorCode, null, connection.address)
          const position = positions.get(data.partitionIndex)!
          const aborted = (data.abortedTransactions ?? []).map((each) => ({producerId: Number(each.producerId), firstOffset: Number(each.firstOffset)}))
          const read = readBatches(data.records ?? Buffer.alloc(0), position, aborted)
          for (const record of read.records) {
            if (stop.reason) return
            onRecord(toRecord(topic, data.partitionIndex, {...record, offset: String(record.offset), timestamp: String(record.timestamp), headers: headersOf(record.headers)}))
            stop.recorded()
          }
          positions.set(data.partitionIndex, read.nextOffset)
        }
      }
    }),
  )
}

/** Record headers as kafkajs's message shape carries them (a repeated name becomes a list). */
function headersOf(headers: readonly {key: string; value: Buffer | null}[]): IHeaders {
  const out: IHeaders = {}
  for (const {key, value} of headers) {
    const bytes = value ?? Buffer.alloc(0)
    const existing = out[key]
    out[key] = existing === undefined ? bytes : [...(Array.isArray(existing) ? existing : [existing]), bytes]
  }
  return out
}

/**
 * With --group: a kafkajs consumer in that group. It starts from the committed offsets (or
 * `seeks`), prints, and commits what it printed every second and once more on the way out.
 */
async function readAsGroup(
  session: KafkaSession,
  options: ConsumeOptions,
  groupId: string,
  seeks: Map<number, number>,
  stop: StopCondition,
  onRecord: (record: ConsumedRecord) => void,
  action: string,
): Promise<ConsumeResult> {
  const consumer: Consumer = session.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    // Short long-polls so Ctrl-C, --timeout and --max-messages stop promptly.
    maxWaitTimeInMs: fetchMaxWaitMs,
    readUncommitted: options.isolation === 'read_uncommitted',
  })
  await connectWithin(consumer, session, action)
  const next = new Map<number, number>()
  let dirty = false
  const commit = async () => {
    if (!dirty) return
    dirty = false
    await consumer.commitOffsets([...next].map(([partition, offset]) => ({topic: options.topic, partition, offset: String(offset)})))
  }
  const commitTimer = setInterval(() => commit().catch(() => undefined), options.commitIntervalMs ?? 1000)
  try {
    consumer.on(consumer.events.CRASH, (event) => stop.stop('interrupted', event.payload.error))
    const fromBeginning = options.start.kind === 'earliest' || (options.start.kind === 'committed' && options.start.reset === 'earliest')
    await consumer.subscribe({topics: [options.topic], fromBeginning})
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({partition, message}) => {
        // Records that arrive after the stop are neither printed nor committed.
        if (stop.reason) return
        onRecord(toRecord(options.topic, partition, message))
        next.set(partition, Number(message.offset) + 1)
        dirty = true
        stop.recorded()
      },
    })
    for (const [partition, offset] of seeks) consumer.seek({topic: options.topic, partition, offset: String(offset)})
    await stop.stopped
    clearInterval(commitTimer)
    if (stop.failure) throw stop.failure
    await commit()
  } finally {
    clearInterval(commitTimer)
    await consumer.disconnect().catch(() => undefined)
  }
  return {
    count: stop.count,
    reason: stop.reason ?? 'interrupted',
    committed: [...next].map(([partition, offset]) => ({partition, offset})).sort((a, b) => a.partition - b.partition),
  }
}

export function toRecord(topic: string, partition: number, message: Pick<KafkaMessage, 'offset' | 'timestamp' | 'key' | 'value' | 'headers'>): ConsumedRecord {
  const key = bytesText(message.key)
  const value = bytesText(message.value)
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: key.text,
    value: value.text,
    headers: headerText(message.headers),
    ...(key.base64 ? {keyEncoding: 'base64' as const} : {}),
    ...(value.base64 ? {valueEncoding: 'base64' as const} : {}),
  }
}

/** UTF-8 text when the bytes are valid UTF-8; else base64, so binary payloads survive json/yaml output intact. */
function bytesText(bytes: Buffer | null | undefined): {text: string | null; base64: boolean} {
  if (bytes === null || bytes === undefined) return {text: null, base64: false}
  if (isUtf8(bytes)) return {text: bytes.toString('utf8'), base64: false}
  return {text: bytes.toString('base64'), base64: true}
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue
    // kafkajs turns repeated header keys into an array; kctl joins them as kcat shows them.
    text[name] = Array.isArray(value) ? value.map(String).join(',') : String(value)
  }
  return text
}
