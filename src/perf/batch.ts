// A reusable v2 record batch (KIP-98) that the load generator appends records to in place.
// The generic record-batch builder takes one object per record; at half a million records
// a second that allocation and copying is the generator's whole budget, so this writer
// keeps one buffer per batch, writes each record's bytes straight into it and remembers
// each record's intended send time in a typed array. Field layout: Kafka's
// DefaultRecordBatch / DefaultRecord (clients/src/main/java/org/apache/kafka/common/record).
import {type CompressionName, compress} from '../compression/index.js'
import {compressionIds, RECORD_BATCH_HEADER_BYTES, sealRecordBatch} from '../kafka/protocol/record-batch.js'
import {varintSize, varlongSize, writeVarint, writeVarlong} from '../kafka/protocol/varint.js'

/**
 * The e2e test's header: its value is the record's intended send time, epoch milliseconds
 * as a big-endian float64 (sub-microsecond resolution for today's dates).
 */
export const sendTimeHeaderKey = Buffer.from('kctl.perf.intended.ms')
const sendTimeHeaderBytes = 1 + varintSize(sendTimeHeaderKey.length) + sendTimeHeaderKey.length + varintSize(8) + 8

export class BatchBuilder {
  readonly intendedMs: Float64Array
  readonly buffer: Buffer
  records = 0
  /** Record bytes as the Java tool counts them (the value only; keys and headers are extra). */
  valueBytes = 0
  /**
   * When the batch's first record was due (its intended send time). Linger counts from
   * here, so a generator that wakes late does not add its lateness on top of linger.ms.
   */
  firstDueMs = 0
  partition = 0
  private position = RECORD_BATCH_HEADER_BYTES
  private baseTimestamp = 0
  private maxTimestamp = 0

  /** `largestRecordBytes` sizes the buffer so one oversized record still makes a batch, as in Java. */
  constructor(
    readonly capacityBytes: number,
    largestRecordBytes: number,
    maxRecords: number,
    private readonly stampSendTime: boolean,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacityBytes, RECORD_BATCH_HEADER_BYTES + largestRecordBytes))
    this.intendedMs = new Float64Array(maxRecords)
  }

  reset(partition: number): void {
    this.records = 0
    this.valueBytes = 0
    this.position = RECORD_BATCH_HEADER_BYTES
    this.partition = partition
  }

  /** An upper bound of a record's encoded size (deltas up to 2^31), length prefix included. */
  static maxRecordBytes(keyBytes: number | null, valueBytes: number, stampSendTime: boolean): number {
    const body =
      1 + 10 + 5 + (keyBytes === null ? 1 : 5 + keyBytes) + 5 + valueBytes + (stampSendTime ? sendTimeHeaderBytes : 1)
    return 5 + body
  }

  /** Whether a record of at most `bytes` still fits (a batch always takes its first record). */
  fits(bytes: number): boolean {
    return this.records === 0 || (this.position + bytes <= this.capacityBytes && this.records < this.intendedMs.length)
  }

  /** Appends one record; the caller has checked `fits`. */
  append(key: Buffer | null, value: Buffer, timestampMs: number, intendedMs: number, nowMs: number): void {
    if (this.records === 0) {
      this.baseTimestamp = timestampMs
      this.maxTimestamp = timestampMs
      this.firstDueMs = Math.min(intendedMs, nowMs)
    } else if (timestampMs > this.maxTimestamp) this.maxTimestamp = timestampMs
    const buf = this.buffer
    const offsetDelta = this.records
    const timestampDelta = timestampMs - this.baseTimestamp
    let pos = writeVarint(buf, this.position, recordBodyBytes(key, value, this.stampSendTime, offsetDelta, timestampDelta))
    buf[pos++] = 0 // record attributes, unused
    pos = writeVarlong(buf, pos, timestampDelta)
    pos = writeVarint(buf, pos, offsetDelta)
    if (key === null) pos = writeVarint(buf, pos, -1)
    else {
      pos = writeVarint(buf, pos, key.length)
      pos += key.copy(buf, pos)
    }
    pos = writeVarint(buf, pos, value.length)
    pos += value.copy(buf, pos)
    if (!this.stampSendTime) buf[pos++] = 0
    else {
      pos = writeVarint(buf, pos, 1)
      pos = writeVarint(buf, pos, sendTimeHeaderKey.length)
      pos += sendTimeHeaderKey.copy(buf, pos)
      pos = writeVarint(buf, pos, 8)
      pos = buf.writeDoubleBE(intendedMs, pos)
    }
    this.position = pos
    this.intendedMs[this.records] = intendedMs
    this.records++
    this.valueBytes += value.length
  }

  /**
   * Fills in the header and CRC and returns the batch bytes (a view of the builder's buffer,
   * valid until the next reset, or a new buffer when compressed).
   */
  seal(compression: CompressionName): Buffer {
    let batch = this.buffer.subarray(0, this.position)
    if (compression !== 'none') {
      const compressed = compress(compression, batch.subarray(RECORD_BATCH_HEADER_BYTES))
      batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_BYTES + compressed.length)
      compressed.copy(batch, RECORD_BATCH_HEADER_BYTES)
    }
    return sealRecordBatch(batch, {
      baseOffset: 0, // the broker assigns it
      partitionLeaderEpoch: -1,
      attributes: compressionIds[compression], // CreateTime, not transactional
      lastOffsetDelta: this.records - 1,
      baseTimestamp: this.baseTimestamp,
      maxTimestamp: this.maxTimestamp,
      producerId: -1, // not idempotent
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: this.records,
    })
  }
}

function recordBodyBytes(key: Buffer | null, value: Buffer, stampSendTime: boolean, offsetDelta: number, timestampDelta: number): number {
  const keyBytes = key === null ? 1 : varintSize(key.length) + key.length
  const headerBytes = stampSendTime ? sendTimeHeaderBytes : 1
  return 1 + varlongSize(timestampDelta) + varintSize(offsetDelta) + keyBytes + varintSize(value.length) + value.length + headerBytes
}
