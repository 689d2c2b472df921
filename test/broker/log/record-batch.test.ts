import {describe, expect, it} from 'vitest'
import {crc32c} from '../../../src/kafka/protocol/crc32c.js'
import {
  RECORD_BATCH_HEADER_BYTES,
  buildRecordBatch,
  decodeRecords,
  findOffsetByTimestamp,
  lastSequenceOf,
  patchRecordBatch,
  readRecordBatchHeader,
  splitRecordBatches,
  verifyRecordBatchCrc,
} from '../../../src/kafka/protocol/record-batch.js'

const batch = (): Buffer =>
  buildRecordBatch({
    baseTimestamp: 1_700_000_000_000,
    producerId: 42,
    producerEpoch: 3,
    baseSequence: 7,
    records: [
      {key: 'k0', value: 'v0', headers: [{key: 'h', value: 'x'}]},
      {key: null, value: 'v1', timestampDelta: 5},
      {key: 'k2', value: null, timestampDelta: 9},
    ],
  })

describe('record batch v2 headers', () => {
  it('reads every header field of a built batch', () => {
    const buf = batch()
    const header = readRecordBatchHeader(buf)
    expect(header).toMatchObject({
      baseOffset: 0,
      batchLength: buf.length - 12,
      partitionLeaderEpoch: -1,
      magic: 2,
      compression: 'none',
      timestampType: 'CreateTime',
      isTransactional: false,
      isControl: false,
      lastOffsetDelta: 2,
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_009,
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 7,
      recordCount: 3,
      sizeBytes: buf.length,
    })
    // The CRC is CRC-32C of attributes..end (byte 21 on), as KIP-98 defines it.
    expect(header.crc).toBe(crc32c(buf.subarray(21)))
    expect(verifyRecordBatchCrc(buf)).toBe(true)
  })

  it('decodes attribute bits: codec, timestamp type, transactional, control', () => {
    const buf = batch()
    buf.writeInt16BE(0x04 | 0x08 | 0x10 | 0x20, 21)
    const header = readRecordBatchHeader(buf)
    expect(header.compression).toBe('zstd')
    expect(header.timestampType).toBe('LogAppendTime')
    expect(header.isTransactional).toBe(true)
    expect(header.isControl).toBe(true)
  })

  it('round-trips records through decodeRecords', () => {
    const records = decodeRecords(batch())
    expect(records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual([
      [0, 1_700_000_000_000, 'k0', 'v0'],
      [1, 1_700_000_000_005, null, 'v1'],
      [2, 1_700_000_000_009, 'k2', null],
    ])
    expect(records[0].headers).toEqual([{key: 'h', value: Buffer.from('x')}])
  })

  it('refuses to decode a compressed batch rather than returning garbage', () => {
    const buf = batch()
    buf.writeInt16BE(1, 21)
    expect(() => decodeRecords(buf)).toThrow(/gzip-compressed/)
  })

  it('patching baseOffset and partitionLeaderEpoch keeps the CRC valid without recomputing it', () => {
    const buf = batch()
    const crcBefore = buf.readUInt32BE(17)
    patchRecordBatch(buf, 0, {baseOffset: 2 ** 40 + 5, partitionLeaderEpoch: 9})
    const header = readRecordBatchHeader(buf)
    expect(header.baseOffset).toBe(2 ** 40 + 5)
    expect(header.partitionLeaderEpoch).toBe(9)
    expect(header.crc).toBe(crcBefore)
    expect(verifyRecordBatchCrc(buf)).toBe(true)
    expect(decodeRecords(buf).map((r) => r.offset)).toEqual([2 ** 40 + 5, 2 ** 40 + 6, 2 ** 40 + 7])
  })

  it('patching for LogAppendTime sets the type bit and maxTimestamp and recomputes the CRC', () => {
    const buf = batch()
    patchRecordBatch(buf, 0, {baseOffset: 10, logAppendTimeMs: 1_800_000_000_000})
    const header = readRecordBatchHeader(buf)
    expect(header.timestampType).toBe('LogAppendTime')
    expect(header.maxTimestamp).toBe(1_800_000_000_000)
    expect(header.baseTimestamp).toBe(1_700_000_000_000)
    expect(verifyRecordBatchCrc(buf)).toBe(true)
    expect(decodeRecords(buf).every((r) => r.timestamp === 1_800_000_000_000)).toBe(true)
  })

  it('splits concatenated batches and reports each position', () => {
    const a = batch()
    const b = buildRecordBatch({baseTimestamp: 1, records: [{value: 'only'}]})
    const split = splitRecordBatches(Buffer.concat([a, b]))
    expect(split.ok).toBe(true)
    if (!split.ok) return
    expect(split.batches.map((x) => [x.position, x.recordCount])).toEqual([
      [0, 3],
      [a.length, 1],
    ])
  })

  it('rejects a CRC mismatch, a truncated batch, trailing bytes and magic < 2 with Kafka error names', () => {
    const flipped = batch()
    flipped[flipped.length - 1] ^= 0xff
    expect(splitRecordBatches(flipped)).toMatchObject({ok: false, error: 'CORRUPT_MESSAGE'})
    expect(splitRecordBatches(flipped, {verifyCrc: false}).ok).toBe(true)
    expect(splitRecordBatches(batch().subarray(0, 70))).toMatchObject({ok: false, error: 'CORRUPT_MESSAGE'})
    expect(splitRecordBatches(Buffer.concat([batch(), Buffer.alloc(5)]))).toMatchObject({ok: false, error: 'CORRUPT_MESSAGE'})
    const v1 = batch()
    v1.writeInt8(1, 16)
    expect(splitRecordBatches(v1)).toMatchObject({ok: false, error: 'UNSUPPORTED_FOR_MESSAGE_FORMAT'})
    const tooShort = batch()
    tooShort.writeInt32BE(RECORD_BATCH_HEADER_BYTES - 13, 8)
    expect(splitRecordBatches(tooShort)).toMatchObject({ok: false, error: 'CORRUPT_MESSAGE'})
  })

  it('finds the first record at or after a timestamp inside a batch', () => {
    const buf = batch()
    expect(findOffsetByTimestamp(buf, 0, 1_700_000_000_001)).toEqual({offset: 1, timestamp: 1_700_000_000_005})
    expect(findOffsetByTimestamp(buf, 0, 1_700_000_000_000)).toEqual({offset: 0, timestamp: 1_700_000_000_000})
    expect(findOffsetByTimestamp(buf, 0, 1_700_000_000_010)).toBeUndefined()
  })

  it('wraps sequence numbers at 2^31-1 as Kafka does', () => {
    expect(lastSequenceOf(10, 4)).toBe(14)
    expect(lastSequenceOf(2147483646, 1)).toBe(2147483647)
    expect(lastSequenceOf(2147483647, 1)).toBe(0)
    expect(lastSequenceOf(2147483640, 10)).toBe(2)
  })
})
