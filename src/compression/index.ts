// Kafka's record-batch codecs (attributes bits 0-2 of a v2 batch: 1 gzip, 2 snappy, 3 lz4,
// 4 zstd), byte-compatible with the Java client and librdkafka, plus their registration
// with kafkajs, which ships gzip only.
//
// Formats, as Kafka's clients write and read them (clients/src/main/java/org/apache/kafka/
// common/compress):
// - gzip: a gzip member (Java's GZIPOutputStream; zlib's default level, as Java's -1).
// - snappy: Java writes snappy-java's xerial framing (SnappyOutputStream: a 16-byte header,
//   then [int32 BE length][raw snappy block] per 32 KiB of input); librdkafka writes one
//   raw snappy block. Both Java (SnappyInputStream falls back to raw) and librdkafka
//   (rd_kafka_snappy_java_uncompress on the xerial magic) read either, so kctl writes
//   Java's framing and reads both.
// - lz4: the LZ4 *frame* format with independent blocks (KafkaLZ4BlockOutputStream). v2
//   batches always carry the correct header checksum; the broken one of magic 0/1 (fixed
//   by KIP-57) never reaches this path.
// - zstd: a standard zstd frame written by a streaming encoder (Java's ZstdOutputStream
//   leaves the content size out, so the decoder here streams rather than sizing up front).
//
// Libraries: snappy and lz4-napi are napi-rs builds (Rust snap / lz4_flex) and
// @toondepauw/node-zstd wraps libzstd 1.5.7; each ships its binary as a per-platform npm
// package, so installing needs the registry only. Node 20's zlib has no zstd.
import {createRequire} from 'node:module'
import {gunzipSync, gzipSync} from 'node:zlib'
import {KctlError} from '../errors.js'
import {lz4Bound, snappyBound, zstdBound} from './bounds.js'
import {codecOfAttributes, type CompressionName, compressionIds, compressionNames} from '../kafka/protocol/record-batch.js'

// Kafka's names and ids are in record-batch.ts; commands and the perf tool take them from here.
export {codecOfAttributes, type CompressionName, compressionNames}

/** The codecs that compress: every compression name but none. */
export type CodecName = Exclude<CompressionName, 'none'>
export const codecNames = compressionNames.filter((name): name is CodecName => name !== 'none')

/** The codec's id in a record batch's attributes (bits 0-2). */
export const codecIds: Readonly<Record<CodecName, number>> = compressionIds

// Kafka's default compression.zstd.level (KIP-390).
const zstdLevel = 3

// The native codecs load on first use: every command registers them with kafkajs, and
// loading the three binaries up front cost each command ~35 ms of start-up it rarely needs.
const require = createRequire(import.meta.url)
interface NativeCodecs {
  snappy: typeof import('snappy')
  lz4: typeof import('lz4-napi')
  zstdEncoder: import('@toondepauw/node-zstd').Encoder
  zstdDecoder: import('@toondepauw/node-zstd').Decoder
}
let nativeCodecs: NativeCodecs | undefined

function native(): NativeCodecs {
  if (!nativeCodecs) {
    const zstd = require('@toondepauw/node-zstd') as typeof import('@toondepauw/node-zstd')
    nativeCodecs = {
      snappy: require('snappy') as typeof import('snappy'),
      lz4: require('lz4-napi') as typeof import('lz4-napi'),
      zstdEncoder: new zstd.Encoder(zstdLevel),
      zstdDecoder: new zstd.Decoder(),
    }
  }
  return nativeCodecs
}

// snappy-java's stream header: magic, version 1, minimum compatible version 1.
const xerialMagic = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const xerialHeaderBytes = 16
// SnappyOutputStream's default block size, which Kafka's producer keeps.
const xerialBlockBytes = 32 * 1024
const xerialHeader = Buffer.concat([xerialMagic, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])])

export function compress(codec: CodecName, data: Buffer): Buffer {
  switch (codec) {
    case 'gzip':
      return gzipSync(data)
    case 'snappy':
      return xerialCompress(data)
    case 'lz4':
      return native().lz4.compressFrameSync(data)
    case 'zstd':
      return native().zstdEncoder.encodeSync(data)
  }
}

/**
 * Inflating a records section beyond this is refused. A batch is at most message.max.bytes
 * (1 MiB by default) compressed; 128 MiB leaves real data a ratio above 100:1 and keeps a
 * crafted batch (gigabytes of zeros in a few hundred kilobytes) from taking a broker's or a
 * consumer's memory.
 */
export const MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024

export function decompress(codec: CodecName, data: Buffer, maxBytes = MAX_DECOMPRESSED_BYTES): Buffer {
  // The native decoders allocate the whole output at once: bound it from the framing first.
  if (codec !== 'gzip') {
    const bound = codec === 'snappy' ? snappyBound(data) : codec === 'lz4' ? lz4Bound(data) : zstdBound(data)
    if (bound === undefined) throw corrupt(codec, 'its framing does not parse')
    if (bound > maxBytes) throw tooLarge(codec, maxBytes)
  }
  let out: Buffer
  try {
    switch (codec) {
      case 'gzip':
        out = gunzipSync(data, {maxOutputLength: maxBytes})
        break
      case 'snappy':
        out = isXerial(data) ? xerialDecompress(data) : (native().snappy.uncompressSync(data) as Buffer)
        break
      case 'lz4':
        out = native().lz4.decompressFrameSync(data)
        break
      case 'zstd':
        out = native().zstdDecoder.decodeSync(data)
        break
    }
  } catch (error) {
    if (error instanceof KctlError) throw error
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(codec, maxBytes)
    throw corrupt(codec, error instanceof Error ? error.message : String(error))
  }
  if (out.length > maxBytes) throw tooLarge(codec, maxBytes)
  return out
}

function tooLarge(codec: CodecName, maxBytes: number): KctlError {
  return new KctlError(`unable to decompress a ${codec} record batch: it inflates beyond ${maxBytes} bytes`, {
    hint: 'the batch was crafted to exhaust memory, or its records are far larger than Kafka batches are; read the partition from a later offset',
  })
}

function corrupt(codec: CodecName, cause: string): KctlError {
  return new KctlError(`unable to decompress a ${codec} record batch: ${cause}`, {
    hint: 'the batch is corrupt or its producer wrote a broken frame; read the partition from a later offset',
  })
}

function xerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [xerialHeader]
  for (let start = 0; start < data.length; start += xerialBlockBytes) {
    const block = native().snappy.compressSync(data.subarray(start, start + xerialBlockBytes))
    const length = Buffer.allocUnsafe(4)
    length.writeInt32BE(block.length, 0)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

function isXerial(data: Buffer): boolean {
  return data.length >= xerialHeaderBytes && data.subarray(0, xerialMagic.length).equals(xerialMagic)
}

/** Blocks after the header; a repeated header (concatenated streams, as snappy-java allows) is skipped. */
function xerialDecompress(data: Buffer): Buffer {
  const parts: Buffer[] = []
  let position = xerialHeaderBytes
  while (position < data.length) {
    if (isXerial(data.subarray(position))) {
      position += xerialHeaderBytes
      continue
    }
    if (position + 4 > data.length) throw corrupt('snappy', 'truncated block length')
    const blockBytes = data.readInt32BE(position)
    position += 4
    if (blockBytes < 0 || position + blockBytes > data.length) throw corrupt('snappy', `block of ${blockBytes} bytes runs past the end`)
    parts.push(native().snappy.uncompressSync(data.subarray(position, position + blockBytes)) as Buffer)
    position += blockBytes
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts)
}

let kafkajsCodecsRegistered = false

/**
 * Gives kafkajs snappy, lz4 and zstd (its own gzip stays). kafkajs looks a codec up as
 * `CompressionCodecs[type]()` per batch and awaits `compress(encoder)` (the records
 * section in `encoder.buffer`) and `decompress(buffer)`.
 */
export function registerKafkajsCodecs(): void {
  if (kafkajsCodecsRegistered) return
  kafkajsCodecsRegistered = true
  const kafkajsCodec = (codec: CodecName) => {
    const implementation = {
      compress: async (encoder: {buffer: Buffer}) => compress(codec, encoder.buffer),
      decompress: async (buffer: Buffer) => decompress(codec, buffer),
    }
    return () => implementation
  }
  // kafkajs (CommonJS, ~140 modules) loads here, for the callers that give it codecs, not for
  // every importer of the codecs (the broker's log, kctl lag's record reads).
  const {CompressionCodecs, CompressionTypes} = require('kafkajs') as typeof import('kafkajs')
  CompressionCodecs[CompressionTypes.Snappy] = kafkajsCodec('snappy')
  CompressionCodecs[CompressionTypes.LZ4] = kafkajsCodec('lz4')
  CompressionCodecs[CompressionTypes.ZSTD] = kafkajsCodec('zstd')
}
