// `kctl produce`: records from an argument, a file or stdin, one per line or as JSON shaped like
// the seed's message format ({"key", "value", "headers"}), sent in batches and reported one
// line per record with the partition and offset Kafka assigned.
//
// Offsets per record: kctl picks each record's partition itself (kafkajs's default,
// Java-compatible partitioner: murmur2 of the key, round robin without one) so that a send's
// per-partition base offset plus the record's position in that partition is its offset.
import {type Admin, CompressionTypes, type Message, Partitioners, type Producer} from 'kafkajs'
import {KctlError, usageError} from '../errors.js'
import {type KafkaSession, connectWithin} from './connection.js'
import {kafkaErrorName} from './errors.js'
import {unknownTopic} from './topics.js'

export interface ProduceRecord {
  key: string | null
  value: string | null
  headers: Record<string, string>
}

export interface LineOptions {
  key?: string
  /** Split each line at the first separator into key and value (kcat -K). */
  keySeparator?: string
  headers: Record<string, string>
}

export function lineRecord(line: string, options: LineOptions): ProduceRecord {
  if (options.keySeparator) {
    const at = line.indexOf(options.keySeparator)
    if (at >= 0) return {key: line.slice(0, at), value: line.slice(at + options.keySeparator.length), headers: {...options.headers}}
  }
  return {key: options.key ?? null, value: line, headers: {...options.headers}}
}

const jsonRecordFields = new Set(['key', 'value', 'headers'])

/**
 * JSON records: the whole input as one JSON value (an array of records, or one record, as
 * the seed's pretty-printed example), else one record per non-empty line (JSON Lines).
 * Non-string keys, values and header values are written as their JSON text; null is kept
 * (a null value is a tombstone).
 */
export function parseJsonRecords(text: string, defaults: LineOptions): ProduceRecord[] {
  let whole: unknown
  try {
    whole = JSON.parse(text)
  } catch {
    return text
      .split(/\r?\n/)
      .map((line, index) => ({line, index}))
      .filter(({line}) => line.trim() !== '')
      .map(({line, index}) => jsonLineRecord(line, index + 1, defaults))
  }
  if (Array.isArray(whole)) return whole.map((item, index) => jsonRecord(item, `record ${index + 1}`, defaults))
  return [jsonRecord(whole, 'the input', defaults)]
}

function jsonLineRecord(line: string, lineNumber: number, defaults: LineOptions): ProduceRecord {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (error) {
    throw usageError(`invalid JSON record on line ${lineNumber}: ${(error as Error).message}`, 'give one JSON object per line, or one JSON array')
  }
  return jsonRecord(parsed, `line ${lineNumber}`, defaults)
}

/**
 * JSON records from a stream of lines. When the first non-blank line is a whole JSON object,
 * the input is JSON Lines and each record is sent as its line arrives (so
 * `tail -f log | jq -c ... | kctl produce --format json` flows; a bad line stops the run at
 * that line, after the records before it were sent and printed). Anything else (an array, a
 * pretty-printed object) is read to the end and parsed whole, as parseJsonRecords does.
 */
export async function* jsonRecordStream(lines: AsyncIterable<string>, defaults: LineOptions): AsyncGenerator<ProduceRecord> {
  const whole: string[] = []
  let jsonLines: boolean | undefined
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (jsonLines === undefined && line.trim() !== '') jsonLines = isJsonObject(line)
    if (!jsonLines) whole.push(line)
    else if (line.trim() !== '') yield jsonLineRecord(line, lineNumber, defaults)
  }
  if (!jsonLines) yield* parseJsonRecords(whole.join('\n'), defaults)
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
  } catch {
    return false
  }
}

export function jsonRecord(item: unknown, where: string, defaults: LineOptions): ProduceRecord {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    throw usageError(`invalid JSON record in ${where}: expected an object with key, value and headers`, 'shape records as {"key": ..., "value": ..., "headers": {...}}')
  }
  const fields = item as Record<string, unknown>
  const unknown = Object.keys(fields).filter((field) => !jsonRecordFields.has(field))
  if (unknown.length > 0) {
    throw usageError(`invalid JSON record in ${where}: unknown field ${unknown.map((f) => `"${f}"`).join(', ')}`, 'records have only key, value and headers')
  }
  const headers: Record<string, string> = {...defaults.headers}
  if (fields.headers !== undefined && fields.headers !== null) {
    if (typeof fields.headers !== 'object' || Array.isArray(fields.headers)) {
      throw usageError(`invalid JSON record in ${where}: headers must be an object`, 'use "headers": {"name": "value"}')
    }
    for (const [name, value] of Object.entries(fields.headers as Record<string, unknown>)) headers[name] = asText(value) ?? ''
  }
  return {
    key: 'key' in fields ? asText(fields.key) : (defaults.key ?? null),
    value: asText(fields.value),
    headers,
  }
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * Lines of a stream (LF or CRLF; a last line without a newline counts). Node's readline async
 * iterator can miss its end when the loop awaits slow work between lines; a stream's own async
 * iterator cannot.
 */
export async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  input.setEncoding('utf8')
  let pending = ''
  for await (const chunk of input) {
    pending += chunk as string
    let newline = pending.indexOf('\n')
    while (newline >= 0) {
      yield pending.slice(0, newline > 0 && pending[newline - 1] === '\r' ? newline - 1 : newline)
      pending = pending.slice(newline + 1)
      newline = pending.indexOf('\n')
    }
  }
  if (pending !== '') yield pending
}

/**
 * Groups items into batches of at most `max`, yielding early whenever the source has nothing
 * more ready right now, so lines typed at a terminal are sent as they are entered while piped
 * input still travels in large batches.
 */
export async function* batches<T>(source: AsyncIterable<T> | Iterable<T>, max: number): AsyncGenerator<T[]> {
  const iterator = Symbol.asyncIterator in source ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : toAsync(source as Iterable<T>)
  const idle = Symbol('idle')
  let batch: T[] = []
  let next = iterator.next()
  for (;;) {
    const result = batch.length === 0 ? await next : await Promise.race([next, new Promise<typeof idle>((resolve) => setImmediate(() => resolve(idle)))])
    if (result === idle) {
      yield batch
      batch = []
      continue
    }
    if (result.done) break
    batch.push(result.value)
    next = iterator.next()
    if (batch.length >= max) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items
}

export const compressionNames = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type CompressionName = (typeof compressionNames)[number]
// snappy, lz4 and zstd are kctl's codecs, registered with kafkajs by createSession (src/compression).
const compressionTypes: Record<CompressionName, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
}

export interface ProduceOptions {
  topic: string
  partition?: number
  /** -1 (all in-sync replicas), 0 (no answer: offsets unknown) or 1 (leader only). */
  acks: -1 | 0 | 1
  compression: CompressionName
  batchRecords?: number
}

export interface ProducedRecord {
  topic: string
  partition: number
  /** null with --acks 0: the broker does not answer. */
  offset: number | null
  timestamp: number
}

interface PartitionInfo {
  partitionId: number
  leader: number
}

/** Sends every record in order; calls `onRecord` per record once its batch is acknowledged. */
export async function produce(
  session: KafkaSession,
  records: AsyncIterable<ProduceRecord> | Iterable<ProduceRecord>,
  options: ProduceOptions,
  onRecord: (record: ProducedRecord) => void,
): Promise<number> {
  const action = `produce to topic ${options.topic}`
  const partitions = await topicPartitionsFor(session, options.topic, action)
  if (options.partition !== undefined && !partitions.some((p) => p.partitionId === options.partition)) {
    throw new KctlError(`unable to ${action}: partition ${options.partition} does not exist (the topic has ${partitions.length})`, {
      exitCode: 4,
      hint: `use a partition from 0 to ${partitions.length - 1}`,
    })
  }
  const producer = session.kafka.producer({allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner})
  await connectWithin(producer, session, action)
  const partitioner = Partitioners.DefaultPartitioner()
  let count = 0
  try {
    for await (const batch of batches(records, options.batchRecords ?? 1000)) {
      count += await sendBatch(producer, partitioner, partitions, batch, options, onRecord)
    }
  } catch (error) {
    throw session.fail(error, action)
  } finally {
    await producer.disconnect().catch(() => undefined)
  }
  return count
}

async function topicPartitionsFor(session: KafkaSession, topic: string, action: string): Promise<PartitionInfo[]> {
  const admin: Admin = session.kafka.admin()
  await connectWithin(admin, session, action)
  try {
    const metadata = await admin.fetchTopicMetadata({topics: [topic]})
    const partitions = metadata.topics.find((entry) => entry.name === topic)?.partitions ?? []
    if (partitions.length === 0) throw unknownTopic(topic, action)
    return partitions.map(({partitionId, leader}) => ({partitionId, leader}))
  } catch (error) {
    if (kafkaErrorName(error) === 'UNKNOWN_TOPIC_OR_PARTITION') throw unknownTopic(topic, action)
    throw session.fail(error, action)
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}

async function sendBatch(
  producer: Producer,
  partitioner: ReturnType<typeof Partitioners.DefaultPartitioner>,
  partitions: PartitionInfo[],
  batch: ProduceRecord[],
  options: ProduceOptions,
  onRecord: (record: ProducedRecord) => void,
): Promise<number> {
  const timestamp = Date.now()
  const messages: Message[] = batch.map((record) => {
    const message: Message = {key: record.key, value: record.value, headers: record.headers, timestamp: String(timestamp)}
    message.partition = options.partition ?? partitioner({topic: options.topic, partitionMetadata: partitions.map((p) => ({...p, partitionErrorCode: 0, replicas: [], isr: []})), message})
    return message
  })
  const results = await producer.send({topic: options.topic, messages, acks: options.acks, compression: compressionTypes[options.compression]})
  const baseOffsets = new Map(results.map((result) => [result.partition, Number(result.baseOffset)]))
  const nextIndex = new Map<number, number>()
  for (const message of messages) {
    const partition = message.partition as number
    const index = nextIndex.get(partition) ?? 0
    nextIndex.set(partition, index + 1)
    const base = baseOffsets.get(partition)
    onRecord({topic: options.topic, partition, offset: options.acks === 0 || base === undefined ? null : base + index, timestamp})
  }
  return messages.length
}

export function producedLine(record: ProducedRecord): string {
  return `Produced to partition ${record.partition} at offset ${record.offset ?? 'unknown (acks=0)'}\n`
}
