// Crash consistency: the broker process (helpers.ts spawnBroker) is killed with SIGKILL at
// random moments while kafkajs producers write to three partitions (one idempotent with
// acks=all and retries, one plain with acks=1 and no retries) and a group's offsets are
// committed in a loop. After every kill:
// - every segment file is walked with record-batch.ts: every batch passes its CRC-32C, only
//   the very tail of a partition may be torn (the restart cuts it);
// and after every restart, reading the whole topic with kcat:
// - every acknowledged record is there exactly once, at the offset it was acknowledged at;
// - offsets run from 0 without a gap, and no offset ever changes its record across rounds;
// - no record appears twice (the idempotent producer's retries across the kill are
//   deduplicated; the plain one does not retry);
// - the group's committed offset is the last acknowledged commit or the one in flight;
// - the idempotent producer keeps getting acknowledgements after the restarts.
// Rounds: KCTL_CRASH_ROUNDS (default 20; the bench's long mode runs 200).
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, expect, it} from 'vitest'
import {RECORD_BATCH_HEADER_BYTES, verifyRecordBatchCrc} from '../../src/kafka/protocol/record-batch.js'
import {kcat} from '../interop/clients.js'
import {makeRng} from './fuzz-frames.js'
import {type BrokerChild, freePort, kafka, killBroker, spawnBroker} from './helpers.js'

const ROUNDS = Number(process.env.KCTL_CRASH_ROUNDS ?? 20)
const SEED = Number(process.env.KCTL_CRASH_SEED ?? Date.now() % 1_000_000)
const TOPIC = 'crash'
const PARTITIONS = 3
const GROUP = 'crash-group'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-crash-'))
let broker: BrokerChild | undefined
afterAll(async () => {
  if (broker) await killBroker(broker)
  rmSync(dataDir, {recursive: true, force: true})
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Walks every .log file under the data dir; returns batches checked and torn tails found. */
function walkSegments(): {batches: number; tornTails: number} {
  let batches = 0
  let tornTails = 0
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.log') && /^\d{20}\.log$/.test(entry.name)) {
        const bytes = readFileSync(full)
        const isLast = readdirSync(dir).filter((name) => /^\d{20}\.log$/.test(name)).sort().at(-1) === entry.name
        let pos = 0
        while (pos < bytes.length) {
          const size = bytes.length - pos >= RECORD_BATCH_HEADER_BYTES ? 12 + bytes.readInt32BE(pos + 8) : Infinity
          if (pos + size > bytes.length) {
            // A torn tail: only where the process was writing when it died.
            expect(isLast, `${full}: torn batch at ${pos} in a segment that is not the last`).toBe(true)
            tornTails++
            break
          }
          expect(verifyRecordBatchCrc(bytes, pos), `${full}: CRC of the batch at byte ${pos}`).toBe(true)
          batches++
          pos += size
        }
      }
    }
  }
  walk(dataDir)
  return {batches, tornTails}
}

/**
 * Every record of the topic as `partition offset value;` lines, read with kcat. A read whose
 * output ends mid-line (kcat leaving at end of partition before its last line is out) is
 * read again; the terminator tells a whole line from a cut one.
 */
async function readTopic(bootstrap: string): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const out = await kcat(['-C', '-b', bootstrap, '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%p %o %s;\\n'])
    const lines = out.split('\n').filter(Boolean)
    if (lines.every((line) => /^\d+ \d+ .*;$/.test(line))) return lines
    if (attempt === 3) throw new Error(`kcat kept cutting its output: ${lines.find((line) => !line.endsWith(';'))}`)
  }
}

it(`keeps every acknowledged record exactly once through ${ROUNDS} kill -9s (seed ${SEED})`, async () => {
  const rng = makeRng(SEED)
  const port = await freePort()
  broker = await spawnBroker(dataDir, {port})
  const bootstrap = broker.bootstrap
  const admin = kafka(bootstrap, 'crash-admin').admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]})
  await admin.disconnect()

  // value -> where its acknowledgement put it
  const acked = new Map<string, {partition: number; offset: number}>()
  const retrying = {retries: 30, initialRetryTime: 50, maxRetryTime: 500}
  const idempotent = kafka(bootstrap, 'crash-idempotent').producer({idempotent: true, maxInFlightRequests: 1, retry: retrying})
  const plain = kafka(bootstrap, 'crash-plain').producer({retry: {retries: 0}})
  const committer = kafka(bootstrap, 'crash-committer').admin({retry: retrying})
  await Promise.all([idempotent.connect(), plain.connect(), committer.connect()])
  let stop = false
  let idempotentAcksSinceRestart = 0
  let commit = {acked: -1, attempted: -1}

  const produceLoop = async (producer: typeof plain, name: string, acks: number) => {
    for (let i = 0; !stop; i++) {
      const value = `${name}-${i}`
      try {
        const [result] = await producer.send({topic: TOPIC, acks, messages: [{value, partition: i % PARTITIONS}]})
        acked.set(value, {partition: result.partition, offset: Number(result.baseOffset)})
        if (name === 'idempotent') idempotentAcksSinceRestart++
      } catch {
        await sleep(20)
      }
    }
  }
  const commitLoop = async () => {
    for (let n = 1; !stop; n++) {
      commit = {...commit, attempted: n}
      try {
        await committer.setOffsets({groupId: GROUP, topic: TOPIC, partitions: [{partition: 0, offset: String(n)}]})
        commit = {acked: n, attempted: n}
      } catch {
        await sleep(20)
      }
    }
  }
  const loops = [produceLoop(idempotent, 'idempotent', -1), produceLoop(plain, 'plain', 1), commitLoop()]

  const positions = new Map<string, string>() // partition/offset -> value, across rounds
  let batchesChecked = 0
  let tornTails = 0
  for (let round = 0; round < ROUNDS; round++) {
    idempotentAcksSinceRestart = 0
    await sleep(150 + rng() * 600)
    const ackedBeforeKill = new Map(acked)
    const commitBeforeKill = commit.acked
    await killBroker(broker)
    const walked = walkSegments()
    batchesChecked += walked.batches
    tornTails += walked.tornTails

    broker = await spawnBroker(dataDir, {port})
    const lines = await readTopic(broker.bootstrap)
    const seen = new Map<string, number>()
    const byPartition: number[][] = Array.from({length: PARTITIONS}, () => [])
    for (const line of lines) {
      const [, partition, offset, value] = /^(\d+) (\d+) (.*);$/.exec(line)!
      byPartition[Number(partition)].push(Number(offset))
      seen.set(value, (seen.get(value) ?? 0) + 1)
      const key = `${partition}/${offset}`
      const before = positions.get(key)
      if (before !== undefined) expect(value, `offset ${key} changed its record`).toBe(before)
      positions.set(key, value)
    }
    for (const offsets of byPartition) expect(offsets).toEqual(offsets.map((_, i) => i))
    for (const [value, count] of seen) expect(count, `${value} is in the log ${count} times`).toBe(1)
    for (const [value, at] of ackedBeforeKill) expect(positions.get(`${at.partition}/${at.offset}`), `acknowledged ${value}`).toBe(value)

    const offsets = await committer.fetchOffsets({groupId: GROUP, topics: [TOPIC]})
    const committed = Number(offsets[0].partitions.find((p) => p.partition === 0)!.offset)
    expect(committed).toBeGreaterThanOrEqual(commitBeforeKill)
  }
  // The idempotent producer, reconnected after the last restart, is still acknowledged.
  const deadline = Date.now() + 30_000
  while (idempotentAcksSinceRestart < 5 && Date.now() < deadline) await sleep(50)
  stop = true
  await Promise.all(loops)
  await Promise.all([idempotent.disconnect(), plain.disconnect(), committer.disconnect()])
  expect(idempotentAcksSinceRestart).toBeGreaterThanOrEqual(5)

  const idempotentAcked = [...acked.keys()].filter((v) => v.startsWith('idempotent-')).length
  console.log(
    `crash (seed ${SEED}): ${ROUNDS} kill -9 rounds, ${acked.size} acknowledged records checked (${idempotentAcked} idempotent acks=all, ${acked.size - idempotentAcked} acks=1), ` +
      `${batchesChecked} batch CRCs verified on disk, ${tornTails} torn tails cut on restart, last committed group offset ${commit.acked}`,
  )
  expect(acked.size).toBeGreaterThan(ROUNDS)
}, 1_800_000)
