// The log cleaner: compaction of topics whose cleanup.policy contains compact, as Kafka's
// LogCleaner does it, off the request path.
//
// When: a timer (log.cleaner.backoff.ms when idle, at once after a pass that did work) picks the
// compacted partition with the highest dirty ratio at or above its min.cleanable.dirty.ratio,
// or any partition whose oldest dirty record is older than max.compaction.lag.ms; when none
// qualifies, one whose earliest delete horizon (below) has passed. Dirty = the bytes of closed
// segments from the partition's cleaner checkpoint (first dirty offset) up to the first segment
// holding a record younger than min.compaction.lag.ms, and never past the last stable offset
// (an open transaction may still abort); the active segment is never cleaned. A pass works in
// slices (about 1 MiB or 10 ms each) and yields to the event loop between them, so produce and
// fetch keep being answered while it runs.
//
// How (one pass): (1) map each key of the dirty section to its latest offset, in a map of fixed
// size: log.cleaner.dedupe.buffer.size bytes, 24 per key (16-byte MD5 of the key + the
// offset, Kafka's SkimpyOffsetMap layout), filled to 90 % (log.cleaner.io.buffer.load.factor).
// When it fills, the pass stops mapping there and the rest waits for the next pass (Kafka's
// several passes). (2) Rewrite the closed segments below that point in groups of at most
// segment.bytes: a record is dropped when a later record has its key, when it has no key, when
// its transaction was aborted, or when it is a tombstone whose delete horizon has passed; a
// batch keeps its base offset, lastOffsetDelta and maxTimestamp, so offsets never change (gaps
// are normal; a fetch from a removed offset gets the next batch). Rewritten batches get a new
// record count and CRC, and a compressed one is compressed again with its codec (records.ts).
// (3) Swap each group in: the cleaned segment is written with its indexes (its .txnindex too)
// under `<partition>/.cleaning/` and fsynced (Kafka's .cleaned), `<base>.log.swap.range`
// records which segments it replaces, the rename to `<base>.log.swap` is the commit point, then
// the old segments go, the indexes move in and the swap becomes `<base>.log`. A start after a
// kill -9 finishes a committed swap and deletes an uncommitted one (recoverInterruptedCleaning),
// so the log is always readable and consistent. The swap is synchronous but only renames and
// deletes files: the event loop waits for that, never for the pass.
//
// Transactions (Kafka's CleanedTransactionMetadata): both passes read the partition's aborted-
// transaction index for the range they cover and follow each producer's transactions batch by
// batch. Batches of aborted transactions never enter the key map and are removed whole;
// committed transactional batches are mapped and filtered like any other, keeping their
// attributes; markers never enter the map. A COMMIT or ABORT marker becomes removable once the
// pass keeps no batch of its transaction, so a marker never goes while data of its transaction
// is left. One tracker covers the whole pass (every group, from the log's first segment), so a
// transaction spanning two groups keeps its marker. The cleaned segment's `.txnindex` holds the
// entries of the ABORT markers it kept, and the partition's open index loads its files again
// after the swap: an entry left without its marker would make read_committed consumers (and
// the next pass) take the producer's later, committed transactions for aborted ones.
//
// Delete horizon (KIP-534): a pass that keeps a tombstone, or a marker that has become
// removable, in a batch without a horizon rewrites that batch with the delete-horizon attribute
// (0x40) and baseTimestamp = now + delete.retention.ms; the records' timestamp deltas are
// rewritten so that their timestamps do not change, and maxTimestamp stays. A later pass drops
// the tombstones and removable markers of batches whose horizon is at or before its start. The
// earliest horizon kept goes into the checkpoint; once it has passed, the partition is cleaned
// from its start even below min.cleanable.dirty.ratio (Kafka's LogCleanerManager does the same
// when no log is dirty enough), so tombstones and markers leave an idle topic too.
//
// Corruption: every batch either pass reads is CRC-32C-checked and must decode. A damaged batch
// ends the pass with nothing swapped for its segment's group (groups swapped before it are
// clean) and makes the partition uncleanable until the broker restarts (Kafka's uncleanable
// partitions), reported once through onUncleanable with the partition, segment file and position.
//
// Differences from Kafka:
// - A marker becomes removable (and gets its delete horizon) on the pass that removes the last
//   batch of its transaction; Kafka waits for a later pass that meets no batch of it, which on
//   an idle topic may never come. Kafka also drops an ABORT marker's index entry as soon as the
//   marker is removable; here the entry stays as long as the marker does.
// - Kafka keeps records without a key past the end of the key map; they are dropped here (a
//   compacted topic refuses them on produce, so only a topic switched to compact has any).
// - Batches emptied by cleaning are dropped, even a producer's last one (Kafka keeps an empty
//   batch for the sequence); producer state comes from the snapshots, which cleaning leaves alone.
// - One cleaner for the broker (log.cleaner.threads is accepted and ignored); no I/O throttle
//   (log.cleaner.io.max.bytes.per.second).
// - The checkpoint is per partition, `<partition dir>/cleaner-checkpoint.json` (first dirty
//   offset, last cleaning time, earliest delete horizon kept), instead of Kafka's per-data-dir
//   cleaner-offset-checkpoint; uncleanable partitions are kept in memory only.
import {hash} from 'node:crypto'
import path from 'node:path'
import type {PartitionLog} from './partition-log.js'
import {readBatchRecords, rebuildBatch} from './records.js'
import {
  batchLastOffsetAt,
  batchMaxTimestampAt,
  deleteHorizonMsOf,
  readControlRecord,
  type ControlRecordType,
  type RecordBatchHeader,
  verifyRecordBatchCrc,
} from '../../kafka/protocol/record-batch.js'
import {type AppendedBatch, Segment, segmentFileName, walkBatches} from './segment.js'
import type {LogStorage} from './storage.js'
import {type AbortedTxn, writeTxnIndexFile} from './txn-index.js'

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
  /** Earliest delete horizon of a tombstone or removable marker the last pass kept; -1 = none. */
  deleteHorizonMs: number
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

/**
 * Kafka's CleanedTransactionMetadata: follows the transactions of a range of the log batch by
 * batch, in offset order, knowing the aborted ones from the aborted-transaction index.
 */
class TxnTracker {
  /** Aborted transactions not reached yet, by first offset. */
  private readonly aborted: AbortedTxn[]
  private nextAborted = 0
  /** Producers inside an aborted transaction -> the offset of its ABORT marker. */
  private readonly ongoingAborted = new Map<number, number>()
  /** Producers whose current transaction has a batch the pass keeps. */
  private readonly withKeptBatch = new Set<number>()

  constructor(aborted: readonly AbortedTxn[]) {
    this.aborted = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset)
  }

  private reach(offset: number): void {
    while (this.nextAborted < this.aborted.length && this.aborted[this.nextAborted].firstOffset <= offset) {
      const {producerId, lastOffset} = this.aborted[this.nextAborted++]
      this.ongoingAborted.set(producerId, lastOffset)
    }
  }

  /** A data batch; true when it belongs to an aborted transaction (never one past its marker's
   *  offset, even when the marker itself is missing). */
  onBatch(header: RecordBatchHeader): boolean {
    this.reach(header.baseOffset + header.lastOffsetDelta)
    if (!header.isTransactional) return false
    const markerOffset = this.ongoingAborted.get(header.producerId)
    if (markerOffset !== undefined && header.baseOffset > markerOffset) this.ongoingAborted.delete(header.producerId)
    return markerOffset !== undefined && header.baseOffset < markerOffset
  }

  /** A transactional batch the pass keeps (some of its records survive). */
  onKeptBatch(header: RecordBatchHeader): void {
    if (header.isTransactional) this.withKeptBatch.add(header.producerId)
  }

  /** A control batch ending a transaction; true when no batch of that transaction is kept, so
   *  the marker may go once its delete horizon has passed. */
  onMarker(header: RecordBatchHeader, type: ControlRecordType | undefined): boolean {
    this.reach(header.baseOffset + header.lastOffsetDelta)
    if (type === 'ABORT') this.ongoingAborted.delete(header.producerId)
    const keptBatch = this.withKeptBatch.delete(header.producerId)
    return type !== undefined && !keptBatch // a marker type Kafka does not define is kept
  }
}

/** A batch the cleaner could not read: where, and what is wrong with it. */
interface Corruption {
  segment: Segment
  position: number
  problem: string
}

interface Slice {
  /** Where the slice stopped: the next batch to read. */
  position: number
  bytes: number
  corruption?: Corruption
}

/**
 * One slice (about SLICE_BYTES or SLICE_MS) of whole batches of `segment` from `from`, each
 * CRC-checked before `visit` decodes it (visit returns false to stop; a throw means the batch
 * does not decode). Ends at the first batch that is damaged, reporting it.
 */
function readSlice(segment: Segment, from: number, visit: (buf: Buffer, at: number, sizeBytes: number) => boolean): Slice {
  const started = Date.now()
  let bytes = 0
  let stopped = false
  let problem: string | undefined
  const position = walkBatches(segment.log, from, segment.sizeBytes, true, (buf, at, _filePosition, sizeBytes) => {
    if (bytes > 0 && (bytes >= SLICE_BYTES || Date.now() - started > SLICE_MS)) return false
    if (!verifyRecordBatchCrc(buf, at)) {
      problem = 'fails its CRC-32C check'
      return false
    }
    try {
      stopped = !visit(buf, at, sizeBytes)
    } catch (error) {
      problem = `does not decode (${(error as Error).message})`
      return false
    }
    bytes += sizeBytes
    return !stopped
  })
  if (problem === undefined && !stopped && bytes === 0 && position < segment.sizeBytes) problem = 'is not a whole v2 record batch'
  return {position, bytes, corruption: problem === undefined ? undefined : {segment, position, problem}}
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function readCheckpoint(storage: LogStorage, dir: string): Checkpoint {
  try {
    const parsed = JSON.parse(storage.readText(path.join(dir, CHECKPOINT_FILE)) ?? '{}') as Partial<Checkpoint>
    return {
      firstDirtyOffset: Number(parsed.firstDirtyOffset ?? 0) || 0,
      lastCleanedMs: Number(parsed.lastCleanedMs ?? -1),
      deleteHorizonMs: Number(parsed.deleteHorizonMs ?? -1),
    }
  } catch {
    return {firstDirtyOffset: 0, lastCleanedMs: -1, deleteHorizonMs: -1} // torn or foreign: clean from the start again
  }
}

/**
 * Finishes or undoes a cleaning interrupted by a crash, before the partition is opened: an
 * uncommitted segment in `.cleaning/` is deleted; a committed `.swap` replaces the segments its
 * range file names, takes its indexes from `.cleaning/` (or has the offset and time indexes
 * rebuilt when the log opens) and becomes the segment's `.log`.
 */
export function recoverInterruptedCleaning(storage: LogStorage, dir: string): void {
  const names = storage.list(dir)
  const cleaningDir = path.join(dir, CLEANING_DIR)
  for (const name of names) {
    if (!name.endsWith(SWAP_SUFFIX)) continue
    const base = Number(name.slice(0, 20))
    const rangeFile = path.join(dir, segmentFileName(base, '.log').replace(/\.log$/, RANGE_SUFFIX))
    const end = Number(storage.readText(rangeFile) ?? base + 1)
    for (const other of names) {
      const match = /^(\d{20})\.(log|index|timeindex)$/.exec(other)
      if (match && Number(match[1]) >= base && Number(match[1]) < end) storage.remove(path.join(dir, other))
    }
    moveIndexes(storage, dir, base, end)
    storage.rename(path.join(dir, name), path.join(dir, segmentFileName(base, '.log')))
    storage.remove(rangeFile)
  }
  for (const name of storage.list(dir)) {
    if (name.endsWith(RANGE_SUFFIX)) storage.remove(path.join(dir, name))
  }
  storage.remove(cleaningDir)
}

// The cleaned segment's indexes into place; when the offset and time indexes are gone (a crash
// after an earlier move), Segment.open rebuilds them from the log. The cleaned `.txnindex`
// replaces those of every segment in [base, end): while it is still in `.cleaning/`, none of
// them has been replaced yet.
function moveIndexes(storage: LogStorage, dir: string, base: number, end: number): void {
  for (const suffix of ['.index', '.timeindex'] as const) {
    const from = path.join(dir, CLEANING_DIR, segmentFileName(base, suffix))
    if (storage.exists(from)) storage.rename(from, path.join(dir, segmentFileName(base, suffix)))
  }
  const cleanedTxnIndex = path.join(dir, CLEANING_DIR, segmentFileName(base, '.txnindex'))
  if (!storage.exists(cleanedTxnIndex)) return
  for (const name of storage.list(dir)) {
    const match = /^(\d{20})\.txnindex$/.exec(name)
    if (match && Number(match[1]) > base && Number(match[1]) < end) storage.remove(path.join(dir, name))
  }
  storage.rename(cleanedTxnIndex, path.join(dir, segmentFileName(base, '.txnindex')))
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
  /** Partitions where a damaged batch was found: not cleaned again by this process. */
  private readonly uncleanable = new WeakSet<PartitionLog>()
  /** Called after each pass (broker log line, tests, bench). */
  onPass: ((result: PassResult) => void) | undefined
  /** Called once when a partition becomes uncleanable (a damaged batch), with one line saying where. */
  onUncleanable: (message: string) => void = (message) => process.stderr.write(`log cleaner: ${message}\n`)

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

  // Which part of the log is clean, which is dirty and cleanable now; `fromStart` treats the
  // whole log as dirty (a pass due to a delete horizon).
  private section(log: PartitionLog, nowMs: number, fromStart = false): Section {
    const segments = log.segmentsForCleaning()
    const config = log.currentConfig
    const activeBase = segments.at(-1)!.baseOffset
    const checkpointed = fromStart ? 0 : this.checkpoint(log).firstDirtyOffset
    const firstDirty = Math.min(Math.max(checkpointed, log.logStartOffset), activeBase)
    // Kafka's firstUncleanableDirtyOffset: not past the last stable offset either, since an
    // open transaction's batches may still be aborted.
    let firstUncleanable = Math.max(firstDirty, Math.min(activeBase, log.lastStableOffset))
    let cleanBytes = 0
    let dirtyBytes = 0
    let oldestDirtyMs = Number.POSITIVE_INFINITY
    for (let i = 0; i < segments.length - 1; i++) {
      const segment = segments[i]
      if (segments[i + 1].baseOffset <= firstDirty) {
        cleanBytes += segment.sizeBytes
        continue
      }
      if (segment.baseOffset >= firstUncleanable) break
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
    let best: {candidate: CleanableLog; section: Section; rank: number} | undefined
    for (const candidate of this.options.logs()) {
      const {log} = candidate
      if (!log.currentConfig.compact || log.isClosed || this.uncleanable.has(log)) continue
      let section = this.section(log, nowMs)
      const total = section.cleanBytes + section.dirtyBytes
      const ratio = total === 0 ? 0 : section.dirtyBytes / total
      let rank = section.mustClean ? ratio + 1 : ratio
      if (section.dirtyBytes === 0 || (ratio < log.currentConfig.minCleanableDirtyRatio && !section.mustClean)) {
        // Kafka's LogCleanerManager: with nothing dirty enough, a log whose tombstones or
        // markers have reached their delete horizon is cleaned anyway, from its start.
        const {deleteHorizonMs} = this.checkpoint(log)
        if (deleteHorizonMs < 0 || deleteHorizonMs > nowMs) continue
        section = this.section(log, nowMs, true)
        if (section.dirtyBytes === 0) continue
        rank = -1
      }
      if (!best || rank > best.rank) best = {candidate, section, rank}
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

  private markUncleanable({topic, partition, log}: CleanableLog, {segment, position, problem}: Corruption): void {
    this.uncleanable.add(log)
    const file = path.join(log.dir, segmentFileName(segment.baseOffset, '.log'))
    this.onUncleanable(`partition ${topic}-${partition} is not cleaned again until the broker restarts: the batch at position ${position} of ${file} ${problem}; the segment was left as it is`)
  }

  private async clean(target: CleanableLog, section: Section, nowMs: number): Promise<PassResult | undefined> {
    const {topic, partition, log} = target
    const config = log.currentConfig
    const range = section.firstUncleanable - section.firstDirty
    const slots = Math.min(Math.floor(this.options.dedupeBufferBytes / BYTES_PER_KEY), Math.ceil(range / LOAD_FACTOR) + 1)
    const map = new OffsetMap(slots)
    let mapEnd = section.firstUncleanable
    let bytesRead = 0

    // (1) The key map of the dirty section; aborted transactions and markers stay out of it.
    const mappingTxns = new TxnTracker(log.abortedTransactions(section.firstDirty, section.firstUncleanable))
    const dirty = log.segmentsForCleaning().filter((s, i, all) => i < all.length - 1 && all[i + 1].baseOffset > section.firstDirty && s.baseOffset < section.firstUncleanable)
    mapping: for (const segment of dirty) {
      if (this.gone(log, segment)) return undefined
      let position = segment.positionOf(section.firstDirty) ?? segment.sizeBytes
      while (position < segment.sizeBytes) {
        if (this.gone(log, segment)) return undefined
        let full = false
        const slice = readSlice(segment, position, (buf, at) => {
          const batch = readBatchRecords(buf, at)
          const {header} = batch
          if (header.isControl) {
            mappingTxns.onMarker(header, readControlRecord(buf, at)?.type)
            return true
          }
          if (mappingTxns.onBatch(header)) return true
          for (const record of batch.records) {
            const offset = header.baseOffset + record.offsetDelta
            if (offset < section.firstDirty || offset >= section.firstUncleanable || record.key === null) continue
            if (!map.put(OffsetMap.hash(record.key), offset)) {
              mapEnd = offset
              full = true
              return false
            }
          }
          return true
        })
        bytesRead += slice.bytes
        if (slice.corruption) {
          this.markUncleanable(target, slice.corruption)
          return undefined
        }
        if (full) break mapping
        position = slice.position
        await yieldToLoop()
      }
    }
    if (mapEnd <= section.firstDirty) return undefined

    // (2) + (3) Rewrite and swap the closed segments below mapEnd, group by group.
    let recordsRemoved = 0
    let bytesWritten = 0
    let earliestHorizonMs = -1
    const groups = groupSegments(log.segmentsForCleaning(), mapEnd, config.segmentBytes)
    const aborted = log.abortedTransactions(groups[0]?.[0].baseOffset ?? mapEnd, log.logEndOffset)
    const abortedByMarker = new Map(aborted.map((txn) => [txn.lastOffset, txn]))
    const filter: FilterContext = {map, mapEnd, nowMs, deleteRetentionMs: config.deleteRetentionMs, txns: new TxnTracker(aborted)}
    for (const group of groups) {
      const base = group[0].baseOffset
      const {storage} = this.options
      const cleaningDir = path.join(log.dir, CLEANING_DIR)
      storage.remove(cleaningDir)
      storage.mkdir(cleaningDir)
      const out = Segment.create(storage, cleaningDir, base, nowMs)
      const keptAborted: AbortedTxn[] = []
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
            const slice = readSlice(segment, position, (buf, at, sizeBytes) => {
              const kept = filterBatch(buf, at, sizeBytes, filter)
              recordsRemoved += kept.removed
              if (!kept.bytes) return true
              pending.push(kept.bytes)
              pendingBatches.push({position: pendingBytes, sizeBytes: kept.bytes.length, lastOffset: batchLastOffsetAt(kept.bytes, 0), maxTimestamp: batchMaxTimestampAt(kept.bytes, 0)})
              pendingBytes += kept.bytes.length
              if (kept.deleteHorizonMs !== undefined && kept.deleteHorizonMs > nowMs && (earliestHorizonMs < 0 || kept.deleteHorizonMs < earliestHorizonMs)) earliestHorizonMs = kept.deleteHorizonMs
              const abortedTxn = kept.abortMarkerOffset === undefined ? undefined : abortedByMarker.get(kept.abortMarkerOffset)
              if (abortedTxn) keptAborted.push(abortedTxn)
              return true
            })
            bytesRead += slice.bytes
            if (slice.corruption) {
              this.markUncleanable(target, slice.corruption)
              throw new CleaningAborted()
            }
            position = slice.position
            if (pendingBytes >= OUTPUT_FLUSH_BYTES) flushPending()
            await yieldToLoop()
          }
        }
        flushPending()
        out.deactivate()
        out.flush()
        out.close()
        writeTxnIndexFile(storage, path.join(cleaningDir, segmentFileName(base, '.txnindex')), keptAborted)
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

    const checkpoint = {firstDirtyOffset: mapEnd, lastCleanedMs: this.now(), deleteHorizonMs: earliestHorizonMs}
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
    for (const name of storage.list(log.dir)) {
      const match = /^(\d{20})\.(log|index|timeindex)$/.exec(name)
      if (match && Number(match[1]) >= base && Number(match[1]) < next) storage.remove(path.join(log.dir, name))
    }
    moveIndexes(storage, log.dir, base, next)
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

interface FilterContext {
  map: OffsetMap
  /** Records at or past this offset were not mapped: they stay. */
  mapEnd: number
  nowMs: number
  deleteRetentionMs: number
  txns: TxnTracker
}

interface FilteredBatch {
  /** The batch unchanged, rebuilt, or undefined when it goes. */
  bytes: Buffer | undefined
  removed: number
  /** The kept batch's delete horizon when it holds a tombstone or a removable marker. */
  deleteHorizonMs?: number
  /** The offset of a kept ABORT marker (its aborted-transaction entry stays in the index). */
  abortMarkerOffset?: number
}

// Kafka's checkBatchRetention + shouldRetainRecord for one batch, with the delete horizon
// stamping of MemoryRecords.filterTo.
function filterBatch(buf: Buffer, at: number, sizeBytes: number, c: FilterContext): FilteredBatch {
  const whole = (): Buffer => Buffer.from(buf.subarray(at, at + sizeBytes))
  const batch = readBatchRecords(buf, at)
  const {header} = batch
  const horizonMs = deleteHorizonMsOf(header)
  const horizonPassed = horizonMs !== undefined && horizonMs <= c.nowMs
  if (header.isControl) {
    const type = readControlRecord(buf, at)?.type
    const removable = c.txns.onMarker(header, type)
    if (removable && horizonPassed) return {bytes: undefined, removed: header.recordCount}
    const abortMarkerOffset = type === 'ABORT' ? header.baseOffset : undefined
    if (!removable) return {bytes: whole(), removed: 0, abortMarkerOffset}
    if (horizonMs !== undefined) return {bytes: whole(), removed: 0, deleteHorizonMs: horizonMs, abortMarkerOffset}
    const stampedMs = c.nowMs + c.deleteRetentionMs
    return {bytes: rebuildBatch(batch, batch.records, stampedMs), removed: 0, deleteHorizonMs: stampedMs, abortMarkerOffset}
  }
  if (c.txns.onBatch(header)) return {bytes: undefined, removed: batch.records.length}
  const kept = batch.records.filter((record) => {
    const offset = header.baseOffset + record.offsetDelta
    if (record.key === null) return false
    if (offset >= c.mapEnd) return true
    if (c.map.get(OffsetMap.hash(record.key)) > offset) return false
    return !(record.isTombstone && horizonPassed)
  })
  const removed = batch.records.length - kept.length
  if (kept.length === 0) return {bytes: undefined, removed}
  c.txns.onKeptBatch(header)
  if (!kept.some((record) => record.isTombstone)) return {bytes: removed === 0 ? whole() : rebuildBatch(batch, kept), removed}
  if (horizonMs !== undefined) return {bytes: removed === 0 ? whole() : rebuildBatch(batch, kept), removed, deleteHorizonMs: horizonMs}
  const stampedMs = c.nowMs + c.deleteRetentionMs
  return {bytes: rebuildBatch(batch, kept, stampedMs), removed, deleteHorizonMs: stampedMs}
}
