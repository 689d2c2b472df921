// Record batches, message format v2 (magic 2, KIP-98), read at the header level.
//
// The broker stores batches exactly as clients send them, so everything on the produce and
// fetch paths works on the 61-byte header alone: split a `records` field into batches, check
// each CRC-32C, assign offsets by patching baseOffset/partitionLeaderEpoch in place. The CRC
// covers attributes..end, so those two patches keep it valid; only LogAppendTime (which
// rewrites attributes and maxTimestamp) needs a new CRC. Nothing here decodes records except
// `decodeRecords`/`findOffsetByTimestamp` (uncompressed batches only), used by tests, tools
// and ListOffsets-by-timestamp, never per produce or fetch.
//
// v2 batch layout (offsets in bytes):
//   0 baseOffset int64 | 8 batchLength int32 (bytes after this field) | 12 partitionLeaderEpoch int32
//  16 magic int8 | 17 crc uint32 | 21 attributes int16 | 23 lastOffsetDelta int32
//  27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
//  53 baseSequence int32 | 57 recordCount int32 | 61 records...
// Magic 0/1 (the legacy message sets) were removed in Kafka 4.0 (KIP-724): callers answer
// UNSUPPORTED_FOR_MESSAGE_FORMAT for them.
import {crc32c} from './crc32c.js'
import {readVarint, readVarlong, varintSize, varlongSize, writeVarint, writeVarlong, type Cursor} from './varint.js'

/** baseOffset + batchLength: the bytes before the part that batchLength counts. */
export const LOG_OVERHEAD_BYTES = 12
export const RECORD_BATCH_HEADER_BYTES = 61

// Where each header field starts, in bytes from the batch's first byte (the layout above).
export const BASE_OFFSET_AT = 0
export const BATCH_LENGTH_AT = 8
export const PARTITION_LEADER_EPOCH_AT = 12
export const MAGIC_AT = 16
/** The CRC-32C covers ATTRIBUTES_AT to the end of the batch. */
export const CRC_AT = 17
export const ATTRIBUTES_AT = 21
export const LAST_OFFSET_DELTA_AT = 23
export const BASE_TIMESTAMP_AT = 27
export const MAX_TIMESTAMP_AT = 35
export const PRODUCER_ID_AT = 43
export const PRODUCER_EPOCH_AT = 51
export const BASE_SEQUENCE_AT = 53
export const RECORD_COUNT_AT = 57

// The bits of the attributes int16.
export const COMPRESSION_MASK = 0x07
export const TIMESTAMP_TYPE_BIT = 0x08
export const TRANSACTIONAL_BIT = 0x10
export const CONTROL_BIT = 0x20
/** KIP-534: the log cleaner set baseTimestamp to the batch's delete horizon (its tombstones and
 *  transaction marker may go once that time has passed); record timestamps stay baseTimestamp + delta. */
export const DELETE_HORIZON_BIT = 0x40

const TWO_POW_32 = 4294967296
const INT32_MAX = 2147483647

/**
 * Kafka's compression codecs by their id in attributes bits 0-2 (5-7 are unassigned): kctl's
 * one list of codec names. src/compression derives its codecs from it, and every flag that
 * takes a codec offers these.
 */
export const compressionIds = {none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4} as const
export type CompressionName = keyof typeof compressionIds
export const compressionNames = Object.keys(compressionIds) as readonly CompressionName[]
const compressionById = Object.fromEntries(compressionNames.map((name) => [compressionIds[name], name])) as Partial<Record<number, CompressionName>>

/** The codec of a batch with these attributes, undefined for an id Kafka has not assigned. */
export function codecOfAttributes(attributes: number): CompressionName | undefined {
  return compressionById[attributes & COMPRESSION_MASK]
}
export type TimestampType = 'CreateTime' | 'LogAppendTime'

export interface RecordBatchHeader {
  baseOffset: number
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  /** attributes bits 0-2; 'unknown' for codec ids Kafka does not define (5-7). */
  compression: CompressionName | 'unknown'
  timestampType: TimestampType
  isTransactional: boolean
  isControl: boolean
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
  /** Whole batch on the wire: LOG_OVERHEAD_BYTES + batchLength. */
  sizeBytes: number
}

// int64 fields as JS numbers: exact below 2^53, which offsets, timestamps and producer ids stay under.
function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4)
}

function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(value - hi * TWO_POW_32, pos + 4)
}

/** Reads the header of the batch at `position`; the caller guarantees 61 bytes are there. */
export function readRecordBatchHeader(buf: Buffer, position = 0): RecordBatchHeader {
  const attributes = buf.readInt16BE(position + ATTRIBUTES_AT)
  const batchLength = buf.readInt32BE(position + BATCH_LENGTH_AT)
  return {
    baseOffset: readInt64(buf, position + BASE_OFFSET_AT),
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(position + PARTITION_LEADER_EPOCH_AT),
    magic: buf.readInt8(position + MAGIC_AT),
    crc: buf.readUInt32BE(position + CRC_AT),
    attributes,
    compression: codecOfAttributes(attributes) ?? 'unknown',
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    lastOffsetDelta: buf.readInt32BE(position + LAST_OFFSET_DELTA_AT),
    baseTimestamp: readInt64(buf, position + BASE_TIMESTAMP_AT),
    maxTimestamp: readInt64(buf, position + MAX_TIMESTAMP_AT),
    producerId: readInt64(buf, position + PRODUCER_ID_AT),
    producerEpoch: buf.readInt16BE(position + PRODUCER_EPOCH_AT),
    baseSequence: buf.readInt32BE(position + BASE_SEQUENCE_AT),
    recordCount: buf.readInt32BE(position + RECORD_COUNT_AT),
    sizeBytes: LOG_OVERHEAD_BYTES + batchLength,
  }
}

// Single-field readers for loops that walk many headers (fetch cut, index scans).
export function batchBaseOffsetAt(buf: Buffer, position: number): number {
  return readInt64(buf, position + BASE_OFFSET_AT)
}

export function batchSizeAt(buf: Buffer, position: number): number {
  return LOG_OVERHEAD_BYTES + buf.readInt32BE(position + BATCH_LENGTH_AT)
}

export function batchLastOffsetAt(buf: Buffer, position: number): number {
  return readInt64(buf, position + BASE_OFFSET_AT) + buf.readInt32BE(position + LAST_OFFSET_DELTA_AT)
}

export function batchMaxTimestampAt(buf: Buffer, position: number): number {
  return readInt64(buf, position + MAX_TIMESTAMP_AT)
}

export function batchAttributesAt(buf: Buffer, position: number): number {
  return buf.readInt16BE(position + ATTRIBUTES_AT)
}

export function batchRecordCountAt(buf: Buffer, position: number): number {
  return buf.readInt32BE(position + RECORD_COUNT_AT)
}

/** The delete horizon the log cleaner stamped into the batch (KIP-534), or undefined when none. */
export function deleteHorizonMsOf(header: RecordBatchHeader): number | undefined {
  return header.attributes & DELETE_HORIZON_BIT ? header.baseTimestamp : undefined
}

/** True when the stored CRC-32C matches attributes..end of the batch at `position`. */
export function verifyRecordBatchCrc(buf: Buffer, position = 0): boolean {
  const end = position + batchSizeAt(buf, position)
  return crc32c(buf.subarray(position + ATTRIBUTES_AT, end)) === buf.readUInt32BE(position + CRC_AT)
}

export type RecordBatchError = 'CORRUPT_MESSAGE' | 'UNSUPPORTED_FOR_MESSAGE_FORMAT'

/** A batch found by `splitRecordBatches`: its header and where it starts in the buffer. */
export interface RecordBatchSpan extends RecordBatchHeader {
  position: number
}

export type SplitResult =
  | {ok: true; batches: RecordBatchSpan[]}
  | {ok: false; error: RecordBatchError; message: string}

/**
 * Splits a Produce `records` field (or a stored byte range) into v2 batches, checking framing,
 * magic and, unless `verifyCrc` is false, each CRC-32C. Trailing bytes that do not form a
 * whole batch are an error: a client never sends a partial batch.
 */
export function splitRecordBatches(records: Buffer, options: {verifyCrc?: boolean} = {}): SplitResult {
  const verifyCrc = options.verifyCrc ?? true
  const batches: RecordBatchSpan[] = []
  let position = 0
  while (position < records.length) {
    const remaining = records.length - position
    if (remaining < MAGIC_AT + 1) {
      return {ok: false, error: 'CORRUPT_MESSAGE', message: `${remaining} trailing bytes at position ${position} are not a record batch`}
    }
    const magic = records.readInt8(position + MAGIC_AT)
    if (magic !== 2) {
      const message = `record batch at position ${position} has magic ${magic}; only message format v2 (magic 2) is supported`
      return {ok: false, error: magic < 2 ? 'UNSUPPORTED_FOR_MESSAGE_FORMAT' : 'CORRUPT_MESSAGE', message}
    }
    const sizeBytes = batchSizeAt(records, position)
    if (sizeBytes < RECORD_BATCH_HEADER_BYTES || sizeBytes > remaining) {
      return {ok: false, error: 'CORRUPT_MESSAGE', message: `record batch at position ${position} claims ${sizeBytes} bytes but ${remaining} remain`}
    }
    if (verifyCrc && !verifyRecordBatchCrc(records, position)) {
      return {ok: false, error: 'CORRUPT_MESSAGE', message: `record batch at position ${position} fails its CRC-32C check`}
    }
    batches.push({...readRecordBatchHeader(records, position), position})
    position += sizeBytes
  }
  return {ok: true, batches}
}

/**
 * Assigns a stored batch its place in the log, in place: baseOffset, partitionLeaderEpoch and,
 * for topics with message.timestamp.type=LogAppendTime, the timestamp-type bit and maxTimestamp
 * (Kafka leaves baseTimestamp alone; readers use maxTimestamp for every record). The CRC is
 * recomputed only in that last case, since it does not cover the first two fields.
 */
export function patchRecordBatch(
  buf: Buffer,
  position: number,
  patch: {baseOffset: number; partitionLeaderEpoch?: number; logAppendTimeMs?: number},
): void {
  writeInt64(buf, position + BASE_OFFSET_AT, patch.baseOffset)
  if (patch.partitionLeaderEpoch !== undefined) buf.writeInt32BE(patch.partitionLeaderEpoch, position + PARTITION_LEADER_EPOCH_AT)
  if (patch.logAppendTimeMs !== undefined) {
    buf.writeInt16BE(buf.readInt16BE(position + ATTRIBUTES_AT) | TIMESTAMP_TYPE_BIT, position + ATTRIBUTES_AT)
    writeInt64(buf, position + MAX_TIMESTAMP_AT, patch.logAppendTimeMs)
    const end = position + batchSizeAt(buf, position)
    buf.writeUInt32BE(crc32c(buf.subarray(position + ATTRIBUTES_AT, end)), position + CRC_AT)
  }
}

/** Sequence number of the batch's last record; sequences wrap from 2^31-1 to 0 (Kafka's incrementSequence). */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence > INT32_MAX - lastOffsetDelta) return lastOffsetDelta - (INT32_MAX - baseSequence) - 1
  return baseSequence + lastOffsetDelta
}

export interface RecordHeader {
  key: string
  value: Buffer | null
}

export interface BuildRecord {
  key?: Buffer | string | null
  value: Buffer | string | null
  headers?: {key: string; value: Buffer | string | null}[]
  /** Milliseconds after baseTimestamp; default 0. */
  timestampDelta?: number
  /** Default: the record's index in the batch. */
  offsetDelta?: number
}

export interface BuildRecordBatchOptions {
  records: BuildRecord[]
  baseOffset?: number
  /** Default Date.now(). */
  baseTimestamp?: number
  partitionLeaderEpoch?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  isTransactional?: boolean
  /** A control batch (transaction markers): also set isTransactional, as Kafka does. */
  isControl?: boolean
  /** Only uncompressed batches are built here; compressed ones come from real clients. */
  compression?: 'none'
}

function toBytes(value: Buffer | string | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null
  return typeof value === 'string' ? Buffer.from(value) : value
}

/** The header fields a batch's writer chooses; batchLength and magic follow from the format. */
export interface RecordBatchHeaderFields {
  baseOffset: number
  partitionLeaderEpoch: number
  /** Codec id | TIMESTAMP_TYPE_BIT | TRANSACTIONAL_BIT | CONTROL_BIT. */
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  /** -1, with epoch and sequence -1, for a producer that is not idempotent. */
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
}

/**
 * Writes the header of a batch whose records already follow the header bytes, `batch` being
 * exactly the batch, then its CRC-32C (last: it covers the header from the attributes on).
 */
export function sealRecordBatch(batch: Buffer, header: RecordBatchHeaderFields): Buffer {
  writeInt64(batch, BASE_OFFSET_AT, header.baseOffset)
  batch.writeInt32BE(batch.length - LOG_OVERHEAD_BYTES, BATCH_LENGTH_AT)
  batch.writeInt32BE(header.partitionLeaderEpoch, PARTITION_LEADER_EPOCH_AT)
  batch.writeInt8(2, MAGIC_AT)
  batch.writeInt16BE(header.attributes, ATTRIBUTES_AT)
  batch.writeInt32BE(header.lastOffsetDelta, LAST_OFFSET_DELTA_AT)
  writeInt64(batch, BASE_TIMESTAMP_AT, header.baseTimestamp)
  writeInt64(batch, MAX_TIMESTAMP_AT, header.maxTimestamp)
  writeInt64(batch, PRODUCER_ID_AT, header.producerId)
  batch.writeInt16BE(header.producerEpoch, PRODUCER_EPOCH_AT)
  batch.writeInt32BE(header.baseSequence, BASE_SEQUENCE_AT)
  batch.writeInt32BE(header.recordCount, RECORD_COUNT_AT)
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_AT)), CRC_AT)
  return batch
}

/** Builds one uncompressed v2 batch, CRC included: for tests and the perf tool's lean producer. */
export function buildRecordBatch(options: BuildRecordBatchOptions): Buffer {
  const {records} = options
  if (records.length === 0) throw new RangeError('a record batch needs at least one record')
  const baseTimestamp = options.baseTimestamp ?? Date.now()
  const encoded = records.map((record, index) => {
    const key = toBytes(record.key)
    const value = toBytes(record.value)
    const headers = (record.headers ?? []).map((h) => ({key: Buffer.from(h.key), value: toBytes(h.value)}))
    const timestampDelta = record.timestampDelta ?? 0
    const offsetDelta = record.offsetDelta ?? index
    let bodyBytes = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta)
    bodyBytes += key === null ? varintSize(-1) : varintSize(key.length) + key.length
    bodyBytes += value === null ? varintSize(-1) : varintSize(value.length) + value.length
    bodyBytes += varintSize(headers.length)
    for (const h of headers) {
      bodyBytes += varintSize(h.key.length) + h.key.length
      bodyBytes += h.value === null ? varintSize(-1) : varintSize(h.value.length) + h.value.length
    }
    return {key, value, headers, timestampDelta, offsetDelta, bodyBytes}
  })
  const sizeBytes = encoded.reduce((sum, r) => sum + varintSize(r.bodyBytes) + r.bodyBytes, RECORD_BATCH_HEADER_BYTES)
  const buf = Buffer.alloc(sizeBytes)
  let pos = RECORD_BATCH_HEADER_BYTES
  let maxTimestampDelta = 0
  let lastOffsetDelta = 0
  const writeBytes = (bytes: Buffer | null): void => {
    if (bytes === null) {
      pos = writeVarint(buf, pos, -1)
      return
    }
    pos = writeVarint(buf, pos, bytes.length)
    pos += bytes.copy(buf, pos)
  }
  for (const r of encoded) {
    maxTimestampDelta = Math.max(maxTimestampDelta, r.timestampDelta)
    lastOffsetDelta = Math.max(lastOffsetDelta, r.offsetDelta)
    pos = writeVarint(buf, pos, r.bodyBytes)
    buf.writeInt8(0, pos++) // record attributes: unused in v2
    pos = writeVarlong(buf, pos, r.timestampDelta)
    pos = writeVarint(buf, pos, r.offsetDelta)
    writeBytes(r.key)
    writeBytes(r.value)
    pos = writeVarint(buf, pos, r.headers.length)
    for (const h of r.headers) {
      writeBytes(h.key)
      writeBytes(h.value)
    }
  }
  return sealRecordBatch(buf, {
    baseOffset: options.baseOffset ?? 0,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    attributes: (options.isTransactional ? TRANSACTIONAL_BIT : 0) | (options.isControl ? CONTROL_BIT : 0),
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp: baseTimestamp + maxTimestampDelta,
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    recordCount: records.length,
  })
}

/** Kafka's ControlRecordType: the type field of a control record's key. */
export type ControlRecordType = 'ABORT' | 'COMMIT'

/**
 * The control batch Kafka writes to end a transaction on a partition (a COMMIT or ABORT
 * marker): transactional and control attribute bits, the transaction's producer id and
 * epoch, baseSequence -1, one record whose key is (version int16 = 0, type int16: 0 abort,
 * 1 commit) and whose value is (version int16 = 0, coordinatorEpoch int32).
 */
export function buildControlBatch(options: {type: ControlRecordType; producerId: number; producerEpoch: number; coordinatorEpoch: number; timestampMs: number}): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(options.type === 'COMMIT' ? 1 : 0, 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(options.coordinatorEpoch, 2)
  return buildRecordBatch({
    records: [{key, value}],
    baseTimestamp: options.timestampMs,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
  })
}

/** The marker of the control batch at `position` (the whole batch must be in `buf`);
 *  undefined for a key type Kafka does not define. */
export function readControlRecord(buf: Buffer, position = 0): {type: ControlRecordType; coordinatorEpoch: number} | undefined {
  const [record] = decodeRecords(buf, position)
  const type = record?.key && record.key.length >= 4 ? record.key.readInt16BE(2) : -1
  const coordinatorEpoch = record?.value && record.value.length >= 6 ? record.value.readInt32BE(2) : 0
  return type === 0 ? {type: 'ABORT', coordinatorEpoch} : type === 1 ? {type: 'COMMIT', coordinatorEpoch} : undefined
}

export interface DecodedRecord {
  offset: number
  /** CreateTime: baseTimestamp + delta; LogAppendTime: the batch's maxTimestamp. */
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

function readBytes(c: Cursor): Buffer | null {
  const length = readVarint(c)
  if (length < 0) return null
  if (c.pos + length > c.buf.length) throw new RangeError('record field runs past the end of the batch')
  const bytes = c.buf.subarray(c.pos, c.pos + length)
  c.pos += length
  return bytes
}

function assertUncompressed(header: RecordBatchHeader): void {
  if (header.compression !== 'none') {
    throw new RangeError(`cannot decode a ${header.compression}-compressed batch: only uncompressed batches are decoded here`)
  }
}

/** Decodes the records of one uncompressed batch starting at `position` (tests and tools only). */
export function decodeRecords(batch: Buffer, position = 0): DecodedRecord[] {
  const header = readRecordBatchHeader(batch, position)
  assertUncompressed(header)
  const c: Cursor = {buf: batch.subarray(position, position + header.sizeBytes), pos: RECORD_BATCH_HEADER_BYTES}
  const records: DecodedRecord[] = []
  for (let i = 0; i < header.recordCount; i++) {
    const bodyBytes = readVarint(c)
    const end = c.pos + bodyBytes
    c.pos += 1 // attributes
    const timestampDelta = readVarlong(c)
    const offsetDelta = readVarint(c)
    const key = readBytes(c)
    const value = readBytes(c)
    const headerCount = readVarint(c)
    const headers: RecordHeader[] = []
    for (let h = 0; h < headerCount; h++) {
      const headerKey = readBytes(c)
      headers.push({key: headerKey === null ? '' : headerKey.toString('utf8'), value: readBytes(c)})
    }
    c.pos = end
    records.push({
      offset: header.baseOffset + offsetDelta,
      timestamp: header.timestampType === 'LogAppendTime' ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    })
  }
  return records
}

/**
 * The first record whose timestamp is >= `targetMs` in the batch at `position` (its offset and
 * timestamp), or undefined when none is. Walks only each record's length and two deltas.
 * Compressed batches cannot be walked here: their base offset and max timestamp stand in (a
 * consumer positioned there then receives at most one batch's earlier records).
 */
export function findOffsetByTimestamp(batch: Buffer, position: number, targetMs: number): {offset: number; timestamp: number} | undefined {
  const header = readRecordBatchHeader(batch, position)
  if (header.maxTimestamp < targetMs) return undefined
  if (header.timestampType === 'LogAppendTime' || header.compression !== 'none') {
    return {offset: header.baseOffset, timestamp: header.maxTimestamp}
  }
  const c: Cursor = {buf: batch.subarray(position, position + header.sizeBytes), pos: RECORD_BATCH_HEADER_BYTES}
  for (let i = 0; i < header.recordCount; i++) {
    const bodyBytes = readVarint(c)
    const end = c.pos + bodyBytes
    c.pos += 1
    const timestamp = header.baseTimestamp + readVarlong(c)
    const offsetDelta = readVarint(c)
    if (timestamp >= targetMs) return {offset: header.baseOffset + offsetDelta, timestamp}
    c.pos = end
  }
  return undefined
}
