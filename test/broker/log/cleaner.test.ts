// The log cleaner on a disk log, driven pass by pass: latest record per key, offsets kept,
// tombstones and transaction markers stamped with a delete horizon (KIP-534) and removed after
// it, aborted transactions removed, the aborted-transaction index kept in step, a damaged batch
// that stops cleaning, several passes when the key map is small, and the crash files of an
// interrupted swap.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {LogCleaner, LogManager, type PartitionLog} from '../../../src/broker/log/index.js'
import {buildRecordBatch, decodeRecords, DELETE_HORIZON_BIT, readControlRecord, splitRecordBatches} from '../../../src/kafka/protocol/record-batch.js'

interface Read {
  offset: number
  key: string
  value: string | null
}


interface StoredBatch {
  baseOffset: number
  attributes: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  /** COMMIT or ABORT for a control batch. */
  marker?: string
  records: {offset: number; timestamp: number; key: string; value: string | null}[]
}

// Every stored batch as read back, markers included (the read_uncommitted view of the log).
function readBatches(log: PartitionLog): StoredBatch[] {
  const out: StoredBatch[] = []
  let next = log.logStartOffset
  while (next < log.logEndOffset) {
    const result = log.read(next, 256 * 1024)
    if (!result.ok) throw new Error(result.message)
    const bytes = Buffer.concat(result.chunks)
    const split = splitRecordBatches(bytes, {verifyCrc: true})
    if (!split.ok) throw new Error(split.message)
    if (split.batches.length === 0) break
    for (const batch of split.batches) {
      out.push({
        baseOffset: batch.baseOffset,
        attributes: batch.attributes,
        baseTimestamp: batch.baseTimestamp,
        maxTimestamp: batch.maxTimestamp,
        producerId: batch.producerId,
        marker: batch.isControl ? readControlRecord(bytes, batch.position)?.type : undefined,
        records: decodeRecords(bytes, batch.position).map((r) => ({offset: r.offset, timestamp: r.timestamp, key: r.key!.toString(), value: r.value === null ? null : r.value.toString()})),
      })
      next = batch.baseOffset + batch.lastOffsetDelta + 1
    }
  }
  return out
}

// Every record as read back, in offset order (the records of markers included).
function readRecords(log: PartitionLog): Read[] {
  return readBatches(log).flatMap((batch) => batch.records.map(({offset, key, value}) => ({offset, key, value})))
}

function expectOffsetsIncreasing(batches: StoredBatch[]): void {
  const offsets = batches.flatMap((batch) => batch.records.map((r) => r.offset))
  for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1])
}

// A cleaner over one partition with a clock the test moves.
function cleanerFor(manager: LogManager, topic: string, clock: {now: number}): LogCleaner {
  const log = manager.partition(topic, 0)!
  return new LogCleaner({storage: manager.storage, logs: () => [{topic, partition: 0, log}], backoffMs: 60_000, dedupeBufferBytes: 1 << 20, indexIntervalBytes: 4096, now: () => clock.now})
}

async function passes(cleaner: LogCleaner): Promise<number> {
  let count = 0
  while (await cleaner.runOnce()) count++
  return count
}

function latestByKey(records: Read[]): Map<string, string | null> {
  const latest = new Map<string, string | null>()
  for (const record of records) latest.set(record.key, record.value)
  return latest
}

let dataDir: string | undefined
let manager: LogManager | undefined
afterEach(() => {
  manager?.close()
  manager = undefined
  if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true})
})

function open(defaults: Parameters<typeof LogManager.open>[0]['defaults'] = {}): LogManager {
  dataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-cleaner-'))
  manager = LogManager.open({dataDir, defaults: {cleanerEnabled: false, ...defaults}})
  return manager
}

const compacted = {'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01', 'segment.ms': '50'}
const START = Date.now() - 3_600_000

// One batch per round: every key once, value "r<round>-<key>"; 100 ms of record time apart, so
// each round rolls a segment (segment.ms=50).
function appendRounds(log: PartitionLog, rounds: number, keys: number, from = 0): void {
  for (let round = from; round < from + rounds; round++) {
    const result = log.append(
      buildRecordBatch({baseTimestamp: START + round * 100, records: Array.from({length: keys}, (_, k) => ({key: `k${k}`, value: `r${round}-k${k}`}))}),
    )
    if (!result.ok) throw new Error(result.message)
  }
}

async function cleanUntilDone(manager: LogManager): Promise<number> {
  let passes = 0
  while (await manager.cleaner.runOnce()) passes++
  return passes
}

describe('log cleaner', () => {
  it('compacts 100 keys written 10,000 times to the latest value of each, keeping offsets', async () => {
    const manager = open()
    manager.createTopic({name: 'c', partitions: 1, configs: compacted})
    const log = manager.partition('c', 0)!
    appendRounds(log, 100, 100)
    // One more record in a new segment: everything above is now in closed segments.
    appendRounds(log, 1, 1, 1000)
    const before = readRecords(log)
    expect(before).toHaveLength(10_001)
    const logEnd = log.logEndOffset
    const sizeBefore = log.sizeBytes

    expect(await cleanUntilDone(manager)).toBeGreaterThanOrEqual(1)
    const after = readRecords(log)
    // k0's latest is in the active segment, which is never cleaned: its round-99 value stays too.
    expect(after).toHaveLength(101)
    expect(new Set(after.map((r) => r.key)).size).toBe(100)
    expect(latestByKey(after)).toEqual(latestByKey(before))
    for (let i = 1; i < after.length; i++) expect(after[i].offset).toBeGreaterThan(after[i - 1].offset)
    // Offsets are those the records had; nothing moved, the log end did not change.
    const original = new Map(before.map((r) => [r.offset, r.value]))
    for (const record of after) expect(original.get(record.offset)).toBe(record.value)
    expect(log.logEndOffset).toBe(logEnd)
    expect(log.sizeBytes).toBeLessThan(sizeBefore / 50)
    // A fetch from an offset the cleaner removed gets the next batch that is still there.
    const fromGap = log.read(5, 1024)
    expect(fromGap.ok && fromGap.chunks.length).toBeTruthy()
    expect(manager.cleanerStats('c', 0)).toMatchObject({dirtyRatio: 0})
    expect(manager.cleanerStats('c', 0)!.lastCleanedMs).toBeGreaterThan(0)

    // The compacted log survives a restart as it is.
    manager.close()
    const reopened = open()
    expect(readRecords(reopened.partition('c', 0)!)).toEqual(after)
  })

  it('cleans in several passes when the key map holds fewer keys than the dirty section has', async () => {
    // 24 bytes a key: room for 1000 slots, 900 keys at the 90 % load factor.
    const manager = open({cleanerDedupeBufferBytes: 24_000})
    manager.createTopic({name: 'many', partitions: 1, configs: compacted})
    const log = manager.partition('many', 0)!
    appendRounds(log, 3, 2000)
    appendRounds(log, 1, 1, 1000)
    const before = latestByKey(readRecords(log))
    const passes = await cleanUntilDone(manager)
    expect(passes).toBeGreaterThan(1)
    const after = readRecords(log)
    expect(latestByKey(after)).toEqual(before)
    expect(after).toHaveLength(2001)
  })

  it('stamps kept tombstones with a delete horizon on the first pass, timestamps unchanged, and drops them on a pass after it', async () => {
    const manager = open()
    const retentionMs = 600_000
    manager.createTopic({name: 't', partitions: 1, configs: {...compacted, 'delete.retention.ms': String(retentionMs)}})
    const log = manager.partition('t', 0)!
    appendRounds(log, 2, 10)
    const tombstone = (key: string, baseTimestamp: number) => buildRecordBatch({baseTimestamp, records: [{key, value: null}]})
    expect(log.append(tombstone('k0', START + 300)).ok).toBe(true)
    for (const key of ['k1', 'k2', 'k3']) expect(log.append(tombstone(key, Date.now() - 1000)).ok).toBe(true)
    // One batch with a tombstone and a value 7 ms later: the stamping rewrites both deltas.
    expect(log.append(buildRecordBatch({baseTimestamp: START + 400, records: [{key: 'k4', value: null}, {key: 'k5', value: 'v5', timestampDelta: 7}]})).ok).toBe(true)
    log.append(buildRecordBatch({baseTimestamp: Date.now() + 1000, records: [{key: 'roll', value: 'x'}]}))
    const timestampsBefore = new Map(readBatches(log).flatMap((b) => b.records.map((r) => [r.offset, r.timestamp])))
    const maxTimestampsBefore = new Map(readBatches(log).map((b) => [b.baseOffset, b.maxTimestamp]))

    const clock = {now: Date.now()}
    const cleaner = cleanerFor(manager, 't', clock)
    expect(await passes(cleaner)).toBe(1)
    const first = readBatches(log)
    const horizon = clock.now + retentionMs
    const withTombstones = first.filter((b) => b.records.some((r) => r.value === null))
    expect(withTombstones.flatMap((b) => b.records.map((r) => r.key)).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5'])
    for (const batch of withTombstones) {
      expect(batch.attributes & DELETE_HORIZON_BIT).toBe(DELETE_HORIZON_BIT)
      expect(batch.baseTimestamp).toBe(horizon)
      expect(batch.maxTimestamp).toBe(maxTimestampsBefore.get(batch.baseOffset))
    }
    for (const batch of first.filter((b) => !withTombstones.includes(b))) expect(batch.attributes & DELETE_HORIZON_BIT).toBe(0)
    for (const record of first.flatMap((b) => b.records)) expect(record.timestamp).toBe(timestampsBefore.get(record.offset))
    expectOffsetsIncreasing(first)

    // Nothing is due before the horizon, not even 1 ms before it ...
    clock.now = horizon - 1
    expect(await cleaner.runOnce()).toBeUndefined()
    // ... and at the horizon the partition is cleaned although nothing new is dirty.
    clock.now = horizon
    expect(await passes(cleaner)).toBe(1)
    const after = readBatches(log)
    const latest = latestByKey(after.flatMap((b) => b.records))
    expect(['k0', 'k1', 'k2', 'k3', 'k4'].filter((k) => latest.has(k))).toEqual([])
    expect(latest.get('k5')).toBe('v5')
    expect(latest.get('k9')).toBe('r1-k9')
    for (const record of after.flatMap((b) => b.records)) expect(record.timestamp).toBe(timestampsBefore.get(record.offset))
    expectOffsetsIncreasing(after)
    expect(await cleaner.runOnce()).toBeUndefined()
  })

  it('keeps a compact-only topic\'s data whatever retention.ms says; compact,delete applies both', async () => {
    const manager = open()
    manager.createTopic({name: 'keep', partitions: 1, configs: {...compacted, 'retention.ms': '1000'}})
    manager.createTopic({name: 'both', partitions: 1, configs: {...compacted, 'cleanup.policy': 'compact,delete', 'retention.ms': '1000'}})
    for (const name of ['keep', 'both']) appendRounds(manager.partition(name, 0)!, 3, 5)
    manager.enforceRetention()
    expect(readRecords(manager.partition('keep', 0)!)).toHaveLength(15)
    expect(readRecords(manager.partition('both', 0)!).length).toBeLessThan(15)
  })

  it('finishes a committed swap (aborted-transaction index included) and drops an uncommitted one when the log opens again', async () => {
    const manager = open()
    manager.createTopic({name: 's', partitions: 1, configs: compacted})
    const log = manager.partition('s', 0)!
    appendRounds(log, 3, 2) // segments at 0, 2, 4
    expect(log.segmentBaseOffsets).toEqual([0, 2, 4])
    const dir = log.dir
    manager.close()
    // A crash after the rename to .swap: the swap (a copy of segment 0 here) replaces segments
    // 0 and 2, as its range file says; a crash before it leaves a segment in .cleaning/, which goes.
    const name = (base: number, suffix: string) => path.join(dir, `${String(base).padStart(20, '0')}${suffix}`)
    fs.copyFileSync(name(0, '.log'), name(0, '.log.swap'))
    fs.writeFileSync(name(0, '.log.swap.range'), '4')
    fs.mkdirSync(path.join(dir, '.cleaning'))
    fs.writeFileSync(path.join(dir, '.cleaning', '00000000000000000004.log'), 'half-written')
    // Segment 2's aborted-transaction index had an entry whose marker the cleaning removed: the
    // cleaned index (empty) replaces the files of both segments.
    const entry = Buffer.alloc(34)
    for (const [at, value] of [[2, 7n], [10, 2n], [18, 3n], [26, 4n]] as const) entry.writeBigInt64BE(value, at)
    fs.writeFileSync(name(2, '.txnindex'), entry)
    fs.writeFileSync(path.join(dir, '.cleaning', '00000000000000000000.txnindex'), Buffer.alloc(0))
    const reopened = open()
    const after = readRecords(reopened.partition('s', 0)!)
    expect(after.map((r) => r.value)).toEqual(['r0-k0', 'r0-k1', 'r2-k0', 'r2-k1'])
    expect(fs.readdirSync(dir).filter((f) => /cleaning|swap/.test(f))).toEqual([])
    expect(fs.existsSync(name(2, '.txnindex'))).toBe(false)
    expect(fs.statSync(name(0, '.txnindex')).size).toBe(0)
    expect(reopened.partition('s', 0)!.abortedTransactions(0, 6)).toEqual([])
  })

  it('stops a pass when the topic is deleted under it', async () => {
    const manager = open()
    manager.createTopic({name: 'gone', partitions: 1, configs: compacted})
    appendRounds(manager.partition('gone', 0)!, 50, 200)
    appendRounds(manager.partition('gone', 0)!, 1, 1, 1000)
    const pass = manager.cleaner.runOnce()
    manager.deleteTopic('gone')
    expect(await pass).toBeUndefined()
  })

  it('removes aborted transactions, keeps a marker while data of its transaction remains, and removes markers and index entries after the horizon', async () => {
    const manager = open()
    const retentionMs = 600_000
    manager.createTopic({name: 'txn', partitions: 1, configs: {...compacted, 'delete.retention.ms': String(retentionMs)}})
    const log = manager.partition('txn', 0)!
    expect(log.append(buildRecordBatch({baseTimestamp: START, records: [{key: 'a', value: 'plain-a'}, {key: 'b', value: 'plain-b'}, {key: 'c', value: 'plain-c'}]})).ok).toBe(true)
    const txnBatch = (producerId: number, baseSequence: number, baseTimestamp: number, records: {key: string; value: string}[]) =>
      buildRecordBatch({baseTimestamp, producerId, producerEpoch: 0, baseSequence, isTransactional: true, records})
    const marker = (producerId: number, type: 'COMMIT' | 'ABORT', nowMs: number) => log.appendMarker({producerId, producerEpoch: 0, type, coordinatorEpoch: 0}, {nowMs})
    // Producer 9 aborts a write of a, then commits one of b; producer 10 commits c, which a
    // plain write overwrites later.
    expect(log.append(txnBatch(9, 0, START + 100, [{key: 'a', value: 'aborted-a'}])).ok).toBe(true)
    expect(marker(9, 'ABORT', START + 110).ok).toBe(true)
    expect(log.append(txnBatch(9, 1, START + 200, [{key: 'b', value: 'committed-b'}])).ok).toBe(true)
    expect(marker(9, 'COMMIT', START + 210).ok).toBe(true)
    expect(log.append(txnBatch(10, 0, START + 300, [{key: 'c', value: 'committed-c'}])).ok).toBe(true)
    expect(marker(10, 'COMMIT', START + 310).ok).toBe(true)
    expect(log.append(buildRecordBatch({baseTimestamp: START + 400, records: [{key: 'c', value: 'plain-c2'}]})).ok).toBe(true)
    log.append(buildRecordBatch({baseTimestamp: Date.now() + 1000, records: [{key: 'roll', value: 'x'}]}))
    const abortedBefore = log.abortedTransactions(0, log.logEndOffset)
    expect(abortedBefore).toHaveLength(1)
    const timestampsBefore = new Map(readBatches(log).flatMap((b) => b.records.map((r) => [r.offset, r.timestamp])))

    const clock = {now: Date.now()}
    const cleaner = cleanerFor(manager, 'txn', clock)
    expect(await passes(cleaner)).toBe(1)
    const first = readBatches(log)
    const values = first.filter((b) => !b.marker).flatMap((b) => b.records)
    // The aborted write is gone and did not shadow plain-a; the committed one shadowed plain-b.
    expect(values.map((r) => r.value)).toEqual(['plain-a', 'committed-b', 'plain-c2', 'x'])
    const markers = first.filter((b) => b.marker).map((b) => ({producerId: b.producerId, marker: b.marker, stamped: (b.attributes & DELETE_HORIZON_BIT) !== 0, baseTimestamp: b.baseTimestamp}))
    const horizon = clock.now + retentionMs
    expect(markers).toEqual([
      {producerId: 9, marker: 'ABORT', stamped: true, baseTimestamp: horizon}, // its data went in this pass
      {producerId: 9, marker: 'COMMIT', stamped: false, baseTimestamp: START + 210}, // committed-b is still there
      {producerId: 10, marker: 'COMMIT', stamped: true, baseTimestamp: horizon}, // committed-c was overwritten
    ])
    expect(first.find((b) => b.records.some((r) => r.value === 'committed-b'))!.attributes & 0x10).toBe(0x10) // still transactional
    for (const record of first.flatMap((b) => b.records)) expect(record.timestamp).toBe(timestampsBefore.get(record.offset))
    expectOffsetsIncreasing(first)
    // The ABORT marker is still there, so is its index entry.
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual(abortedBefore)

    clock.now = horizon
    expect(await passes(cleaner)).toBe(1)
    const after = readBatches(log)
    expect(after.filter((b) => b.marker).map((b) => [b.producerId, b.marker])).toEqual([[9, 'COMMIT']])
    expect(after.flatMap((b) => b.records.filter(() => !b.marker).map((r) => r.value))).toEqual(['plain-a', 'committed-b', 'plain-c2', 'x'])
    expectOffsetsIncreasing(after)
    // Marker gone, index entry gone: in the open log and in its files after a restart.
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual([])
    const txnIndexBytes = fs.readdirSync(log.dir).filter((f) => f.endsWith('.txnindex')).reduce((sum, f) => sum + fs.statSync(path.join(log.dir, f)).size, 0)
    expect(txnIndexBytes).toBe(0)
    manager.close()
    const reopened = open()
    const again = reopened.partition('txn', 0)!
    expect(again.abortedTransactions(0, again.logEndOffset)).toEqual([])
    expect(readBatches(again)).toEqual(after)
  })

  it('does not clean past the last stable offset: an open transaction keeps its records and shadows nothing', async () => {
    const manager = open()
    manager.createTopic({name: 'open', partitions: 1, configs: compacted})
    const log = manager.partition('open', 0)!
    appendRounds(log, 2, 3)
    expect(log.append(buildRecordBatch({baseTimestamp: START + 250, producerId: 5, producerEpoch: 0, baseSequence: 0, isTransactional: true, records: [{key: 'k0', value: 'open'}]})).ok).toBe(true)
    appendRounds(log, 2, 3, 3)
    appendRounds(log, 1, 1, 1000)
    await cleanUntilDone(manager)
    // Rounds 0 and 1 lie below the open transaction and are cleaned among themselves only.
    const values = readRecords(log).map((r) => r.value)
    expect(values).toContain('open')
    expect(values.filter((v) => v!.startsWith('r1-'))).toEqual(['r1-k0', 'r1-k1', 'r1-k2'])
    expect(values.filter((v) => v!.startsWith('r0-'))).toEqual([])
    expect(values.filter((v) => v!.startsWith('r3-') || v!.startsWith('r4-'))).toHaveLength(6)
  })

  it('stops cleaning a partition at a batch that fails its CRC and leaves its segment untouched', async () => {
    const manager = open()
    manager.createTopic({name: 'bad', partitions: 1, configs: compacted})
    const log = manager.partition('bad', 0)!
    appendRounds(log, 3, 5)
    appendRounds(log, 1, 1, 1000)
    const file = path.join(log.dir, '00000000000000000000.log')
    const bytes = fs.readFileSync(file)
    bytes[bytes.length - 3] ^= 0xff // a value byte of the segment's only batch
    fs.writeFileSync(file, bytes)
    const warnings: string[] = []
    manager.cleaner.onUncleanable = (message) => warnings.push(message)
    expect(await manager.cleaner.runOnce()).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('bad-0')
    expect(warnings[0]).toContain(file)
    expect(warnings[0]).toContain('position 0')
    expect(fs.readFileSync(file)).toEqual(bytes)
    expect(log.segmentBaseOffsets).toEqual([0, 5, 10, 15])
    expect(fs.existsSync(path.join(log.dir, '.cleaning'))).toBe(false)
    // Skipped from now on (until a restart), without another report.
    expect(await manager.cleaner.runOnce()).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(fs.readFileSync(file)).toEqual(bytes)
  })

  it('leaves records younger than min.compaction.lag.ms alone, and cleans past max.compaction.lag.ms whatever the ratio', async () => {
    const manager = open()
    manager.createTopic({name: 'young', partitions: 1, configs: {...compacted, 'min.compaction.lag.ms': '3600000'}})
    manager.createTopic({name: 'lagging', partitions: 1, configs: compacted})
    const young = manager.partition('young', 0)!
    const now = Date.now()
    for (let round = 0; round < 3; round++) young.append(buildRecordBatch({baseTimestamp: now - 1000 + round * 100, records: [{key: 'a', value: String(round)}]}))
    const lagging = manager.partition('lagging', 0)!
    appendRounds(lagging, 3, 5)
    appendRounds(lagging, 1, 1, 1000)
    await cleanUntilDone(manager)
    expect(readRecords(young)).toHaveLength(3)
    expect(manager.cleanerStats('young', 0)!.lastCleanedMs).toBe(-1)
    // Now a clean part exists: a little new dirt stays below a ratio of 1 ...
    const strict = {...compacted, 'min.cleanable.dirty.ratio': '1'}
    manager.setTopicConfigs('lagging', strict)
    appendRounds(lagging, 1, 5, 2000)
    appendRounds(lagging, 1, 1, 3000)
    expect(await manager.cleaner.runOnce()).toBeUndefined()
    // ... until that dirt is older than max.compaction.lag.ms.
    manager.setTopicConfigs('lagging', {...strict, 'max.compaction.lag.ms': '1000'})
    expect(await manager.cleaner.runOnce()).toBeDefined()
  })
})
