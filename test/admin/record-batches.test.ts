// The client-side read_committed filter of `kctl consume`: control batches are never shown,
// an aborted transaction's records are dropped from its first offset to its producer's
// marker, and a later transaction of the same producer is shown again.
import {describe, expect, it} from 'vitest'
import {readBatches} from '../../src/admin/record-batches.js'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'

const value = (text: string) => ({key: null, value: Buffer.from(text)})
const txn = (baseOffset: number, producerId: number, texts: string[]) =>
  buildRecordBatch({baseOffset, producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true, records: texts.map(value), baseTimestamp: 1000})
const marker = (baseOffset: number, producerId: number) =>
  buildRecordBatch({baseOffset, producerId, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true, records: [{key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0])}], baseTimestamp: 1000})
const plain = (baseOffset: number, texts: string[]) => buildRecordBatch({baseOffset, records: texts.map(value), baseTimestamp: 1000})

// Offsets: 0-1 plain; 2-3 txn of producer 7 (aborted, marker at 4); 5-6 txn of producer 8
// (committed, marker at 7); 8 txn of producer 7 again (committed, marker 9); 10 plain.
const log = Buffer.concat([plain(0, ['a', 'b']), txn(2, 7, ['x1', 'x2']), marker(4, 7), txn(5, 8, ['c', 'd']), marker(7, 8), txn(8, 7, ['e']), marker(9, 7), plain(10, ['f'])])
const texts = (read: ReturnType<typeof readBatches>) => read.records.map((record) => record.value?.toString())

describe('readBatches', () => {
  it('drops the aborted transaction and every control batch under read_committed', () => {
    const read = readBatches(log, 0, [{producerId: 7, firstOffset: 2}])
    expect(texts(read)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(read.nextOffset).toBe(11)
  })

  it('shows aborted records under read_uncommitted but never control batches', () => {
    expect(texts(readBatches(log, 0, null))).toEqual(['a', 'b', 'x1', 'x2', 'c', 'd', 'e', 'f'])
  })

  it('starts at the fetch offset inside a batch and leaves a cut batch for the next fetch', () => {
    const read = readBatches(log.subarray(0, log.length - 3), 1, [])
    expect(texts(read)[0]).toBe('b')
    expect(read.nextOffset).toBe(10)
  })
})
