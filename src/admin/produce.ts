// `kctl produce`: records from an argument, a file or stdin, one per line or as JSON shaped like
// the seed's message format ({"key", "value", "headers"}), sent in batches and reported one
// line per record with the partition and offset Kafka assigned.
//
// A lean producer on kctl's client: kctl picks each record's partition itself (Java's
// default partitioner: murmur2 of the key, a sticky partition per batch without one), builds
// one v2 record batch per partition (src/kafka/protocol/record-batch.ts, compressed with
// src/compression) and sends it to the partition's leader. The batch's base offset plus the
// record's position in that partition is the record's offset. Not idempotent: a batch whose
// answer was lost with a broken connection may be written twice by the retry.
import {type CodecName, codecIds, compress, type CompressionName} from '../compression/index.js'
import {KctlError, usageError} from '../errors.js'
import {type KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {crc32c, ErrorCode} from '../kafka/protocol/index.js'
import {ATTRIBUTES_AT, BATCH_LENGTH_AT, buildRecordBatch, CRC_AT, LOG_OVERHEAD_BYTES, RECORD_BATCH_HEADER_BYTES} from '../kafka/protocol/record-batch.js'
import {murmur2} from '../perf/payloads.js'
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

/** Kafka's request.timeout.ms default, sent as the Produce timeout. */
const produceTimeoutMs = 30_000

/**
 * Sends every record in order; calls `onRecord` per record once its batch is acknowledged.
 * Each batch goes to its partition's leader; partitions answered with a retriable error
 * (NOT_LEADER_OR_FOLLOWER after a leader moved, LEADER_NOT_AVAILABLE during an election) are
 * sent again to the leader Metadata names next, within the client's retry budget.
 */
export async function produce(
  client: KafkaClient,
  records: AsyncIterable<ProduceRecord> | Iterable<ProduceRecord>,
  options: ProduceOptions,
  onRecord: (record: ProducedRecord) => void,
): Promise<number> {
  const action = `produce to topic ${options.topic}`
  const metadata = await client.metadata([options.topic])
  const topic = metadata.topics.find((entry) => entry.name === options.topic)
  if (!topic || topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || (topic.errorCode === 0 && topic.partitions.length === 0)) throw unknownTopic(options.topic, action)
  if (topic.errorCode !== 0) throw KafkaClientError.fromCode(topic.errorCode)
  const partitionCount = topic.partitions.length
  if (options.partition !== undefined && options.partition >= partitionCount) {
    throw new KctlError(`unable to ${action}: partition ${options.partition} does not exist (the topic has ${partitionCount})`, {
      exitCode: 4,
      hint: `use a partition from 0 to ${partitionCount - 1}`,
    })
  }
  const partitioner = new DefaultPartitioner(topic.partitions)
  let count = 0
  for await (const batch of batches(records, options.batchRecords ?? 1000)) {
    await sendBatch(client, partitioner, batch, options, onRecord)
    count += batch.length
  }
  return count
}

/**
 * Java's default partitioner: murmur2 of the key modulo the partition count for keyed
 * records; records without a key stick to one partition (one with a leader) for a whole
 * batch, and the next batch picks again (KIP-480), so unkeyed records travel in few, large
 * batches.
 */
export class DefaultPartitioner {
  private sticky = -1
  constructor(private readonly partitions: {partition: number; leader: number}[]) {}

  partition(key: string | null): number {
    if (key !== null) return (murmur2(Buffer.from(key)) & 0x7fffffff) % this.partitions.length
    if (this.sticky < 0) {
      const available = this.partitions.filter((p) => p.leader >= 0)
      const from = available.length > 0 ? available : this.partitions
      this.sticky = from[Math.floor(Math.random() * from.length)].partition
    }
    return this.sticky
  }

  /** The batch is complete: the next unkeyed record picks a partition again. */
  nextBatch(): void {
    this.sticky = -1
  }
}

async function sendBatch(
  client: KafkaClient,
  partitioner: DefaultPartitioner,
  batch: ProduceRecord[],
  options: ProduceOptions,
  onRecord: (record: ProducedRecord) => void,
): Promise<void> {
  const timestamp = Date.now()
  const assigned = batch.map((record) => options.partition ?? partitioner.partition(record.key))
  partitioner.nextBatch()
  const byPartition = new Map<number, ProduceRecord[]>()
  batch.forEach((record, index) => {
    const list = byPartition.get(assigned[index]) ?? []
    list.push(record)
    byPartition.set(assigned[index], list)
  })
  const encoded = new Map<number, Buffer>()
  for (const [partition, list] of byPartition) {
    const built = buildRecordBatch({
      records: list.map((record) => ({key: record.key, value: record.value, headers: Object.entries(record.headers).map(([key, value]) => ({key, value}))})),
      baseTimestamp: timestamp,
    })
    encoded.set(partition, options.compression === 'none' ? built : compressBatch(built, options.compression))
  }
  const baseOffsets = await sendToLeaders(client, options, encoded)
  const nextIndex = new Map<number, number>()
  for (const partition of assigned) {
    const index = nextIndex.get(partition) ?? 0
    nextIndex.set(partition, index + 1)
    const base = baseOffsets.get(partition)
    onRecord({topic: options.topic, partition, offset: options.acks === 0 || base === undefined ? null : base + index, timestamp})
  }
}

/** One Produce request per leader; partitions answered with a retriable error go again after a metadata refresh. */
async function sendToLeaders(client: KafkaClient, options: ProduceOptions, encoded: Map<number, Buffer>): Promise<Map<number, number>> {
  const baseOffsets = new Map<number, number>()
  const remaining = new Map(encoded)
  await client.retry(async () => {
    const grouped = await client.byLeader([...remaining.keys()].map((partition) => ({topic: options.topic, partition})))
    const retriable: KafkaClientError[] = []
    await Promise.all(
      [...grouped].map(async ([leader, partitions]) => {
        const connection = await client.broker(leader)
        const body = {
          transactionalId: null,
          acks: options.acks,
          timeoutMs: produceTimeoutMs,
          topicData: [{name: options.topic, partitionData: partitions.map((p) => ({index: p.partition, records: remaining.get(p.partition)!}))}],
        }
        if (options.acks === 0) {
          connection.sendOnly(0, body)
          for (const p of partitions) remaining.delete(p.partition)
          return
        }
        const response = await connection.send(0, body)
        for (const answer of response.responses.flatMap((topic) => topic.partitionResponses)) {
          if (answer.errorCode === 0) {
            baseOffsets.set(answer.index, answer.baseOffset)
            remaining.delete(answer.index)
            continue
          }
          const error = KafkaClientError.fromCode(answer.errorCode, answer.errorMessage, connection.address)
          if (!error.retriable) throw error
          retriable.push(error)
        }
      }),
    )
    if (retriable.length > 0) throw retriable[0]
  })
  return baseOffsets
}

/** The batch with its records section compressed: the codec in the attributes, a new length and CRC-32C. */
function compressBatch(batch: Buffer, codec: CodecName): Buffer {
  const out = Buffer.concat([batch.subarray(0, RECORD_BATCH_HEADER_BYTES), compress(codec, batch.subarray(RECORD_BATCH_HEADER_BYTES))])
  out.writeInt32BE(out.length - LOG_OVERHEAD_BYTES, BATCH_LENGTH_AT)
  out.writeInt16BE(out.readInt16BE(ATTRIBUTES_AT) | codecIds[codec], ATTRIBUTES_AT)
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_AT)), CRC_AT)
  return out
}

export function producedLine(record: ProducedRecord): string {
  return `Produced to partition ${record.partition} at offset ${record.offset ?? 'unknown (acks=0)'}\n`
}
