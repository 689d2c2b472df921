// One log segment: `<20-digit base offset>.log` holding record batches exactly as stored,
// plus its `.index` and `.timeindex` (sparse-index.ts). Positions are int32 in the index
// format, so a segment stays below 2 GiB (segment.bytes is an int in Kafka too).
import path from 'node:path'
import {batchBaseOffsetAt, batchLastOffsetAt, batchMaxTimestampAt, batchSizeAt, findOffsetByTimestamp, LOG_OVERHEAD_BYTES, MAGIC_AT, readRecordBatchHeader, RECORD_BATCH_HEADER_BYTES, verifyRecordBatchCrc} from '../../kafka/protocol/record-batch.js'
import {FETCH_POOL_MIN_BYTES, fetchReadBuffers} from './read-buffers.js'
import {OffsetIndex, TimeIndex} from './sparse-index.js'
import type {LogFile, LogStorage} from './storage.js'

// Read sizes when walking batches: many small batches per read, one read per large batch.
// Header-only walks (locating an offset: within about index.interval.bytes of an index entry)
// read less, so a fetch of 1 MB batches does not first read 64 KB to find one header.
const HEADER_WALK_WINDOW_BYTES = 8 * 1024
const BATCH_WALK_WINDOW_BYTES = 64 * 1024

export function segmentFileName(baseOffset: number, suffix: '.log' | '.index' | '.timeindex' | '.txnindex' | '.snapshot'): string {
  return `${String(baseOffset).padStart(20, '0')}${suffix}`
}

/** Batch facts a segment needs when bytes are appended (per batch, never per record). */
export interface AppendedBatch {
  /** Position of the batch inside the appended buffer. */
  position: number
  sizeBytes: number
  lastOffset: number
  maxTimestamp: number
}

/**
 * Visits the batches of `file` from `from` to `end`, reading windows rather than one call per
 * header. `visit` gets a buffer holding at least the header (the whole batch when
 * `wholeBatch`) and returns false to stop. Returns the position where the walk stopped:
 * `end`, or the start of the first batch that is torn, framed wrongly or rejected by `visit`.
 */
export function walkBatches(
  file: LogFile,
  from: number,
  end: number,
  wholeBatch: boolean,
  visit: (buf: Buffer, at: number, filePosition: number, sizeBytes: number) => boolean,
): number {
  const windowBytes = wholeBatch ? BATCH_WALK_WINDOW_BYTES : HEADER_WALK_WINDOW_BYTES
  let pos = from
  let window: Buffer = Buffer.alloc(0)
  let windowStart = from
  while (pos < end) {
    let at = pos - windowStart
    if (at + RECORD_BATCH_HEADER_BYTES > window.length) {
      window = file.read(pos, Math.min(windowBytes, end - pos))
      windowStart = pos
      at = 0
      if (window.length < RECORD_BATCH_HEADER_BYTES) return pos
    }
    const sizeBytes = batchSizeAt(window, at)
    if (window[at + MAGIC_AT] !== 2 || sizeBytes < RECORD_BATCH_HEADER_BYTES || pos + sizeBytes > end) return pos
    if (wholeBatch && at + sizeBytes > window.length) {
      window = file.read(pos, Math.max(Math.min(windowBytes, end - pos), sizeBytes))
      windowStart = pos
      at = 0
      if (window.length < sizeBytes) return pos
    }
    if (!visit(window, at, pos, sizeBytes)) return pos
    pos += sizeBytes
  }
  return pos
}

/** What Segment.read returns: whole batches, and where it met a damaged one if it did. */
export interface SegmentRead {
  chunks: Buffer[]
  /** Position of a batch that fails its CRC-32C or whose framing is broken; the chunks end
   *  before it (none when the read started there). */
  corruptAt?: number
}

const NOTHING_READ: SegmentRead = {chunks: []}

export class Segment {
  /** Bytes of whole batches; the file may hold more after a crash until recovery truncates. */
  sizeBytes: number
  /**
   * Bytes below this were loaded from disk without a CRC check (a segment opened after a
   * clean shutdown: only recovery walks every batch). Batches appended by this process passed
   * their CRC-32C on ingest, and recovery checked what it kept, so both leave it at 0.
   */
  private uncheckedEnd = 0
  /** Every batch below this position passed its CRC-32C in this process: a contiguous
   *  watermark, so sequential reads check each unchecked byte once per process. */
  private verifiedUpTo = 0
  /** A damaged batch here has been reported (the broker logs it once per segment). */
  corruptionReported = false
  /** Offset the next batch appended here gets (baseOffset while empty). */
  nextOffset: number
  maxTimestampMs = -1
  /** Last offset of the batch that holds maxTimestampMs (Kafka's "shallow" offset). */
  offsetOfMaxTimestamp = -1
  /** maxTimestamp of the first batch: segment.ms counts from it (Kafka's rollingBasedTimestamp). */
  firstBatchTimestampMs = -1
  private bytesSinceIndexEntry = 0

  private constructor(
    readonly baseOffset: number,
    readonly log: LogFile,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    /** Wall-clock creation (or load) time: stands in for the timestamps of an empty segment. */
    readonly createdMs: number,
  ) {
    this.sizeBytes = log.size()
    this.nextOffset = baseOffset
  }

  static create(storage: LogStorage, dir: string, baseOffset: number, nowMs: number): Segment {
    const open = (suffix: '.log' | '.index' | '.timeindex'): LogFile => {
      const file = storage.open(path.join(dir, segmentFileName(baseOffset, suffix)))
      file.truncate(0) // a leftover from a crash between roll and first append
      return file
    }
    const segment = new Segment(baseOffset, open('.log'), new OffsetIndex(open('.index'), baseOffset), new TimeIndex(open('.timeindex'), baseOffset), nowMs)
    segment.offsetIndex.setCached(true)
    return segment
  }

  /**
   * Opens an existing segment. `active` marks the last one (its index is kept in memory and its
   * tail is read to learn nextOffset). `recover` re-checks every batch (framing, CRC, offsets
   * increasing), truncates at the first bad one and rebuilds both indexes; it is also used
   * when an index looks damaged. Returns the segment and the bytes truncated.
   */
  static open(
    storage: LogStorage,
    dir: string,
    baseOffset: number,
    options: {active: boolean; recover: boolean; nextSegmentBaseOffset?: number; indexIntervalBytes: number; nowMs: number},
  ): {segment: Segment; truncatedBytes: number} {
    const file = (suffix: '.log' | '.index' | '.timeindex'): string => path.join(dir, segmentFileName(baseOffset, suffix))
    const indexesExisted = storage.exists(file('.index')) && storage.exists(file('.timeindex'))
    const segment = new Segment(
      baseOffset,
      storage.open(file('.log')),
      new OffsetIndex(storage.open(file('.index')), baseOffset),
      new TimeIndex(storage.open(file('.timeindex')), baseOffset),
      options.nowMs,
    )
    let truncatedBytes = 0
    if (options.recover || !indexesExisted || !segment.indexesLookSane(options.active) || !segment.loadTail(options.active)) {
      truncatedBytes = segment.recover(options.indexIntervalBytes)
    } else segment.uncheckedEnd = segment.sizeBytes
    if (options.nextSegmentBaseOffset !== undefined) segment.nextOffset = Math.max(segment.nextOffset, options.nextSegmentBaseOffset)
    segment.offsetIndex.setCached(options.active)
    return {segment, truncatedBytes}
  }

  // Kafka's sanityCheck: whole entries, offsets within the segment, positions within the file.
  private indexesLookSane(active: boolean): boolean {
    if (this.offsetIndex.file.size() % 8 !== 0 || this.timeIndex.file.size() % 12 !== 0) return false
    const lastOffsetEntry = this.offsetIndex.lastEntry()
    if (lastOffsetEntry && (lastOffsetEntry.key < this.baseOffset || lastOffsetEntry.value >= this.sizeBytes)) return false
    const lastTimeEntry = this.timeIndex.lastEntry()
    if (lastTimeEntry && lastTimeEntry.value < this.baseOffset) return false
    // An inactive segment with batches got a final time index entry when it rolled.
    if (!active && this.sizeBytes > 0 && !lastTimeEntry) return false
    return true
  }

  // Learns nextOffset, the max timestamp and the index spacing from the last index entries
  // and the few batches after them, without reading the whole segment. False when those
  // batches cannot be walked to the end (a length or magic damaged on disk): the log end would
  // be wrong, so the caller recovers the segment instead.
  private loadTail(active: boolean): boolean {
    const lastTime = this.timeIndex.lastEntry()
    if (lastTime) {
      this.maxTimestampMs = lastTime.key
      this.offsetOfMaxTimestamp = lastTime.value
    }
    if (this.sizeBytes >= RECORD_BATCH_HEADER_BYTES) {
      this.firstBatchTimestampMs = batchMaxTimestampAt(this.log.read(0, RECORD_BATCH_HEADER_BYTES), 0)
    }
    if (!active) return true
    const lastOffsetEntry = this.offsetIndex.lastEntry()
    const from = lastOffsetEntry ? lastOffsetEntry.value : 0
    this.bytesSinceIndexEntry = 0
    const walkedTo = walkBatches(this.log, from, this.sizeBytes, false, (buf, at, _pos, sizeBytes) => {
      this.noteBatch(batchLastOffsetAt(buf, at), batchMaxTimestampAt(buf, at))
      this.bytesSinceIndexEntry += sizeBytes
      return true
    })
    return walkedTo === this.sizeBytes
  }

  private noteBatch(lastOffset: number, maxTimestamp: number): void {
    if (this.firstBatchTimestampMs < 0) this.firstBatchTimestampMs = maxTimestamp
    if (maxTimestamp > this.maxTimestampMs) {
      this.maxTimestampMs = maxTimestamp
      this.offsetOfMaxTimestamp = lastOffset
    }
    this.nextOffset = lastOffset + 1
  }

  // Index entry rule of Kafka's LogSegment.append, per batch: an entry when more than
  // index.interval.bytes went in since the last one (so the first batch never gets one).
  private indexBatch(lastOffset: number, position: number, sizeBytes: number, indexIntervalBytes: number): void {
    if (this.bytesSinceIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append({key: lastOffset, value: position})
      this.timeIndex.maybeAppend(this.maxTimestampMs, this.offsetOfMaxTimestamp)
      this.bytesSinceIndexEntry = 0
    }
    this.bytesSinceIndexEntry += sizeBytes
  }

  /** Checks every batch, truncates a torn or corrupt tail, rebuilds the indexes. */
  recover(indexIntervalBytes: number): number {
    const fileBytes = this.log.size()
    this.offsetIndex.reset()
    this.timeIndex.reset()
    this.nextOffset = this.baseOffset
    this.maxTimestampMs = -1
    this.offsetOfMaxTimestamp = -1
    this.firstBatchTimestampMs = -1
    this.bytesSinceIndexEntry = 0
    const validBytes = walkBatches(this.log, 0, fileBytes, true, (buf, at, position, sizeBytes) => {
      const header = readRecordBatchHeader(buf, at)
      if (header.baseOffset < this.nextOffset || !verifyRecordBatchCrc(buf, at)) return false
      const lastOffset = header.baseOffset + header.lastOffsetDelta
      this.noteBatch(lastOffset, header.maxTimestamp)
      this.indexBatch(lastOffset, position, sizeBytes, indexIntervalBytes)
      return true
    })
    if (validBytes < fileBytes) this.log.truncate(validBytes)
    this.sizeBytes = validBytes
    return fileBytes - validBytes
  }

  /** Writes `records` (one call) and indexes its batches; offsets are already assigned in it. */
  append(records: Buffer, batches: AppendedBatch[], indexIntervalBytes: number): void {
    const start = this.sizeBytes
    this.log.write(records, start)
    for (const batch of batches) {
      this.noteBatch(batch.lastOffset, batch.maxTimestamp)
      this.indexBatch(batch.lastOffset, start + batch.position, batch.sizeBytes, indexIntervalBytes)
    }
    this.sizeBytes += records.length
  }

  /** Called when a newer segment takes over: final time index entry (as Kafka), drop the cached index. */
  deactivate(): void {
    if (this.maxTimestampMs >= 0) this.timeIndex.maybeAppend(this.maxTimestampMs, this.offsetOfMaxTimestamp)
    this.offsetIndex.setCached(false)
  }

  flush(): void {
    this.log.sync()
    this.offsetIndex.file.sync()
    this.timeIndex.file.sync()
  }

  async flushInBackground(): Promise<void> {
    await Promise.all([this.log.syncInBackground(), this.offsetIndex.file.syncInBackground(), this.timeIndex.file.syncInBackground()])
  }

  close(): void {
    this.log.close()
    this.offsetIndex.file.close()
    this.timeIndex.file.close()
  }

  /** Position of the batch holding `offset` (the first batch ending at or after it), or undefined past the end. */
  positionOf(offset: number): number | undefined {
    let found: number | undefined
    const stoppedAt = walkBatches(this.log, this.offsetIndex.lookup(offset), this.sizeBytes, false, (buf, at, position) => {
      if (batchLastOffsetAt(buf, at) < offset) return true
      found = position
      return false
    })
    // A walk that stops short of the end met a batch whose framing is broken (damaged on
    // disk): the offset is there or beyond, where nothing can be walked, so a read starts
    // there and reports the damage instead of skipping to the next segment.
    return found ?? (stoppedAt < this.sizeBytes ? stoppedAt : undefined)
  }

  /**
   * Whole batches from `position`, at most `maxBytes` of them, except that the first batch is
   * returned whole even when larger (Kafka does the same so a consumer can always progress).
   * One positional read, plus one more for the rest of an oversized first batch. Nothing at
   * or past `endPosition` (a batch boundary: read_committed stops at the last stable offset).
   * Bytes loaded from disk unchecked are CRC-checked here before they are served (readChecked).
   */
  read(position: number, maxBytes: number, firstWhole: boolean, endPosition = this.sizeBytes): SegmentRead {
    const available = endPosition - position
    if (available <= 0) return NOTHING_READ
    const first = this.readRange(position, Math.min(available, Math.max(maxBytes, LOG_OVERHEAD_BYTES)))
    if (first.length < LOG_OVERHEAD_BYTES) return NOTHING_READ
    if (position < this.uncheckedEnd && position + first.length > this.verifiedUpTo) return this.readChecked(position, first, maxBytes, firstWhole, endPosition)
    const firstSize = batchSizeAt(first, 0)
    if (firstSize > first.length) {
      if (!firstWhole && firstSize > maxBytes) return NOTHING_READ
      return {chunks: [first, this.log.read(position + first.length, firstSize - first.length)]}
    }
    let cut = 0
    while (cut + LOG_OVERHEAD_BYTES <= first.length && cut + batchSizeAt(first, cut) <= first.length) cut += batchSizeAt(first, cut)
    return cut === 0 ? NOTHING_READ : {chunks: [first.subarray(0, cut)]}
  }

  // read() over bytes that were never checked in this process: each batch's framing is
  // checked before its length is trusted (a damaged length must not make a 2 GB read), and
  // its CRC-32C unless it lies below the verified watermark. Stops before a damaged batch.
  private readChecked(position: number, first: Buffer, maxBytes: number, firstWhole: boolean, endPosition: number): SegmentRead {
    let cut = 0
    while (cut + RECORD_BATCH_HEADER_BYTES <= first.length) {
      const sizeBytes = batchSizeAt(first, cut)
      if (!this.framedAt(first, cut, position + cut, endPosition)) return {chunks: cut === 0 ? [] : [first.subarray(0, cut)], corruptAt: position + cut}
      if (cut + sizeBytes > first.length) break
      if (!this.checkBatch(first, cut, position + cut)) return {chunks: cut === 0 ? [] : [first.subarray(0, cut)], corruptAt: position + cut}
      cut += sizeBytes
    }
    if (cut > 0) return {chunks: [first.subarray(0, cut)]}
    // The first batch is larger than this read: read it whole, then check it.
    const firstSize = batchSizeAt(first, 0)
    if (firstSize < RECORD_BATCH_HEADER_BYTES || position + firstSize > endPosition) return {chunks: [], corruptAt: position}
    if (!firstWhole && firstSize > maxBytes) return NOTHING_READ
    const whole = Buffer.concat([first, this.log.read(position + first.length, firstSize - first.length)])
    if (!this.framedAt(whole, 0, position, endPosition) || !this.checkBatch(whole, 0, position)) return {chunks: [], corruptAt: position}
    return {chunks: [whole]}
  }

  // Magic 2 and a length that fits between a header and `endPosition` (walkBatches' framing).
  private framedAt(buf: Buffer, at: number, filePosition: number, endPosition: number): boolean {
    const sizeBytes = batchSizeAt(buf, at)
    return buf[at + MAGIC_AT] === 2 && sizeBytes >= RECORD_BATCH_HEADER_BYTES && filePosition + sizeBytes <= endPosition
  }

  /** True when the whole batch at `buf[at]` (at `filePosition` in the file) may be decoded or
   *  served: checked before (the watermark, or appended by this process) or passing its CRC-32C
   *  now. A check at the watermark moves it past the batch. */
  checkBatch(buf: Buffer, at: number, filePosition: number): boolean {
    if (filePosition >= this.uncheckedEnd || filePosition < this.verifiedUpTo) return true
    if (!verifyRecordBatchCrc(buf, at)) return false
    if (filePosition === this.verifiedUpTo) this.verifiedUpTo = filePosition + batchSizeAt(buf, at)
    return true
  }

  /** A damaged batch at `position` (Segment.read's corruptAt): the first offset its header
   *  claims, when its framing can be trusted, and the offset reading may resume at after it
   *  (the next batch's base offset; past the segment's end when the framing is broken). */
  corruptBatchOffsets(position: number): {firstOffset: number | undefined; resumeOffset: number} {
    const header = this.log.read(position, RECORD_BATCH_HEADER_BYTES)
    if (header.length < RECORD_BATCH_HEADER_BYTES || !this.framedAt(header, 0, position, this.sizeBytes)) return {firstOffset: undefined, resumeOffset: this.nextOffset}
    const next = position + batchSizeAt(header, 0)
    const nextHeader = next + LOG_OVERHEAD_BYTES <= this.sizeBytes ? this.log.read(next, LOG_OVERHEAD_BYTES) : undefined
    return {firstOffset: batchBaseOffsetAt(header, 0), resumeOffset: nextHeader ? batchBaseOffsetAt(nextHeader, 0) : this.nextOffset}
  }

  // Into a pooled buffer (read-buffers.ts) where the storage can: the caller that serves the
  // bytes (Fetch) gives it back once written; anyone else just drops it.
  private readRange(position: number, length: number): Buffer {
    if (!this.log.readInto || length < FETCH_POOL_MIN_BYTES) return this.log.read(position, length)
    const buf = fetchReadBuffers.take(length)
    const filled = this.log.readInto(buf, position)
    return filled === length ? buf : buf.subarray(0, filled)
  }

  /** First record with a timestamp >= `timestampMs` in this segment, or undefined. */
  offsetForTimestamp(timestampMs: number): {offset: number; timestamp: number} | undefined {
    if (this.maxTimestampMs < timestampMs) return undefined
    const start = this.positionOf(this.timeIndex.lookup(timestampMs)) ?? 0
    let found: {offset: number; timestamp: number} | undefined
    walkBatches(this.log, start, this.sizeBytes, true, (buf, at, position) => {
      // A damaged batch is skipped: its records cannot be served, so they are not an answer.
      if (!this.checkBatch(buf, at, position)) return true
      found = findOffsetByTimestamp(buf, at, timestampMs)
      return found === undefined
    })
    return found
  }

  /** Exact offset of the first record carrying this segment's max timestamp (ListOffsets -3). */
  offsetOfMaxTimestampExact(): {offset: number; timestamp: number} | undefined {
    if (this.maxTimestampMs < 0) return undefined
    const position = this.positionOf(this.offsetOfMaxTimestamp)
    let found: {offset: number; timestamp: number} | undefined
    if (position !== undefined) {
      walkBatches(this.log, position, this.sizeBytes, true, (buf, at, filePosition) => {
        if (this.checkBatch(buf, at, filePosition)) found = findOffsetByTimestamp(buf, at, this.maxTimestampMs)
        return false
      })
    }
    return found ?? {offset: this.offsetOfMaxTimestamp, timestamp: this.maxTimestampMs}
  }

  /** Newest timestamp in the segment; an empty one uses its creation time (Kafka: the file's mtime). */
  largestTimestampMs(): number {
    return this.maxTimestampMs >= 0 ? this.maxTimestampMs : this.createdMs
  }
}
