// The aborted-transaction index of a partition, in Kafka's `.txnindex` files: one file per
// segment (`<20-digit base offset>.txnindex`, beside the .log), holding an entry per
// transaction whose ABORT marker was written into that segment. An entry is 34 bytes, as
// Kafka's AbortedTxn: version int16 (0), producerId int64, firstOffset int64, lastOffset int64
// (the marker's offset), lastStableOffset int64 (the LSO once the transaction ended).
// read_committed fetches return the entries overlapping the range served, so consumers can
// drop the aborted records. Entries are kept in memory too (they are few: one per abort).
//
// The log cleaner rewrites a cleaned segment's file with the entries whose ABORT marker it kept
// (a marker goes once no record of its transaction is left) and then has the partition's open
// index load its files again: an entry left without its marker would make a read_committed
// consumer treat the producer's later, committed transactions as aborted.
import path from 'node:path'
import {segmentFileName} from './segment.js'
import type {LogStorage} from './storage.js'

const ENTRY_BYTES = 34
const VERSION = 0

export interface AbortedTxn {
  producerId: number
  firstOffset: number
  lastOffset: number
  lastStableOffset: number
}

function readInt64(buf: Buffer, pos: number): number {
  return Number(buf.readBigInt64BE(pos))
}

/** Writes a whole `.txnindex` file holding `entries` and syncs it (a cleaned segment's index). */
export function writeTxnIndexFile(storage: LogStorage, file: string, entries: readonly AbortedTxn[]): void {
  const handle = storage.open(file)
  try {
    handle.truncate(0)
    if (entries.length > 0) handle.write(Buffer.concat(entries.map(encode)), 0)
    handle.sync()
  } finally {
    handle.close()
  }
}

export class TxnIndex {
  /** Sorted by lastOffset (markers are appended in offset order). */
  private entries: AbortedTxn[] = []

  constructor(
    private readonly storage: LogStorage,
    private readonly dir: string,
  ) {}

  /** Loads the files of `segmentBases`, dropping entries at or past `logEndOffset` (a tail
   *  that recovery cut) and rewriting a file that held any, or a torn last entry. */
  load(segmentBases: readonly number[], logEndOffset: number): void {
    this.entries = []
    for (const base of segmentBases) {
      const name = path.join(this.dir, segmentFileName(base, '.txnindex'))
      if (!this.storage.exists(name)) continue
      const file = this.storage.open(name)
      const size = file.size()
      const bytes = file.read(0, size)
      const kept: AbortedTxn[] = []
      for (let pos = 0; pos + ENTRY_BYTES <= bytes.length; pos += ENTRY_BYTES) {
        const entry = {
          producerId: readInt64(bytes, pos + 2),
          firstOffset: readInt64(bytes, pos + 10),
          lastOffset: readInt64(bytes, pos + 18),
          lastStableOffset: readInt64(bytes, pos + 26),
        }
        if (entry.lastOffset < logEndOffset) kept.push(entry)
      }
      if (kept.length * ENTRY_BYTES !== size) {
        file.truncate(0)
        if (kept.length > 0) file.write(Buffer.concat(kept.map(encode)), 0)
      }
      file.close()
      this.entries.push(...kept)
    }
    this.entries.sort((a, b) => a.lastOffset - b.lastOffset)
  }

  has(lastOffset: number): boolean {
    return this.entries.some((entry) => entry.lastOffset === lastOffset)
  }

  /** Records an aborted transaction in the file of the segment holding its marker. */
  append(segmentBase: number, entry: AbortedTxn): void {
    const file = this.storage.open(path.join(this.dir, segmentFileName(segmentBase, '.txnindex')))
    try {
      file.write(encode(entry), file.size())
    } finally {
      file.close()
    }
    this.entries.push(entry)
    if (this.entries.length > 1 && this.entries.at(-2)!.lastOffset > entry.lastOffset) this.entries.sort((a, b) => a.lastOffset - b.lastOffset)
  }

  /** Kafka's collectAbortedTransactions: entries ending at or after `fetchOffset` that
   *  started before `upperBoundOffset`. */
  collect(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    let lo = 0
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.entries[mid].lastOffset < fetchOffset) lo = mid + 1
      else hi = mid
    }
    const found: AbortedTxn[] = []
    for (let i = lo; i < this.entries.length; i++) if (this.entries[i].firstOffset < upperBoundOffset) found.push(this.entries[i])
    return found
  }

  /** Forgets entries of deleted segments (their files are removed by the caller). */
  truncateHead(logStartOffset: number): void {
    this.entries = this.entries.filter((entry) => entry.lastOffset >= logStartOffset)
  }

  get size(): number {
    return this.entries.length
  }
}

function encode(entry: AbortedTxn): Buffer {
  const buf = Buffer.alloc(ENTRY_BYTES)
  buf.writeInt16BE(VERSION, 0)
  buf.writeBigInt64BE(BigInt(entry.producerId), 2)
  buf.writeBigInt64BE(BigInt(entry.firstOffset), 10)
  buf.writeBigInt64BE(BigInt(entry.lastOffset), 18)
  buf.writeBigInt64BE(BigInt(entry.lastStableOffset), 26)
  return buf
}
