// Crash consistency: the broker process (helpers.ts spawnBroker) is killed with SIGKILL at
// random moments while kafkajs producers write to three partitions (one idempotent with
// acks=all and retries, one plain with acks=1 and no retries) and a group's offsets are
// committed in a loop. The producers start no new request while a round checks the log
// (requests in flight at the kill are retried then), so the log grows by what one round writes, not by
// what the checks' time allows; each round kills only once both producers have been answered
// again since the last restart. After every kill:
// - every segment file is walked with record-batch.ts: every batch passes its CRC-32C, only
//   the very tail of a partition may be torn (the restart cuts it);
// and after every restart, reading the topic with kcat (from where the previous round's read
// ended, and the whole topic every FULL_CHECK_EVERY rounds and at the end, so a long run's
// checks do not grow with the square of the rounds):
// - every acknowledged record is there exactly once, at the offset it was acknowledged at;
// - offsets run from 0 without a gap, and no offset ever changes its record across rounds;
// - no record appears twice (the idempotent producer's retries across the kill are
//   deduplicated; the plain one does not retry);
// - the group's committed offset is the last acknowledged commit or the one in flight (a new
//   group each round: kafkajs's setOffsets joins the group with a consumer, and one killed
//   mid-join stays a member until its session times out, refusing later setOffsets);
// - the idempotent producer keeps getting acknowledgements after the restarts.
// Rounds: KCTL_CRASH_ROUNDS (default 20; the bench's long mode runs 200).
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
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
const FULL_CHECK_EVERY = 10

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-crash-'))
let broker: BrokerChild | undefined
afterAll(async () => {
  if (broker) await killBroker(broker)
  rmSync(dataDir, {recursive: true, force: true})
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Walks the .log files under the data dir changed since `sinceMs` (every file when 0); returns
 * batches checked and torn tails found.
 */
function walkSegments(sinceMs: number): {batches: number; tornTails: number} {
  let batches = 0
  let tornTails = 0
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/^\d{20}\.log$/.test(entry.name) && statSync(full).mtimeMs >= sinceMs) {
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
 * The topic's records from `fromOffset` in every partition as `partition offset value;` lines,
 * read with kcat. A read whose
 * output ends mid-line (kcat leaving at end of partition before its last line is out) is
 * read again; the terminator tells a whole line from a cut one.
 */
async function readTopic(bootstrap: string, fromOffset: number): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const out = await kcat(['-C', '-b', bootstrap, '-t', TOPIC, '-o', fromOffset === 0 ? 'beginning' : String(fromOffset), '-e', '-q', '-f', '%p %o %s;\\n'])
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
  // A send that kafkajs gives up on leaves its idempotent producer's sequence where it was, so
  // its next batch reuses the sequence of one the broker may have written: the broker answers
  // it as that batch's duplicate, as Kafka does. Java's producer bumps its epoch then; here the
  // loop starts a new producer (a new producer id), as an application on kafkajs must.
  const newIdempotent = () => kafka(bootstrap, 'crash-idempotent').producer({idempotent: true, maxInFlightRequests: 1, retry: retrying})
  const plain = kafka(bootstrap, 'crash-plain').producer({retry: {retries: 0}})
  const committer = kafka(bootstrap, 'crash-committer').admin({retry: retrying})
  const firstIdempotent = newIdempotent()
  await Promise.all([firstIdempotent.connect(), plain.connect(), committer.connect()])
  let stop = false
  let paused = false
  const whilePaused = async () => {
    while (paused && !stop) await sleep(10)
  }
  let idempotentAcksSinceRestart = 0
  let plainAcksSinceRestart = 0
  let commitGroup = `${GROUP}-0`
  let commit = {acked: -1, attempted: -1}
  let commitsAcked = 0

  const produceLoop = async (first: typeof plain, name: string, acks: number, replace?: () => typeof plain) => {
    let producer = first
    for (let i = 0; !stop; i++) {
      await whilePaused()
      const value = `${name}-${i}`
      try {
        const [result] = await producer.send({topic: TOPIC, acks, messages: [{value, partition: i % PARTITIONS}]})
        acked.set(value, {partition: result.partition, offset: Number(result.baseOffset)})
        if (name === 'idempotent') idempotentAcksSinceRestart++
        else plainAcksSinceRestart++
      } catch {
        await sleep(20)
        if (replace) {
          await producer.disconnect().catch(() => undefined)
          producer = replace()
          while (!stop && !(await producer.connect().then(() => true, () => false))) await sleep(50)
        }
      }
    }
    return producer
  }
  const commitLoop = async () => {
    for (let n = 1; !stop; n++) {
      const group = commitGroup
      commit = {...commit, attempted: n}
      try {
        await committer.setOffsets({groupId: group, topic: TOPIC, partitions: [{partition: 0, offset: String(n)}]})
        if (group === commitGroup) commit = {acked: n, attempted: n}
        commitsAcked++
      } catch {
        await sleep(20)
      }
    }
  }
  const loops = [produceLoop(firstIdempotent, 'idempotent', -1, newIdempotent), produceLoop(plain, 'plain', 1), commitLoop()]

  const positions = new Map<string, string>() // partition/offset -> value, across rounds
  let batchesChecked = 0
  let tornTails = 0
  let lastWalkMs = 0
  let checkedUpTo = 0 // every partition was read whole below this offset in an earlier round
  let fullReads = 0
  for (let round = 0; round < ROUNDS; round++) {
    idempotentAcksSinceRestart = 0
    plainAcksSinceRestart = 0
    paused = false
    const answeredBy = Date.now() + 10_000
    while ((idempotentAcksSinceRestart === 0 || plainAcksSinceRestart === 0) && Date.now() < answeredBy) await sleep(10)
    await sleep(150 + rng() * 600)
    const ackedBeforeKill = new Map(acked)
    const commitBeforeKill = commit.acked
    const groupBeforeKill = commitGroup
    await killBroker(broker)
    paused = true
    const full = round % FULL_CHECK_EVERY === 0 || round === ROUNDS - 1
    const walkStartedMs = Date.now()
    const walked = walkSegments(full ? 0 : lastWalkMs)
    lastWalkMs = walkStartedMs - 1000 // mtime granularity
    batchesChecked += walked.batches
    tornTails += walked.tornTails

    broker = await spawnBroker(dataDir, {port})
    const fromOffset = full ? 0 : checkedUpTo
    if (full) fullReads++
    const lines = await readTopic(broker.bootstrap, fromOffset)
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
    for (const offsets of byPartition) expect(offsets).toEqual(offsets.map((_, i) => fromOffset + i))
    for (const [value, count] of seen) expect(count, `${value} is in the log ${count} times`).toBe(1)
    if (full) expect(seen.size, 'records read whole vs records remembered').toBe(positions.size)
    for (const [value, at] of ackedBeforeKill) {
      if (at.offset >= fromOffset) expect(positions.get(`${at.partition}/${at.offset}`), `acknowledged ${value}`).toBe(value)
    }
    checkedUpTo = Math.min(...byPartition.map((offsets) => (offsets.length > 0 ? offsets.at(-1)! + 1 : fromOffset)))

    const offsets = await committer.fetchOffsets({groupId: groupBeforeKill, topics: [TOPIC]})
    const committed = Number(offsets[0].partitions.find((p) => p.partition === 0)!.offset)
    expect(committed).toBeGreaterThanOrEqual(commitBeforeKill)
    commitGroup = `${GROUP}-${round + 1}`
    commit = {acked: -1, attempted: -1}
    if (ROUNDS > 20 && round % 10 === 9) console.log(`crash: ${round + 1}/${ROUNDS} rounds, ${acked.size} acknowledged records so far`)
  }
  // The idempotent producer, reconnected after the last restart, is still acknowledged.
  paused = false
  const deadline = Date.now() + 30_000
  while (idempotentAcksSinceRestart < 5 && Date.now() < deadline) await sleep(50)
  stop = true
  const [lastIdempotent] = await Promise.all(loops)
  await Promise.all([lastIdempotent!.disconnect(), plain.disconnect(), committer.disconnect()])
  expect(idempotentAcksSinceRestart).toBeGreaterThanOrEqual(5)

  const idempotentAcked = [...acked.keys()].filter((v) => v.startsWith('idempotent-')).length
  console.log(
    `crash (seed ${SEED}): ${ROUNDS} kill -9 rounds, ${acked.size} acknowledged records checked (${idempotentAcked} idempotent acks=all, ${acked.size - idempotentAcked} acks=1), ` +
      `${batchesChecked} batch CRCs verified on disk, ${tornTails} torn tails cut on restart, ${fullReads} whole-topic reads, ${commitsAcked} group offset commits acknowledged`,
  )
  expect(acked.size).toBeGreaterThan(ROUNDS)
  expect(commitsAcked).toBeGreaterThan(0)
}, Math.max(1_800_000, ROUNDS * 60_000))
