// The records inside one stored v2 batch, for the two places the broker must look past the
// batch header: the key check of compacted topics on produce (Kafka's LogValidator) and the
// log cleaner, which keeps some records of a batch and drops others. Compressed batches are
// decompressed with the batch's own codec and, when rewritten, compressed again with it.
//
// A record is kept byte for byte: its timestampDelta and offsetDelta stay relative to the
// batch's unchanged baseTimestamp and baseOffset, so a rewritten batch only needs a new
// recordCount, batchLength and CRC. lastOffsetDelta is kept too, as Kafka's cleaner does, so the
// producer's last sequence number survives compaction. The one exception is the cleaner's
// delete horizon (KIP-534): baseTimestamp then becomes the horizon and each record's
// timestampDelta is written again so that its absolute timestamp does not change.
import {compress, decompress} from '../../compression/index.js'
import {
  codecOfAttributes,
  DELETE_HORIZON_BIT,
  RECORD_BATCH_HEADER_BYTES,
  readRecordBatchHeader,
  type RecordBatchHeader,
  sealRecordBatch,
} from '../../kafka/protocol/record-batch.js'
import {readVarint, readVarlong, varintSize, varlongSize, writeVarint, writeVarlong, type Cursor} from '../../kafka/protocol/varint.js'


/** One record of a batch: where its bytes lie in the (decompressed) records section. */
export interface RecordSpan {
  start: number
  end: number
  offsetDelta: number
  timestampDelta: number
  /** null for a record without a key. */
  key: Buffer | null
  /** A null value: a tombstone on a compacted topic. */
  isTombstone: boolean
}

export interface BatchRecords {
  header: RecordBatchHeader
  /** The records section, decompressed. */
  body: Buffer
  records: RecordSpan[]
}

function readLength(c: Cursor): number {
  return readVarint(c)
}

/** Reads every record of the batch at `position` of `buf` (decompressing when needed). */
export function readBatchRecords(buf: Buffer, position = 0): BatchRecords {
  const header = readRecordBatchHeader(buf, position)
  const section = buf.subarray(position + RECORD_BATCH_HEADER_BYTES, position + header.sizeBytes)
  const codec = codecOfAttributes(header.attributes)
  if (codec === undefined) throw new RangeError(`record batch at offset ${header.baseOffset} uses an unknown compression codec`)
  const body = codec === 'none' ? section : decompress(codec, section)
  const c: Cursor = {buf: body, pos: 0}
  const records: RecordSpan[] = []
  for (let i = 0; i < header.recordCount; i++) {
    const start = c.pos
    const bodyBytes = readVarint(c)
    const end = c.pos + bodyBytes
    if (end > body.length) throw new RangeError(`record ${i} of the batch at offset ${header.baseOffset} runs past its end`)
    c.pos += 1 // attributes
    const timestampDelta = readVarlong(c)
    const offsetDelta = readVarint(c)
    const keyLength = readLength(c)
    const key = keyLength < 0 ? null : body.subarray(c.pos, c.pos + keyLength)
    if (keyLength > 0) c.pos += keyLength
    const valueLength = readLength(c)
    records.push({start, end, offsetDelta, timestampDelta, key, isTombstone: valueLength < 0})
    c.pos = end
  }
  return {header, body, records}
}

/**
 * The batch again with only `kept` of its records: same base offset, lastOffsetDelta,
 * timestamps, producer fields and attributes (codec included); new recordCount, length and CRC.
 * With `deleteHorizonMs` (a batch the cleaner stamps, KIP-534) the delete-horizon attribute is
 * set and baseTimestamp becomes the horizon; records keep their absolute timestamps and the
 * batch its maxTimestamp.
 */
export function rebuildBatch(batch: BatchRecords, kept: readonly RecordSpan[], deleteHorizonMs?: number): Buffer {
  const {header} = batch
  const baseTimestamp = deleteHorizonMs ?? header.baseTimestamp
  const parts = kept.map((record) =>
    deleteHorizonMs === undefined ? batch.body.subarray(record.start, record.end) : withTimestampDelta(batch.body, record, header.baseTimestamp + record.timestampDelta - deleteHorizonMs),
  )
  const plain = Buffer.concat(parts)
  const codec = codecOfAttributes(header.attributes)
  const section = codec === undefined || codec === 'none' ? plain : compress(codec, plain)
  const out = Buffer.alloc(RECORD_BATCH_HEADER_BYTES + section.length)
  section.copy(out, RECORD_BATCH_HEADER_BYTES)
  return sealRecordBatch(out, {
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    attributes: deleteHorizonMs === undefined ? header.attributes : header.attributes | DELETE_HORIZON_BIT,
    lastOffsetDelta: header.lastOffsetDelta,
    baseTimestamp,
    maxTimestamp: header.maxTimestamp,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    recordCount: kept.length,
  })
}

// One record written again with a new timestampDelta: length, attributes, the delta, then the
// rest (offsetDelta, key, value, headers) as it was.
function withTimestampDelta(body: Buffer, record: RecordSpan, timestampDelta: number): Buffer {
  const c: Cursor = {buf: body, pos: record.start}
  readVarint(c) // length
  const attributes = body[c.pos]
  c.pos += 1
  readVarlong(c)
  const rest = body.subarray(c.pos, record.end)
  const bodyBytes = 1 + varlongSize(timestampDelta) + rest.length
  const out = Buffer.alloc(varintSize(bodyBytes) + bodyBytes)
  let pos = writeVarint(out, 0, bodyBytes)
  out[pos++] = attributes
  pos = writeVarlong(out, pos, timestampDelta)
  rest.copy(out, pos)
  return out
}

/** Kafka's LogValidator rule for compacted topics: the in-batch indexes of records without a key. */
export function keylessRecordIndexes(buf: Buffer, position = 0): number[] {
  const {records} = readBatchRecords(buf, position)
  const keyless: number[] = []
  records.forEach((record, index) => {
    if (record.key === null) keyless.push(index)
  })
  return keyless
}
