// The log's conformance suite, run against every LogStorage (memory.test.ts, disk.test.ts),
// after Hono's router case suite: the same cases must pass on each implementation.
// Named *.case.ts so vitest never runs it on its own.
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {KctlError} from '../../../src/errors.js'
import {LogManager, PartitionLog, kafkaLogDefaults, type LogConfig, type LogStorage, type PartitionLogOptions} from '../../../src/broker/log/index.js'
import {crc32c} from '../../../src/kafka/protocol/crc32c.js'
import {buildRecordBatch, decodeRecords, readRecordBatchHeader, splitRecordBatches, verifyRecordBatchCrc} from '../../../src/kafka/protocol/record-batch.js'

export interface StorageFixture {
  storage: LogStorage
  /** A fresh, empty directory for this test. */
  dataDir: string
  cleanup(): void
}

const T0 = 1_700_000_000_000

interface BatchOptions {
  records?: number
  valueBytes?: number
  timestampMs?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  /** Distinguishes values so reads can be checked record by record. */
  tag?: string
}

export function makeBatch(options: BatchOptions = {}): Buffer {
  const count = options.records ?? 3
  const valueBytes = options.valueBytes ?? 20
  const tag = options.tag ?? 'r'
  return buildRecordBatch({
    baseTimestamp: options.timestampMs ?? T0,
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    records: Array.from({length: count}, (_, i) => ({key: `k${i}`, value: `${tag}-${i}-`.padEnd(valueBytes, 'x'), timestampDelta: i})),
  })
}

function concat(chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks)
}

/** Every record readable from `from`, decoded, with batch CRCs checked. */
export function readAll(log: PartitionLog, from = log.logStartOffset): {offset: number; value: string}[] {
  const out: {offset: number; value: string}[] = []
  let next = from
  while (next < log.logEndOffset) {
    const result = log.read(next, 64 * 1024)
    if (!result.ok) throw new Error(result.message)
    const bytes = concat(result.chunks)
    const split = splitRecordBatches(bytes)
    if (!split.ok) throw new Error(split.message)
    for (const batch of split.batches) {
      for (const record of decodeRecords(bytes, batch.position)) {
        if (record.offset >= next) out.push({offset: record.offset, value: record.value!.toString()})
      }
      next = batch.baseOffset + batch.lastOffsetDelta + 1
    }
  }
  return out
}

const smallConfig: LogConfig = {...kafkaLogDefaults, segmentBytes: 1000, indexIntervalBytes: 100}

export function runLogConformance(kind: string, makeFixture: () => StorageFixture): void {
  describe(`broker log on ${kind} storage`, () => {
    let fixture: StorageFixture
    let dir: string
    const opened: PartitionLog[] = []

    beforeEach(() => {
      fixture = makeFixture()
      dir = path.join(fixture.dataDir, 'orders-0')
    })
    afterEach(() => {
      vi.useRealTimers()
      fixture.cleanup()
      opened.length = 0
    })

    const open = (options: Partial<PartitionLogOptions> = {}): PartitionLog => {
      const log = PartitionLog.open({storage: fixture.storage, dir, config: smallConfig, nowMs: T0, ...options})
      opened.push(log)
      return log
    }
    const segmentFile = (base: number, suffix: string): string => path.join(dir, `${String(base).padStart(20, '0')}${suffix}`)

    describe('append and read', () => {
      it('assigns consecutive offsets in place and stores the batch bytes as sent', () => {
        const log = open()
        const first = makeBatch({records: 3})
        const r1 = log.append(first)
        expect(r1).toMatchObject({ok: true, baseOffset: 0, lastOffset: 2, logAppendTimeMs: -1, duplicate: false})
        const second = makeBatch({records: 2, tag: 's'})
        expect(log.append(second)).toMatchObject({ok: true, baseOffset: 3, lastOffset: 4})
        expect(readRecordBatchHeader(second).baseOffset).toBe(3) // patched in the caller's buffer
        expect(readRecordBatchHeader(second).partitionLeaderEpoch).toBe(0)
        expect(log.logEndOffset).toBe(5)
        const read = log.read(0, 1 << 20)
        expect(read.ok && concat(read.chunks).equals(Buffer.concat([first, second]))).toBe(true)
        expect(readAll(log).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4])
        expect(log.sizeBytes).toBe(first.length + second.length)
      })

      it('appends several batches given in one records field with a single result', () => {
        const log = open()
        const result = log.append(Buffer.concat([makeBatch({records: 2}), makeBatch({records: 4})]))
        expect(result).toMatchObject({ok: true, baseOffset: 0, lastOffset: 5})
        const read = log.read(2, 1 << 20)
        expect(read.ok && splitRecordBatches(concat(read.chunks)).ok).toBe(true)
        expect(readAll(log, 2).map((r) => r.offset)).toEqual([2, 3, 4, 5])
      })

      it('returns the whole batch holding the fetch offset, whole batches up to maxBytes, and an oversized first batch whole', () => {
        const log = open({config: {...smallConfig, segmentBytes: 1 << 20}})
        const sizes: number[] = []
        for (let i = 0; i < 5; i++) {
          const batch = makeBatch({records: 4, valueBytes: 30})
          sizes.push(batch.length)
          log.append(batch)
        }
        const mid = log.read(6, 1 << 20) // offset 6 lives in the second batch (4-7)
        expect(mid.ok && readRecordBatchHeader(concat(mid.chunks)).baseOffset).toBe(4)
        const twoBatches = log.read(0, sizes[0] + sizes[1] + 10)
        expect(twoBatches.ok && twoBatches.sizeBytes).toBe(sizes[0] + sizes[1])
        const tiny = log.read(8, 10)
        expect(tiny.ok && tiny.sizeBytes).toBe(sizes[2])
        expect(tiny.ok && verifyRecordBatchCrc(concat(tiny.chunks))).toBe(true)
      })

      it('answers at the log end with no data and outside [start, end] with OFFSET_OUT_OF_RANGE', () => {
        const log = open()
        log.append(makeBatch({records: 3}))
        expect(log.read(3, 1000)).toMatchObject({ok: true, chunks: [], sizeBytes: 0, logEndOffset: 3})
        expect(log.read(4, 1000)).toMatchObject({ok: false, error: 'OFFSET_OUT_OF_RANGE', logStartOffset: 0, logEndOffset: 3})
        expect(log.read(-1, 1000)).toMatchObject({ok: false, error: 'OFFSET_OUT_OF_RANGE'})
      })

      it('rejects corrupt, legacy, oversized and inconsistent batches without writing anything', () => {
        const log = open({config: {...smallConfig, maxMessageBytes: 300}})
        const corrupt = makeBatch()
        corrupt[corrupt.length - 1] ^= 1
        expect(log.append(corrupt)).toMatchObject({ok: false, error: 'CORRUPT_MESSAGE'})
        const legacy = makeBatch()
        legacy.writeInt8(1, 16)
        expect(log.append(legacy)).toMatchObject({ok: false, error: 'UNSUPPORTED_FOR_MESSAGE_FORMAT'})
        expect(log.append(makeBatch({records: 20}))).toMatchObject({ok: false, error: 'MESSAGE_TOO_LARGE'})
        const control = makeBatch()
        control.writeInt16BE(0x20, 21)
        expect(log.append(fixCrc(control))).toMatchObject({ok: false, error: 'INVALID_RECORD'})
        const inconsistent = makeBatch({records: 3})
        inconsistent.writeInt32BE(5, 23)
        expect(log.append(fixCrc(inconsistent))).toMatchObject({ok: false, error: 'INVALID_RECORD'})
        expect(log.logEndOffset).toBe(0)
        expect(log.sizeBytes).toBe(0)
      })

      it('rejects CreateTime batches outside message.timestamp.before/after.max.ms with INVALID_TIMESTAMP', () => {
        const log = open({config: {...smallConfig, timestampBeforeMaxMs: 60_000}})
        expect(log.append(makeBatch({timestampMs: T0 + 3_600_001}), {nowMs: T0})).toMatchObject({ok: false, error: 'INVALID_TIMESTAMP'})
        expect(log.append(makeBatch({timestampMs: T0 - 60_001}), {nowMs: T0})).toMatchObject({ok: false, error: 'INVALID_TIMESTAMP'})
        expect(log.append(makeBatch({timestampMs: T0 + 3_599_000}), {nowMs: T0})).toMatchObject({ok: true})
        expect(log.append(makeBatch({timestampMs: T0 - 59_000}), {nowMs: T0})).toMatchObject({ok: true})
        expect(log.logEndOffset).toBe(6)
      })

      it('stamps LogAppendTime topics with the broker time and a fresh CRC', () => {
        const log = open({config: {...smallConfig, timestampType: 'LogAppendTime'}})
        const result = log.append(makeBatch({timestampMs: 5}), {nowMs: T0 + 77})
        expect(result).toMatchObject({ok: true, logAppendTimeMs: T0 + 77})
        const read = log.read(0, 1000)
        const stored = concat(read.ok ? read.chunks : [])
        expect(readRecordBatchHeader(stored)).toMatchObject({timestampType: 'LogAppendTime', maxTimestamp: T0 + 77})
        expect(verifyRecordBatchCrc(stored)).toBe(true)
      })

      it('flushes rolled and active segments in the background while appends go on', async () => {
        const log = open()
        for (let i = 0; i < 8; i++) log.append(makeBatch({records: 3, valueBytes: 50}))
        expect(log.segmentCount).toBeGreaterThan(1)
        const flushing = log.flush()
        expect(log.append(makeBatch({records: 1})).ok).toBe(true) // the event loop is not held
        await flushing
        await log.flush() // the append made during the flush
        expect(readAll(log)).toHaveLength(25)
      })

      it('notifies onAppend listeners with the new log end, and stops after unsubscribe', () => {
        const log = open()
        const seen: number[] = []
        const unsubscribe = log.onAppend((end) => seen.push(end))
        log.append(makeBatch({records: 2}))
        log.append(makeBatch({records: 1}))
        unsubscribe()
        log.append(makeBatch({records: 1}))
        expect(seen).toEqual([2, 3])
      })
    })

    describe('segments and indexes', () => {
      it('rolls by segment.bytes into files named by 20-digit base offset, and reads across them', () => {
        const log = open()
        for (let i = 0; i < 12; i++) log.append(makeBatch({records: 3, valueBytes: 50, tag: `b${i}`}))
        expect(log.segmentCount).toBeGreaterThan(2)
        for (const base of log.segmentBaseOffsets) {
          expect(fixture.storage.exists(segmentFile(base, '.log'))).toBe(true)
          expect(fixture.storage.exists(segmentFile(base, '.index'))).toBe(true)
          expect(fixture.storage.exists(segmentFile(base, '.timeindex'))).toBe(true)
        }
        const all = readAll(log)
        expect(all.map((r) => r.offset)).toEqual(Array.from({length: 36}, (_, i) => i))
        expect(all[35].value).toMatch(/^b11-2-/)
        // A fetch with room for everything crosses segment boundaries.
        const whole = log.read(0, 1 << 20)
        expect(whole.ok && whole.sizeBytes).toBe(log.sizeBytes)
      })

      it('rolls by segment.ms: incoming record time against the first batch, never an empty segment', () => {
        const log = open({config: {...smallConfig, segmentBytes: 1 << 20, segmentMs: 60_000}})
        log.append(makeBatch({timestampMs: T0}), {nowMs: T0})
        log.append(makeBatch({timestampMs: T0 + 30_000}), {nowMs: T0 + 30_000})
        expect(log.segmentCount).toBe(1)
        log.append(makeBatch({timestampMs: T0 + 60_003}), {nowMs: T0})
        expect(log.segmentBaseOffsets).toEqual([0, 6])
        log.append(makeBatch({timestampMs: T0 + 70_000}), {nowMs: T0 + 70_000})
        expect(log.segmentCount).toBe(2)
      })

      it('finds every offset through the sparse offset index', () => {
        const log = open({config: {...smallConfig, segmentBytes: 1 << 20}})
        for (let i = 0; i < 40; i++) log.append(makeBatch({records: 2, valueBytes: 40}))
        expect(fixture.storage.open(segmentFile(0, '.index')).size()).toBeGreaterThan(8 * 5)
        for (let offset = 0; offset < 80; offset++) {
          const read = log.read(offset, 1)
          const header = readRecordBatchHeader(concat(read.ok ? read.chunks : []))
          expect(header.baseOffset).toBeLessThanOrEqual(offset)
          expect(header.baseOffset + header.lastOffsetDelta).toBeGreaterThanOrEqual(offset)
        }
      })

      it('answers ListOffsets by timestamp and by max timestamp through the time index', () => {
        const log = open()
        for (let i = 0; i < 20; i++) log.append(makeBatch({records: 3, timestampMs: T0 + i * 1000})) // record ts: +0,+1,+2
        expect(log.segmentCount).toBeGreaterThan(1)
        expect(log.offsetForTimestamp(0)).toEqual({offset: 0, timestampMs: T0})
        expect(log.offsetForTimestamp(T0 + 7001)).toEqual({offset: 22, timestampMs: T0 + 7001})
        expect(log.offsetForTimestamp(T0 + 7003)).toEqual({offset: 24, timestampMs: T0 + 8000})
        expect(log.offsetForTimestamp(T0 + 19_003)).toBeUndefined()
        expect(log.maxTimestampOffset()).toEqual({offset: 59, timestampMs: T0 + 19_002})
        // Timestamps need not grow: the max is found wherever it is.
        log.append(makeBatch({records: 1, timestampMs: T0 + 50_000}))
        log.append(makeBatch({records: 1, timestampMs: T0 + 100}))
        expect(log.maxTimestampOffset()).toEqual({offset: 60, timestampMs: T0 + 50_000})
      })

      it('keeps indexes and lookups across a clean restart', () => {
        let log = open()
        for (let i = 0; i < 15; i++) log.append(makeBatch({records: 3, timestampMs: T0 + i}))
        const before = {end: log.logEndOffset, bases: log.segmentBaseOffsets, bytes: log.sizeBytes, all: readAll(log)}
        log.close()
        log = open()
        expect(log.truncatedBytesOnOpen).toBe(0)
        expect({end: log.logEndOffset, bases: log.segmentBaseOffsets, bytes: log.sizeBytes, all: readAll(log)}).toEqual(before)
        expect(log.offsetForTimestamp(T0 + 9)).toEqual({offset: 23, timestampMs: T0 + 9})
        expect(log.append(makeBatch())).toMatchObject({ok: true, baseOffset: before.end})
      })

      it('rebuilds missing or damaged indexes on open', () => {
        let log = open()
        for (let i = 0; i < 15; i++) log.append(makeBatch({records: 3, timestampMs: T0 + i}))
        const bases = log.segmentBaseOffsets
        const expected = readAll(log)
        log.close()
        fixture.storage.remove(segmentFile(bases[0], '.index'))
        fixture.storage.open(segmentFile(bases[1], '.timeindex')).truncate(5)
        const garbage = fixture.storage.open(segmentFile(bases.at(-1)!, '.index'))
        garbage.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]), 0)
        log = open()
        expect(readAll(log)).toEqual(expected)
        expect(log.offsetForTimestamp(T0 + 14)).toEqual({offset: 38, timestampMs: T0 + 14})
        expect(fixture.storage.open(segmentFile(bases[0], '.index')).size() % 8).toBe(0)
      })
    })

    describe('retention', () => {
      it('deletes whole segments past retention.ms by their newest timestamp, oldest first', () => {
        const log = open({config: {...smallConfig, retentionMs: 10_000}})
        for (let i = 0; i < 20; i++) log.append(makeBatch({records: 3, valueBytes: 50, timestampMs: T0 + i * 1000}))
        const bases = log.segmentBaseOffsets
        expect(bases.length).toBeGreaterThan(3)
        // At T0+14.5s, batches older than T0+4.5s are expired: only segments whose newest batch is that old go.
        const deleted = log.enforceRetention(T0 + 14_500)
        expect(deleted).toBeGreaterThan(0)
        expect(log.segmentBaseOffsets).toEqual(bases.slice(deleted))
        expect(log.logStartOffset).toBe(bases[deleted])
        expect(fixture.storage.exists(segmentFile(bases[0], '.log'))).toBe(false)
        expect(log.read(0, 100)).toMatchObject({ok: false, error: 'OFFSET_OUT_OF_RANGE'})
        expect(readAll(log)[0].offset).toBe(bases[deleted])
      })

      it('deletes the non-empty active segment too when all data expired, and keeps offsets growing', () => {
        const log = open({config: {...smallConfig, retentionMs: 1000}})
        for (let i = 0; i < 8; i++) log.append(makeBatch({records: 3, valueBytes: 50, timestampMs: T0}))
        const end = log.logEndOffset
        log.enforceRetention(T0 + 5000)
        expect(log.segmentBaseOffsets).toEqual([end])
        expect(log.logStartOffset).toBe(end)
        expect(log.sizeBytes).toBe(0)
        expect(log.append(makeBatch({timestampMs: T0 + 5000}))).toMatchObject({ok: true, baseOffset: end})
        // An empty active segment is never deleted.
        expect(log.enforceRetention(T0 + 1e9)).toBe(1)
        expect(log.enforceRetention(T0 + 2e9)).toBe(0)
        expect(log.logEndOffset).toBe(end + 3)
      })

      it('deletes oldest segments while the log stays at or above retention.bytes without them', () => {
        const log = open({config: {...smallConfig, retentionBytes: 1500}})
        const batchBytes = makeBatch({records: 3, valueBytes: 50}).length
        for (let i = 0; i < 12; i++) log.append(makeBatch({records: 3, valueBytes: 50}))
        // Segments roll at 1000 bytes, so each full one holds the same number of batches.
        const segmentBytes = Math.floor(1000 / batchBytes) * batchBytes
        const total = 12 * batchBytes
        const expectedDeleted = Math.floor((total - 1500) / segmentBytes)
        expect(expectedDeleted).toBeGreaterThan(0)
        expect(log.enforceRetention(T0)).toBe(expectedDeleted)
        expect(log.sizeBytes).toBe(total - expectedDeleted * segmentBytes)
        expect(log.sizeBytes - segmentBytes).toBeLessThan(1500) // one more would go below the limit
        expect(log.enforceRetention(T0)).toBe(0)
      })

      it('deleteRecordsBefore moves the log start, drops segments below it, and survives restart', () => {
        let log = open()
        for (let i = 0; i < 12; i++) log.append(makeBatch({records: 3, valueBytes: 50}))
        const bases = log.segmentBaseOffsets
        const target = bases[2] + 1
        expect(log.deleteRecordsBefore(target)).toEqual({ok: true, lowWatermark: target})
        expect(log.segmentBaseOffsets[0]).toBe(bases[2])
        expect(log.read(target - 1, 100)).toMatchObject({ok: false, error: 'OFFSET_OUT_OF_RANGE'})
        const read = log.read(target, 100)
        expect(read.ok && readRecordBatchHeader(concat(read.chunks)).baseOffset).toBe(bases[2]) // whole batch; clients skip
        expect(log.deleteRecordsBefore(2)).toEqual({ok: true, lowWatermark: target}) // never moves back
        expect(log.deleteRecordsBefore(log.logEndOffset + 1)).toMatchObject({ok: false, error: 'OFFSET_OUT_OF_RANGE'})
        log.close()
        log = open()
        expect(log.logStartOffset).toBe(target)
        expect(log.deleteRecordsBefore(-1)).toEqual({ok: true, lowWatermark: 36})
        expect(log.read(35, 100)).toMatchObject({ok: false, error: 'OFFSET_OUT_OF_RANGE'})
        expect(log.append(makeBatch())).toMatchObject({ok: true, baseOffset: 36})
      })
    })

    describe('crash recovery', () => {
      const fillForCrash = (): {log: PartitionLog; batches: Buffer[]} => {
        const log = open({config: {...smallConfig, segmentBytes: 1 << 20}})
        const batches: Buffer[] = []
        for (let i = 0; i < 10; i++) {
          const b = makeBatch({records: 4, tag: `c${i}`})
          log.append(b)
          batches.push(b)
        }
        return {log, batches}
      }
      const reopenAfterCrash = (): PartitionLog => open({config: {...smallConfig, segmentBytes: 1 << 20}, recover: true})

      it('truncates a batch torn mid-write and continues offsets after the last whole batch', () => {
        const {batches} = fillForCrash()
        const sizeOfNine = batches.slice(0, 9).reduce((n, b) => n + b.length, 0)
        fixture.storage.open(segmentFile(0, '.log')).truncate(sizeOfNine + 30)
        const log = reopenAfterCrash()
        expect(log.truncatedBytesOnOpen).toBe(30)
        expect(log.logEndOffset).toBe(36)
        expect(readAll(log).map((r) => r.value.slice(0, 5))).toEqual(batches.slice(0, 9).flatMap((_, i) => [0, 1, 2, 3].map((j) => `c${i}-${j}-`)))
        expect(log.append(makeBatch({records: 1}))).toMatchObject({ok: true, baseOffset: 36})
      })

      it('truncates garbage appended after the last batch', () => {
        fillForCrash()
        const file = fixture.storage.open(segmentFile(0, '.log'))
        file.write(Buffer.from('this is not a record batch, just noise from a torn write'), file.size())
        const log = reopenAfterCrash()
        expect(log.logEndOffset).toBe(40)
        expect(readAll(log)).toHaveLength(40)
        expect(log.append(makeBatch({records: 2}))).toMatchObject({ok: true, baseOffset: 40})
      })

      it('truncates a last batch whose CRC fails', () => {
        const {batches} = fillForCrash()
        const file = fixture.storage.open(segmentFile(0, '.log'))
        const lastByte = file.size() - 1
        const flipped = file.read(lastByte, 1)
        flipped[0] ^= 0xff
        file.write(flipped, lastByte)
        const log = reopenAfterCrash()
        expect(log.truncatedBytesOnOpen).toBe(batches[9].length)
        expect(log.logEndOffset).toBe(36)
      })

      it('a crash with an intact tail loses nothing', () => {
        fillForCrash()
        const log = reopenAfterCrash()
        expect(log.truncatedBytesOnOpen).toBe(0)
        expect(log.logEndOffset).toBe(40)
      })
    })

    describe('idempotent producers', () => {
      const produce = (log: PartitionLog, baseSequence: number, records = 2, producerEpoch = 0, producerId = 1000) =>
        log.append(makeBatch({records, producerId, producerEpoch, baseSequence}))

      it('acknowledges a retry of any of the last five batches with its original offsets and writes nothing', () => {
        const log = open({config: {...smallConfig, segmentBytes: 1 << 20}})
        for (let i = 0; i < 6; i++) expect(produce(log, i * 2)).toMatchObject({ok: true, baseOffset: i * 2, duplicate: false})
        const size = log.sizeBytes
        for (let i = 1; i < 6; i++) {
          expect(produce(log, i * 2)).toEqual({ok: true, baseOffset: i * 2, lastOffset: i * 2 + 1, logAppendTimeMs: -1, logStartOffset: 0, duplicate: true})
        }
        expect(log.sizeBytes).toBe(size)
        expect(log.logEndOffset).toBe(12)
        // The oldest batch is no longer remembered: its retry is out of sequence.
        expect(produce(log, 0)).toMatchObject({ok: false, error: 'OUT_OF_ORDER_SEQUENCE_NUMBER'})
      })

      it('rejects a sequence gap, an older epoch, and a new epoch not starting at 0', () => {
        const log = open()
        expect(produce(log, 0, 3, 2)).toMatchObject({ok: true})
        expect(produce(log, 4, 1, 2)).toMatchObject({ok: false, error: 'OUT_OF_ORDER_SEQUENCE_NUMBER'})
        expect(produce(log, 3, 1, 1)).toMatchObject({ok: false, error: 'INVALID_PRODUCER_EPOCH'})
        expect(produce(log, 5, 1, 3)).toMatchObject({ok: false, error: 'OUT_OF_ORDER_SEQUENCE_NUMBER'})
        expect(produce(log, 0, 1, 3)).toMatchObject({ok: true, baseOffset: 3})
        expect(log.producerEntry(1000)).toMatchObject({epoch: 3, batches: [{firstSeq: 0, lastSeq: 0, firstOffset: 3}]})
        expect(log.logEndOffset).toBe(4)
      })

      it('accepts any first sequence from an unknown producer and skips checks for producer id -1', () => {
        const log = open()
        expect(produce(log, 17, 1, 0, 5)).toMatchObject({ok: true})
        expect(produce(log, 18, 1, 0, 5)).toMatchObject({ok: true})
        for (let i = 0; i < 3; i++) expect(log.append(makeBatch({records: 1}))).toMatchObject({ok: true, duplicate: false})
        expect(log.logEndOffset).toBe(5)
      })

      it('keeps producer state across a clean restart and across a crash', () => {
        let log = open()
        produce(log, 0)
        produce(log, 2)
        log.close()
        log = open()
        expect(produce(log, 2)).toMatchObject({ok: true, baseOffset: 2, duplicate: true})
        expect(produce(log, 6)).toMatchObject({ok: false, error: 'OUT_OF_ORDER_SEQUENCE_NUMBER'})
        expect(produce(log, 4)).toMatchObject({ok: true, baseOffset: 4})
        // Crash: no close, so no snapshot at the log end; the headers after the last snapshot are replayed.
        log = open({recover: true})
        expect(produce(log, 4)).toMatchObject({ok: true, baseOffset: 4, duplicate: true})
        expect(produce(log, 6)).toMatchObject({ok: true, baseOffset: 6, duplicate: false})
      })

      it('forgets producers whose batches were all deleted', () => {
        const log = open({config: {...smallConfig, segmentBytes: 1 << 20}})
        produce(log, 0)
        log.append(makeBatch({records: 2}))
        log.deleteRecordsBefore(3)
        expect(log.producerEntry(1000)).toBeUndefined()
        expect(produce(log, 40)).toMatchObject({ok: true, baseOffset: 4})
      })
    })

    describe('topics (LogManager)', () => {
      const openManager = (defaults = {}): LogManager =>
        LogManager.open({dataDir: fixture.dataDir, storage: fixture.storage, defaults: {segmentBytes: 1000, indexIntervalBytes: 100, ...defaults}})

      it('creates topics with partitions, ids and configs, and finds them again after restart', () => {
        let manager = openManager()
        const created = manager.createTopic({name: 'orders', partitions: 3, configs: {'retention.ms': '60000', 'compression.type': 'producer'}})
        expect(created.ok).toBe(true)
        if (!created.ok) return
        expect(created.topic.topicId).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
        expect(Buffer.from(created.topic.topicId, 'base64url')).toHaveLength(16)
        manager.partition('orders', 2)!.append(makeBatch({records: 5}))
        expect(manager.topicConfig('orders')).toMatchObject({retentionMs: 60_000, segmentBytes: 1000, timestampAfterMaxMs: 3_600_000})
        expect(fixture.storage.readText(path.join(fixture.dataDir, 'orders-1', 'partition.metadata'))).toBe(`version: 0\ntopic_id: ${created.topic.topicId}\n`)
        manager.close()
        manager = openManager()
        expect(manager.recoveredUncleanShutdown).toBe(false)
        expect(manager.topics()).toEqual([created.topic])
        expect(manager.topicById(created.topic.topicId)?.name).toBe('orders')
        expect(manager.partition('orders', 2)!.logEndOffset).toBe(5)
        expect(manager.partition('orders', 3)).toBeUndefined()
        manager.close()
      })

      it('answers bad requests with Kafka error names', () => {
        const manager = openManager()
        manager.createTopic({name: 'a', partitions: 1})
        expect(manager.createTopic({name: 'a', partitions: 1})).toMatchObject({ok: false, error: 'TOPIC_ALREADY_EXISTS'})
        expect(manager.createTopic({name: 'bad name', partitions: 1})).toMatchObject({ok: false, error: 'INVALID_TOPIC_EXCEPTION'})
        expect(manager.createTopic({name: '..', partitions: 1})).toMatchObject({ok: false, error: 'INVALID_TOPIC_EXCEPTION'})
        manager.createTopic({name: 'metrics.in', partitions: 1})
        expect(manager.createTopic({name: 'metrics_in', partitions: 1})).toMatchObject({ok: false, error: 'INVALID_TOPIC_EXCEPTION'})
        expect(manager.createTopic({name: 'b', partitions: 0})).toMatchObject({ok: false, error: 'INVALID_PARTITIONS'})
        expect(manager.createTopic({name: 'b', partitions: 1, configs: {'cleanup.policy': 'compress'}})).toMatchObject({
          ok: false,
          error: 'INVALID_CONFIG',
          message: expect.stringMatching(/compress is not compact or delete/),
        })
        expect(manager.createTopic({name: 'b', partitions: 1, configs: {'segment.bytes': '1000'}})).toMatchObject({ok: false, error: 'INVALID_CONFIG'})
        expect(manager.createTopic({name: 'b', partitions: 1, configs: {'retention.ms': 'soon'}})).toMatchObject({ok: false, error: 'INVALID_CONFIG'})
        expect(manager.createTopic({name: 'b', partitions: 2}, {validateOnly: true})).toMatchObject({ok: true})
        expect(manager.topic('b')).toBeUndefined()
        expect(manager.deleteTopic('nope')).toMatchObject({ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION'})
        expect(manager.createPartitions('a', 1)).toMatchObject({ok: false, error: 'INVALID_PARTITIONS'})
        manager.close()
      })

      it('deletes a topic and its directories; a new topic of the same name starts empty', () => {
        const manager = openManager()
        manager.createTopic({name: 'gone', partitions: 2})
        manager.partition('gone', 0)!.append(makeBatch({records: 3}))
        expect(manager.deleteTopic('gone').ok).toBe(true)
        expect(fixture.storage.exists(path.join(fixture.dataDir, 'gone-0'))).toBe(false)
        expect(manager.topics()).toEqual([])
        manager.createTopic({name: 'gone', partitions: 1})
        expect(manager.partition('gone', 0)!.logEndOffset).toBe(0)
        manager.close()
      })

      it('adds partitions and alters configs, applying them to the open logs and after restart', () => {
        let manager = openManager()
        manager.createTopic({name: 't', partitions: 1})
        expect(manager.createPartitions('t', 3)).toMatchObject({ok: true, topic: {partitions: 3}})
        expect(manager.partition('t', 2)!.append(makeBatch()).ok).toBe(true)
        expect(manager.setTopicConfigs('t', {'max.message.bytes': '100'})).toMatchObject({ok: true})
        expect(manager.partition('t', 0)!.append(makeBatch())).toMatchObject({ok: false, error: 'MESSAGE_TOO_LARGE'})
        manager.close()
        manager = openManager()
        expect(manager.topic('t')).toMatchObject({partitions: 3, configs: {'max.message.bytes': '100'}})
        expect(manager.partition('t', 1)!.append(makeBatch())).toMatchObject({ok: false, error: 'MESSAGE_TOO_LARGE'})
        manager.close()
      })

      it('runs retention on its own timer and stops it on close', () => {
        vi.useFakeTimers({now: T0})
        const manager = openManager({retentionMs: 60_000, retentionCheckIntervalMs: 30_000})
        manager.createTopic({name: 'r', partitions: 1})
        const log = manager.partition('r', 0)!
        for (let i = 0; i < 10; i++) log.append(makeBatch({records: 3, valueBytes: 50, timestampMs: T0}), {nowMs: T0})
        const end = log.logEndOffset
        vi.advanceTimersByTime(30_000)
        expect(log.logStartOffset).toBe(0)
        vi.advanceTimersByTime(60_000)
        expect(log.logStartOffset).toBe(end)
        manager.close()
        expect(vi.getTimerCount()).toBe(0)
      })

      it('recovers the tails after an unclean shutdown', () => {
        let manager = openManager({segmentBytes: 1 << 20})
        manager.createTopic({name: 'u', partitions: 1})
        for (let i = 0; i < 5; i++) manager.partition('u', 0)!.append(makeBatch({records: 2}))
        // Crash: the lock is released by the dead process, nothing else happens.
        fixture.storage.unlock(fixture.dataDir)
        const file = fixture.storage.open(path.join(fixture.dataDir, 'u-0', '00000000000000000000.log'))
        file.write(Buffer.alloc(40, 0xab), file.size())
        manager = openManager({segmentBytes: 1 << 20})
        expect(manager.recoveredUncleanShutdown).toBe(true)
        expect(manager.partition('u', 0)!.logEndOffset).toBe(10)
        expect(manager.partition('u', 0)!.truncatedBytesOnOpen).toBe(40)
        manager.close()
      })

      it('refuses a second broker on the same data dir with a clear KctlError', () => {
        const manager = openManager()
        expect(() => openManager()).toThrow(KctlError)
        expect(() => openManager()).toThrow(/unable to open data dir .*(another broker|locked)/)
        manager.close()
        openManager().close()
      })
    })
  })
}

// Recomputes the CRC of a deliberately altered test batch, so only the alteration is rejected.
function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17)
  return batch
}
