// Kafka's sparse segment indexes, same file formats (big-endian, fixed-size entries):
//   .index      8 bytes: offset relative to the segment's base (int32), file position (int32)
//   .timeindex 12 bytes: timestamp (int64), relative offset (int32)
// An entry is added when more than index.interval.bytes were appended since the previous
// one, so a lookup lands within about that many bytes of its target and the log scans the
// few batch headers in between. Kafka memory-maps these files; here the active segment keeps
// a copy of its offset index in memory (fetches at the tail look it up every time) and the
// other lookups binary-search the file with small positional reads.
import type {LogFile} from './storage.js'

const TWO_POW_32 = 4294967296

export interface IndexEntry {
  key: number
  value: number
}

abstract class SparseIndex {
  protected abstract readonly entryBytes: number
  protected abstract decode(buf: Buffer, pos: number): IndexEntry
  protected abstract encode(entry: IndexEntry): Buffer

  private mirror: Buffer | undefined
  private entryCount: number

  constructor(
    readonly file: LogFile,
    entryBytes: number,
  ) {
    // Drop a torn last entry (kill -9 mid-write); recovery rebuilds when the rest is wrong.
    this.entryCount = Math.floor(file.size() / entryBytes)
  }

  get entries(): number {
    return this.entryCount
  }

  /** Keeps the index in memory for fast lookups (the active segment), or stops doing so. */
  setCached(cached: boolean): void {
    if (!cached) this.mirror = undefined
    else if (!this.mirror) {
      const bytes = this.entryCount * this.entryBytes
      this.mirror = Buffer.alloc(Math.max(4096, bytes * 2))
      this.file.read(0, bytes).copy(this.mirror)
    }
  }

  entryAt(i: number): IndexEntry {
    const pos = i * this.entryBytes
    if (this.mirror) return this.decode(this.mirror, pos)
    return this.decode(this.file.read(pos, this.entryBytes), 0)
  }

  lastEntry(): IndexEntry | undefined {
    return this.entryCount === 0 ? undefined : this.entryAt(this.entryCount - 1)
  }

  append(entry: IndexEntry): void {
    const bytes = this.encode(entry)
    const pos = this.entryCount * this.entryBytes
    this.file.write(bytes, pos)
    if (this.mirror) {
      if (pos + bytes.length > this.mirror.length) {
        const grown = Buffer.alloc(this.mirror.length * 2)
        this.mirror.copy(grown)
        this.mirror = grown
      }
      bytes.copy(this.mirror, pos)
    }
    this.entryCount++
  }

  /** Index of the last entry whose key is <= target, or -1. */
  floorIndex(target: number): number {
    let lo = 0
    let hi = this.entryCount - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.entryAt(mid).key <= target) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  reset(): void {
    this.file.truncate(0)
    this.entryCount = 0
    if (this.mirror) this.mirror.fill(0)
  }

  /** Keeps only the first `count` entries (the file is trimmed to match). */
  truncateTo(count: number): void {
    if (count >= this.entryCount) return
    this.entryCount = count
    this.file.truncate(count * this.entryBytes)
  }
}

/** key: absolute offset (the last offset of an indexed batch, as Kafka writes it); value: file position. */
export class OffsetIndex extends SparseIndex {
  protected readonly entryBytes = 8

  constructor(
    file: LogFile,
    readonly baseOffset: number,
  ) {
    super(file, 8)
  }

  protected decode(buf: Buffer, pos: number): IndexEntry {
    return {key: this.baseOffset + buf.readInt32BE(pos), value: buf.readInt32BE(pos + 4)}
  }

  protected encode(entry: IndexEntry): Buffer {
    const buf = Buffer.allocUnsafe(8)
    buf.writeInt32BE(entry.key - this.baseOffset, 0)
    buf.writeInt32BE(entry.value, 4)
    return buf
  }

  /** File position to start scanning from for `offset` (0 when it precedes every entry). */
  lookup(offset: number): number {
    const i = this.floorIndex(offset)
    return i < 0 ? 0 : this.entryAt(i).value
  }
}

/** key: timestamp (the segment's max timestamp so far); value: absolute offset where it was reached. */
export class TimeIndex extends SparseIndex {
  protected readonly entryBytes = 12

  constructor(
    file: LogFile,
    readonly baseOffset: number,
  ) {
    super(file, 12)
  }

  protected decode(buf: Buffer, pos: number): IndexEntry {
    return {key: buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4), value: this.baseOffset + buf.readInt32BE(pos + 8)}
  }

  protected encode(entry: IndexEntry): Buffer {
    const buf = Buffer.allocUnsafe(12)
    const hi = Math.floor(entry.key / TWO_POW_32)
    buf.writeInt32BE(hi, 0)
    buf.writeUInt32BE(entry.key - hi * TWO_POW_32, 4)
    buf.writeInt32BE(entry.value - this.baseOffset, 8)
    return buf
  }

  /** Appends only when the timestamp grew (entries stay sorted, as Kafka's maybeAppend). */
  maybeAppend(timestampMs: number, offset: number): void {
    const last = this.lastEntry()
    if (last === undefined || timestampMs > last.key) this.append({key: timestampMs, value: offset})
  }

  /** Offset to start scanning from for the first record at or after `timestampMs`. */
  lookup(timestampMs: number): number {
    const i = this.floorIndex(timestampMs - 1)
    return i < 0 ? this.baseOffset : this.entryAt(i).value
  }
}
