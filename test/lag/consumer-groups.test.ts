// kctl's group and lag commands on both kinds of Kafka 4 consumer group, side by side on the
// bundled broker: a KIP-848 `consumer` group driven by @platformatic/kafka (groupProtocol
// 'consumer') and a `classic` group driven by kafkajs. The CLI runs as an operator would.
// Each must show its type, its real state and members, and its assignments; destructive
// commands refuse either kind while it has members (NON_EMPTY_GROUP).
import {Consumer, Producer, stringDeserializers, stringSerializers} from '@platformatic/kafka'
import {type Consumer as KafkajsConsumer, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl} from '../commands/kctl.js'

const broker = useBroker({
  'group.initial.rebalance.delay.ms': '0',
  'group.consumer.heartbeat.interval.ms': '300',
  'group.consumer.min.heartbeat.interval.ms': '100',
})
const TOPIC = 'cg-events'
const NEW_GROUP = 'g848'
const CLASSIC_GROUP = 'gclassic'
const PARTITIONS = 4
const env = isolatedEnv()

const consumers: Consumer<string, string, string, string>[] = []
let classic: KafkajsConsumer
const seen = {consumer: 0, classic: 0}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

async function kctlJson<T>(args: string[]): Promise<T> {
  const result = await kctl([...args, '-o', 'json', '-b', broker().bootstrap], {env, timeoutMs: 60_000})
  expect(result.stderr, `kctl ${args.join(' ')}`).toBe('')
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout) as T
}

function startNewProtocolMember(name: string): void {
  const consumer = new Consumer({
    clientId: name,
    bootstrapBrokers: [broker().bootstrap],
    groupId: NEW_GROUP,
    groupProtocol: 'consumer',
    deserializers: stringDeserializers,
    maxWaitTime: 200,
    retries: 20,
    retryDelay: 100,
  })
  consumers.push(consumer)
  void (async () => {
    const stream = await consumer.consume({topics: [TOPIC], mode: 'committed', fallbackMode: 'earliest', autocommit: false})
    for await (const message of stream) {
      // Commit only half of the records, so the group has lag to report.
      if (Number(message.value) % 2 === 0) {
        for (let attempt = 0; attempt < 50; attempt++) {
          try {
            await message.commit()
            break
          } catch {
            await sleep(100)
          }
        }
      }
      seen.consumer++
    }
  })().catch(() => {})
}

beforeAll(async () => {
  const producer = new Producer({clientId: 'cg-producer', bootstrapBrokers: [broker().bootstrap], serializers: stringSerializers})
  const kafka = new Kafka({clientId: 'cg', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]})
  await admin.disconnect()
  await producer.send({messages: Array.from({length: 400}, (_, index) => ({topic: TOPIC, partition: index % PARTITIONS, value: String(index)}))})
  await producer.close()
  startNewProtocolMember('member-a')
  startNewProtocolMember('member-b')
  classic = kafka.consumer({groupId: CLASSIC_GROUP, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100})
  await classic.connect()
  await classic.subscribe({topic: TOPIC, fromBeginning: true})
  await classic.run({eachMessage: async () => void seen.classic++})
  await until('both groups to read everything', () => seen.consumer >= 400 && seen.classic >= 400)
}, 90_000)

afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.close().catch(() => {})))
  await classic?.disconnect().catch(() => {})
})

interface ListRow {
  group: string
  type: string
  state: string
  members: number | null
}

describe('kctl on classic and KIP-848 consumer groups', () => {
  it('groups list marks each type with its real state and member count', async () => {
    await until('the consumer group to settle with two members', async () => {
      const rows = await kctlJson<ListRow[]>(['groups', 'list'])
      const row = rows.find((each) => each.group === NEW_GROUP)
      return row?.state === 'Stable' && row.members === 2
    })
    const rows = await kctlJson<ListRow[]>(['groups', 'list'])
    expect(rows.find((row) => row.group === NEW_GROUP)).toMatchObject({type: 'consumer', state: 'Stable', members: 2})
    expect(rows.find((row) => row.group === CLASSIC_GROUP)).toMatchObject({type: 'classic', state: 'Stable', members: 1})
    const onlyNew = await kctlJson<ListRow[]>(['groups', 'list', '--type', 'consumer'])
    expect(onlyNew.map((row) => row.group)).toEqual([NEW_GROUP])
  })

  it('groups describe shows the consumer group with epochs, assignor, subscriptions and every partition assigned once', async () => {
    const view = await kctlJson<{
      type: string
      state: string
      protocol: string
      groupEpoch: number
      assignmentEpoch: number
      members: {clientId: string; memberEpoch: number; subscribedTopics: string[]; assignment: {topic: string; partitions: number[]}[]; targetAssignment: unknown}[]
      lag: number
    }>(['groups', 'describe', NEW_GROUP])
    expect(view).toMatchObject({type: 'consumer', state: 'Stable'})
    expect(['uniform', 'range']).toContain(view.protocol)
    expect(view.groupEpoch).toBeGreaterThan(0)
    expect(view.assignmentEpoch).toBe(view.groupEpoch)
    expect(view.members.map((member) => member.clientId).sort()).toEqual(['member-a', 'member-b'])
    for (const member of view.members) {
      expect(member.subscribedTopics).toEqual([TOPIC])
      expect(member.memberEpoch).toBeGreaterThan(0)
      expect(member.targetAssignment).toEqual(member.assignment)
    }
    const assigned = view.members.flatMap((member) => member.assignment.flatMap((each) => each.partitions)).sort()
    expect(assigned).toEqual([0, 1, 2, 3])
    // Half the records are committed: the lag is the other half's tail, at most 400.
    expect(view.lag).toBeGreaterThan(0)
    expect(view.lag).toBeLessThanOrEqual(400)
  })

  it('lag reports both groups with type, state, members and the owning consumer per partition', async () => {
    const report = await kctlJson<{groups: {group: string; type: string; state: string; members: number}[]; rows: {group: string; partition: number; consumerId: string | null; clientId: string | null}[]}>(['lag'])
    expect(report.groups.find((group) => group.group === NEW_GROUP)).toMatchObject({type: 'consumer', state: 'Stable', members: 2})
    expect(report.groups.find((group) => group.group === CLASSIC_GROUP)).toMatchObject({type: 'classic', state: 'Stable', members: 1})
    const rows = report.rows.filter((row) => row.group === NEW_GROUP)
    expect(rows.map((row) => row.partition).sort()).toEqual([0, 1, 2, 3])
    for (const row of rows) expect(['member-a', 'member-b']).toContain(row.clientId)
  })

  it('refuses to reset or delete either kind of group while it has members', async () => {
    for (const group of [NEW_GROUP, CLASSIC_GROUP]) {
      const reset = await kctl(['groups', 'reset-offsets', '--group', group, '--all-topics', '--to-earliest', '--execute', '--yes', '-b', broker().bootstrap], {env, timeoutMs: 60_000})
      expect(reset.code).toBe(1)
      expect(reset.stderr).toContain('NON_EMPTY_GROUP')
      const deleted = await kctl(['groups', 'delete', group, '--yes', '-b', broker().bootstrap], {env, timeoutMs: 60_000})
      expect(deleted.code).not.toBe(0)
      expect(deleted.stdout + deleted.stderr).toContain('NON_EMPTY_GROUP')
    }
  }, 120_000)
})
