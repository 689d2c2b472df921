// The group coordinator alone, driven by fake timers: the classic rebalance protocol as
// Kafka runs it (KIP-394 member ids, generations, session and rebalance timeouts, static
// members) and committed offsets.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {GroupCoordinator, type JoinRequest, type JoinResult} from '../../../src/broker/groups/coordinator.js'
import {FileOffsetStore, MemoryOffsetStore} from '../../../src/broker/groups/offset-store.js'

/** Consumer protocol subscription v0 bytes for these topics. */
function subscription(...topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)]
  for (const topic of topics) parts.push(int16(Buffer.byteLength(topic)), Buffer.from(topic))
  parts.push(int32(-1))
  return Buffer.concat(parts)
}
function int16(value: number): Buffer {
  const buf = Buffer.alloc(2)
  buf.writeInt16BE(value)
  return buf
}
function int32(value: number): Buffer {
  const buf = Buffer.alloc(4)
  buf.writeInt32BE(value)
  return buf
}

function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{name: 'range', metadata: subscription('orders')}],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
    supportsSkipAssignment: false,
    ...overrides,
  }
}

let coordinator: GroupCoordinator
let store: MemoryOffsetStore

function newCoordinator(initialRebalanceDelayMs = 0): GroupCoordinator {
  return new GroupCoordinator({store, initialRebalanceDelayMs, minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 300_000, maxGroupSize: 10})
}

beforeEach(() => {
  vi.useFakeTimers()
  store = new MemoryOffsetStore()
  coordinator = newCoordinator()
})
afterEach(() => {
  coordinator.close()
  vi.useRealTimers()
})

/** KIP-394 handshake: the first join gets MEMBER_ID_REQUIRED, the second joins with that id. */
async function joinNew(overrides: Partial<JoinRequest> = {}): Promise<{memberId: string; joined: Promise<JoinResult>}> {
  const first = await coordinator.joinGroup(joinRequest(overrides))
  expect(first.error).toBe('MEMBER_ID_REQUIRED')
  return {memberId: first.memberId, joined: coordinator.joinGroup(joinRequest({...overrides, memberId: first.memberId}))}
}

/** Two members in a Stable group with generation 1; `a` is the leader. */
async function stableGroupOfTwo() {
  const a = await joinNew({clientId: 'a'})
  const resultA = await a.joined // alone: the join completes at once (no initial delay)
  expect(resultA.generationId).toBe(1)
  const syncA = await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{memberId: a.memberId, assignment: Buffer.from('a-all')}]})
  expect(syncA.error).toBe('NONE')
  const b = await joinNew({clientId: 'b'})
  expect(coordinator.heartbeat('g', 1, a.memberId, null)).toBe('REBALANCE_IN_PROGRESS')
  const rejoinA = coordinator.joinGroup(joinRequest({memberId: a.memberId, clientId: 'a'}))
  const [joinA, joinB] = await Promise.all([rejoinA, b.joined])
  return {a: a.memberId, b: b.memberId, joinA, joinB}
}

describe('JoinGroup and SyncGroup', () => {
  it('hands out a member id first (KIP-394) and makes the only member leader of generation 1', async () => {
    const {memberId, joined} = await joinNew({clientId: 'my-client'})
    expect(memberId).toMatch(/^my-client-[0-9a-f-]{36}$/)
    const result = await joined
    expect(result).toMatchObject({error: 'NONE', generationId: 1, protocolName: 'range', leader: memberId, memberId})
    expect(result.members.map((member) => member.memberId)).toEqual([memberId])
    expect(coordinator.describeGroup('g')?.state).toBe('CompletingRebalance')
  })

  it('joins old clients (JoinGroup v3 and below) without the member id round trip', async () => {
    const result = await coordinator.joinGroup(joinRequest({requireKnownMemberId: false}))
    expect(result.error).toBe('NONE')
    expect(result.generationId).toBe(1)
  })

  it('rebalances when a second member joins: the leader gets both subscriptions, SyncGroup hands out assignments', async () => {
    const {a, b, joinA, joinB} = await stableGroupOfTwo()
    expect(joinA.generationId).toBe(2)
    expect(joinB.generationId).toBe(2)
    expect(joinA.leader).toBe(a)
    expect(joinA.members.map((member) => member.memberId).sort()).toEqual([a, b].sort())
    expect(joinB.members).toEqual([])
    const syncB = coordinator.syncGroup({groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    const syncA = coordinator.syncGroup({groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [
      {memberId: a, assignment: Buffer.from('p0')},
      {memberId: b, assignment: Buffer.from('p1')},
    ]})
    expect((await syncA).assignment.toString()).toBe('p0')
    expect((await syncB).assignment.toString()).toBe('p1')
    expect(coordinator.describeGroup('g')).toMatchObject({state: 'Stable', protocolName: 'range', generationId: 2})
    expect(coordinator.heartbeat('g', 2, b, null)).toBe('NONE')
    expect(coordinator.heartbeat('g', 1, b, null)).toBe('ILLEGAL_GENERATION')
    expect(coordinator.heartbeat('g', 2, 'nobody', null)).toBe('UNKNOWN_MEMBER_ID')
  })

  it('removes a member that does not rejoin within the rebalance timeout', async () => {
    const a = await joinNew({rebalanceTimeoutMs: 20_000})
    await a.joined
    const b = await joinNew({rebalanceTimeoutMs: 20_000})
    let settled = false
    void b.joined.then(() => (settled = true))
    // a keeps its session alive by heartbeating, but never rejoins
    for (let elapsedMs = 3_000; elapsedMs <= 18_000; elapsedMs += 3_000) {
      await vi.advanceTimersByTimeAsync(3_000)
      expect(coordinator.heartbeat('g', 1, a.memberId, null)).toBe('REBALANCE_IN_PROGRESS')
    }
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(2_000)
    const result = await b.joined
    expect(result.generationId).toBe(2)
    expect(result.leader).toBe(b.memberId)
    expect(coordinator.describeGroup('g')?.members.map((member) => member.memberId)).toEqual([b.memberId])
  })

  it('evicts a member whose session times out and rebalances the rest', async () => {
    const {a, b} = await stableGroupOfTwo()
    const syncs = [
      coordinator.syncGroup({groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []}),
      coordinator.syncGroup({groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []}),
    ]
    await Promise.all(syncs)
    // a heartbeats every 3 s, b is dead
    for (let elapsedMs = 0; elapsedMs < 9_000; elapsedMs += 3_000) {
      await vi.advanceTimersByTimeAsync(3_000)
      expect(coordinator.heartbeat('g', 2, a, null)).toBe('NONE')
    }
    await vi.advanceTimersByTimeAsync(1_500)
    expect(coordinator.heartbeat('g', 2, a, null)).toBe('REBALANCE_IN_PROGRESS')
    expect(coordinator.heartbeat('g', 2, b, null)).toBe('UNKNOWN_MEMBER_ID')
    const rejoin = await coordinator.joinGroup(joinRequest({memberId: a}))
    expect(rejoin).toMatchObject({error: 'NONE', generationId: 3, leader: a})
  })

  it('forgets a handed-out member id that is never used within the session timeout', async () => {
    const first = await coordinator.joinGroup(joinRequest())
    await vi.advanceTimersByTimeAsync(10_001)
    const late = await coordinator.joinGroup(joinRequest({memberId: first.memberId}))
    expect(late.error).toBe('UNKNOWN_MEMBER_ID')
  })

  it('waits group.initial.rebalance.delay.ms for more members of a new group', async () => {
    coordinator.close()
    coordinator = newCoordinator(3_000)
    const a = await joinNew()
    await vi.advanceTimersByTimeAsync(1_000)
    const b = await joinNew()
    await vi.advanceTimersByTimeAsync(2_000)
    const [joinA, joinB] = await Promise.all([a.joined, b.joined])
    expect(joinA.generationId).toBe(1)
    expect(joinB.generationId).toBe(1)
    expect(coordinator.describeGroup('g')?.members).toHaveLength(2)
  })

  it('picks the protocol every member supports with the most votes, and refuses a member with none in common', async () => {
    const a = await joinNew({protocols: [{name: 'cooperative-sticky', metadata: subscription('t')}, {name: 'range', metadata: subscription('t')}]})
    await a.joined
    const b = await joinNew({protocols: [{name: 'range', metadata: subscription('t')}]})
    const rejoinA = coordinator.joinGroup(joinRequest({memberId: a.memberId, protocols: [{name: 'cooperative-sticky', metadata: subscription('t')}, {name: 'range', metadata: subscription('t')}]}))
    expect((await b.joined).protocolName).toBe('range')
    await rejoinA
    const odd = await coordinator.joinGroup(joinRequest({protocols: [{name: 'roundrobin', metadata: subscription('t')}]}))
    expect(odd.error).toBe('INCONSISTENT_GROUP_PROTOCOL')
    const otherType = await coordinator.joinGroup(joinRequest({protocolType: 'connect'}))
    expect(otherType.error).toBe('INCONSISTENT_GROUP_PROTOCOL')
  })

  it('rejects session timeouts outside the broker limits and an empty group id', async () => {
    expect((await coordinator.joinGroup(joinRequest({sessionTimeoutMs: 500}))).error).toBe('INVALID_SESSION_TIMEOUT')
    expect((await coordinator.joinGroup(joinRequest({groupId: ''}))).error).toBe('INVALID_GROUP_ID')
    expect((await coordinator.joinGroup(joinRequest({memberId: 'made-up'}))).error).toBe('UNKNOWN_MEMBER_ID')
  })

  it('answers SyncGroup during a rebalance with REBALANCE_IN_PROGRESS and a stale generation with ILLEGAL_GENERATION', async () => {
    const {a} = await stableGroupOfTwo()
    const sync = await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    expect(sync.error).toBe('ILLEGAL_GENERATION')
    await joinNew({clientId: 'c'})
    const during = await coordinator.syncGroup({groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    expect(during.error).toBe('REBALANCE_IN_PROGRESS')
  })
})

describe('static membership (KIP-345)', () => {
  it('lets a restarted static member take over without a rebalance and fences the old id', async () => {
    const first = await coordinator.joinGroup(joinRequest({groupInstanceId: 'pod-1'}))
    expect(first.error).toBe('NONE') // static members skip the member id round trip
    await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: 'pod-1', protocolType: null, protocolName: null, assignments: [{memberId: first.memberId, assignment: Buffer.from('mine')}]})
    const again = await coordinator.joinGroup(joinRequest({groupInstanceId: 'pod-1'}))
    expect(again).toMatchObject({error: 'NONE', generationId: 1})
    expect(again.memberId).not.toBe(first.memberId)
    expect(coordinator.describeGroup('g')?.state).toBe('Stable')
    expect(coordinator.heartbeat('g', 1, first.memberId, 'pod-1')).toBe('FENCED_INSTANCE_ID')
    expect(coordinator.heartbeat('g', 1, again.memberId, 'pod-1')).toBe('NONE')
    const sync = await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: again.memberId, groupInstanceId: 'pod-1', protocolType: null, protocolName: null, assignments: []})
    expect(sync.assignment.toString()).toBe('mine')
    const leave = coordinator.leaveGroup('g', [{memberId: first.memberId, groupInstanceId: 'pod-1'}])
    expect(leave.members).toEqual(['FENCED_INSTANCE_ID'])
  })
})

describe('LeaveGroup', () => {
  it('removes a batch of members (v3+) and reports unknown ones per member', async () => {
    const {a, b} = await stableGroupOfTwo()
    const result = coordinator.leaveGroup('g', [
      {memberId: a, groupInstanceId: null},
      {memberId: 'ghost', groupInstanceId: null},
      {memberId: b, groupInstanceId: null},
    ])
    expect(result.members).toEqual(['NONE', 'UNKNOWN_MEMBER_ID', 'NONE'])
    expect(coordinator.describeGroup('g')).toMatchObject({state: 'Empty', members: []})
  })
})

describe('offsets', () => {
  it('accepts commits from members of the current generation only', async () => {
    const {a} = await stableGroupOfTwo()
    const offsets = [{topic: 'orders', partition: 0, offset: 42, leaderEpoch: -1, metadata: 'm'}]
    expect(coordinator.commitOffsets({groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, offsets})).toBe('ILLEGAL_GENERATION')
    expect(coordinator.commitOffsets({groupId: 'g', generationId: 2, memberId: 'x', groupInstanceId: null, offsets})).toBe('UNKNOWN_MEMBER_ID')
    expect(coordinator.commitOffsets({groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, offsets})).toBe('REBALANCE_IN_PROGRESS')
    // an admin commit (generation -1) is refused while the group has members
    expect(coordinator.commitOffsets({groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets})).toBe('UNKNOWN_MEMBER_ID')
  })

  it('stores admin commits for an unknown group, with metadata and the commit time, and survives a restart', async () => {
    vi.setSystemTime(1_700_000_000_000)
    const result = coordinator.commitOffsets({groupId: 'offline', generationId: -1, memberId: '', groupInstanceId: null, offsets: [
      {topic: 'orders', partition: 0, offset: 10, leaderEpoch: 3, metadata: 'hello'},
      {topic: 'orders', partition: 1, offset: 20, leaderEpoch: -1, metadata: null},
    ]})
    expect(result).toEqual({error: 'NONE', perOffset: ['NONE', 'NONE']})
    coordinator.close()
    coordinator = newCoordinator()
    const fetched = coordinator.fetchOffsets('offline', [{topic: 'orders', partitions: [0, 1, 2]}])
    expect(fetched.get('orders')?.get(0)).toEqual({offset: 10, leaderEpoch: 3, metadata: 'hello', commitTimestampMs: 1_700_000_000_000})
    expect(fetched.get('orders')?.get(1)?.offset).toBe(20)
    expect(fetched.get('orders')?.has(2)).toBe(false)
    expect(coordinator.listGroups()).toEqual([{groupId: 'offline', protocolType: '', state: 'Empty', type: 'classic'}])
  })

  it('refuses metadata over offset.metadata.max.bytes', () => {
    const result = coordinator.commitOffsets({groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [
      {topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(4097)},
    ]})
    expect(result).toEqual({error: 'NONE', perOffset: ['OFFSET_METADATA_TOO_LARGE']})
  })

  it('deletes offsets of topics the group is not subscribed to (OffsetDelete)', async () => {
    const {a, b} = await stableGroupOfTwo()
    await Promise.all([
      coordinator.syncGroup({groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []}),
      coordinator.syncGroup({groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []}),
    ])
    coordinator.commitOffsets({groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, offsets: [
      {topic: 'orders', partition: 0, offset: 5, leaderEpoch: -1, metadata: null},
      {topic: 'old', partition: 0, offset: 7, leaderEpoch: -1, metadata: null},
    ]})
    const result = coordinator.deleteOffsets('g', [{topic: 'orders', partitions: [0]}, {topic: 'old', partitions: [0]}])
    expect(result instanceof Map && result.get('orders')?.get(0)).toBe('GROUP_SUBSCRIBED_TO_TOPIC')
    expect(result instanceof Map && result.get('old')?.get(0)).toBe('NONE')
    expect([...coordinator.fetchOffsets('g', null).keys()]).toEqual(['orders'])
    expect(coordinator.deleteOffsets('nope', [])).toBe('GROUP_ID_NOT_FOUND')
  })
})

describe('DeleteGroups', () => {
  it('refuses a group with members and deletes an empty one with its offsets', async () => {
    const {a, b} = await stableGroupOfTwo()
    coordinator.commitOffsets({groupId: 'other', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null}]})
    expect(coordinator.deleteGroups(['g', 'other', 'missing'])).toEqual(['NON_EMPTY_GROUP', 'NONE', 'GROUP_ID_NOT_FOUND'])
    expect(coordinator.fetchOffsets('other', null).size).toBe(0)
    coordinator.leaveGroup('g', [{memberId: a, groupInstanceId: null}, {memberId: b, groupInstanceId: null}])
    expect(coordinator.deleteGroups(['g'])).toEqual(['NONE'])
    expect(coordinator.listGroups()).toEqual([])
  })
})

describe('offset expiry (offsets.retention.minutes)', () => {
  it('expires the offsets of a group that has been Empty for the retention, then the group', async () => {
    coordinator.close()
    coordinator = new GroupCoordinator({store, initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 300_000, maxGroupSize: 10,
      offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000})
    coordinator.commitOffsets({groupId: 'idle', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null}]})
    const a = await joinNew({sessionTimeoutMs: 300_000})
    await a.joined
    await vi.advanceTimersByTimeAsync(50_000)
    expect(coordinator.fetchOffsets('idle', null).size).toBe(1)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(coordinator.fetchOffsets('idle', null).size).toBe(0)
    expect(coordinator.listGroups().map((group) => group.groupId)).toEqual(['g']) // g has a member
    expect(store.load().has('idle')).toBe(false)
  })
})

describe('FileOffsetStore', () => {
  it('replays appends after a restart, compacts the file, and ignores a torn last line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-offsets-'))
    try {
      const first = new FileOffsetStore(dir)
      expect(first.load().size).toBe(0)
      const value = (offset: number) => ({offset, leaderEpoch: -1, metadata: null, commitTimestampMs: 1})
      first.append([
        {kind: 'commit', groupId: 'g', topic: 't', partition: 0, value: value(1)},
        {kind: 'commit', groupId: 'g', topic: 't', partition: 0, value: value(2)},
        {kind: 'commit', groupId: 'h', topic: 't', partition: 0, value: value(3)},
        {kind: 'delete-group', groupId: 'h'},
      ])
      first.close()
      const file = path.join(dir, 'groups', 'offsets.jsonl')
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4)
      const second = new FileOffsetStore(dir)
      const loaded = second.load()
      expect(loaded.get('g')?.get('t')?.get(0)?.offset).toBe(2)
      expect(loaded.has('h')).toBe(false)
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1)
      second.append([{kind: 'commit', groupId: 'g', topic: 't', partition: 1, value: value(9)}])
      second.close()
      // simulate a crash in the middle of a line
      const text = readFileSync(file, 'utf8')
      writeFileSync(file, `${text}{"k":"c","g":"g","t"`)
      const third = new FileOffsetStore(dir)
      expect(third.load().get('g')?.get('t')?.get(1)?.offset).toBe(9)
      third.close()
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
