// Real kafkajs consumer groups against the bundled broker: partitions split between members,
// a joining member triggers a rebalance, a member that stops heartbeating is evicted after
// its session timeout, and commits survive a broker restart.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {type EachMessagePayload, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker} from '../../../src/broker/index.js'
import {RawClient} from '../raw-client.js'

type Broker = Awaited<ReturnType<typeof startBroker>>
const config = {'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000'}
let dataDir = ''
let broker: Broker
let kafka: Kafka

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-groups-'))
  broker = await startBroker({port: 0, host: '127.0.0.1', dataDir, config})
  kafka = new Kafka({clientId: 'groups-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'split', numPartitions: 4}, {topic: 'durable', numPartitions: 2}]})
  await admin.disconnect()
})
afterAll(async () => {
  await broker?.close()
  rmSync(dataDir, {recursive: true, force: true})
})

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A consumer that records which partitions it holds after each rebalance. */
async function member(groupId: string, topic: string) {
  const consumer = kafka.consumer({groupId, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100})
  const state = {assigned: [] as number[], consumer}
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    state.assigned = [...(event.payload.memberAssignment[topic] ?? [])].sort()
  })
  await consumer.connect()
  await consumer.subscribe({topic, fromBeginning: true})
  await consumer.run({eachMessage: async (_: EachMessagePayload) => {}})
  return state
}

describe('kafkajs consumer groups', () => {
  it('splits partitions between two members and rebalances when a third joins and one leaves', async () => {
    const a = await member('splitters', 'split')
    await until(() => a.assigned.length === 4, 'the first member to own all 4 partitions')
    const b = await member('splitters', 'split')
    await until(() => a.assigned.length === 2 && b.assigned.length === 2, 'two members with 2 partitions each')
    expect([...a.assigned, ...b.assigned].sort()).toEqual([0, 1, 2, 3])
    const c = await member('splitters', 'split')
    await until(() => a.assigned.length + b.assigned.length + c.assigned.length === 4 && c.assigned.length >= 1 && a.assigned.length >= 1 && b.assigned.length >= 1, 'three members sharing 4 partitions')
    const admin = kafka.admin()
    await admin.connect()
    const described = await admin.describeGroups(['splitters'])
    expect(described.groups[0].state).toBe('Stable')
    expect(described.groups[0].members).toHaveLength(3)
    await c.consumer.disconnect() // LeaveGroup: the others take its partitions at once
    await until(() => a.assigned.length + b.assigned.length === 4, 'the two remaining members to own all partitions')
    await Promise.all([a.consumer.disconnect(), b.consumer.disconnect()])
    const after = await admin.describeGroups(['splitters'])
    expect(after.groups[0].state).toBe('Empty')
    await admin.disconnect()
  })

  it('evicts a member that stops heartbeating after its session timeout', async () => {
    // A raw member joins with a 1 s session timeout, takes its assignment, then goes silent.
    const raw = await RawClient.connect(broker.bootstrap)
    const protocols = [{name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 5, ...Buffer.from('split'), 0, 0, 0, 0])}]
    const join = {groupId: 'evict', sessionTimeoutMs: 1000, rebalanceTimeoutMs: 5000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols}
    const first = await raw.request(11, 5, join)
    expect(first.errorCode).toBe(79) // MEMBER_ID_REQUIRED (KIP-394)
    const joined = await raw.request(11, 5, {...join, memberId: first.memberId})
    expect(joined.errorCode).toBe(0)
    const synced = await raw.request(14, 3, {groupId: 'evict', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, assignments: [{memberId: joined.memberId, assignment: Buffer.alloc(0)}]})
    expect(synced.errorCode).toBe(0)
    const survivor = await member('evict', 'split')
    // The survivor's join waits for the silent member; after 1 s it is evicted and the survivor gets everything.
    await until(() => survivor.assigned.length === 4, 'the survivor to own all partitions')
    const heartbeat = await raw.request(12, 3, {groupId: 'evict', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null})
    expect([25, 22]).toContain(heartbeat.errorCode) // UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION: it is out
    raw.close()
    await survivor.consumer.disconnect()
  })

  it('keeps committed offsets, metadata included, across a broker restart', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.setOffsets({groupId: 'keeper', topic: 'durable', partitions: [{partition: 0, offset: '7'}, {partition: 1, offset: '3'}]})
    await admin.disconnect()
    const raw = await RawClient.connect(broker.bootstrap)
    const commit = await raw.request(8, 8, {groupId: 'annotated', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [
      {name: 'durable', partitions: [{partitionIndex: 1, committedOffset: 12, committedLeaderEpoch: 0, committedMetadata: 'checkpoint-12'}]},
    ]})
    expect(commit.topics[0].partitions[0].errorCode).toBe(0)
    raw.close()
    const port = broker.port
    await broker.close()
    broker = await startBroker({port, host: '127.0.0.1', dataDir, config})
    // loaded at start: the broker's own metrics know the offsets before any client asks
    expect(broker.state.metrics.render()).toContain('kctl_broker_consumergroup_committed_offset{group="keeper",topic="durable",partition="0"} 7\n')
    kafka = new Kafka({clientId: 'groups-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING})
    const again = kafka.admin()
    await again.connect()
    const offsets = await again.fetchOffsets({groupId: 'keeper', topics: ['durable']})
    expect(offsets[0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([[0, '7'], [1, '3']])
    const groups = await again.listGroups()
    expect(groups.groups.map((group) => group.groupId)).toEqual(expect.arrayContaining(['keeper', 'annotated']))
    await again.disconnect()
    // OffsetFetch v8: both groups in one request, all topics (null), metadata kept
    const rawAgain = await RawClient.connect(broker.bootstrap)
    const fetched = await rawAgain.request(9, 8, {groups: [{groupId: 'keeper', topics: null}, {groupId: 'annotated', topics: null}, {groupId: 'nobody', topics: [{name: 'durable', partitionIndexes: [0]}]}], requireStable: false})
    const byGroup = new Map(fetched.groups.map((group) => [group.groupId, group.topics.flatMap((topic) => topic.partitions.map((p) => [topic.name, p.partitionIndex, p.committedOffset, p.metadata]))]))
    expect(byGroup.get('annotated')).toEqual([['durable', 1, 12, 'checkpoint-12']])
    expect(byGroup.get('keeper')).toEqual([['durable', 0, 7, ''], ['durable', 1, 3, '']])
    expect(byGroup.get('nobody')).toEqual([['durable', 0, -1, '']])
    rawAgain.close()
  })
})

