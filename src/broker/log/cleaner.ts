// The log cleaner: compaction of topics whose cleanup.policy contains compact, as Kafka's
// LogCleaner does it, off the request path.
//
// When: a timer (log.cleaner.backoff.ms when idle, at once after a pass that did work) picks the
// compacted partition with the highest dirty ratio at or above its min.cleanable.dirty.ratio,
// or any partition whose oldest dirty record is older than max.compaction.lag.ms. Dirty = the
// bytes of closed segments from the partition's cleaner checkpoint (first dirty offset) up to
// the first segment holding a record younger than min.compaction.lag.ms; the active segment is
// never cleaned. A pass works in slices (about 1 MiB or 10 ms each) and yields to the event
// loop between them, so produce and fetch keep being answered while it runs.
//
// How (one pass): (1) map each key of the dirty section to its latest offset, in a map of fixed
// size: log.cleaner.dedupe.buffer.size bytes, 24 per key (16-byte MD5 of the key + the
// offset, Kafka's SkimpyOffsetMap layout), filled to 90 % (log.cleaner.io.buffer.load.factor).
// When it fills, the pass stops mapping there and the rest waits for the next pass (Kafka's
// several passes). (2) Rewrite the closed segments below that point in groups of at most
// segment.bytes: a record is dropped when a later record has its key, when it has no key, or
// when it is a tombstone older than delete.retention.ms; a batch keeps its base offset,
// lastOffsetDelta and timestamps, so offsets never change (gaps are normal; a fetch from a
// removed offset gets the next batch). Rewritten batches get a new record count and CRC, and a
// compressed one is compressed again with its codec (records.ts). (3) Swap each group in: the
// cleaned segment is written with its indexes under `<partition>/.cleaning/` and fsynced
// (Kafka's .cleaned), `<base>.log.swap.range` records which segments it replaces, the rename
// to `<base>.log.swap` is the commit point, then the old segments go, the indexes move in and
// the swap becomes `<base>.log`. A start after a kill -9 finishes a committed swap and deletes
// an uncommitted one (recoverInterruptedCleaning), so the log is always readable and
// consistent. The swap is synchronous but only renames and deletes files: the event loop
// waits for that, never for the pass.
//
// Not implemented / differences from Kafka:
// - Transactional and control batches are kept whole and their keys do not shadow older
//   records (their commit or abort status is not consulted yet, so aborted records and
//   markers stay); the .txnindex files of swapped-out segments are merged into the new one.
// - A tombstone goes once its own timestamp is older than delete.retention.ms, not after Kafka's
//   delete horizon stamped into the batch at its first cleaning (KIP-534).
// - Batches emptied by cleaning are dropped, even a producer's last one (Kafka keeps an empty
//   batch for the sequence); producer state comes from the snapshots, which cleaning leaves alone.
// - One cleaner for the broker (log.cleaner.threads is accepted and ignored); no I/O throttle
//   (log.cleaner.io.max.bytes.per.second).
// The checkpoint is per partition, `<partition dir>/cleaner-checkpoint.json` (first dirty offset
// and last cleaning time), instead of Kafka's per-data-dir cleaner-offset-checkpoint.
import {hash} from 'node:crypto'
import path from 'node:path'
import type {PartitionLog} from './partition-log.js'
import {readBatchRecords, rebuildBatch} from './records.js'
import {batchLastOffsetAt, batchMaxTimestampAt} from '../../kafka/protocol/record-batch.js'
import {type AppendedBatch, Segment, segmentFileName, walkBatches} from './segment.js'
import type {LogStorage} from './storage.js'

const CHECKPOINT_FILE = 'cleaner-checkpoint.json'
// The cleaned segment is written here under its final name, indexes included, so that the
// swap is a few renames and never a rescan.
const CLEANING_DIR = '.cleaning'
const SWAP_SUFFIX = '.log.swap'
const RANGE_SUFFIX = '.log.swap.range'
const HASH_BYTES = 16
const BYTES_PER_KEY = HASH_BYTES + 8
const LOAD_FACTOR = 0.9
const INT32_MAX = 2147483647
// One slice of work between two yields to the event loop.
const SLICE_BYTES = 1024 * 1024
const SLICE_MS = 10
const OUTPUT_FLUSH_BYTES = 1024 * 1024

/** A compacted partition as the log manager lists it. */
export interface CleanableLog {
  topic: string
  partition: number
  log: PartitionLog
}

export interface CleanerOptions {
  storage: LogStorage
  /** Every open partition log; the cleaner looks at those whose config has compact. */
  logs: () => CleanableLog[]
  backoffMs: number
  dedupeBufferBytes: number
  indexIntervalBytes: number
  /** Clock; default Date.now. */
  now?: () => number
}

export interface CleanerStats {
  /** Dirty bytes / (clean + dirty) bytes of the closed segments, 0..1. */
  dirtyRatio: number
  /** When a pass last finished on this partition (epoch ms), -1 = never. */
  lastCleanedMs: number
}

export interface PassResult {
  topic: string
  partition: number
  /** Records dropped, bytes before and after, for the broker log and the bench. */
  recordsRemoved: number
  bytesRead: number
  bytesWritten: number
  /** Offset where the next pass starts mapping. */
  firstDirtyOffset: number
}

interface Checkpoint {
  firstDirtyOffset: number
  lastCleanedMs: number
}

interface Section {
  firstDirty: number
  firstUncleanable: number
  cleanBytes: number
  dirtyBytes: number
  mustClean: boolean
}

/** Kafka's SkimpyOffsetMap: key hash -> latest offset in fixed memory (open addressing): 16
 *  bytes of MD5 and an 8-byte offset per slot. */
export class OffsetMap {
  private readonly hashes: Buffer
  /** offset + 1 per slot; 0 = empty. */
  private readonly offsets: Float64Array
  readonly slots: number
  private entries = 0

  constructor(slots: number) {
    this.slots = Math.max(1, slots)
    this.hashes = Buffer.alloc(this.slots * HASH_BYTES)
    this.offsets = new Float64Array(this.slots)
  }

  get size(): number {
    return this.entries
  }

  get full(): boolean {
    return this.entries >= Math.floor(this.slots * LOAD_FACTOR)
  }

  static hash(key: Buffer): Buffer {
    return hash('md5', key, 'buffer') as unknown as Buffer
  }

  private find(digest: Buffer): number {
    let slot = digest.readUInt32BE(0) % this.slots
    for (;;) {
      if (this.offsets[slot] === 0) return slot
      const at = slot * HASH_BYTES
      if (this.hashes.compare(digest, 0, HASH_BYTES, at, at + HASH_BYTES) === 0) return slot
      slot = slot + 1 === this.slots ? 0 : slot + 1
    }
  }

  /** Records `offset` as the latest for the key; false when the map is full. */
  put(digest: Buffer, offset: number): boolean {
    const slot = this.find(digest)
    if (this.offsets[slot] === 0) {
      if (this.full) return false
      digest.copy(this.hashes, slot * HASH_BYTES, 0, HASH_BYTES)
      this.entries++
    }
    this.offsets[slot] = offset + 1
    return true
  }

  /** Latest offset mapped for the key, or -1. */
  get(digest: Buffer): number {
    return this.offsets[this.find(digest)] - 1
  }
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function readCheckpoint(storage: LogStorage, dir: string): Checkpoint {
  try {
    const parsed = JSON.parse(storage.readText(path.join(dir, CHECKPOINT_FILE)) ?? '{}') as Partial<Checkpoint>
    return {firstDirtyOffset: Number(parsed.firstDirtyOffset ?? 0) || 0, lastCleanedMs: Number(parsed.lastCleanedMs ?? -1)}
  } catch {
    return {firstDirtyOffset: 0, lastCleanedMs: -1} // torn or foreign: clean from the start again
  }
}

/**
 * Finishes or undoes a cleaning interrupted by a crash, before the partition is opened: an
 * uncommitted segment in `.cleaning/` is deleted; a committed `.swap` replaces the segments its
 * range file names, takes its indexes from `.cleaning/` (or has them rebuilt when the log
 * opens) and becomes the segment's `.log`.
 */
export function recoverInterruptedCleaning(storage: LogStorage, dir: string): void {
  const names = storage.list(dir)
  const cleaningDir = path.join(dir, CLEANING_DIR)
  for (const name of names) {
    if (name.endsWith('.txnindex.merging')) storage.remove(path.join(dir, name))
  }
  for (const name of names) {
    if (!name.endsWith(SWAP_SUFFIX)) continue
    const base = Number(name.slice(0, 20))
    const rangeFile = path.join(dir, segmentFileName(base, '.log').replace(/\.log$/, RANGE_SUFFIX))
    const end = Number(storage.readText(rangeFile) ?? base + 1)
    mergeTxnIndexes(storage, dir, base, end)
    for (const other of names) {
      const match = /^(\d{20})\.(log|index|timeindex)$/.exec(other)
      if (match && Number(match[1]) >= base && Number(match[1]) < end) storage.remove(path.join(dir, other))
    }
    moveIndexes(storage, dir, base)
    storage.rename(path.join(dir, name), path.join(dir, segmentFileName(base, '.log')))
    storage.remove(rangeFile)
  }
  for (const name of storage.list(dir)) {
    if (name.endsWith(RANGE_SUFFIX)) storage.remove(path.join(dir, name))
  }
  storage.remove(cleaningDir)
}

// The cleaned segment's indexes into place; when they are gone (a crash after an earlier
// move), Segment.open rebuilds them from the log.
function moveIndexes(storage: LogStorage, dir: string, base: number): void {
  for (const suffix of ['.index', '.timeindex'] as const) {
    const from = path.join(dir, CLEANING_DIR, segmentFileName(base, suffix))
    if (storage.exists(from)) storage.rename(from, path.join(dir, segmentFileName(base, suffix)))
  }
}

export class LogCleaner {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  /** Not scheduling passes (before start(), after stop()). */
  private stopped = true
  /** stop() was called: a pass under way gives up. runOnce() works without start() (tests). */
  private halted = false
  private readonly now: () => number
  /** Checkpoints read once per partition log, then kept here. */
  private readonly checkpoints = new WeakMap<PartitionLog, Checkpoint>()
  /** Called after each pass (broker log line, tests, bench). */
  onPass: ((result: PassResult) => void) | undefined

  constructor(private options: CleanerOptions) {
    this.now = options.now ?? Date.now
  }

  /** Dynamic broker configs: new backoff and map size apply from the next pass. */
  reconfigure(changes: Partial<Pick<CleanerOptions, 'backoffMs' | 'dedupeBufferBytes'>>): void {
    this.options = {...this.options, ...changes}
    if (this.timer) {
      clearTimeout(this.timer)
      this.schedule(this.options.backoffMs)
    }
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.halted = false
    if (!this.running) this.schedule(this.options.backoffMs)
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined
      // An I/O error surfaces as an uncaught error and ends the process, as LogManager's timers
      // do: Kafka halts when it can no longer write its log, and recovery on start is the way back.
      this.running = this.runOnce()
        .catch((error: unknown) => {
          if (!this.stopped) setImmediate(() => {
            throw error
          })
          return undefined
        })
        .then((result) => {
          this.running = undefined
          if (!this.stopped) this.schedule(result ? 0 : this.options.backoffMs)
        })
    }, delayMs)
    this.timer.unref()
  }

  /** Stops the timer; a pass under way gives up at its next slice (its .cleaned file is removed). */
  stop(): void {
    this.stopped = true
    this.halted = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Resolves when a pass under way has given up or finished (tests, bench). */
  async idle(): Promise<void> {
    await this.running
  }

  private checkpoint(log: PartitionLog): Checkpoint {
    let checkpoint = this.checkpoints.get(log)
    if (!checkpoint) {
      checkpoint = readCheckpoint(this.options.storage, log.dir)
      this.checkpoints.set(log, checkpoint)
    }
    return checkpoint
  }

  // Which part of the log is clean, which is dirty and cleanable now.
  private section(log: PartitionLog, nowMs: number): Section {
    const segments = log.segmentsForCleaning()
    const config = log.currentConfig
    const activeBase = segments.at(-1)!.baseOffset
    const firstDirty = Math.min(Math.max(this.checkpoint(log).firstDirtyOffset, log.logStartOffset), activeBase)
    let firstUncleanable = activeBase
    let cleanBytes = 0
    let dirtyBytes = 0
    let oldestDirtyMs = Number.POSITIVE_INFINITY
    for (let i = 0; i < segments.length - 1; i++) {
      const segment = segments[i]
      if (segments[i + 1].baseOffset <= firstDirty) {
        cleanBytes += segment.sizeBytes
        continue
      }
      if (config.minCompactionLagMs > 0 && nowMs - segment.largestTimestampMs() < config.minCompactionLagMs) {
        firstUncleanable = Math.max(segment.baseOffset, firstDirty)
        break
      }
      dirtyBytes += segment.sizeBytes
      if (segment.firstBatchTimestampMs >= 0) oldestDirtyMs = Math.min(oldestDirtyMs, segment.firstBatchTimestampMs)
    }
    const mustClean = dirtyBytes > 0 && nowMs - oldestDirtyMs > config.maxCompactionLagMs
    return {firstDirty, firstUncleanable, cleanBytes, dirtyBytes, mustClean}
  }

  /** The dirty ratio and last cleaning time of a partition (kctl topics describe). */
  stats(log: PartitionLog): CleanerStats {
    const {cleanBytes, dirtyBytes} = this.section(log, this.now())
    const total = cleanBytes + dirtyBytes
    return {dirtyRatio: total === 0 ? 0 : dirtyBytes / total, lastCleanedMs: this.checkpoint(log).lastCleanedMs}
  }

  /** Cleans the partition that needs it most; undefined when none does. */
  async runOnce(): Promise<PassResult | undefined> {
    const nowMs = this.now()
    let best: {candidate: CleanableLog; section: Section; ratio: number} | undefined
    for (const candidate of this.options.logs()) {
      const {log} = candidate
      if (!log.currentConfig.compact || log.isClosed) continue
      const section = this.section(log, nowMs)
      const total = section.cleanBytes + section.dirtyBytes
      const ratio = total === 0 ? 0 : section.dirtyBytes / total
      if (section.dirtyBytes === 0 || (ratio < log.currentConfig.minCleanableDirtyRatio && !section.mustClean)) continue
      const rank = section.mustClean ? ratio + 1 : ratio
      if (!best || rank > best.ratio) best = {candidate, section, ratio: rank}
    }
    if (!best) return undefined
    const result = await this.clean(best.candidate, best.section, nowMs)
    if (result) this.onPass?.(result)
    return result
  }

  // Between two slices the broker may have stopped, the topic may have been deleted, or
  // retention may have taken the segment being read: the pass then gives up.
  private gone(log: PartitionLog, segment?: Segment): boolean {
    return this.halted || log.isClosed || (segment !== undefined && !log.segmentsForCleaning().includes(segment))
  }

  private async clean({topic, partition, log}: CleanableLog, section: Section, nowMs: number): Promise<PassResult | undefined> {
    const config = log.currentConfig
    const range = section.firstUncleanable - section.firstDirty
    const slots = Math.min(Math.floor(this.options.dedupeBufferBytes / BYTES_PER_KEY), Math.ceil(range / LOAD_FACTOR) + 1)
    const map = new OffsetMap(slots)
    let mapEnd = section.firstUncleanable
    let bytesRead = 0

    // (1) The key map of the dirty section.
    const dirty = log.segmentsForCleaning().filter((s, i, all) => i < all.length - 1 && all[i + 1].baseOffset > section.firstDirty && s.baseOffset < section.firstUncleanable)
    mapping: for (const segment of dirty) {
      if (this.gone(log, segment)) return undefined
      let position = segment.positionOf(section.firstDirty) ?? segment.sizeBytes
      while (position < segment.sizeBytes) {
        if (this.gone(log, segment)) return undefined
        const sliceStart = Date.now()
        let sliceBytes = 0
        let full = false
        position = walkBatches(segment.log, position, segment.sizeBytes, true, (buf, at, _filePosition, sizeBytes) => {
          if (sliceBytes > 0 && (sliceBytes >= SLICE_BYTES || Date.now() - sliceStart > SLICE_MS)) return false
          sliceBytes += sizeBytes
          const batch = readBatchRecords(buf, at)
          if (batch.header.isControl || batch.header.isTransactional) return true
          for (const record of batch.records) {
            const offset = batch.header.baseOffset + record.offsetDelta
            if (offset < section.firstDirty || offset >= section.firstUncleanable || record.key === null) continue
            if (!map.put(OffsetMap.hash(record.key), offset)) {
              mapEnd = offset
              full = true
              return false
            }
          }
          return true
        })
        bytesRead += sliceBytes
        if (full) break mapping
        if (sliceBytes === 0) throw new Error(`${log.dir}: unreadable batch at position ${position} of segment ${segment.baseOffset}`)
        await yieldToLoop()
      }
    }
    if (mapEnd <= section.firstDirty) return undefined

    // (2) + (3) Rewrite and swap the closed segments below mapEnd, group by group.
    let recordsRemoved = 0
    let bytesWritten = 0
    const deleteHorizonMs = nowMs - config.deleteRetentionMs
    const groups = groupSegments(log.segmentsForCleaning(), mapEnd, config.segmentBytes)
    for (const group of groups) {
      const base = group[0].baseOffset
      const {storage} = this.options
      const cleaningDir = path.join(log.dir, CLEANING_DIR)
      storage.remove(cleaningDir)
      storage.mkdir(cleaningDir)
      const out = Segment.create(storage, cleaningDir, base, nowMs)
      let pending: Buffer[] = []
      let pendingBatches: AppendedBatch[] = []
      let pendingBytes = 0
      const flushPending = (): void => {
        if (pendingBytes === 0) return
        out.append(Buffer.concat(pending, pendingBytes), pendingBatches, config.indexIntervalBytes)
        pending = []
        pendingBatches = []
        pendingBytes = 0
      }
      try {
        for (const segment of group) {
          let position = 0
          while (position < segment.sizeBytes) {
            if (this.gone(log, segment)) throw new CleaningAborted()
            const sliceStart = Date.now()
            let sliceBytes = 0
            position = walkBatches(segment.log, position, segment.sizeBytes, true, (buf, at, _filePosition, sizeBytes) => {
              if (sliceBytes > 0 && (sliceBytes >= SLICE_BYTES || Date.now() - sliceStart > SLICE_MS)) return false
              sliceBytes += sizeBytes
              const kept = filterBatch(buf, at, sizeBytes, map, mapEnd, deleteHorizonMs)
              recordsRemoved += kept.removed
              if (kept.bytes) {
                pending.push(kept.bytes)
                pendingBatches.push({position: pendingBytes, sizeBytes: kept.bytes.length, lastOffset: batchLastOffsetAt(kept.bytes, 0), maxTimestamp: batchMaxTimestampAt(kept.bytes, 0)})
                pendingBytes += kept.bytes.length
                if (pendingBytes >= OUTPUT_FLUSH_BYTES) flushPending()
              }
              return true
            })
            bytesRead += sliceBytes
            if (sliceBytes === 0) throw new Error(`${log.dir}: unreadable batch at position ${position} of segment ${segment.baseOffset}`)
            await yieldToLoop()
          }
        }
        flushPending()
        out.deactivate()
        out.flush()
        out.close()
        if (this.gone(log)) throw new CleaningAborted()
        const swapped = log.swapSegments(group, (next) => this.swapIn(log, base, next))
        if (!swapped) throw new CleaningAborted() // retention or DeleteRecords took a segment meanwhile
        bytesWritten += out.sizeBytes
      } catch (error) {
        closeQuietly(out)
        storage.remove(cleaningDir)
        if (error instanceof CleaningAborted) return undefined
        throw error
      }
    }

    const checkpoint = {firstDirtyOffset: mapEnd, lastCleanedMs: this.now()}
    this.options.storage.writeTextAtomic(path.join(log.dir, CHECKPOINT_FILE), JSON.stringify(checkpoint))
    this.checkpoints.set(log, checkpoint)
    return {topic, partition, recordsRemoved, bytesRead, bytesWritten, firstDirtyOffset: mapEnd}
  }

  // The commit sequence; `next` is the base offset of the segment after the group, so the
  // range file names exactly the segments the swap replaces.
  private swapIn(log: PartitionLog, base: number, next: number): Segment {
    const {storage} = this.options
    const file = (suffix: string): string => path.join(log.dir, segmentFileName(base, '.log').replace(/\.log$/, suffix))
    storage.writeTextAtomic(file(RANGE_SUFFIX), String(next))
    storage.rename(path.join(log.dir, CLEANING_DIR, segmentFileName(base, '.log')), file(SWAP_SUFFIX))
    mergeTxnIndexes(storage, log.dir, base, next)
    for (const name of storage.list(log.dir)) {
      const match = /^(\d{20})\.(log|index|timeindex)$/.exec(name)
      if (match && Number(match[1]) >= base && Number(match[1]) < next) storage.remove(path.join(log.dir, name))
    }
    moveIndexes(storage, log.dir, base)
    storage.rename(file(SWAP_SUFFIX), file('.log'))
    storage.remove(file(RANGE_SUFFIX))
    storage.remove(path.join(log.dir, CLEANING_DIR))
    // Indexes written with the data: opening reads their last entries and one batch header.
    return Segment.open(storage, log.dir, base, {
      active: false,
      recover: false,
      nextSegmentBaseOffset: next,
      indexIntervalBytes: this.options.indexIntervalBytes,
      nowMs: this.now(),
    }).segment
  }
}

class CleaningAborted extends Error {}

const TXN_ENTRY_BYTES = 34

/**
 * The aborted-transaction indexes (`.txnindex`, one per segment) of the segments a swap
 * replaces, merged into the file of the swapped-in segment, so read_committed readers still
 * learn of every aborted transaction after a restart. Idempotent (entries are deduplicated),
 * as recovery may run it again after a crash.
 */
function mergeTxnIndexes(storage: LogStorage, dir: string, base: number, end: number): void {
  const files = storage
    .list(dir)
    .map((name) => /^(\d{20})\.txnindex$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null && Number(match[1]) >= base && Number(match[1]) < end)
    .map((match) => ({base: Number(match[1]), path: path.join(dir, match[0])}))
    .sort((a, b) => a.base - b.base)
  if (files.length === 0 || (files.length === 1 && files[0].base === base)) return
  const seen = new Set<string>()
  const entries: Buffer[] = []
  for (const file of files) {
    const handle = storage.open(file.path)
    const bytes = handle.read(0, handle.size())
    handle.close()
    for (let at = 0; at + TXN_ENTRY_BYTES <= bytes.length; at += TXN_ENTRY_BYTES) {
      const entry = bytes.subarray(at, at + TXN_ENTRY_BYTES)
      const id = entry.toString('hex')
      if (!seen.has(id)) {
        seen.add(id)
        entries.push(entry)
      }
    }
  }
  const target = path.join(dir, `${String(base).padStart(20, '0')}.txnindex`)
  const merging = storage.open(`${target}.merging`)
  merging.truncate(0)
  merging.write(Buffer.concat(entries), 0)
  merging.sync()
  merging.close()
  storage.rename(`${target}.merging`, target)
  for (const file of files) if (file.base !== base) storage.remove(file.path)
}

function closeQuietly(segment: Segment): void {
  try {
    segment.close()
  } catch {
    // already closed
  }
}

// Consecutive closed segments below `end`, grouped so that a group's bytes fit one segment and
// its offsets fit the index's 32-bit relative offsets (Kafka's groupSegmentsBySize).
function groupSegments(segments: readonly Segment[], end: number, segmentBytes: number): Segment[][] {
  const groups: Segment[][] = []
  let current: Segment[] = []
  let currentBytes = 0
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]
    if (segment.baseOffset >= end) break
    const span = segments[i + 1].baseOffset - 1 - (current[0]?.baseOffset ?? segment.baseOffset)
    if (current.length > 0 && (currentBytes + segment.sizeBytes > segmentBytes || span > INT32_MAX)) {
      groups.push(current)
      current = []
      currentBytes = 0
    }
    current.push(segment)
    currentBytes += segment.sizeBytes
  }
  if (current.length > 0) groups.push(current)
  return groups
}

// Kafka's shouldRetainRecord for one batch: the batch unchanged, rebuilt with fewer records, or
// gone (bytes undefined). Control and transactional batches stay whole.
function filterBatch(buf: Buffer, at: number, sizeBytes: number, map: OffsetMap, mapEnd: number, deleteHorizonMs: number): {bytes: Buffer | undefined; removed: number} {
  const whole = (): {bytes: Buffer; removed: number} => ({bytes: Buffer.from(buf.subarray(at, at + sizeBytes)), removed: 0})
  const batch = readBatchRecords(buf, at)
  const {header} = batch
  if (header.isControl || header.isTransactional) return whole()
  const kept = batch.records.filter((record) => {
    const offset = header.baseOffset + record.offsetDelta
    if (record.key === null) return false
    if (offset >= mapEnd) return true
    if (map.get(OffsetMap.hash(record.key)) > offset) return false
    const timestampMs = header.timestampType === 'LogAppendTime' ? header.maxTimestamp : header.baseTimestamp + record.timestampDelta
    return !(record.isTombstone && timestampMs < deleteHorizonMs)
  })
  const removed = batch.records.length - kept.length
  if (removed === 0) return whole()
  if (kept.length === 0) return {bytes: undefined, removed}
  return {bytes: rebuildBatch(batch, kept, buf, at), removed}
}
