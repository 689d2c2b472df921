// A batch the disk changed after a clean shutdown (bytes loaded without recovery's check):
// reads CRC-check it before serving it, end before it, fail at it, report it once, and the
// other readers of segment bytes (ListOffsets by timestamp) step over it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {DiskStorage, PartitionLog, kafkaLogDefaults} from '../../../src/broker/log/index.js'
import {segmentFileName} from '../../../src/broker/log/segment.js'
import {decodeRecords, splitRecordBatches} from '../../../src/kafka/protocol/record-batch.js'
import {makeBatch} from './log.case.js'

const T0 = 1_700_000_000_000
let dir = ''
afterEach(() => fs.rmSync(path.dirname(dir), {recursive: true, force: true}))

/** Ten batches of ten records (batch i holds offsets 10i..10i+9, timestamps T0+10i..; batches
 *  0-7 in the first segment, 8-9 in the active one), closed cleanly, then `damage` applied to
 *  batch `damaged`'s bytes in the first segment; reopened without recovery. */
function damagedLog(damaged: number, damage: (file: Buffer, position: number) => void): {log: PartitionLog; positions: number[]} {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-damaged-batch-')), 't-0')
  const storage = new DiskStorage()
  const config = {...kafkaLogDefaults, segmentBytes: 3000}
  const written = PartitionLog.open({storage, dir, config})
  for (let i = 0; i < 10; i++) expect(written.append(makeBatch({records: 10, tag: `b${i}`, timestampMs: T0 + 10 * i})).ok).toBe(true)
  expect(written.segmentBaseOffsets).toEqual([0, 80])
  written.close()
  const file = path.join(dir, segmentFileName(0, '.log'))
  const bytes = fs.readFileSync(file)
  const positions: number[] = []
  for (let position = 0; position < bytes.length; position += 12 + bytes.readInt32BE(position + 8)) positions.push(position)
  damage(bytes, positions[damaged])
  fs.writeFileSync(file, bytes)
  return {log: PartitionLog.open({storage, dir, config}), positions}
}

const flipRecordByte = (file: Buffer, position: number) => void (file[position + 70] ^= 0xff)

function offsetsIn(chunks: Buffer[]): number[] {
  const bytes = Buffer.concat(chunks)
  const split = splitRecordBatches(bytes)
  if (!split.ok) throw new Error(split.message)
  return split.batches.flatMap((batch) => decodeRecords(bytes, batch.position).map((record) => record.offset))
}

const range = (from: number, to: number) => Array.from({length: to - from}, (_, i) => from + i)

describe('a batch damaged on disk after a clean shutdown', () => {
  it('ends a read before it, fails a read at it (reported once), and serves the batches after it', () => {
    const {log, positions} = damagedLog(4, flipRecordByte)
    const before = log.read(0, 1 << 20)
    expect(before.ok && offsetsIn(before.chunks)).toEqual(range(0, 40))
    expect(before.corruptBatch).toEqual({file: path.join(dir, segmentFileName(0, '.log')), position: positions[4], offset: 40, resumeOffset: 50})
    const at = log.read(45, 1 << 20)
    expect(at).toMatchObject({ok: false, error: 'KAFKA_STORAGE_ERROR'})
    expect(at.corruptBatch).toBeUndefined() // once per segment
    const after = log.read(50, 1 << 20)
    expect(after.ok && offsetsIn(after.chunks)).toEqual(range(50, 100))
    // A second pass reads the same (the verified mark never covers the damaged batch).
    const again = log.read(0, 1 << 20)
    expect(again.ok && offsetsIn(again.chunks)).toEqual(range(0, 40))
    log.close()
  })

  it('fails a read at it when the first batch is larger than the read (the oversized-batch path)', () => {
    const {log} = damagedLog(0, flipRecordByte)
    expect(log.read(0, 20)).toMatchObject({ok: false, error: 'KAFKA_STORAGE_ERROR'})
    const next = log.read(10, 20)
    expect(next.ok && offsetsIn(next.chunks)).toEqual(range(10, 20))
    log.close()
  })

  it('treats a damaged length as damage: no read past it, no offset beyond it skipped to the next segment', () => {
    const {log} = damagedLog(3, (file, position) => file.writeInt32BE(0x7ffffff0, position + 8))
    const before = log.read(0, 1 << 20)
    expect(before.ok && offsetsIn(before.chunks)).toEqual(range(0, 30))
    for (const offset of [30, 35, 79]) expect(log.read(offset, 1 << 20)).toMatchObject({ok: false, error: 'KAFKA_STORAGE_ERROR'})
    const next = log.read(80, 1 << 20)
    expect(next.ok && offsetsIn(next.chunks)).toEqual(range(80, 100))
    log.close()
  })

  it('recovers the active segment when its tail cannot be walked, so no offset is handed out twice', () => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-damaged-batch-')), 't-0')
    const storage = new DiskStorage()
    const written = PartitionLog.open({storage, dir, config: kafkaLogDefaults})
    for (let i = 0; i < 5; i++) expect(written.append(makeBatch({records: 10, tag: `b${i}`})).ok).toBe(true)
    written.close()
    const file = path.join(dir, segmentFileName(0, '.log'))
    const bytes = fs.readFileSync(file)
    let position = 0
    for (let batch = 0; batch < 3; batch++) position += 12 + bytes.readInt32BE(position + 8)
    bytes.writeInt32BE(0x7ffffff0, position + 8)
    fs.writeFileSync(file, bytes)
    const log = PartitionLog.open({storage, dir, config: kafkaLogDefaults})
    expect(log.logEndOffset).toBe(30)
    expect(log.truncatedBytesOnOpen).toBe(bytes.length - position)
    const appended = log.append(makeBatch({records: 1, tag: 'after'}))
    expect(appended.ok && appended.baseOffset).toBe(30)
    const all = log.read(0, 1 << 20)
    expect(all.ok && offsetsIn(all.chunks)).toEqual(range(0, 31))
    log.close()
  })

  it('is stepped over by ListOffsets by timestamp', () => {
    const {log} = damagedLog(2, flipRecordByte)
    // Batch 2's records carry T0+20..T0+29: the first readable record at or after T0+21 is offset 30.
    expect(log.offsetForTimestamp(T0 + 21)).toEqual({offset: 30, timestampMs: T0 + 30})
    expect(log.offsetForTimestamp(T0 + 11)).toEqual({offset: 11, timestampMs: T0 + 11})
    log.close()
  })
})
