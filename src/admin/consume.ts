// `kctl consume`: prints records as they arrive, through kcat-style format templates or as
// JSON Lines, until --max-messages, --timeout of idleness, or Ctrl-C.
//
// With --group, kctl is a member of that consumer group: it resumes from the committed
// offsets (else from the start or the end, as --from-beginning says, like
// kafka-console-consumer) and commits what it has printed, every second and on exit, Ctrl-C
// included. kafkajs cannot consume without a group (it has no assign()), so without --group kctl
// joins a throwaway group "kctl-consume-<random>", never commits to it, and deletes it on exit;
// where it starts is set by seeking each partition, so the group's state never matters.
import {randomBytes} from 'node:crypto'
import type {Admin, Consumer, IHeaders, KafkaMessage} from 'kafkajs'
import {KctlError, usageError} from '../errors.js'
import {connectWithin, type KafkaSession} from './connection.js'
import {kafkaErrorName} from './errors.js'
import {unknownTopic} from './topics.js'

export interface ConsumedRecord {
  topic: string
  partition: number
  offset: number
  /** Milliseconds since the epoch (CreateTime or LogAppendTime, as the topic is set). */
  timestamp: number
  key: string | null
  value: string | null
  headers: Record<string, string>
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
  K: (record) => String(record.key === null ? -1 : Buffer.byteLength(record.key)),
  v: (record) => record.value ?? '',
  s: (record) => record.value ?? '',
  S: (record) => String(record.value === null ? -1 : Buffer.byteLength(record.value)),
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
}

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
  const throwawayGroup = options.group ? undefined : `kctl-consume-${randomBytes(6).toString('hex')}`
  let consumer: Consumer | undefined
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
    const seeks = await seekOffsets(admin, options.topic, options.start, bounds.filter((bound) => selected.includes(bound.partition)))

    consumer = session.kafka.consumer({
      groupId: options.group ?? (throwawayGroup as string),
      allowAutoTopicCreation: false,
      // Short long-polls so Ctrl-C, --timeout and --max-messages stop promptly.
      maxWaitTimeInMs: 500,
    })
    await connectWithin(consumer, session, action)
    return await run(consumer, options, bounds.map((bound) => bound.partition), selected, seeks, onRecord)
  } catch (error) {
    throw session.fail(error, action)
  } finally {
    await consumer?.disconnect().catch(() => undefined)
    if (throwawayGroup) await admin.deleteGroups([throwawayGroup]).catch(() => undefined)
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

/** Where each partition starts, or nothing for --group's committed offsets. */
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
    else if (start.offset >= 0) seeks.set(bound.partition, Math.min(start.offset, bound.high))
    else seeks.set(bound.partition, Math.max(bound.low, bound.high + start.offset))
  }
  return seeks
}

async function run(
  consumer: Consumer,
  options: ConsumeOptions,
  allPartitions: number[],
  selected: number[],
  seeks: Map<number, number>,
  onRecord: (record: ConsumedRecord) => void,
): Promise<ConsumeResult> {
  let count = 0
  const next = new Map<number, number>()
  let dirty = false
  let stop: (reason: StopReason) => void = () => undefined
  const stopped = new Promise<StopReason>((resolve) => {
    stop = resolve
  })
  let finished = false
  let idleTimer: NodeJS.Timeout | undefined
  const armIdle = () => {
    if (options.idleTimeoutMs === undefined) return
    clearTimeout(idleTimer)
    idleTimer = setTimeout(() => stop('idle'), options.idleTimeoutMs)
  }
  const onAbort = () => stop('interrupted')
  if (options.signal?.aborted) stop('interrupted')
  options.signal?.addEventListener('abort', onAbort)
  let failure: unknown
  consumer.on(consumer.events.CRASH, (event) => {
    failure = event.payload.error
    stop('interrupted')
  })

  const commit = async () => {
    if (!options.group || !dirty) return
    dirty = false
    await consumer.commitOffsets([...next].map(([partition, offset]) => ({topic: options.topic, partition, offset: String(offset)})))
  }
  const commitTimer = options.group ? setInterval(() => commit().catch(() => undefined), options.commitIntervalMs ?? 1000) : undefined

  const fromBeginning = options.start.kind === 'earliest' || (options.start.kind === 'committed' && options.start.reset === 'earliest')
  await consumer.subscribe({topics: [options.topic], fromBeginning})
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({partition, message}) => {
      // Records that arrive after the stop, or from partitions not asked for, are not printed
      // and not committed.
      if (finished || !selected.includes(partition)) return
      const offset = Number(message.offset)
      onRecord(toRecord(options.topic, partition, message))
      count++
      next.set(partition, offset + 1)
      dirty = true
      armIdle()
      if (options.maxMessages !== undefined && count >= options.maxMessages) {
        finished = true
        stop('max-messages')
      }
    },
  })
  const notSelected = allPartitions.filter((partition) => !selected.includes(partition))
  if (notSelected.length > 0) consumer.pause([{topic: options.topic, partitions: notSelected}])
  for (const [partition, offset] of seeks) consumer.seek({topic: options.topic, partition, offset: String(offset)})
  if (options.maxMessages === 0) stop('max-messages')
  armIdle()

  const reason = await stopped
  finished = true
  clearTimeout(idleTimer)
  clearInterval(commitTimer)
  options.signal?.removeEventListener('abort', onAbort)
  if (failure) throw failure
  await commit()
  return {count, reason, committed: options.group ? [...next].map(([partition, offset]) => ({partition, offset})).sort((a, b) => a.partition - b.partition) : []}
}

function toRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? null : message.value.toString('utf8'),
    headers: headerText(message.headers),
  }
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
