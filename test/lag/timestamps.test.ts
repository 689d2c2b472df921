// timestampAt: the timestamp of the first unconsumed record inside fetched batches, for
// uncompressed and compressed (every Kafka codec), LogAppendTime, control and truncated batches.
import {describe, expect, it} from 'vitest'
import {timestampAt, timestampsAt} from '../../src/admin/partition-offsets.js'
import {crc32c} from '../../src/kafka/protocol/index.js'
import {type CodecName, codecIds, compress} from '../../src/compression/index.js'

const BASE_MS = 1_700_000_000_000

/** A v2 batch at baseOffset with records whose timestamps are BASE_MS + 1000 * index. */
function batch(baseOffset: number, count: number, options: {codec?: CodecName; logAppendTime?: boolean; control?: boolean} = {}): Buffer {
  const records: Buffer[] = []
  for (let index = 0; index < count; index++) {
    // attributes 0, timestampDelta 1000*index, offsetDelta index, key null, value "x", no headers (zigzag varints)
    const delta = zigzag(1000 * index)
    const body = Buffer.concat([Buffer.from([0]), delta, Buffer.from([index * 2, 0x01, 0x02, 0x78, 0])])
    records.push(Buffer.concat([zigzag(body.length), body]))
  }
  const plain = Buffer.concat(records)
  const recordBytes = options.codec ? compress(options.codec, plain) : plain
  const header = Buffer.alloc(61)
  header.writeBigInt64BE(BigInt(baseOffset), 0)
  header.writeInt32BE(49 + recordBytes.length, 8)
  header.writeInt8(2, 16)
  header.writeInt16BE((options.codec ? codecIds[options.codec] : 0) | (options.logAppendTime ? 0x08 : 0) | (options.control ? 0x20 : 0), 21)
  header.writeInt32BE(count - 1, 23)
  header.writeBigInt64BE(BigInt(BASE_MS), 27)
  header.writeBigInt64BE(BigInt(BASE_MS + 1000 * (count - 1)), 35)
  header.writeBigInt64BE(-1n, 43)
  header.writeInt16BE(-1, 51)
  header.writeInt32BE(-1, 53)
  header.writeInt32BE(count, 57)
  const whole = Buffer.concat([header, recordBytes])
  whole.writeUInt32BE(crc32c(whole.subarray(21)), 17)
  return whole
}

function zigzag(value: number): Buffer {
  let n = value * 2
  const bytes: number[] = []
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  bytes.push(n)
  return Buffer.from(bytes)
}

describe('timestampAt', () => {
  const fetched = Buffer.concat([batch(0, 5), batch(5, 5)])

  it('finds the record at the offset in uncompressed batches, skipping earlier batches', () => {
    expect(timestampAt(fetched, 0)).toBe(BASE_MS)
    expect(timestampAt(fetched, 3)).toBe(BASE_MS + 3000)
    expect(timestampAt(fetched, 7)).toBe(BASE_MS + 2000)
    expect(timestampAt(fetched, 10)).toBeUndefined()
  })

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('reads inside %s batches exactly', (codec) => {
    expect(timestampAt(batch(100, 8, {codec}), 104)).toBe(BASE_MS + 4000)
  })

  it('uses the batch time for LogAppendTime and skips control batches', () => {
    expect(timestampAt(batch(0, 4, {logAppendTime: true}), 1)).toBe(BASE_MS + 3000)
    expect(timestampAt(Buffer.concat([batch(0, 1, {control: true}), batch(1, 2)]), 0)).toBe(BASE_MS)
  })

  it('gives up on a truncated batch', () => {
    expect(timestampAt(fetched.subarray(0, fetched.length - 3), 7)).toBeUndefined()
  })
})

describe('timestampsAt (several wanted offsets of a partition from one Fetch)', () => {
  const fetched = Buffer.concat([batch(0, 5), batch(5, 5, {codec: 'lz4'})])

  it('answers each offset as timestampAt does, in one walk across plain and compressed batches', () => {
    const offsets = [0, 3, 4, 5, 9]
    expect(timestampsAt(fetched, offsets)).toEqual(offsets.map((offset) => timestampAt(fetched, offset)))
    expect(timestampsAt(fetched, offsets)).toEqual([BASE_MS, BASE_MS + 3000, BASE_MS + 4000, BASE_MS, BASE_MS + 4000])
  })

  it('answers the first offsets only when the later ones lie past the returned batches', () => {
    expect(timestampsAt(fetched, [2, 8, 10, 12])).toEqual([BASE_MS + 2000, BASE_MS + 3000])
    // A batch cut short at the end of the response: the offsets inside it stay unanswered.
    expect(timestampsAt(fetched.subarray(0, fetched.length - 3), [1, 6])).toEqual([BASE_MS + 1000])
  })

  it('answers offsets below a LogAppendTime batch with its time and skips a control batch', () => {
    const mixed = Buffer.concat([batch(0, 1, {control: true}), batch(1, 3, {logAppendTime: true}), batch(4, 2)])
    expect(timestampsAt(mixed, [0, 2, 5])).toEqual([BASE_MS + 2000, BASE_MS + 2000, BASE_MS + 1000])
  })
})
