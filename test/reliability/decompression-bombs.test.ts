// Decompression bombs: a records section that inflates far beyond its size is refused from its
// framing before the native decoder allocates the output (snappy, lz4, zstd), or stopped by
// zlib's output limit (gzip); real data inflates as before, whatever its size below the limit.
import {randomBytes} from 'node:crypto'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {codecNames, compress, decompress, MAX_DECOMPRESSED_BYTES} from '../../src/compression/index.js'
import {lz4Bound, snappyBound, zstdBound} from '../../src/compression/bounds.js'

const MiB = 1024 * 1024

describe('decompression bounds', () => {
  it.each(codecNames)('%s: refuses a section that inflates beyond the limit, and inflates one below it', (codec) => {
    const zeros = Buffer.alloc(8 * MiB)
    const packed = compress(codec, zeros)
    expect(packed.length).toBeLessThan(zeros.length / 20)
    expect(() => decompress(codec, packed, MiB)).toThrow(`unable to decompress a ${codec} record batch: it inflates beyond ${MiB} bytes`)
    expect(decompress(codec, packed).equals(zeros)).toBe(true)
  })

  it('bounds every framing at or above what it really inflates to', () => {
    for (const size of [0, 1, 1000, 70_000, 3 * MiB + 17]) {
      const data = Buffer.concat([randomBytes(size >> 1), Buffer.alloc(size - (size >> 1))])
      expect(snappyBound(compress('snappy', data))).toBeGreaterThanOrEqual(size)
      expect(lz4Bound(compress('lz4', data))).toBeGreaterThanOrEqual(size)
      expect(zstdBound(compress('zstd', data))).toBeGreaterThanOrEqual(size)
    }
  })

  it('stops a gzip bomb of concatenated members (1 GiB of zeros in about 1 MB) at the limit', () => {
    const member = gzipSync(Buffer.alloc(64 * MiB), {level: 9})
    const bomb = Buffer.concat(Array.from({length: 16}, () => member))
    expect(bomb.length).toBeLessThan(2 * MiB)
    expect(() => decompress('gzip', bomb)).toThrow(`it inflates beyond ${MAX_DECOMPRESSED_BYTES} bytes`)
  })

  it('refuses an lz4 or zstd section whose framing does not parse instead of guessing', () => {
    expect(() => decompress('lz4', Buffer.from('not an lz4 frame'))).toThrow('unable to decompress a lz4 record batch: its framing does not parse')
    expect(() => decompress('zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00]))).toThrow('unable to decompress a zstd record batch: its framing does not parse')
  })
})
