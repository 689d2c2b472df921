// Variable-length integers as Kafka writes them (the project's one copy).
// - Unsigned varint (protobuf base-128): compact string/bytes/array lengths and tagged-field
//   headers in flexible versions (KIP-482).
// - Zigzag varint / varlong: record fields inside a v2 record batch (KIP-98).
// Values are JS numbers. A varlong is exact while |value| <= 2^53 - 1, which covers record
// timestamp and offset deltas; larger magnitudes are rejected rather than rounded silently.

/** A read position in a buffer; reads advance `pos`. */
export interface Cursor {
  buf: Buffer
  pos: number
}

export class VarintError extends RangeError {}

/** Reads an unsigned varint of at most 5 bytes (32 bits). */
export function readUnsignedVarint(c: Cursor): number {
  const buf = c.buf
  let pos = c.pos
  let value = 0
  let shift = 0
  for (;;) {
    if (pos >= buf.length) throw new VarintError('varint runs past the end of the buffer')
    const byte = buf[pos++]
    if (shift === 28) {
      if (byte > 0x0f) throw new VarintError('varint is longer than 5 bytes or exceeds 32 bits')
      value += byte * 268435456 // 2^28, kept arithmetic so the result stays unsigned
      break
    }
    value |= (byte & 0x7f) << shift
    if (byte < 0x80) break
    shift += 7
  }
  c.pos = pos
  return value >>> 0
}

/** Bytes an unsigned 32-bit varint takes. */
export function unsignedVarintSize(value: number): number {
  if (value < 0x80) return 1
  if (value < 0x4000) return 2
  if (value < 0x200000) return 3
  if (value < 0x10000000) return 4
  return 5
}

/** Writes an unsigned 32-bit varint at `offset`; returns the offset after it. */
export function writeUnsignedVarint(buf: Buffer, offset: number, value: number): number {
  let v = value >>> 0
  while (v >= 0x80) {
    buf[offset++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  buf[offset++] = v
  return offset
}

/** Reads a zigzag-encoded signed 32-bit varint (record length, key/value lengths, deltas). */
export function readVarint(c: Cursor): number {
  const u = readUnsignedVarint(c)
  return (u >>> 1) ^ -(u & 1)
}

export function varintSize(value: number): number {
  return unsignedVarintSize(((value << 1) ^ (value >> 31)) >>> 0)
}

export function writeVarint(buf: Buffer, offset: number, value: number): number {
  return writeUnsignedVarint(buf, offset, ((value << 1) ^ (value >> 31)) >>> 0)
}

/** Reads a zigzag-encoded signed 64-bit varlong (record timestamp delta) as a number. */
export function readVarlong(c: Cursor): number {
  const buf = c.buf
  let pos = c.pos
  let lo = 0 // first 28 bits, combined bitwise
  let hi = 0 // remaining bits, combined arithmetically
  let shift = 0
  let factor = 1
  for (;;) {
    if (pos >= buf.length) throw new VarintError('varlong runs past the end of the buffer')
    if (shift >= 70) throw new VarintError('varlong is longer than 10 bytes')
    const byte = buf[pos++]
    if (shift < 28) lo |= (byte & 0x7f) << shift
    else {
      hi += (byte & 0x7f) * factor
      factor *= 128
    }
    shift += 7
    if (byte < 0x80) break
  }
  c.pos = pos
  // Zigzag: the low bit is the sign, the rest the magnitude; splitting them first keeps every
  // value up to 2^53 exact (the zigzag form itself needs 54 bits).
  const magnitude = hi * 134217728 + (lo >>> 1) // hi * 2^27
  if (magnitude > Number.MAX_SAFE_INTEGER) throw new VarintError('varlong exceeds 2^53 and cannot be a JS number')
  return lo & 1 ? -magnitude - 1 : magnitude
}

function checkSafe(value: number): void {
  if (!Number.isSafeInteger(value)) throw new VarintError(`varlong value ${value} is not a safe integer`)
}

export function varlongSize(value: number): number {
  checkSafe(value)
  let rest = Math.floor((value < 0 ? -value - 1 : value) / 64)
  let size = 1
  while (rest > 0) {
    rest = Math.floor(rest / 128)
    size++
  }
  return size
}

export function writeVarlong(buf: Buffer, offset: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000 && Number.isInteger(value)) return writeVarint(buf, offset, value)
  checkSafe(value)
  // zigzag = 2 * magnitude + sign, written 7 bits at a time without forming the 54-bit number
  const sign = value < 0 ? 1 : 0
  const magnitude = sign ? -value - 1 : value
  let byte = (magnitude % 64) * 2 + sign
  let rest = Math.floor(magnitude / 64)
  while (rest > 0) {
    buf[offset++] = byte | 0x80
    byte = rest % 128
    rest = Math.floor(rest / 128)
  }
  buf[offset++] = byte
  return offset
}
