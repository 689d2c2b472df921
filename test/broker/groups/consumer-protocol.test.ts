// KIP-848 consumer groups on the bundled broker, driven by a real client: @platformatic/kafka
// with groupProtocol 'consumer' (ConsumerGroupHeartbeat v1, OffsetCommit/OffsetFetch v9 with
// member epochs). Three members join, the group scales 3 -> 1 -> 3, one member (a separate
// process) is killed and removed by the session timeout; after each step every record produced
// is consumed exactly once, each by the member that owns its partition, with commits.
import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'
import {Admin, Consumer, type Message, type MessagesStream, Producer, stringDeserializers, stringSerializers} from '@platformatic/kafka'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

const broker = useBroker({
  'group.consumer.heartbeat.interval.ms': '300',
  'group.consumer.min.heartbeat.interval.ms': '100',
  'group.consumer.session.timeout.ms': '2500',
  'group.consumer.min.session.timeout.ms': '1000',
})
const TOPIC = 'cp-orders'
const GROUP = 'cp-group'
const PARTITIONS = 6

interface Member {
  name: string
  consumer?: Consumer<string, string, string, string>
  stream?: MessagesStream<string, string, string, string>
  child?: ChildProcess
  records: {partition: number; value: string}[]
  ready: Promise<void>
}

let raw: RawClient
let producer: Producer<string, string, string, string>
let admin: Admin
const members: Member[] = []
let sent = 0

beforeAll(async () => {
  raw = await RawClient.connect(broker().bootstrap)
  admin = new Admin({clientId: 'cp-admin', bootstrapBrokers: [broker().bootstrap]})
  await admin.createTopics({topics: [TOPIC], partitions: PARTITIONS, replicas: 1})
  producer = new Producer({clientId: 'cp-producer', bootstrapBrokers: [broker().bootstrap], serializers: stringSerializers})
})
afterAll(async () => {
  for (const member of members) member.child?.kill('SIGKILL')
  await Promise.all(members.map((member) => member.consumer?.close()))
  await producer?.close()
  await admin?.close()
  raw?.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Commits, retrying while the member's epoch moves under it (STALE_MEMBER_EPOCH until its
 *  next heartbeat), as an application using this client has to. */
async function commit(message: Message<string, string, string, string>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await message.commit()
      return
    } catch (error) {
      if (attempt >= 50) throw error
      await sleep(100)
    }
  }
}

function startMember(name: string): Member {
  const member: Member = {name, records: [], ready: Promise.resolve()}
  const consumer = new Consumer({
    clientId: name,
    bootstrapBrokers: [broker().bootstrap],
    groupId: GROUP,
    groupProtocol: 'consumer',
    deserializers: stringDeserializers,
    maxWaitTime: 200,
    retries: 20,
    retryDelay: 100,
  })
  member.consumer = consumer
  member.ready = (async () => {
    const stream = await consumer.consume({topics: [TOPIC], mode: 'committed', fallbackMode: 'earliest', autocommit: false})
    member.stream = stream
    void (async () => {
      for await (const message of stream) {
        await commit(message)
        member.records.push({partition: message.partition, value: message.value})
      }
    })().catch(() => {})
  })()
  members.push(member)
  return member
}

/** The same member in its own process (fixtures/platformatic-member.mjs), to be SIGKILLed. */
function startProcessMember(name: string): Member {
  const member: Member = {name, records: [], ready: Promise.resolve()}
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'fixtures', 'platformatic-member.mjs'), broker().bootstrap, GROUP, TOPIC], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  member.child = child
  let buffer = ''
  member.ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, newline)) as {ready?: boolean; partition: number; value: string}
        buffer = buffer.slice(newline + 1)
        if (line.ready) resolve()
        else member.records.push({partition: line.partition, value: line.value})
      }
    })
  })
  members.push(member)
  return member
}

interface Described {
  groupState: string
  groupEpoch: number
  assignmentEpoch: number
  assignorName: string
  members: {memberId: string; clientId: string; memberEpoch: number; assignment: {topicPartitions: {topicName: string; partitions: number[]}[]}; targetAssignment: {topicPartitions: {partitions: number[]}[]}}[]
}

async function describeGroup(): Promise<Described> {
  const response = await raw.request(69, 1, {groupIds: [GROUP], includeAuthorizedOperations: false})
  return response.groups[0] as unknown as Described
}

/** Stable with exactly these members (by client id), all partitions owned, and every live
 *  in-process client seeing what the coordinator gave it. The client then re-reads committed
 *  offsets of its new partitions (and rewinds kept ones to them), so records produced before it
 *  settles could be delivered twice: that is the client's at-least-once, not the broker's. */
async function untilStable(clientIds: string[]): Promise<Described> {
  let last: Described | undefined
  await until(`a stable group of ${clientIds.join(', ')}`, async () => {
    last = await describeGroup()
    const owned = last.members.flatMap((member) => member.assignment.topicPartitions.flatMap((topic) => topic.partitions))
    const clientsAgree = last.members.every((described) => {
      const client = members.find((member) => member.name === described.clientId && member.consumer)?.consumer
      if (!client) return true
      const seen = (client.assignments ?? []).flatMap((assignment) => assignment.partitions).sort().join()
      return seen === described.assignment.topicPartitions.flatMap((topic) => topic.partitions).sort().join()
    })
    return (
      last.groupState === 'Stable' &&
      last.members.map((member) => member.clientId).sort().join() === [...clientIds].sort().join() &&
      owned.length === PARTITIONS &&
      new Set(owned).size === PARTITIONS &&
      clientsAgree
    )
  })
  await sleep(1000)
  return (await describeGroup())
}

/** Produces `count` records over every partition and waits until the live members consumed them. */
async function produceAndConsume(live: Member[], count: number): Promise<string[]> {
  const values = Array.from({length: count}, (_, index) => `r${sent + index}`)
  sent += count
  await producer.send({messages: values.map((value, index) => ({topic: TOPIC, partition: index % PARTITIONS, value}))})
  const wanted = new Set(values)
  await until(`${count} records consumed`, () => live.flatMap((member) => member.records).filter((record) => wanted.has(record.value)).length >= count)
  await sleep(300) // a duplicate would arrive now
  return values
}

function consumedOnce(values: string[]): void {
  const wanted = new Set(values)
  const seen = members.flatMap((member) => member.records.map((record) => record.value)).filter((value) => wanted.has(value))
  expect(seen.length).toBe(values.length)
  expect(new Set(seen)).toEqual(wanted)
}

describe('KIP-848 consumer group with @platformatic/kafka', () => {
  it('splits six partitions between three members, each consuming only its own', async () => {
    const trio = ['m1', 'm2', 'm3'].map(startMember)
    await Promise.all(trio.map((member) => member.ready))
    const described = await untilStable(['m1', 'm2', 'm3'])
    expect(described.assignorName).toBe('uniform')
    for (const member of described.members) {
      expect(member.assignment.topicPartitions[0].topicName).toBe(TOPIC)
      expect(member.assignment.topicPartitions[0].partitions).toHaveLength(2)
      expect(member.memberEpoch).toBe(described.assignmentEpoch)
    }
    // The client's own view matches the coordinator's.
    await until('every client sees its assignment', () => trio.every((member) => member.consumer!.assignments?.[0]?.partitions.length === 2))
    const values = await produceAndConsume(trio, 60)
    consumedOnce(values)
    for (const member of trio) {
      const mine = new Set(member.consumer!.assignments![0].partitions)
      expect(member.records.length).toBeGreaterThan(0)
      expect(member.records.every((record) => mine.has(record.partition))).toBe(true)
    }
    const listed = await admin.listGroups({types: ['consumer']})
    expect(listed.get(GROUP)).toMatchObject({id: GROUP, groupType: 'consumer', protocolType: 'consumer', state: 'STABLE'})
    expect((await admin.listGroups({types: ['classic']})).has(GROUP)).toBe(false)
  })

  it('scales down to one member that takes every partition, and back up to three', async () => {
    const [m1, m2, m3] = members
    await Promise.all([m2.consumer!.close(), m3.consumer!.close()])
    await untilStable(['m1'])
    const alone = await produceAndConsume([m1], 60)
    consumedOnce(alone)
    expect(new Set(m1.records.filter((record) => alone.includes(record.value)).map((record) => record.partition)).size).toBe(PARTITIONS)

    const m4 = startMember('m4')
    const m5 = startProcessMember('m5')
    await Promise.all([m4.ready, m5.ready])
    const described = await untilStable(['m1', 'm4', 'killed-member'])
    expect(described.members.map((member) => member.assignment.topicPartitions[0].partitions.length)).toEqual([2, 2, 2])
    const values = await produceAndConsume([m1, m4, m5], 60)
    consumedOnce(values)
    expect(m5.records.some((record) => values.includes(record.value))).toBe(true)
  })

  it('removes a killed member after the session timeout and hands its partitions to the others', async () => {
    const m1 = members[0]
    const m4 = members[3]
    const m5 = members[4]
    const before = await describeGroup()
    m5.child!.kill('SIGKILL')
    const after = await untilStable(['m1', 'm4'])
    expect(after.groupEpoch).toBeGreaterThan(before.groupEpoch)
    expect(after.members.map((member) => member.assignment.topicPartitions[0].partitions.length)).toEqual([3, 3])
    const values = await produceAndConsume([m1, m4], 60)
    consumedOnce(values)
  })
})
