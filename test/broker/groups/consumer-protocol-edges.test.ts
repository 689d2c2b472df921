// The KIP-848 consumer group protocol at the edges a client library rarely shows on its own:
// revoke-before-assign between two members, fencing and member-epoch checks on commits and
// fetches, a regex subscription picking up a topic created later, static members leaving with
// epoch -2 and coming back, the classic/consumer border (DescribeGroups, JoinGroup, a classic
// group that still has members), group.version in ApiVersions, and a restart that keeps epochs
// and assignments. Members are driven over a raw socket (no client library sends a regex
// subscription or epoch -2 on demand); the classic side of the border is a real kafkajs
// consumer group and the consumer side a real @platformatic/kafka one.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Consumer} from '@platformatic/kafka'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker} from '../../../src/broker/index.js'
import {ErrorCode} from '../../../src/kafka/protocol/index.js'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

const broker = useBroker({'group.consumer.heartbeat.interval.ms': '500', 'group.consumer.min.heartbeat.interval.ms': '100'})
let raw: RawClient

beforeAll(async () => {
  raw = await RawClient.connect(broker().bootstrap)
})
afterAll(() => raw?.close())

type Owned = {topicId: string; partitions: number[]}[]

async function createTopic(client: RawClient, name: string, partitions: number): Promise<string> {
  const created = await client.request(19, 7, {topics: [{name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: false})
  expect(created.topics[0].errorCode).toBe(0)
  return created.topics[0].topicId
}

function heartbeat(
  client: RawClient,
  fields: {groupId: string; memberId: string; memberEpoch: number; topics?: string[] | null; regex?: string | null; owned?: Owned | null; instanceId?: string | null; assignor?: string | null},
  version = 1,
) {
  return client.request(68, version, {
    groupId: fields.groupId,
    memberId: fields.memberId,
    memberEpoch: fields.memberEpoch,
    instanceId: fields.instanceId ?? null,
    rackId: null,
    rebalanceTimeoutMs: fields.memberEpoch === 0 ? 30_000 : -1,
    subscribedTopicNames: fields.topics === undefined ? null : fields.topics,
    subscribedTopicRegex: fields.regex ?? null,
    serverAssignor: fields.assignor ?? null,
    topicPartitions: fields.owned === undefined ? null : fields.owned,
  })
}

const partitionsOf = (assignment: {topicPartitions: readonly {partitions: readonly number[]}[]} | null | undefined) =>
  (assignment?.topicPartitions ?? []).flatMap((topic) => topic.partitions).sort()

async function describeGroup(client: RawClient, groupId: string) {
  return (await client.request(69, 1, {groupIds: [groupId], includeAuthorizedOperations: false})).groups[0]
}

describe('ConsumerGroupHeartbeat', () => {
  it('refuses malformed joins with Kafka errors', async () => {
    const noId = await heartbeat(raw, {groupId: 'e-bad', memberId: '', memberEpoch: 0, topics: ['x'], owned: []})
    expect(noId.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(noId.errorMessage).toBe("MemberId can't be empty.")
    const assignor = await heartbeat(raw, {groupId: 'e-bad', memberId: 'm', memberEpoch: 0, topics: ['x'], owned: [], assignor: 'sticky'})
    expect(assignor.errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR)
    const regex = await heartbeat(raw, {groupId: 'e-bad', memberId: 'm', memberEpoch: 0, regex: '(unclosed', owned: []})
    expect(regex.errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION)
    const unknown = await heartbeat(raw, {groupId: 'e-bad', memberId: 'm', memberEpoch: 3})
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    // v0: the coordinator makes up the member id
    const v0 = await heartbeat(raw, {groupId: 'e-v0', memberId: '', memberEpoch: 0, topics: ['x'], owned: []}, 0)
    expect(v0.errorCode).toBe(0)
    expect(v0.memberId).toMatch(/^[0-9a-f-]{36}$/)
    expect(v0.heartbeatIntervalMs).toBe(500)
  })

  it('revokes before it assigns: a partition moves only after its owner released it', async () => {
    const topicId = await createTopic(raw, 'e-rev', 4)
    const group = 'e-rev-group'
    const a1 = await heartbeat(raw, {groupId: group, memberId: 'a', memberEpoch: 0, topics: ['e-rev'], owned: []})
    expect(a1.memberEpoch).toBe(1)
    expect(partitionsOf(a1.assignment)).toEqual([0, 1, 2, 3])
    const all: Owned = [{topicId, partitions: [0, 1, 2, 3]}]
    expect((await heartbeat(raw, {groupId: group, memberId: 'a', memberEpoch: 1, owned: all})).errorCode).toBe(0)

    const b1 = await heartbeat(raw, {groupId: group, memberId: 'b', memberEpoch: 0, topics: ['e-rev'], owned: []})
    expect(b1.memberEpoch).toBe(2)
    expect(partitionsOf(b1.assignment)).toEqual([]) // still a's
    const described = await describeGroup(raw, group)
    expect(described).toMatchObject({groupState: 'Reconciling', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform'})

    // a is told to give two partitions up, and stays at epoch 1 until it has
    const a2 = await heartbeat(raw, {groupId: group, memberId: 'a', memberEpoch: 1, topics: ['e-rev'], owned: all})
    expect(a2.memberEpoch).toBe(1)
    const kept = partitionsOf(a2.assignment)
    expect(kept).toHaveLength(2)
    const b2 = await heartbeat(raw, {groupId: group, memberId: 'b', memberEpoch: 2, topics: ['e-rev'], owned: []})
    expect(partitionsOf(b2.assignment)).toEqual([])

    // commits must carry the member's current epoch
    const commit = (memberId: string, epoch: number) =>
      raw.request(8, 9, {groupId: group, generationIdOrMemberEpoch: epoch, memberId, groupInstanceId: null, topics: [{name: 'e-rev', partitions: [{partitionIndex: kept[0], committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null}]}]})
    expect((await commit('a', 2)).topics[0].partitions[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    expect((await commit('a', 1)).topics[0].partitions[0].errorCode).toBe(0)
    expect((await commit('ghost', 1)).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)

    const a3 = await heartbeat(raw, {groupId: group, memberId: 'a', memberEpoch: 1, owned: [{topicId, partitions: kept}]})
    expect(a3.memberEpoch).toBe(2)
    const b3 = await heartbeat(raw, {groupId: group, memberId: 'b', memberEpoch: 2, owned: []})
    const moved = partitionsOf(b3.assignment)
    expect(moved).toHaveLength(2)
    expect([...kept, ...moved].sort()).toEqual([0, 1, 2, 3])
    expect((await describeGroup(raw, group)).groupState).toBe('Stable')

    // fencing: a future epoch, and a stale one that is not the previous epoch
    expect((await heartbeat(raw, {groupId: group, memberId: 'a', memberEpoch: 7})).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH)
    // OffsetFetch v9 checks the member epoch too
    const fetched = await raw.request(9, 9, {groups: [{groupId: group, memberId: 'a', memberEpoch: 1, topics: null}], requireStable: false})
    expect(fetched.groups[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    const current = await raw.request(9, 9, {groups: [{groupId: group, memberId: 'a', memberEpoch: 2, topics: null}], requireStable: false})
    expect(current.groups[0].errorCode).toBe(0)
    expect(current.groups[0].topics[0].partitions[0].committedOffset).toBe(0)

    // DescribeGroups sees no classic group here, as Kafka 4.0
    const v5 = await raw.request(15, 5, {groups: [group], includeAuthorizedOperations: false})
    expect(v5.groups[0]).toMatchObject({errorCode: 0, groupState: 'Dead'})
    const v6 = await raw.request(15, 6, {groups: [group], includeAuthorizedOperations: false})
    expect(v6.groups[0]).toMatchObject({errorCode: ErrorCode.GROUP_ID_NOT_FOUND, groupState: 'Dead', errorMessage: `Group ${group} is not a classic group.`})
    // and a classic JoinGroup cannot join it while it has members
    const join = await raw.request(11, 9, {groupId: group, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{name: 'range', metadata: Buffer.alloc(0)}], reason: null})
    expect(join.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)

    // ConsumerGroupDescribe, what kctl's client side reads
    const final = await describeGroup(raw, group)
    expect(final.members.map((member) => member.memberId).sort()).toEqual(['a', 'b'])
    for (const member of final.members) {
      expect(member).toMatchObject({memberEpoch: 2, clientId: 'raw-test', clientHost: '/127.0.0.1', subscribedTopicNames: ['e-rev'], subscribedTopicRegex: null, memberType: 1})
      expect(member.assignment.topicPartitions[0]).toMatchObject({topicId, topicName: 'e-rev'})
      expect(partitionsOf(member.assignment)).toEqual(partitionsOf(member.targetAssignment))
    }

    // leaving (epoch -1) gives the partitions back to the other member
    const left = await heartbeat(raw, {groupId: group, memberId: 'b', memberEpoch: -1})
    expect(left).toMatchObject({errorCode: 0, memberEpoch: -1})
    const a4 = await heartbeat(raw, {groupId: group, memberId: 'a', memberEpoch: 2, owned: [{topicId, partitions: kept}]})
    expect(partitionsOf(a4.assignment)).toEqual([0, 1, 2, 3])
    expect(a4.memberEpoch).toBe(3)
  })

  it('picks up a topic created after a regex subscription', async () => {
    const group = 'e-regex'
    const joined = await heartbeat(raw, {groupId: group, memberId: 'r', memberEpoch: 0, topics: [], regex: 'e-re-.*', owned: []})
    expect(partitionsOf(joined.assignment)).toEqual([])
    const before = await describeGroup(raw, group)
    const topicId = await createTopic(raw, 'e-re-late', 3)
    await createTopic(raw, 'other-e-re-late', 1) // matches only as a substring: not subscribed
    const next = await heartbeat(raw, {groupId: group, memberId: 'r', memberEpoch: joined.memberEpoch, owned: []})
    expect(next.assignment?.topicPartitions).toEqual([{topicId, partitions: [0, 1, 2]}])
    expect(next.memberEpoch).toBeGreaterThan(joined.memberEpoch)
    const after = await describeGroup(raw, group)
    expect(after.groupEpoch).toBeGreaterThan(before.groupEpoch)
    expect(after.members[0]).toMatchObject({subscribedTopicRegex: 'e-re-.*', subscribedTopicNames: []})
    // more partitions for a subscribed topic: the metadata changed, so does the assignment
    const grown = await raw.request(37, 3, {topics: [{name: 'e-re-late', count: 4, assignments: null}], timeoutMs: 5000, validateOnly: false})
    expect(grown.results[0].errorCode).toBe(0)
    const more = await heartbeat(raw, {groupId: group, memberId: 'r', memberEpoch: next.memberEpoch, owned: [{topicId, partitions: [0, 1, 2]}]})
    expect(more.assignment?.topicPartitions).toEqual([{topicId, partitions: [0, 1, 2, 3]}])
    // ListGroups v5 filters consumer groups by their KIP-848 states
    const stable = await raw.request(16, 5, {statesFilter: ['Stable'], typesFilter: ['consumer']})
    expect(stable.groups.map((listed) => listed.groupId)).toContain(group)
    const assigning = await raw.request(16, 5, {statesFilter: ['Assigning'], typesFilter: []})
    expect(assigning.groups.map((listed) => listed.groupId)).not.toContain(group)
  })

  it('keeps a static member\'s assignment across a leave with epoch -2 and a rejoin', async () => {
    await createTopic(raw, 'e-static', 2)
    const group = 'e-static-group'
    const first = await heartbeat(raw, {groupId: group, memberId: 's1', memberEpoch: 0, instanceId: 'pod-0', topics: ['e-static'], owned: [], assignor: 'range'})
    const other = await heartbeat(raw, {groupId: group, memberId: 's2', memberEpoch: 0, instanceId: 'pod-1', topics: ['e-static'], owned: []})
    expect(other.errorCode).toBe(0)
    const settled = await heartbeat(raw, {groupId: group, memberId: 's1', memberEpoch: first.memberEpoch, owned: first.assignment!.topicPartitions as Owned})
    const assignment = partitionsOf(settled.assignment)
    expect(assignment).toHaveLength(1)
    // the instance id is held while s1 is alive
    const stolen = await heartbeat(raw, {groupId: group, memberId: 's3', memberEpoch: 0, instanceId: 'pod-0', topics: ['e-static'], owned: []})
    expect(stolen.errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID)
    const epochBefore = (await describeGroup(raw, group)).groupEpoch
    expect((await heartbeat(raw, {groupId: group, memberId: 's1', memberEpoch: -2, instanceId: 'pod-0'})).memberEpoch).toBe(-2)
    const back = await heartbeat(raw, {groupId: group, memberId: 's1-restarted', memberEpoch: 0, instanceId: 'pod-0', topics: ['e-static'], owned: []})
    expect(back.errorCode).toBe(0)
    expect(partitionsOf(back.assignment)).toEqual(assignment)
    const described = await describeGroup(raw, group)
    expect(described.groupEpoch).toBe(epochBefore) // no rebalance
    expect(described.assignorName).toBe('range')
    expect(described.members.map((member) => member.memberId).sort()).toEqual(['s1-restarted', 's2'])
  })
})

describe('classic and consumer groups side by side', () => {
  it('refuses the consumer protocol while a classic group has members, then converts it when empty, keeping its offsets', async () => {
    await createTopic(raw, 'e-conv', 2)
    const kafka = new Kafka({clientId: 'classic-app', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
    const classic = kafka.consumer({groupId: 'e-conv-group', sessionTimeout: 10_000, heartbeatInterval: 500})
    await classic.connect()
    await classic.subscribe({topics: ['e-conv'], fromBeginning: true})
    const joined = new Promise<void>((resolve) => classic.on(classic.events.GROUP_JOIN, () => resolve()))
    await classic.run({eachMessage: async () => {}})
    await joined

    const refused = await heartbeat(raw, {groupId: 'e-conv-group', memberId: 'new', memberEpoch: 0, topics: ['e-conv'], owned: []})
    expect(refused.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
    expect(refused.errorMessage).toContain('Cannot upgrade classic group e-conv-group to consumer group')
    await classic.disconnect()
    const admin = kafka.admin()
    await admin.connect()
    await admin.setOffsets({groupId: 'e-conv-group', topic: 'e-conv', partitions: [{partition: 0, offset: '5'}]})
    await admin.disconnect()

    const consumer = new Consumer({clientId: 'kip848-app', bootstrapBrokers: [broker().bootstrap], groupId: 'e-conv-group', groupProtocol: 'consumer', maxWaitTime: 200})
    try {
      await consumer.consume({topics: ['e-conv'], mode: 'committed', fallbackMode: 'earliest', autocommit: false})
      const committed = await consumer.listCommittedOffsets({topics: [{topic: 'e-conv', partitions: [0]}]})
      expect(committed.get('e-conv')?.[0]).toBe(5n)
      const listed = await raw.request(16, 5, {statesFilter: [], typesFilter: ['consumer']})
      expect(listed.groups.find((group) => group.groupId === 'e-conv-group')).toMatchObject({protocolType: 'consumer', groupType: 'consumer'})
    } finally {
      await consumer.close()
    }
  })

  it('refuses to start with a session timeout outside its bounds, as Kafka', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-cg-bounds-'))
    try {
      await expect(startBroker({port: 0, host: '127.0.0.1', dataDir, config: {'group.consumer.session.timeout.ms': '1000'}})).rejects.toThrow(
        'unable to configure the broker: group.consumer.session.timeout.ms=1000 is outside group.consumer.min.session.timeout.ms=45000 .. group.consumer.max.session.timeout.ms=60000',
      )
    } finally {
      rmSync(dataDir, {recursive: true, force: true})
    }
  })

  it('advertises group.version 1 in ApiVersions v3+', async () => {
    const versions = await raw.request(18, 3, {clientSoftwareName: 'raw', clientSoftwareVersion: '1'})
    expect(versions.apiKeys.find((key) => key.apiKey === 68)).toMatchObject({minVersion: 0, maxVersion: 1})
    expect(versions.apiKeys.find((key) => key.apiKey === 69)).toMatchObject({minVersion: 0, maxVersion: 1})
    expect(versions.finalizedFeatures).toEqual([{name: 'group.version', minVersionLevel: 1, maxVersionLevel: 1}])
    expect(versions.supportedFeatures).toEqual([{name: 'group.version', minVersion: 0, maxVersion: 1}])
  })
})

describe('consumer group metadata across a restart', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-cg-restart-'))
  afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

  it('brings groups back with their epochs and assignments, so members carry on without a rebalance', async () => {
    const first = await startBroker({port: 0, host: '127.0.0.1', dataDir})
    let topicId: string
    let epoch: number
    let owned: Owned
    let groupEpoch: number
    try {
      const client = await RawClient.connect(first.bootstrap)
      topicId = await createTopic(client, 'e-durable', 2)
      const joined = await heartbeat(client, {groupId: 'e-durable-group', memberId: 'd', memberEpoch: 0, topics: ['e-durable'], owned: []})
      epoch = joined.memberEpoch
      owned = joined.assignment!.topicPartitions as Owned
      groupEpoch = (await describeGroup(client, 'e-durable-group')).groupEpoch
      client.close()
    } finally {
      await first.close()
    }
    const second = await startBroker({port: 0, host: '127.0.0.1', dataDir})
    try {
      const client = await RawClient.connect(second.bootstrap)
      const described = await describeGroup(client, 'e-durable-group')
      expect(described).toMatchObject({errorCode: 0, groupState: 'Stable', groupEpoch, assignmentEpoch: groupEpoch})
      expect(described.members[0]).toMatchObject({memberId: 'd', memberEpoch: epoch})
      const again = await heartbeat(client, {groupId: 'e-durable-group', memberId: 'd', memberEpoch: epoch, topics: ['e-durable'], owned})
      // Nothing changed for it: same epoch, and no new assignment to apply (an incremental heartbeat).
      expect(again).toMatchObject({errorCode: 0, memberEpoch: epoch, assignment: null})
      const after = await describeGroup(client, 'e-durable-group')
      expect(after.groupEpoch).toBe(groupEpoch)
      expect(after.members[0].assignment.topicPartitions).toEqual([{topicId, topicName: 'e-durable', partitions: [0, 1]}])
      client.close()
    } finally {
      await second.close()
    }
  })
})
