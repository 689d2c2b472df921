// The log's side of transactions, on disk: transactional batches hold the last stable offset
// at their first offset until the COMMIT/ABORT marker; markers are control batches as Kafka
// writes them; an ABORT goes into the segment's .txnindex; read_committed reads stop at the
// LSO; and all of it (open transactions, aborted ones) survives a clean close, a crash (open
// without close) and a lost .txnindex entry.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {DiskStorage, kafkaLogDefaults, PartitionLog} from '../../../src/broker/log/index.js'
import {buildRecordBatch, readControlRecord, readRecordBatchHeader, splitRecordBatches} from '../../../src/kafka/protocol/record-batch.js'

const config = {...kafkaLogDefaults, segmentBytes: 1 << 20, indexIntervalBytes: 100}
const txnBatch = (producerId: number, baseSequence: number, tag: string, records = 2) =>
  buildRecordBatch({producerId, producerEpoch: 0, baseSequence, isTransactional: true, records: Array.from({length: records}, (_, i) => ({value: `${tag}-${i}`}))})

describe('transactions in the partition log', () => {
  let dir: string
  const storage = new DiskStorage()
  const logs: PartitionLog[] = []
  const open = () => {
    const log = PartitionLog.open({storage, dir, config})
    logs.push(log)
    return log
  }
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-txn-log-'))
  })
  afterEach(() => {
    fs.rmSync(dir, {recursive: true, force: true})
    logs.length = 0
  })

  it('holds the LSO at the earliest open transaction and reads read_committed only below it', () => {
    const log = open()
    expect(log.append(buildRecordBatch({records: [{value: 'plain'}]})).ok).toBe(true) // offset 0
    log.append(txnBatch(7, 0, 'a')) // 1-2
    log.append(txnBatch(8, 0, 'b')) // 3-4
    expect(log.lastStableOffset).toBe(1)
    const committed = log.read(0, 1 << 20, {maxOffset: log.lastStableOffset})
    expect(committed.ok && splitRecordBatches(Buffer.concat(committed.chunks))).toMatchObject({batches: [{baseOffset: 0}]})
    expect(log.read(1, 1 << 20, {maxOffset: 1})).toMatchObject({ok: true, chunks: []})

    expect(log.appendMarker({producerId: 7, producerEpoch: 0, type: 'COMMIT', coordinatorEpoch: 0})).toMatchObject({ok: true, baseOffset: 5})
    expect(log.lastStableOffset).toBe(3)
    expect(log.appendMarker({producerId: 8, producerEpoch: 0, type: 'ABORT', coordinatorEpoch: 0})).toMatchObject({ok: true, baseOffset: 6})
    expect(log.lastStableOffset).toBe(7)
    expect(log.abortedTransactions(0, 7)).toEqual([{producerId: 8, firstOffset: 3, lastOffset: 6, lastStableOffset: 7}])
    expect(log.abortedTransactions(7, 7)).toEqual([])

    // The markers as Kafka writes them: control + transactional bits, baseSequence -1.
    const read = log.read(5, 1 << 20)
    const markers = read.ok ? Buffer.concat(read.chunks) : Buffer.alloc(0)
    const header = readRecordBatchHeader(markers, 0)
    expect(header).toMatchObject({baseOffset: 5, isControl: true, isTransactional: true, producerId: 7, producerEpoch: 0, baseSequence: -1, recordCount: 1})
    expect(readControlRecord(markers, 0)).toEqual({type: 'COMMIT', coordinatorEpoch: 0})
    expect(readControlRecord(markers, header.sizeBytes)).toEqual({type: 'ABORT', coordinatorEpoch: 0})
    expect(fs.readdirSync(dir)).toContain('00000000000000000000.txnindex')
    expect(fs.statSync(path.join(dir, '00000000000000000000.txnindex')).size).toBe(34)

    // Clients may not write control batches themselves.
    const forged = buildRecordBatch({records: [{value: 'x'}], producerId: 9, producerEpoch: 0, baseSequence: 0, isTransactional: true, isControl: true})
    expect(log.append(forged)).toMatchObject({ok: false, error: 'INVALID_RECORD'})
  })

  it('keeps open and aborted transactions across a clean close, a crash and a lost index entry', () => {
    const first = open()
    first.append(txnBatch(7, 0, 'aborted'))
    first.appendMarker({producerId: 7, producerEpoch: 0, type: 'ABORT', coordinatorEpoch: 0})
    first.append(txnBatch(8, 0, 'open')) // 3-4, left open
    first.close()

    const reopened = open()
    expect(reopened.lastStableOffset).toBe(3)
    expect(reopened.abortedTransactions(0, 10)).toEqual([{producerId: 7, firstOffset: 0, lastOffset: 2, lastStableOffset: 3}])
    expect(reopened.producerEntries().find((entry) => entry.producerId === 8)).toMatchObject({txnFirstOffset: 3})
    // A crash: no close, so the producer state comes from the log itself; and the .txnindex
    // lost its entry (the marker was written, the index append was not).
    fs.truncateSync(path.join(dir, '00000000000000000000.txnindex'), 0)
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.snapshot')) fs.rmSync(path.join(dir, name))
    const recovered = PartitionLog.open({storage, dir, config, recover: true})
    logs.push(recovered)
    expect(recovered.lastStableOffset).toBe(3)
    expect(recovered.abortedTransactions(0, 10)).toEqual([{producerId: 7, firstOffset: 0, lastOffset: 2, lastStableOffset: 3}])
    recovered.appendMarker({producerId: 8, producerEpoch: 0, type: 'COMMIT', coordinatorEpoch: 0})
    expect(recovered.lastStableOffset).toBe(recovered.logEndOffset)
  })
})
