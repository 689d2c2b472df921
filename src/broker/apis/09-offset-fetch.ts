// OffsetFetch (key 9), versions 1-9.
//
// Behavior:
// - Committed offsets with their metadata and leader epoch; a partition without a commit
//   answers offset -1, metadata "" and no error, as Kafka does.
// - Topics null (v2+) = every partition the group has committed.
// - v8+: several groups in one request, each with its own result (KIP-709): `kctl lag`
//   reads the offsets of every group in one round trip.
// - v9+: for a KIP-848 consumer group, a member id names a member that must exist
//   (UNKNOWN_MEMBER_ID) at that member epoch (STALE_MEMBER_EPOCH); a null member id (admin
//   tools) reads freely.
//
// - RequireStable (v7+, KIP-447): a partition for which an open transaction holds offsets
//   (TxnOffsetCommit, applied only when it commits) answers UNSTABLE_OFFSET_COMMIT with offset
//   -1, and the client asks again; read_committed Java consumers send it.
//
// Not implemented:
// - Classic groups ignore the v9 member id and epoch, as Kafka does.
//
// Version notes:
// - v2: null topics = all, top-level error. v3: throttle time. v4: same as v3.
// - v5: leader epoch (KIP-320). v6: flexible. v7: RequireStable (KIP-447). v8: batched groups
//   (KIP-709). v9: member id and epoch (KIP-848).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import type {GroupCoordinator} from '../groups/index.js'
import type {HandlerContext} from './define-api.js'
import {defineApi} from './define-api.js'

interface TopicResult {
  name: string
  partitions: {partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number}[]
}

function fetchGroup(
  coordinator: GroupCoordinator,
  ctx: HandlerContext,
  groupId: string,
  topics: readonly {name: string; partitionIndexes: readonly number[]}[] | null,
  member: {memberId: string | null; memberEpoch: number} = {memberId: null, memberEpoch: -1},
  requireStable = false,
): {errorCode: number; topics: TopicResult[]} {
  if (!ctx.state.allowed(ctx.connection, 'DESCRIBE', 'GROUP', groupId)) return {errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: []}
  const stale = coordinator.validateFetch(groupId, member.memberId, member.memberEpoch)
  if (stale !== 'NONE') return {errorCode: ErrorCode[stale], topics: []}
  const wanted = topics?.map((topic) => ({topic: topic.name, partitions: topic.partitionIndexes})) ?? null
  const found = coordinator.fetchOffsets(groupId, wanted)
  const describable = (topic: string) => ctx.state.allowed(ctx.connection, 'DESCRIBE', 'TOPIC', topic)
  const unstable = (topic: string, partition: number) => requireStable && ctx.state.txn.hasPendingOffset(groupId, topic, partition)
  const pending = {committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT}
  const result: TopicResult[] = []
  if (wanted === null) {
    // All committed topics; the ones this principal may not describe are left out, as in Kafka.
    for (const [topic, partitions] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
      if (!describable(topic)) continue
      // Sorted partition numbers, then one map look-up each: `kctl lag` reads 50 groups x 1,000
      // partitions in one request, and sorting [partition, offset] pairs cost several times more.
      const indexes = [...partitions.keys()].sort((a, b) => a - b)
      result.push({
        name: topic,
        partitions: indexes.map((partitionIndex) => {
          if (unstable(topic, partitionIndex)) return {partitionIndex, ...pending}
          const value = partitions.get(partitionIndex)!
          return {partitionIndex, committedOffset: value.offset, committedLeaderEpoch: value.leaderEpoch, metadata: value.metadata ?? '', errorCode: ErrorCode.NONE}
        }),
      })
    }
    return {errorCode: ErrorCode.NONE, topics: result}
  }
  for (const {topic, partitions} of wanted) {
    const allowed = describable(topic)
    result.push({
      name: topic,
      partitions: partitions.map((partitionIndex) => {
        if (allowed && unstable(topic, partitionIndex)) return {partitionIndex, ...pending}
        const value = allowed ? found.get(topic)?.get(partitionIndex) : undefined
        return {
          partitionIndex,
          committedOffset: value?.offset ?? -1,
          committedLeaderEpoch: value?.leaderEpoch ?? -1,
          metadata: value ? (value.metadata ?? '') : '',
          errorCode: allowed ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        }
      }),
    })
  }
  return {errorCode: ErrorCode.NONE, topics: result}
}

export default defineApi(9, {
  handle(request, ctx) {
    const coordinator = ctx.state.groups
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((group) => ({groupId: group.groupId, ...fetchGroup(coordinator, ctx, group.groupId, group.topics, group, request.requireStable)})),
      }
    }
    const {errorCode, topics} = fetchGroup(coordinator, ctx, request.groupId, request.topics, undefined, request.requireStable)
    // v1 has no top-level error code: a group error goes on every partition.
    if (ctx.apiVersion < 2 && errorCode !== ErrorCode.NONE) {
      return {
        throttleTimeMs: 0,
        topics: (request.topics ?? []).map((topic) => ({
          name: topic.name,
          partitions: topic.partitionIndexes.map((partitionIndex) => ({partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode})),
        })),
      }
    }
    return {throttleTimeMs: 0, errorCode, topics}
  },
})
