// The log cleaner on a disk log, driven pass by pass: latest record per key, offsets kept,
// tombstones after delete.retention.ms, several passes when the key map is small, and the
// crash files of an interrupted swap.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {LogManager, type PartitionLog} from '../../../src/broker/log/index.js'
import {buildRecordBatch, decodeRecords, splitRecordBatches} from '../../../src/kafka/protocol/record-batch.js'

interface Read {
  offset: number
  key: string
  value: string | null
}

function readRecords(log: PartitionLog): Read[] {
  const out: Read[] = []
  let next = log.logStartOffset
  while (next < log.logEndOffset) {
    const result = log.read(next, 256 * 1024)
    if (!result.ok) throw new Error(result.message)
    const bytes = Buffer.concat(result.chunks)
    const split = splitRecordBatches(bytes, {verifyCrc: true})
    if (!split.ok) throw new Error(split.message)
    if (split.batches.length === 0) break
    for (const batch of split.batches) {
      for (const record of decodeRecords(bytes, batch.position)) {
        out.push({offset: record.offset, key: record.key!.toString(), value: record.value === null ? null : record.value.toString()})
      }
      next = batch.baseOffset + batch.lastOffsetDelta + 1
    }
  }
  return out
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

  it('drops tombstones once they are older than delete.retention.ms, keeps younger ones', async () => {
    const manager = open()
    manager.createTopic({name: 't', partitions: 1, configs: {...compacted, 'delete.retention.ms': '600000'}})
    const log = manager.partition('t', 0)!
    appendRounds(log, 2, 10)
    // Tombstones for k0..k4, one stamped 2 hours ago (past retention), four stamped now.
    const tombstone = (key: string, baseTimestamp: number) => buildRecordBatch({baseTimestamp, records: [{key, value: null}]})
    expect(log.append(tombstone('k0', START + 300)).ok).toBe(true)
    for (const key of ['k1', 'k2', 'k3', 'k4']) expect(log.append(tombstone(key, Date.now() - 1000)).ok).toBe(true)
    log.append(buildRecordBatch({baseTimestamp: Date.now() + 1000, records: [{key: 'roll', value: 'x'}]}))
    await cleanUntilDone(manager)
    const latest = latestByKey(readRecords(log))
    expect(latest.has('k0')).toBe(false)
    expect(['k1', 'k2', 'k3', 'k4'].map((k) => latest.get(k))).toEqual([null, null, null, null])
    expect(latest.get('k9')).toBe('r1-k9')
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

  it('finishes a committed swap and drops an uncommitted one when the log opens again', async () => {
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
    const reopened = open()
    const after = readRecords(reopened.partition('s', 0)!)
    expect(after.map((r) => r.value)).toEqual(['r0-k0', 'r0-k1', 'r2-k0', 'r2-k1'])
    expect(fs.readdirSync(dir).filter((f) => /cleaning|swap/.test(f))).toEqual([])
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

  it('keeps transactional batches, markers and the aborted-transaction index through cleaning and a restart', async () => {
    const manager = open()
    manager.createTopic({name: 'txn', partitions: 1, configs: compacted})
    const log = manager.partition('txn', 0)!
    appendRounds(log, 2, 3)
    const txn = log.append(
      buildRecordBatch({baseTimestamp: START + 250, producerId: 9, producerEpoch: 0, baseSequence: 0, isTransactional: true, records: [{key: 'k0', value: 'aborted'}]}),
    )
    expect(txn.ok).toBe(true)
    expect(log.appendMarker({producerId: 9, producerEpoch: 0, type: 'ABORT', coordinatorEpoch: 0}, {nowMs: START + 260}).ok).toBe(true)
    appendRounds(log, 3, 3, 3)
    appendRounds(log, 1, 1, 1000)
    const aborted = log.abortedTransactions(0, log.logEndOffset)
    expect(aborted).toHaveLength(1)
    await cleanUntilDone(manager)
    expect(readRecords(log).some((r) => r.value === 'aborted')).toBe(true)
    manager.close()
    const reopened = open()
    const again = reopened.partition('txn', 0)!
    expect(again.abortedTransactions(0, again.logEndOffset)).toEqual(aborted)
    expect(readRecords(again).filter((r) => r.value === 'aborted')).toHaveLength(1)
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
