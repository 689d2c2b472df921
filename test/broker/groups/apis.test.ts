// The group APIs over a socket at the edges kafkajs does not reach: FindCoordinator at v3 and
// batched v4, ListGroups state filters, DescribeGroups of an unknown group before and after v6,
// OffsetCommit to a missing partition, OffsetDelete, OffsetFetch v1, and the broker's lag gauges.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {crc32c} from '../../../src/kafka/protocol/index.js'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

const broker = useBroker({'group.initial.rebalance.delay.ms': '0'})
let raw: RawClient

beforeAll(async () => {
  raw = await RawClient.connect(broker().bootstrap)
  const created = await raw.request(19, 5, {topics: [{name: 'ga', numPartitions: 2, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: false})
  expect(created.topics[0].errorCode).toBe(0)
  const produced = await raw.request(0, 9, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'ga', partitionData: [{index: 0, records: batchOf(10)}]}]})
  expect(produced.responses[0].partitionResponses[0].errorCode).toBe(0)
})
afterAll(() => raw?.close())

/** An uncompressed v2 record batch of `count` tiny records (CRC-32C filled in). */
function batchOf(count: number): Buffer {
  const records: Buffer[] = []
  for (let index = 0; index < count; index++) {
    // length, attributes, timestampDelta, offsetDelta, key -1, value len 1 'x', headers 0 (varints, zigzag)
    const body = Buffer.from([0, 0, index * 2, 0x01, 0x02, 0x78, 0])
    records.push(Buffer.concat([Buffer.from([body.length * 2]), body]))
  }
  const recordBytes = Buffer.concat(records)
  const header = Buffer.alloc(61)
  header.writeInt32BE(49 + recordBytes.length, 8)
  header.writeInt8(2, 16)
  header.writeInt32BE(count - 1, 23)
  header.writeBigInt64BE(BigInt(Date.now()), 27)
  header.writeBigInt64BE(BigInt(Date.now()), 35)
  header.writeBigInt64BE(-1n, 43)
  header.writeInt16BE(-1, 51)
  header.writeInt32BE(-1, 53)
  header.writeInt32BE(count, 57)
  const batch = Buffer.concat([header, recordBytes])
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17)
  return batch
}

const commit = (groupId: string, topic: string, partition: number, offset: number) =>
  raw.request(8, 8, {groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{name: topic, partitions: [{partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null}]}]})

describe('group APIs', () => {
  it('FindCoordinator names this broker, per key from v4, and refuses share groups', async () => {
    const [host, port] = broker().bootstrap.split(':')
    const single = await raw.request(10, 3, {key: 'g', keyType: 0})
    expect(single).toMatchObject({errorCode: 0, nodeId: 1, host, port: Number(port)})
    const batched = await raw.request(10, 4, {keyType: 0, coordinatorKeys: ['a', 'b']})
    expect(batched.coordinators.map((c) => [c.key, c.nodeId, c.errorCode])).toEqual([['a', 1, 0], ['b', 1, 0]])
    const share = await raw.request(10, 6, {keyType: 2, coordinatorKeys: ['s']})
    expect(share.coordinators[0].errorCode).toBe(42) // INVALID_REQUEST
  })

  it('commits, refuses a missing partition, lists by state, describes, fetches at v1 and deletes offsets', async () => {
    const committed = await raw.request(8, 8, {groupId: 'ga-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [
      {name: 'ga', partitions: [{partitionIndex: 0, committedOffset: 4, committedLeaderEpoch: -1, committedMetadata: 'm'}, {partitionIndex: 7, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null}]},
      {name: 'missing', partitions: [{partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null}]},
    ]})
    expect(committed.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([[0, 3], [3]]) // UNKNOWN_TOPIC_OR_PARTITION

    const empty = await raw.request(16, 4, {statesFilter: ['empty']})
    expect(empty.groups.map((g) => [g.groupId, g.groupState])).toContainEqual(['ga-group', 'Empty'])
    const stable = await raw.request(16, 4, {statesFilter: ['Stable']})
    expect(stable.groups.map((g) => g.groupId)).not.toContain('ga-group')

    const v5 = await raw.request(15, 5, {groups: ['nobody'], includeAuthorizedOperations: false})
    expect(v5.groups[0]).toMatchObject({errorCode: 0, groupState: 'Dead'})
    const v6 = await raw.request(15, 6, {groups: ['nobody'], includeAuthorizedOperations: false})
    expect(v6.groups[0].errorCode).toBe(69) // GROUP_ID_NOT_FOUND

    const v1 = await raw.request(9, 1, {groupId: 'ga-group', topics: [{name: 'ga', partitionIndexes: [0, 1]}]})
    expect(v1.topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([[0, 4, 'm'], [1, -1, '']])

    const deleted = await raw.request(47, 0, {groupId: 'ga-group', topics: [{name: 'ga', partitions: [{partitionIndex: 0}]}]})
    expect(deleted.errorCode).toBe(0)
    expect(deleted.topics[0].partitions[0].errorCode).toBe(0)
    const after = await raw.request(9, 8, {groups: [{groupId: 'ga-group', memberId: null, memberEpoch: -1, topics: null}], requireStable: false})
    expect(after.groups[0].topics).toEqual([])
  })

  it('exports lag per committed partition on the broker metrics', async () => {
    await commit('gauged', 'ga', 0, 3)
    const text = broker().state.metrics.render()
    expect(text).toContain('kctl_broker_consumergroup_lag{group="gauged",topic="ga",partition="0"} 7\n')
    expect(text).toContain('kctl_broker_consumergroup_committed_offset{group="gauged",topic="ga",partition="0"} 3\n')
  })

  it('DeleteGroups deletes an empty group and reports unknown ones', async () => {
    await commit('short-lived', 'ga', 1, 0)
    const result = await raw.request(42, 2, {groupsNames: ['short-lived', 'never-was']})
    expect(result.results.map((r) => [r.groupId, r.errorCode])).toEqual([['short-lived', 0], ['never-was', 69]])
  })
})
