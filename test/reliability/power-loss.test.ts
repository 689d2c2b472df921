// --fsync always versus interval under a simulated power loss (power-loss-storage.ts): the log
// runs on a storage that keeps only what was fsynced. What the README's Reliability section
// (docs/RELIABILITY.md) promises is checked here:
// - always: every acknowledged batch survives at its offset, and a retry of the last one by
//   its idempotent producer is answered as a duplicate;
// - interval: what was acknowledged before the last flush survives; later batches may be
//   lost, but what survives is a prefix of what was acknowledged (same offsets, same bytes,
//   CRCs intact), offsets continue from there and nothing half-written is served.
import {describe, expect, it} from 'vitest'
import {LogManager} from '../../src/broker/log/index.js'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'
import {readAll} from '../broker/log/log.case.js'
import {makeRng} from './fuzz-frames.js'
import {PowerLossStorage} from './power-loss-storage.js'

const DATA_DIR = '/power-loss'
const ROUNDS = Number(process.env.KCTL_POWER_LOSS_ROUNDS ?? 10)

interface Ack {
  partition: number
  baseOffset: number
  values: string[]
  sequence: number
}

function batch(producerId: number, sequence: number, values: string[]): Buffer {
  return buildRecordBatch({producerId, producerEpoch: 0, baseSequence: sequence, records: values.map((value) => ({key: 'k', value}))})
}

async function runUntilPowerCut(fsync: 'always' | 'interval', seed: number) {
  const rng = makeRng(seed)
  const storage = new PowerLossStorage()
  const defaults = {fsync, segmentBytes: 16 * 1024, flushIntervalMs: 3_600_000}
  const manager = LogManager.open({dataDir: DATA_DIR, storage, defaults})
  expect(manager.createTopic({name: 'power', partitions: 2}).ok).toBe(true)
  const acks: Ack[] = []
  const sequences = [0, 0]
  let flushedAcks = 0
  const appends = 50 + Math.floor(rng() * 300)
  const flushAt = Math.floor(rng() * appends)
  for (let i = 0; i < appends; i++) {
    if (i === flushAt) {
      await manager.flush()
      flushedAcks = acks.length
    }
    const partition = rng() < 0.5 ? 0 : 1
    const values = Array.from({length: 1 + Math.floor(rng() * 4)}, (_, j) => `p${partition}-${i}-${j}`)
    const result = manager.partition('power', partition)!.append(batch(100 + partition, sequences[partition], values))
    if (!result.ok) throw new Error(result.message)
    acks.push({partition, baseOffset: result.baseOffset, values, sequence: sequences[partition]})
    sequences[partition] += values.length
  }
  const afterCut = storage.cutPower()
  const syncs = storage.syncs
  manager.close()
  const reopened = LogManager.open({dataDir: DATA_DIR, storage: afterCut, defaults})
  return {acks, flushedAcks, reopened, syncs}
}

describe('fsync under a power loss', () => {
  it(`always: every acknowledged batch survives (${ROUNDS} power cuts)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const {acks, reopened, syncs} = await runUntilPowerCut('always', 1000 + round)
      try {
        expect(reopened.recoveredUncleanShutdown).toBe(true)
        expect(syncs).toBeGreaterThanOrEqual(acks.length)
        for (const partition of [0, 1]) {
          const log = reopened.partition('power', partition)!
          const stored = new Map(readAll(log).map((r) => [r.offset, r.value]))
          const mine = acks.filter((a) => a.partition === partition)
          for (const ack of mine) ack.values.forEach((value, j) => expect(stored.get(ack.baseOffset + j)).toBe(value))
          const last = mine.at(-1)
          if (!last) continue
          expect(log.logEndOffset).toBe(last.baseOffset + last.values.length)
          // The producer state survived with the data: the last batch again is a duplicate.
          expect(log.append(batch(100 + partition, last.sequence, last.values))).toMatchObject({ok: true, duplicate: true, baseOffset: last.baseOffset})
        }
      } finally {
        reopened.close()
      }
    }
  })

  it(`interval: a prefix of what was acknowledged survives, everything flushed included (${ROUNDS} power cuts)`, async () => {
    let lostBatches = 0
    for (let round = 0; round < ROUNDS; round++) {
      const {acks, flushedAcks, reopened, syncs} = await runUntilPowerCut('interval', 2000 + round)
      try {
        expect(syncs).toBeLessThan(acks.length)
        for (const partition of [0, 1]) {
          const log = reopened.partition('power', partition)!
          const stored = readAll(log)
          const expected = acks.filter((a) => a.partition === partition).flatMap((a) => a.values.map((value, j) => ({offset: a.baseOffset + j, value})))
          // Offsets from 0 without a gap, each holding what was acknowledged there.
          expect(stored).toEqual(expected.slice(0, stored.length))
          const flushed = acks.slice(0, flushedAcks).filter((a) => a.partition === partition)
          const mustSurvive = flushed.reduce((n, a) => n + a.values.length, 0)
          expect(stored.length).toBeGreaterThanOrEqual(mustSurvive)
          lostBatches += acks.filter((a) => a.partition === partition && a.baseOffset >= stored.length).length
          // New appends continue right after what survived: no offset is handed out twice.
          const next = log.append(buildRecordBatch({records: [{value: 'after'}]}))
          expect(next).toMatchObject({ok: true, baseOffset: stored.length})
        }
      } finally {
        reopened.close()
      }
    }
    console.log(`power loss, fsync interval: ${lostBatches} acknowledged batches lost over ${ROUNDS} cuts (all of them after the last flush)`)
    expect(lostBatches).toBeGreaterThan(0)
  })
})
