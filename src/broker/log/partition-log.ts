// The log of one partition: a directory `<topic>-<partition>/` of segments in Kafka's layout.
//
// Append path (per produce): split the records field into batches by their headers, check
// CRC-32C, size limits and producer sequences, assign offsets by patching the caller's buffer
// in place, write it with ONE positional write, index it. No record is decoded and nothing is
// copied. Read path (per fetch): the offset index gives a position near the fetch offset, a
// few headers are walked to the batch that holds it, and one positional read returns whole
// batches. Offsets are never reused: the log end only grows, and deleting every segment first
// rolls an empty one at the log end.
//
// Transactions: the transaction coordinator ends a producer's transaction here with a
// COMMIT or ABORT control batch (appendMarker); an ABORT also goes into the aborted-transaction
// index (txn-index.ts). The last stable offset is the first offset of the earliest open
// transaction, else the log end; read_committed reads stop there (read's maxOffset).
//
// All methods are synchronous, so the broker's event loop never observes a half-done append.
import path from 'node:path'
import {
  buildControlBatch,
  readControlRecord,
  patchRecordBatch,
  readRecordBatchHeader,
  splitRecordBatches,
  type ControlRecordType,
  type RecordBatchError,
  type RecordBatchSpan,
} from '../../kafka/protocol/record-batch.js'
import type {FsyncPolicy, LogConfig} from './config.js'
import {ProducerState, type ProducerBatch, type ProducerEntry} from './producer-state.js'
import {Segment, segmentFileName, walkBatches, type AppendedBatch} from './segment.js'
import type {LogStorage} from './storage.js'
import {type AbortedTxn, TxnIndex} from './txn-index.js'

const LOG_START_FILE = 'log-start-offset'
const SNAPSHOTS_KEPT = 2
const INT32_MAX = 2147483647

export type AppendError =
  | RecordBatchError
  | 'INVALID_RECORD'
  | 'INVALID_TIMESTAMP'
  | 'MESSAGE_TOO_LARGE'
  | 'RECORD_BATCH_TOO_LARGE'
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  | 'INVALID_PRODUCER_EPOCH'
  | 'KAFKA_STORAGE_ERROR'

export type AppendResult =
  | {
      ok: true
      baseOffset: number
      lastOffset: number
      /** The broker time stamped on the batches for LogAppendTime topics, else -1 (as ProduceResponse). */
      logAppendTimeMs: number
      logStartOffset: number
      /** A retry of one of the producer's last five batches: nothing was written, offsets are the original ones. */
      duplicate: boolean
    }
  | {ok: false; error: AppendError; message: string}

/** A batch on disk that fails its CRC-32C (or whose framing is broken): named once per
 *  segment, the first time a read meets it, so the broker can log it. */
export interface CorruptBatchReport {
  /** The segment file. */
  file: string
  position: number
  /** Reads fail from here: the first offset the damaged batch claims, else the fetch offset. */
  offset: number
  /** Where reading may resume after it (the next batch's base offset). */
  resumeOffset: number
}

export type ReadResult =
  | {ok: true; chunks: Buffer[]; sizeBytes: number; logStartOffset: number; logEndOffset: number; corruptBatch?: CorruptBatchReport}
  | {ok: false; error: 'OFFSET_OUT_OF_RANGE' | 'KAFKA_STORAGE_ERROR'; message: string; logStartOffset: number; logEndOffset: number; corruptBatch?: CorruptBatchReport}

export type DeleteRecordsResult = {ok: true; lowWatermark: number} | {ok: false; error: 'OFFSET_OUT_OF_RANGE'; message: string}

export interface TimestampOffset {
  offset: number
  timestampMs: number
}

export interface PartitionLogOptions {
  storage: LogStorage
  /** The partition directory, `<dataDir>/<topic>-<partition>`. */
  dir: string
  config: LogConfig
  /** Default 'interval': the owner calls flush() on its timer. */
  fsync?: FsyncPolicy
  /** After an unclean shutdown: check the last segment batch by batch and truncate a torn tail. */
  recover?: boolean
  /** Stamped into partitionLeaderEpoch of every stored batch; a single node stays at 0. */
  leaderEpoch?: number
  producerIdExpirationMs?: number
  /** Clock for segment creation times; default Date.now(). */
  nowMs?: number
}

export class PartitionLog {
  private segments: Segment[]
  private logStart: number
  private producers: ProducerState
  private readonly txnIndex: TxnIndex
  private readonly listeners = new Set<(logEndOffset: number) => void>()
  private unflushed = false
  private closed = false
  /** Rolled segments written since the last flush (fsync 'interval'); flushed with the active one. */
  private rolledUnflushed: Segment[] = []
  private config: LogConfig
  private readonly fsync: FsyncPolicy
  private readonly leaderEpoch: number
  private readonly producerIdExpirationMs: number
  /** Bytes cut from the tail by recovery when this log was opened (0 after a clean shutdown). */
  readonly truncatedBytesOnOpen: number

  private constructor(
    private readonly storage: LogStorage,
    readonly dir: string,
    options: PartitionLogOptions,
    segments: Segment[],
    logStart: number,
    truncatedBytes: number,
  ) {
    this.config = options.config
    this.fsync = options.fsync ?? 'interval'
    this.leaderEpoch = options.leaderEpoch ?? 0
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? 86_400_000
    this.segments = segments
    this.logStart = logStart
    this.truncatedBytesOnOpen = truncatedBytes
    this.txnIndex = new TxnIndex(storage, dir)
    this.txnIndex.load(this.segmentBaseOffsets, this.logEndOffset)
    this.producers = this.loadProducerState()
  }

  /** Opens (creating when missing) the partition directory and recovers it as needed. */
  static open(options: PartitionLogOptions): PartitionLog {
    const {storage, dir, config} = options
    const nowMs = options.nowMs ?? Date.now()
    storage.mkdir(dir)
    const names = storage.list(dir)
    const bases = names
      .filter((name) => /^\d{20}\.log$/.test(name))
      .map((name) => Number(name.slice(0, 20)))
      .sort((a, b) => a - b)
    const checkpoint = Number(storage.readText(path.join(dir, LOG_START_FILE)) ?? 0) || 0
    const segments: Segment[] = []
    let truncatedBytes = 0
    if (bases.length === 0) {
      // A new partition, or one whose files were removed: never restart below a recorded log start.
      segments.push(Segment.create(storage, dir, checkpoint, nowMs))
    } else {
      // After an unclean shutdown every segment is checked, not only the active one: with
      // --fsync interval a power loss can take the unflushed tail of segments that rolled
      // since the last flush too (their files left short or empty). The log is then kept up to
      // the first segment that lost bytes: later segments hold data written after data that
      // is gone, and keeping them would leave a hole that no fetch gets past and a log that is
      // not a prefix of what was written. A kill -9 loses nothing here (the OS has every write).
      const recover = options.recover ?? false
      for (let i = 0; i < bases.length; i++) {
        const last = i === bases.length - 1
        const open = (active: boolean) => Segment.open(storage, dir, bases[i], {active, recover, indexIntervalBytes: config.indexIntervalBytes, nowMs})
        let opened = open(last)
        // A segment that ends before the next one starts lost its tail (offsets are contiguous
        // unless the cleaner removed records, so only torn bytes tell on a compacted topic).
        const lostTail = recover && !last && (opened.truncatedBytes > 0 || (!config.compact && opened.segment.nextOffset < bases[i + 1]))
        if (lostTail) {
          opened.segment.close()
          opened = open(true)
          for (const later of bases.slice(i + 1)) {
            const dropped = storage.open(path.join(dir, segmentFileName(later, '.log')))
            truncatedBytes += dropped.size()
            dropped.close()
            for (const suffix of ['.log', '.index', '.timeindex', '.txnindex'] as const) storage.remove(path.join(dir, segmentFileName(later, suffix)))
          }
        } else if (!last) opened.segment.nextOffset = Math.max(opened.segment.nextOffset, bases[i + 1])
        segments.push(opened.segment)
        truncatedBytes += opened.truncatedBytes
        if (lostTail) break
      }
    }
    const logEnd = segments.at(-1)!.nextOffset
    const logStart = Math.min(Math.max(segments[0].baseOffset, checkpoint), logEnd)
    return new PartitionLog(storage, dir, options, segments, logStart, truncatedBytes)
  }

  private get active(): Segment {
    return this.segments.at(-1)!
  }

  get logStartOffset(): number {
    return this.logStart
  }

  /** Next offset to be assigned; also the high watermark and last stable offset on one node without transactions. */
  get logEndOffset(): number {
    return this.active.nextOffset
  }

  /** First offset of the earliest open transaction, else the log end (one node: HW = log end);
   *  never below the log start (retention may delete an open transaction's first batches). */
  get lastStableOffset(): number {
    const firstUnstable = this.producers.firstUnstableOffset()
    return firstUnstable === undefined ? this.logEndOffset : Math.max(firstUnstable, this.logStart)
  }

  /** Aborted transactions a read_committed fetch from `fetchOffset` must report (those that
   *  end at or after it and start below `upperBoundOffset`). */
  abortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    return this.txnIndex.collect(fetchOffset, upperBoundOffset)
  }

  /** Idempotent and transactional producers known here (DescribeProducers). */
  producerEntries(): ProducerEntry[] {
    return this.producers.entries()
  }

  get sizeBytes(): number {
    let total = 0
    for (const segment of this.segments) total += segment.sizeBytes
    return total
  }

  get segmentCount(): number {
    return this.segments.length
  }

  /** Base offsets of the segments, oldest first (for tools and tests). */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset)
  }

  /** The topic config changed (AlterConfigs): applies from the next append or retention check. */
  setConfig(config: LogConfig): void {
    this.config = config
  }

  get currentConfig(): LogConfig {
    return this.config
  }

  /** True once close() ran (topic deleted, broker stopped): the cleaner gives up on it. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Every segment, oldest first; the last is the active one, which the cleaner never touches. */
  segmentsForCleaning(): readonly Segment[] {
    return this.segments
  }

  /**
   * The log cleaner's swap (cleaner.ts): closes `group` (consecutive closed segments) and puts
   * the segment `build(baseOffsetAfterGroup)` makes in its place. Synchronous, so no read sees
   * a half-swapped log. False, changing nothing, when the group is no longer all here.
   */
  swapSegments(group: readonly Segment[], build: (nextBaseOffset: number) => Segment): boolean {
    const at = this.segments.indexOf(group[0])
    if (at < 0 || at + group.length >= this.segments.length || group.some((segment, i) => this.segments[at + i] !== segment)) return false
    for (const segment of group) segment.close()
    const replacement = build(this.segments[at + group.length].baseOffset)
    this.segments.splice(at, group.length, replacement)
    this.rolledUnflushed = this.rolledUnflushed.filter((segment) => !group.includes(segment))
    // The cleaned segment's .txnindex keeps only aborted transactions whose marker it kept.
    this.txnIndex.load(this.segmentBaseOffsets, this.logEndOffset)
    return true
  }

  /**
   * Calls `listener(logEndOffset)` synchronously after each append that wrote something, so a
   * long-polling Fetch can wake without polling. Listeners must not throw. Returns the unsubscribe.
   */
  onAppend(listener: (logEndOffset: number) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Producer state for `producerId` (InitProducerId bookkeeping, tests). */
  producerEntry(producerId: number): ProducerEntry | undefined {
    return this.producers.entry(producerId)
  }

  /**
   * Appends a Produce request's `records` for this partition. The buffer is modified in place
   * (baseOffset, partitionLeaderEpoch, and for LogAppendTime the timestamp and CRC) and
   * written as is. Errors leave the log untouched.
   */
  append(records: Buffer, options: {nowMs?: number} = {}): AppendResult {
    const nowMs = options.nowMs ?? Date.now()
    const split = splitRecordBatches(records)
    if (!split.ok) return split
    const {batches} = split
    if (batches.length === 0) return {ok: false, error: 'CORRUPT_MESSAGE', message: 'the records field holds no record batch'}
    if (records.length > this.config.segmentBytes) {
      return {
        ok: false,
        error: 'RECORD_BATCH_TOO_LARGE',
        message: `${records.length} bytes of records exceed segment.bytes=${this.config.segmentBytes}`,
      }
    }
    const logAppendTime = this.config.timestampType === 'LogAppendTime'
    const afterMaxMs = this.config.timestampAfterMaxMs ?? Number.MAX_SAFE_INTEGER
    const beforeMaxMs = this.config.timestampBeforeMaxMs ?? Number.MAX_SAFE_INTEGER
    for (const batch of batches) {
      // Kafka checks each record's CreateTime against [now - before.max, now + after.max]; the
      // batch's base and max timestamps bound its records, so the header suffices. -1 means none.
      if (!logAppendTime && batch.maxTimestamp >= 0 && (batch.maxTimestamp - nowMs > afterMaxMs || nowMs - batch.baseTimestamp > beforeMaxMs)) {
        return {
          ok: false,
          error: 'INVALID_TIMESTAMP',
          message: `record timestamps ${batch.baseTimestamp}..${batch.maxTimestamp} are outside [now - ${beforeMaxMs}, now + ${afterMaxMs}] ms (message.timestamp.before/after.max.ms)`,
        }
      }
      if (batch.sizeBytes > this.config.maxMessageBytes) {
        return {
          ok: false,
          error: 'MESSAGE_TOO_LARGE',
          message: `a ${batch.sizeBytes}-byte record batch exceeds max.message.bytes=${this.config.maxMessageBytes}`,
        }
      }
      if (batch.isControl) return {ok: false, error: 'INVALID_RECORD', message: 'clients may not write control batches'}
      // Kafka's LogValidator: the offset range must match the record count.
      if (batch.recordCount < 1 || batch.lastOffsetDelta !== batch.recordCount - 1) {
        return {
          ok: false,
          error: 'INVALID_RECORD',
          message: `record batch has ${batch.recordCount} records but lastOffsetDelta ${batch.lastOffsetDelta}`,
        }
      }
    }

    const staged = new Map<number, ProducerEntry>()
    const appended: AppendedBatch[] = []
    const assignedBases: number[] = []
    let nextOffset = this.logEndOffset
    for (const batch of batches) {
      const baseOffset = nextOffset
      nextOffset += batch.lastOffsetDelta + 1
      if (batch.producerId >= 0) {
        const check = this.producers.check(batch, staged.get(batch.producerId))
        if (check.kind === 'duplicate') return this.duplicateResult(check.batch, logAppendTime)
        if (check.kind === 'error') return {ok: false, error: check.error, message: check.message}
        const base = staged.get(batch.producerId) ?? this.producers.entry(batch.producerId)
        staged.set(batch.producerId, this.producers.next(base, batch, baseOffset, logAppendTime ? nowMs : batch.maxTimestamp))
      }
      assignedBases.push(baseOffset)
      appended.push({
        position: batch.position,
        sizeBytes: batch.sizeBytes,
        lastOffset: nextOffset - 1,
        maxTimestamp: logAppendTime ? nowMs : batch.maxTimestamp,
      })
    }

    const failure = this.write(records, batches, assignedBases, appended, nowMs, logAppendTime)
    if (failure) return failure
    for (const entry of staged.values()) this.producers.put(entry)
    return this.appended(assignedBases[0], logAppendTime, nowMs)
  }

  /**
   * Ends `producerId`'s transaction on this partition with a COMMIT or ABORT control batch
   * written as Kafka writes it (transactional and control bits, the producer's id and epoch,
   * baseSequence -1); an ABORT also goes into the aborted-transaction index. Only the
   * transaction coordinator calls this; the epoch may be newer than the producer's (a fence).
   */
  appendMarker(marker: {producerId: number; producerEpoch: number; type: ControlRecordType; coordinatorEpoch: number}, options: {nowMs?: number} = {}): AppendResult {
    const nowMs = options.nowMs ?? Date.now()
    const records = buildControlBatch({...marker, timestampMs: nowMs})
    const batch: RecordBatchSpan = {...readRecordBatchHeader(records, 0), position: 0}
    const baseOffset = this.logEndOffset
    const firstOffset = this.producers.entry(marker.producerId)?.txnFirstOffset
    const failure = this.write(records, [batch], [baseOffset], [{position: 0, sizeBytes: records.length, lastOffset: baseOffset, maxTimestamp: nowMs}], nowMs, false)
    if (failure) return failure
    this.producers.put(this.producers.afterMarker(marker.producerId, marker.producerEpoch, marker.coordinatorEpoch, nowMs))
    if (marker.type === 'ABORT' && firstOffset !== undefined) {
      this.txnIndex.append(this.active.baseOffset, {producerId: marker.producerId, firstOffset, lastOffset: baseOffset, lastStableOffset: this.lastStableOffset})
    }
    return this.appended(baseOffset, false, nowMs)
  }

  // Rolls when due, assigns offsets in place and writes the batches with one call; an
  // error leaves the log as it was.
  private write(records: Buffer, batches: RecordBatchSpan[], assignedBases: number[], appended: AppendedBatch[], nowMs: number, logAppendTime: boolean): AppendResult | undefined {
    this.maybeRoll(records.length, Math.max(...appended.map((b) => b.maxTimestamp)), appended.at(-1)!.lastOffset, nowMs)
    batches.forEach((batch, i) => {
      patchRecordBatch(records, batch.position, {
        baseOffset: assignedBases[i],
        partitionLeaderEpoch: this.leaderEpoch,
        logAppendTimeMs: logAppendTime ? nowMs : undefined,
      })
    })
    try {
      this.active.append(records, appended, this.config.indexIntervalBytes)
      if (this.fsync === 'always') this.active.log.sync()
      else this.unflushed = true
    } catch (error) {
      // The segment's size was not advanced, so the next append overwrites any partial write.
      return {ok: false, error: 'KAFKA_STORAGE_ERROR', message: `unable to write to ${this.dir}: ${(error as Error).message}`}
    }
    return undefined
  }

  private appended(baseOffset: number, logAppendTime: boolean, nowMs: number): AppendResult {
    const logEndOffset = this.logEndOffset
    for (const listener of this.listeners) listener(logEndOffset)
    return {
      ok: true,
      baseOffset,
      lastOffset: logEndOffset - 1,
      logAppendTimeMs: logAppendTime ? nowMs : -1,
      logStartOffset: this.logStart,
      duplicate: false,
    }
  }

  private duplicateResult(batch: ProducerBatch, logAppendTime: boolean): AppendResult {
    return {
      ok: true,
      baseOffset: batch.firstOffset,
      lastOffset: batch.lastOffset,
      logAppendTimeMs: logAppendTime ? batch.timestampMs : -1,
      logStartOffset: this.logStart,
      duplicate: true,
    }
  }

  // Kafka's LogSegment.shouldRoll: full, old, or the next offset no longer fits the index's
  // 32-bit relative offsets. Never an empty one. "Old" compares record time with record time
  // (Kafka's timeWaitedForRoll): the incoming max timestamp against the segment's first batch.
  private maybeRoll(incomingBytes: number, incomingMaxTimestampMs: number, lastOffset: number, nowMs: number): void {
    const active = this.active
    if (active.sizeBytes === 0) return
    const full = active.sizeBytes + incomingBytes > this.config.segmentBytes
    const waitedMs = active.firstBatchTimestampMs >= 0 ? incomingMaxTimestampMs - active.firstBatchTimestampMs : nowMs - active.createdMs
    const aged = waitedMs > this.config.segmentMs
    const offsetOverflow = lastOffset - active.baseOffset > INT32_MAX
    if (full || aged || offsetOverflow) this.roll(nowMs)
  }

  private roll(nowMs: number): void {
    const baseOffset = this.logEndOffset
    const previous = this.active
    previous.deactivate()
    // Kafka flushes a rolled segment too, in the background; with 'always' it is already synced
    // but for its indexes.
    if (this.fsync === 'always') previous.flush()
    else this.rolledUnflushed.push(previous)
    this.writeProducerSnapshot(baseOffset)
    this.segments.push(Segment.create(this.storage, this.dir, baseOffset, nowMs))
  }

  /**
   * Whole batches starting with the one that holds `fetchOffset`, up to `maxBytes` (the first
   * batch is returned whole even when larger), possibly across segments. A fetch at the log
   * end returns no chunks; outside [logStart, logEnd] it is OFFSET_OUT_OF_RANGE. `maxOffset`
   * (a batch boundary, such as the last stable offset) ends the read before that offset.
   * A batch damaged on disk is never returned: the read ends before it, and a read that
   * starts at it is KAFKA_STORAGE_ERROR (`corruptBatch` names it the first time).
   */
  read(fetchOffset: number, maxBytes: number, options: {maxOffset?: number} = {}): ReadResult {
    const logStartOffset = this.logStart
    const logEndOffset = this.logEndOffset
    if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) {
      return {
        ok: false,
        error: 'OFFSET_OUT_OF_RANGE',
        message: `fetch offset ${fetchOffset} is outside the log's range [${logStartOffset}, ${logEndOffset}]`,
        logStartOffset,
        logEndOffset,
      }
    }
    const chunks: Buffer[] = []
    let sizeBytes = 0
    const stop = this.stopAt(options.maxOffset ?? logEndOffset)
    if (fetchOffset >= (options.maxOffset ?? logEndOffset)) return {ok: true, chunks, sizeBytes, logStartOffset, logEndOffset}
    let i = this.segmentIndexOf(fetchOffset)
    let position = this.segments[i].positionOf(fetchOffset)
    while (position === undefined && i + 1 < this.segments.length) {
      i++
      position = this.segments[i].positionOf(fetchOffset)
    }
    while (position !== undefined && i <= stop.segment) {
      const segment = this.segments[i]
      const end = i === stop.segment ? stop.position : segment.sizeBytes
      const got = segment.read(position, maxBytes - sizeBytes, chunks.length === 0, end)
      let gotBytes = 0
      for (const chunk of got.chunks) gotBytes += chunk.length
      chunks.push(...got.chunks)
      sizeBytes += gotBytes
      if (got.corruptAt !== undefined) {
        const damaged = this.describeCorruptBatch(segment, got.corruptAt, fetchOffset)
        // Named once per segment, for the broker's log.
        const corruptBatch = segment.corruptionReported ? undefined : damaged
        segment.corruptionReported = true
        if (sizeBytes > 0) return {ok: true, chunks, sizeBytes, logStartOffset, logEndOffset, corruptBatch}
        return {
          ok: false,
          error: 'KAFKA_STORAGE_ERROR',
          message: `the record batch at offset ${damaged.offset} (position ${damaged.position} of ${damaged.file}) fails its CRC-32C check; reading may resume at offset ${damaged.resumeOffset}`,
          logStartOffset,
          logEndOffset,
          corruptBatch,
        }
      }
      if (gotBytes === 0 || position + gotBytes < end || sizeBytes >= maxBytes) break
      i++
      position = 0
    }
    return {ok: true, chunks, sizeBytes, logStartOffset, logEndOffset}
  }

  private segmentFile(segment: Segment): string {
    return path.join(this.dir, segmentFileName(segment.baseOffset, '.log'))
  }

  private describeCorruptBatch(segment: Segment, position: number, fetchOffset: number): CorruptBatchReport {
    const {firstOffset, resumeOffset} = segment.corruptBatchOffsets(position)
    // The header's base offset is not covered by the CRC: trusted only inside the segment.
    const offset = firstOffset !== undefined && firstOffset >= segment.baseOffset && firstOffset < segment.nextOffset ? firstOffset : fetchOffset
    return {file: this.segmentFile(segment), position, offset, resumeOffset: Math.max(resumeOffset, offset + 1)}
  }

  // Where a read must end to stop before `offset`: the segment and the position of the batch
  // holding it (the end of the log when it is the log end).
  private stopAt(offset: number): {segment: number; position: number} {
    const last = this.segments.length - 1
    if (offset >= this.logEndOffset) return {segment: last, position: this.segments[last].sizeBytes}
    const segment = this.segmentIndexOf(offset)
    return {segment, position: this.segments[segment].positionOf(offset) ?? this.segments[segment].sizeBytes}
  }

  // Last segment whose base offset is <= offset (segments are sorted by base offset).
  private segmentIndexOf(offset: number): number {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.segments[mid].baseOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** ListOffsets by timestamp: the first record with timestamp >= `timestampMs`, or undefined when none is. */
  offsetForTimestamp(timestampMs: number): TimestampOffset | undefined {
    for (const segment of this.segments) {
      if (segment.maxTimestampMs < timestampMs) continue
      const found = segment.offsetForTimestamp(timestampMs)
      if (found) return {offset: Math.max(found.offset, this.logStart), timestampMs: found.timestamp}
    }
    return undefined
  }

  /** ListOffsets MAX_TIMESTAMP (-3, KIP-734): the first record with the largest timestamp, or undefined when empty. */
  maxTimestampOffset(): TimestampOffset | undefined {
    let best: Segment | undefined
    for (const segment of this.segments) {
      if (segment.maxTimestampMs >= 0 && (best === undefined || segment.maxTimestampMs > best.maxTimestampMs)) best = segment
    }
    const found = best?.offsetOfMaxTimestampExact()
    return found ? {offset: found.offset, timestampMs: found.timestamp} : undefined
  }

  /**
   * DeleteRecords: moves the log start to `offset` (-1 = the high watermark) and drops the
   * segments wholly below it. Offsets above the log end are OFFSET_OUT_OF_RANGE; below the
   * current start it changes nothing. Returns the new low watermark.
   */
  deleteRecordsBefore(offset: number, nowMs = Date.now()): DeleteRecordsResult {
    const target = offset === -1 ? this.logEndOffset : offset
    if (target < 0 || target > this.logEndOffset) {
      return {ok: false, error: 'OFFSET_OUT_OF_RANGE', message: `offset ${offset} is beyond the high watermark ${this.logEndOffset}`}
    }
    if (target > this.logStart) {
      this.logStart = target
      this.storage.writeTextAtomic(path.join(this.dir, LOG_START_FILE), String(target))
      this.deleteOldestSegments((_segment, next) => next !== undefined && next.baseOffset <= this.logStart, nowMs)
      this.producers.truncateHead(this.logStart)
    }
    return {ok: true, lowWatermark: this.logStart}
  }

  /**
   * Retention, as Kafka's deleteOldSegments: whole segments from the oldest while they are
   * past retention.ms (by their newest timestamp), while the log stays at or above
   * retention.bytes without them (cleanup.policy with delete only), or while they lie below
   * the log start. The active segment
   * goes too when it qualifies and is not empty (an empty one is rolled first). Also expires
   * idle producer ids. Returns the number of segments deleted.
   */
  enforceRetention(nowMs = Date.now()): number {
    let deleted = this.deleteOldestSegments((_segment, next) => next !== undefined && next.baseOffset <= this.logStart, nowMs)
    // A compact-only topic keeps its segments: the cleaner, not retention, bounds it.
    const {retentionMs, retentionBytes} = this.config.delete ? this.config : {retentionMs: -1, retentionBytes: -1}
    if (retentionMs >= 0) {
      deleted += this.deleteOldestSegments((segment) => nowMs - segment.largestTimestampMs() > retentionMs, nowMs)
    }
    if (retentionBytes >= 0) {
      let excessBytes = this.sizeBytes - retentionBytes
      deleted += this.deleteOldestSegments((segment) => {
        if (excessBytes - segment.sizeBytes < 0) return false
        excessBytes -= segment.sizeBytes
        return true
      }, nowMs)
    }
    this.producers.expire(nowMs, this.producerIdExpirationMs)
    return deleted
  }

  private deleteOldestSegments(deletable: (segment: Segment, next: Segment | undefined) => boolean, nowMs: number): number {
    let count = 0
    while (count < this.segments.length) {
      const segment = this.segments[count]
      const next = this.segments[count + 1]
      if ((next === undefined && segment.sizeBytes === 0) || !deletable(segment, next)) break
      count++
    }
    if (count === 0) return 0
    if (count === this.segments.length) this.roll(nowMs) // keep one segment, at the log end
    const doomed = this.segments.slice(0, count)
    this.segments = this.segments.slice(count)
    for (const segment of doomed) {
      segment.close()
      for (const suffix of ['.log', '.index', '.timeindex', '.txnindex'] as const) {
        this.storage.remove(path.join(this.dir, segmentFileName(segment.baseOffset, suffix)))
      }
    }
    this.logStart = Math.max(this.logStart, this.segments[0].baseOffset)
    this.producers.truncateHead(this.logStart)
    this.txnIndex.truncateHead(this.segments[0].baseOffset)
    return count
  }

  /**
   * Forces what was written since the last call to disk, off the event loop (the owner's
   * fsync interval timer). Appends may continue meanwhile; they are flushed next time.
   */
  async flush(): Promise<void> {
    const segments = this.rolledUnflushed
    if (this.unflushed) segments.push(this.active)
    this.rolledUnflushed = []
    this.unflushed = false
    await Promise.all(segments.map((segment) => segment.flushInBackground()))
  }

  /** Flushes (blocking), snapshots producer state at the log end and closes the files. */
  close(): void {
    for (const segment of this.rolledUnflushed) if (this.segments.includes(segment)) segment.flush()
    this.active.flush()
    this.writeProducerSnapshot(this.logEndOffset)
    for (const segment of this.segments) segment.close()
    this.listeners.clear()
    this.closed = true
  }

  // Producer snapshots, `<20-digit offset>.snapshot`, hold the state of every producer for
  // offsets below that offset. Kafka's are binary with a CRC; these are JSON (written
  // atomically), read only by this module.
  private writeProducerSnapshot(offset: number): void {
    this.storage.writeTextAtomic(path.join(this.dir, segmentFileName(offset, '.snapshot')), JSON.stringify(this.producers.toJSON()))
    const snapshots = this.snapshotOffsets()
    for (const old of snapshots.slice(0, -SNAPSHOTS_KEPT)) this.storage.remove(path.join(this.dir, segmentFileName(old, '.snapshot')))
  }

  private snapshotOffsets(): number[] {
    return this.storage
      .list(this.dir)
      .filter((name) => /^\d{20}\.snapshot$/.test(name))
      .map((name) => Number(name.slice(0, 20)))
      .sort((a, b) => a - b)
  }

  // The newest snapshot at or below the log end, then the batch headers after it.
  private loadProducerState(): ProducerState {
    const logEnd = this.logEndOffset
    let state = new ProducerState()
    let replayFrom = this.segments[0].baseOffset
    for (const offset of this.snapshotOffsets().reverse()) {
      const file = path.join(this.dir, segmentFileName(offset, '.snapshot'))
      if (offset > logEnd) {
        this.storage.remove(file) // taken past a tail that recovery truncated
        continue
      }
      try {
        state = ProducerState.fromJSON(JSON.parse(this.storage.readText(file) ?? '[]') as ProducerEntry[])
        replayFrom = Math.max(offset, replayFrom)
        break
      } catch {
        this.storage.remove(file) // torn: fall back to an older one or to the log itself
      }
    }
    // Markers are read whole (their record holds the COMMIT/ABORT type); an ABORT missing
    // from the index (written just before a crash) is indexed again.
    for (let i = this.segmentIndexOf(replayFrom); i < this.segments.length; i++) {
      const segment = this.segments[i]
      const from = segment.positionOf(replayFrom)
      if (from === undefined) continue
      walkBatches(segment.log, from, segment.sizeBytes, false, (buf, at, position, sizeBytes) => {
        const header = readRecordBatchHeader(buf, at)
        if (header.baseOffset < replayFrom) return true
        if (!header.isControl) {
          state.replay(header)
          return true
        }
        const firstOffset = state.entry(header.producerId)?.txnFirstOffset
        // A marker damaged on disk is not decoded: it counts as neither COMMIT nor ABORT.
        const batch = segment.log.read(position, sizeBytes)
        const marker = segment.checkBatch(batch, 0, position) ? readControlRecord(batch) : undefined
        state.put(state.afterMarker(header.producerId, header.producerEpoch, marker?.coordinatorEpoch ?? 0, header.maxTimestamp))
        if (marker?.type === 'ABORT' && firstOffset !== undefined && !this.txnIndex.has(header.baseOffset)) {
          this.txnIndex.append(segment.baseOffset, {
            producerId: header.producerId,
            firstOffset,
            lastOffset: header.baseOffset,
            lastStableOffset: state.firstUnstableOffset() ?? header.baseOffset + 1,
          })
        }
        return true
      })
    }
    state.truncateHead(this.logStart)
    return state
  }
}
