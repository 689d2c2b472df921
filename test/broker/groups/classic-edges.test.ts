// Classic-protocol edges that real clients run into: a member stuck in processing past its
// rebalance timeout (max.poll.interval.ms) is dropped from the rebalance and the group goes on
// without it (kafkajs); an OffsetCommit during a rebalance gets REBALANCE_IN_PROGRESS while
// the group completes it and ILLEGAL_GENERATION once it is over (kafkajs and a raw member);
// cooperative-sticky members (confluent-kafka) rebalance incrementally, so the partitions
// that do not move stay assigned throughout; a Stable group survives a broker restart at the
// same generation.
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker} from '../../../src/broker/index.js'
import {ErrorCode} from '../../../src/kafka/protocol/index.js'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

const broker = useBroker({'group.min.session.timeout.ms': '1000'})
let raw: RawClient
let kafka: Kafka

beforeAll(async () => {
  raw = await RawClient.connect(broker().bootstrap)
  kafka = new Kafka({clientId: 'edges', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'ce-slow', numPartitions: 4}, {topic: 'ce-commit', numPartitions: 2}, {topic: 'ce-coop', numPartitions: 4}]})
  await admin.disconnect()
})
afterAll(() => raw?.close())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

async function describeGroup(groupId: string) {
  return (await raw.request(15, 5, {groups: [groupId], includeAuthorizedOperations: false})).groups[0]
}

describe('classic groups at the edges', () => {
  it('drops a member that does not rejoin within its rebalance timeout (max.poll.interval.ms) and rebalances without it', async () => {
    const group = 'ce-slow-group'
    let release: () => void = () => {}
    const stuck = new Promise<void>((resolve) => (release = resolve))
    const slow = kafka.consumer({groupId: group, sessionTimeout: 20_000, rebalanceTimeout: 2000, heartbeatInterval: 300, maxWaitTimeInMs: 100})
    const fast = kafka.consumer({groupId: group, sessionTimeout: 20_000, rebalanceTimeout: 2000, heartbeatInterval: 300, maxWaitTimeInMs: 100})
    const late = kafka.consumer({groupId: group, sessionTimeout: 20_000, rebalanceTimeout: 2000, heartbeatInterval: 300, maxWaitTimeInMs: 100})
    const producer = kafka.producer()
    // maxWaitTimeInMs well under the rebalance timeout: kafkajs notices a rebalance only
    // between fetches, and the healthy members must rejoin in time.
    try {
      await slow.connect()
      await slow.subscribe({topics: ['ce-slow'], fromBeginning: true})
      let slowBusy = false
      await slow.run({
        eachMessage: async () => {
          slowBusy = true
          await stuck // processing that outlasts the rebalance timeout
        },
      })
      await until('a stable group of one', async () => (await describeGroup(group)).groupState === 'Stable')
      await producer.connect()
      await producer.send({topic: 'ce-slow', messages: [0, 1, 2, 3].map((partition) => ({partition, value: 'work'}))})
      await until('the slow member to be busy', () => slowBusy)

      for (const consumer of [fast, late]) {
        await consumer.connect()
        await consumer.subscribe({topics: ['ce-slow'], fromBeginning: true})
        await consumer.run({eachMessage: async () => {}})
      }
      // The slow member is blocked in eachMessage and cannot rejoin: after the rebalance
      // timeout the group completes with the two others.
      await until('a stable group without the slow member', async () => {
        const described = await describeGroup(group)
        return described.groupState === 'Stable' && described.members.length === 2
      })
      const described = await describeGroup(group)
      expect(described.members.every((member) => member.clientId === 'edges')).toBe(true)
      const admin = kafka.admin()
      await admin.connect()
      const viaKafkajs = await admin.describeGroups([group])
      await admin.disconnect()
      expect(viaKafkajs.groups[0].members).toHaveLength(2)
      expect(viaKafkajs.groups[0].state).toBe('Stable')
      release()
      // Released, the slow member finds itself gone and rejoins: three members again.
      await until('the slow member back', async () => (await describeGroup(group)).members.length === 3)
    } finally {
      release()
      await Promise.all([slow.disconnect(), fast.disconnect(), late.disconnect(), producer.disconnect()])
    }
  })

  it('answers a commit during a rebalance with REBALANCE_IN_PROGRESS, and with ILLEGAL_GENERATION after it', async () => {
    const group = 'ce-commit-group'
    const topicBytes = Buffer.from('ce-commit')
    const int16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff])
    const int32 = (value: number) => {
      const buffer = Buffer.alloc(4)
      buffer.writeInt32BE(value)
      return buffer
    }
    // Consumer protocol subscription v0 and assignment v0 for topic ce-commit.
    const subscription = Buffer.concat([int16(0), int32(1), int16(topicBytes.length), topicBytes, int32(-1)])
    const assignment = Buffer.concat([int16(0), int32(1), int16(topicBytes.length), topicBytes, int32(2), int32(0), int32(1), int32(0)])
    const protocols = [{name: 'RoundRobinAssigner', metadata: subscription}]
    const leader = await RawClient.connect(broker().bootstrap)
    const join = (memberId: string) => leader.request(11, 7, {groupId: group, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols})
    const commitWith = (generationIdOrMemberEpoch: number, memberId: string) =>
      raw.request(8, 8, {groupId: group, generationIdOrMemberEpoch, memberId, groupInstanceId: null, topics: [{name: 'ce-commit', partitions: [{partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null}]}]})
    const member = kafka.consumer({groupId: group, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 200, maxWaitTimeInMs: 100})
    try {
      // A raw member leads generation 1 alone (two JoinGroup rounds, KIP-394).
      const memberId = (await join('')).memberId
      const first = await join(memberId)
      expect(first).toMatchObject({errorCode: 0, generationId: 1, leader: memberId})
      expect((await leader.request(14, 5, {groupId: group, generationId: 1, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'RoundRobinAssigner', assignments: []})).errorCode).toBe(0)
      // kafkajs joins: a rebalance; the leader rejoins and then takes its time to sync.
      await member.connect()
      await member.subscribe({topics: ['ce-commit']})
      const running = member.run({eachMessage: async () => {}}) // resolves once kafkajs has joined
      await until('the rebalance', async () => (await describeGroup(group)).groupState === 'PreparingRebalance')
      const second = await join(memberId)
      expect(second).toMatchObject({errorCode: 0, generationId: 2})
      expect((await describeGroup(group)).groupState).toBe('CompletingRebalance')
      expect((await commitWith(2, memberId)).topics[0].partitions[0].errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
      expect((await commitWith(1, memberId)).topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
      // The leader hands both partitions to kafkajs; its commit then goes through.
      const kafkajsId = second.members.map((each) => each.memberId).find((id) => id !== memberId)!
      const synced = await leader.request(14, 5, {groupId: group, generationId: 2, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'RoundRobinAssigner', assignments: [{memberId: kafkajsId, assignment}, {memberId, assignment: Buffer.concat([int16(0), int32(0), int32(0)])}]})
      expect(synced.errorCode).toBe(0)
      await running
      await until('the group stable again', async () => (await describeGroup(group)).groupState === 'Stable')
      expect((await commitWith(2, memberId)).topics[0].partitions[0].errorCode).toBe(0)
      await member.commitOffsets([{topic: 'ce-commit', partition: 1, offset: '7'}])
      const fetched = await raw.request(9, 8, {groups: [{groupId: group, topics: [{name: 'ce-commit', partitionIndexes: [1]}]}], requireStable: false})
      expect(fetched.groups[0].topics[0].partitions[0].committedOffset).toBe(7)
      await leader.request(13, 4, {groupId: group, members: [{memberId, groupInstanceId: null}]})
    } finally {
      leader.close()
      await member.disconnect()
    }
  })

  it('rebalances cooperative-sticky members incrementally: the first keeps half its partitions throughout (confluent-kafka)', async () => {
    const script = path.join(import.meta.dirname, 'fixtures', 'cooperative_sticky.py')
    const {stdout} = await promisify(execFile)('/usr/bin/python3', [script, broker().bootstrap, 'ce-coop', 'ce-coop-group', '4'], {timeout: 60_000})
    const result = JSON.parse(stdout) as {first: boolean; second: boolean; before: number[]; c1: number[]; c2: number[]; events: Record<'c1' | 'c2', ({assign: number[]} | {revoke: number[]})[]>}
    expect(result.first).toBe(true)
    expect(result.second).toBe(true)
    expect(result.before).toEqual([0, 1, 2, 3])
    expect(result.c1).toHaveLength(2)
    expect(result.c2).toHaveLength(2)
    expect([...result.c1, ...result.c2].sort()).toEqual([0, 1, 2, 3])
    // c1 was told to give up only the two partitions that moved, never all four
    const revokes = result.events.c1.filter((event): event is {revoke: number[]} => 'revoke' in event)
    expect(revokes.length).toBeGreaterThan(0)
    for (const revoke of revokes) expect(revoke.revoke.length).toBeLessThan(4)
    expect(revokes.flatMap((event) => event.revoke).sort()).toEqual(result.c2)
  })
})

describe('classic group metadata across a restart', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-classic-restart-'))
  afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

  it('brings a Stable group back Stable at the same generation, so its members carry on without rejoining', async () => {
    const protocols = [{name: 'range', metadata: Buffer.from('subscription')}]
    const assignment = Buffer.from('assignment bytes')
    let memberId: string
    const first = await startBroker({port: 0, host: '127.0.0.1', dataDir})
    try {
      const client = await RawClient.connect(first.bootstrap)
      const join = (id: string) => client.request(11, 7, {groupId: 'ce-durable', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: id, groupInstanceId: null, protocolType: 'consumer', protocols})
      memberId = (await join('')).memberId
      expect((await join(memberId)).generationId).toBe(1)
      const synced = await client.request(14, 5, {groupId: 'ce-durable', generationId: 1, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{memberId, assignment}]})
      expect(synced.errorCode).toBe(0)
      client.close()
    } finally {
      await first.close()
    }
    const second = await startBroker({port: 0, host: '127.0.0.1', dataDir})
    try {
      const client = await RawClient.connect(second.bootstrap)
      expect((await client.request(12, 4, {groupId: 'ce-durable', generationId: 1, memberId, groupInstanceId: null})).errorCode).toBe(0)
      const described = (await client.request(15, 5, {groups: ['ce-durable'], includeAuthorizedOperations: false})).groups[0]
      expect(described).toMatchObject({groupState: 'Stable', protocolType: 'consumer', protocolData: 'range'})
      expect(described.members.map((member) => [member.memberId, Buffer.from(member.memberAssignment).toString()])).toEqual([[memberId, 'assignment bytes']])
      const sync = await client.request(14, 5, {groupId: 'ce-durable', generationId: 1, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: []})
      expect(Buffer.from(sync.assignment).toString()).toBe('assignment bytes')
      client.close()
    } finally {
      await second.close()
    }
  })
})
