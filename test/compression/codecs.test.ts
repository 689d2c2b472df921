// The codecs on their own: round trips, the exact framing Kafka's clients expect, frames
// written by the reference lz4 and zstd command-line tools (the variants other producers
// emit), kafkajs registration, and corrupt input as a one-line error.
import {execFileSync} from 'node:child_process'
import kafkajs from 'kafkajs'
import {compressSync as rawSnappyCompress} from 'snappy'
import {describe, expect, it} from 'vitest'
import {codecIds, codecNames, codecOfAttributes, compress, decompress, registerKafkajsCodecs} from '../../src/compression/index.js'
import {KctlError} from '../../src/errors.js'
import {randomPayloads} from '../../src/perf/payloads.js'

/** `records` perf payloads of 100 bytes back to back, as a batch's records section holds them. */
function perfRecords(records: number): Buffer {
  const pool = randomPayloads(100)
  return Buffer.concat(Array.from({length: records}, (_, index) => pool[index % pool.length]))
}

/** Bytes that do not compress (a worst case: codecs must still frame them). */
function noise(bytes: number): Buffer {
  const buf = Buffer.allocUnsafe(bytes)
  for (let index = 0; index < bytes; index++) buf[index] = Math.floor(Math.random() * 256)
  return buf
}

function tool(command: string, args: string[], input: Buffer): Buffer {
  return execFileSync(command, args, {input, maxBuffer: 64 * 1024 * 1024})
}

describe('round trip', () => {
  const inputs: [string, Buffer][] = [
    ['one byte', Buffer.from('x')],
    ['one 100-byte record', perfRecords(1)],
    ['1 MiB of perf records', perfRecords(10_486)],
    ['200 KiB of noise', noise(200 * 1024)],
  ]
  for (const codec of codecNames) {
    for (const [name, input] of inputs) {
      it(`${codec}: ${name}`, () => {
        const packed = compress(codec, input)
        expect(decompress(codec, packed).equals(input)).toBe(true)
      })
    }
  }

  it('every codec shrinks repetitive perf records', () => {
    const input = perfRecords(10_486)
    for (const codec of codecNames) expect(compress(codec, input).length).toBeLessThan(input.length / 2)
  })
})

describe('framing as Kafka writes it', () => {
  it('gzip: a gzip member', () => {
    expect(compress('gzip', perfRecords(10)).subarray(0, 2).toString('hex')).toBe('1f8b')
  })

  it("snappy: snappy-java's xerial stream, one block per 32 KiB of input", () => {
    const input = noise(100 * 1024)
    const packed = compress('snappy', input)
    expect(packed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001')
    const blockBytes: number[] = []
    for (let position = 16; position < packed.length; position += 4 + blockBytes.at(-1)!) blockBytes.push(packed.readInt32BE(position))
    expect(blockBytes).toHaveLength(4) // 32 + 32 + 32 + 4 KiB
    expect(16 + blockBytes.reduce((sum, bytes) => sum + 4 + bytes, 0)).toBe(packed.length)
  })

  it('snappy: reads the raw block librdkafka writes', () => {
    const input = perfRecords(500)
    expect(decompress('snappy', rawSnappyCompress(input)).equals(input)).toBe(true)
  })

  it('snappy: reads concatenated xerial streams', () => {
    const first = perfRecords(300)
    const second = noise(40 * 1024)
    const joined = Buffer.concat([compress('snappy', first), compress('snappy', second)])
    expect(decompress('snappy', joined).equals(Buffer.concat([first, second]))).toBe(true)
  })

  it('lz4: an LZ4 frame with independent blocks and a valid header checksum (lz4 -t accepts it)', () => {
    const input = perfRecords(1000)
    const packed = compress('lz4', input)
    expect(packed.readUInt32LE(0)).toBe(0x184d2204)
    const flags = packed[4]
    expect(flags >> 6).toBe(1) // frame format version 01
    expect(flags & 0x20).toBe(0x20) // block independence: Kafka's Java reader decodes each block alone
    expect(() => tool('lz4', ['-t', '-q'], packed)).not.toThrow()
    expect(tool('lz4', ['-d', '-c', '-q'], packed).equals(input)).toBe(true)
  })

  it('zstd: a standard frame the zstd tool decodes', () => {
    const input = perfRecords(1000)
    const packed = compress('zstd', input)
    expect(packed.readUInt32LE(0)).toBe(0xfd2fb528)
    expect(tool('zstd', ['-d', '-c', '-q'], packed).equals(input)).toBe(true)
  })
})

describe('frames from the reference tools', () => {
  const input = Buffer.concat([perfRecords(3000), noise(150 * 1024)])

  // Java writes 64 KiB blocks without checksums; others add block or content checksums or the
  // content size. All are valid LZ4 frames that a Kafka consumer must read.
  const lz4Variants: [string, string[]][] = [
    ['64 KiB blocks (as Java writes)', ['-B4']],
    ['4 MiB blocks with a content checksum', ['-B7']],
    ['block checksums', ['-B4', '-BX']],
    ['the content size in the header', ['--content-size']],
  ]
  for (const [name, args] of lz4Variants) {
    it(`lz4: ${name}`, () => {
      const packed = tool('lz4', ['-c', '-q', ...args], input)
      expect(decompress('lz4', packed).equals(input)).toBe(true)
    })
  }

  it('zstd: a streamed frame without the content size (as Java and librdkafka stream)', () => {
    // Piped input: the tool cannot know the size, so the frame header leaves it out.
    const packed = execFileSync('sh', ['-c', 'cat | zstd -c -q'], {input, maxBuffer: 64 * 1024 * 1024})
    const frameHeaderDescriptor = packed[4]
    expect(frameHeaderDescriptor >> 6).toBe(0) // no frame content size field
    expect(decompress('zstd', packed).equals(input)).toBe(true)
  })

  it('zstd: level 19 with the content size', () => {
    expect(decompress('zstd', tool('zstd', ['-19', '-c', '-q'], input)).equals(input)).toBe(true)
  })
})

describe('attributes', () => {
  it('maps batch attribute bits 0-2 to codecs, ignoring the other bits', () => {
    expect(codecOfAttributes(0)).toBe('none')
    expect(codecOfAttributes(0x10 | 0x20)).toBe('none') // transactional control batch, uncompressed
    for (const codec of codecNames) expect(codecOfAttributes(codecIds[codec] | 0x08)).toBe(codec)
    expect(codecOfAttributes(5)).toBeUndefined()
    expect(codecOfAttributes(7)).toBeUndefined()
  })
})

describe('corrupt input', () => {
  const garbage = Buffer.from('definitely not a compressed record batch, just text')
  for (const codec of codecNames) {
    it(`${codec}: a one-line KctlError naming the codec`, () => {
      let thrown: unknown
      try {
        decompress(codec, garbage)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(KctlError)
      expect((thrown as KctlError).message).toMatch(new RegExp(`^unable to decompress a ${codec} record batch: `))
      expect((thrown as KctlError).message).not.toContain('\n')
      expect((thrown as KctlError).hint).toBeTruthy()
    })
  }

  it('snappy: a xerial block that runs past the end', () => {
    const packed = compress('snappy', noise(1000))
    expect(() => decompress('snappy', packed.subarray(0, packed.length - 10))).toThrow(/unable to decompress a snappy record batch: block of \d+ bytes runs past the end/)
  })
})

describe('kafkajs registration', () => {
  it("installs snappy, lz4 and zstd codecs that kafkajs's record batch code can call, and keeps gzip", async () => {
    const {CompressionCodecs, CompressionTypes} = kafkajs
    const kafkajsGzip = CompressionCodecs[CompressionTypes.GZIP]
    registerKafkajsCodecs()
    registerKafkajsCodecs() // idempotent
    expect(CompressionCodecs[CompressionTypes.GZIP]).toBe(kafkajsGzip)
    const input = perfRecords(200)
    const types: [number, (typeof codecNames)[number]][] = [
      [CompressionTypes.Snappy, 'snappy'],
      [CompressionTypes.LZ4, 'lz4'],
      [CompressionTypes.ZSTD, 'zstd'],
    ]
    for (const [type, name] of types) {
      const codec = (CompressionCodecs[type as keyof typeof CompressionCodecs] as () => {
        compress: (encoder: {buffer: Buffer}) => Promise<Buffer>
        decompress: (buffer: Buffer) => Promise<Buffer>
      })()
      const packed = await codec.compress({buffer: input})
      expect(decompress(name, packed).equals(input)).toBe(true)
      expect((await codec.decompress(compress(name, input))).equals(input)).toBe(true)
    }
  })
})
