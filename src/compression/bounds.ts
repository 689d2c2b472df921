// How large a compressed records section can inflate, read from its framing alone, before any
// byte is decompressed: a batch of a few hundred kilobytes can inflate to gigabytes (a
// "decompression bomb"), and the native decoders allocate the whole output at once. Each
// format states enough in its headers to bound the output:
// - snappy (raw block): the uncompressed length is the block's varint preamble; xerial
//   framing (snappy-java) is a sequence of such blocks behind int32 lengths;
// - lz4 frame: every block inflates to at most the frame's block maximum size (64 KiB-4 MiB,
//   in the BD byte), an uncompressed block to its own size;
// - zstd: a raw block is its size, an RLE block its Block_Size (1 byte of content), a
//   compressed block at most 128 KiB (Block_Maximum_Size);
// - gzip states nothing reliable (ISIZE is modulo 2^32 and per member), so zlib's
//   maxOutputLength stops it instead (see decompress in index.ts).
// A framing that does not parse answers undefined; the decoder then reports the corruption.

const XERIAL_HEADER_BYTES = 16
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const LZ4_MAGIC = 0x184d2204
const ZSTD_MAGIC = 0xfd2fb528
const ZSTD_BLOCK_MAX = 128 * 1024
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024]

function isSkippableFrame(magic: number): boolean {
  return magic >>> 4 === 0x184d2a5
}

/** The unsigned varint at `pos` (snappy's length preamble), or undefined past the end. */
function uvarint(data: Buffer, pos: number): number | undefined {
  let value = 0
  for (let shift = 0; shift <= 28; shift += 7) {
    if (pos >= data.length) return undefined
    const byte = data[pos++]
    value += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) return value
  }
  return undefined
}

export function snappyBound(data: Buffer): number | undefined {
  if (data.length >= XERIAL_HEADER_BYTES && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    let total = 0
    let pos = XERIAL_HEADER_BYTES
    while (pos < data.length) {
      if (data.length - pos >= XERIAL_HEADER_BYTES && data.subarray(pos, pos + XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
        pos += XERIAL_HEADER_BYTES
        continue
      }
      if (pos + 4 > data.length) return undefined
      const blockBytes = data.readInt32BE(pos)
      if (blockBytes < 0) return undefined
      const length = uvarint(data, pos + 4)
      if (length === undefined) return undefined
      total += length
      pos += 4 + blockBytes
    }
    return total
  }
  return uvarint(data, 0)
}

export function lz4Bound(data: Buffer): number | undefined {
  let total = 0
  let pos = 0
  while (pos < data.length) {
    if (pos + 4 > data.length) return undefined
    const magic = data.readUInt32LE(pos)
    if (isSkippableFrame(magic)) {
      if (pos + 8 > data.length) return undefined
      pos += 8 + data.readUInt32LE(pos + 4)
      continue
    }
    if (magic !== LZ4_MAGIC || pos + 7 > data.length) return undefined
    const flags = data[pos + 4]
    const blockMax = LZ4_BLOCK_MAX[(data[pos + 5] >> 4) & 0x07]
    if (!blockMax) return undefined
    const blockChecksum = (flags & 0x10) !== 0
    pos += 4 + 2 + ((flags & 0x08) !== 0 ? 8 : 0) + ((flags & 0x01) !== 0 ? 4 : 0) + 1
    for (;;) {
      if (pos + 4 > data.length) return undefined
      const word = data.readUInt32LE(pos)
      pos += 4
      if (word === 0) break
      const size = word & 0x7fffffff
      total += word & 0x80000000 ? size : blockMax
      pos += size + (blockChecksum ? 4 : 0)
    }
    if ((flags & 0x04) !== 0) pos += 4
  }
  return total
}

export function zstdBound(data: Buffer): number | undefined {
  let total = 0
  let pos = 0
  while (pos < data.length) {
    if (pos + 4 > data.length) return undefined
    const magic = data.readUInt32LE(pos)
    if (isSkippableFrame(magic)) {
      if (pos + 8 > data.length) return undefined
      pos += 8 + data.readUInt32LE(pos + 4)
      continue
    }
    if (magic !== ZSTD_MAGIC || pos + 5 > data.length) return undefined
    const descriptor = data[pos + 4]
    const singleSegment = (descriptor & 0x20) !== 0
    const fcsFlag = descriptor >> 6
    const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag]
    const dictBytes = [0, 1, 2, 4][descriptor & 0x03]
    pos += 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes
    for (;;) {
      if (pos + 3 > data.length) return undefined
      const header = data.readUIntLE(pos, 3)
      pos += 3
      const type = (header >> 1) & 0x03
      const size = header >>> 3
      if (type === 0) {
        total += size
        pos += size
      } else if (type === 1) {
        total += size
        pos += 1
      } else if (type === 2) {
        total += ZSTD_BLOCK_MAX
        pos += size
      } else return undefined
      if (header & 1) break
    }
    if ((descriptor & 0x04) !== 0) pos += 4
  }
  return total
}
