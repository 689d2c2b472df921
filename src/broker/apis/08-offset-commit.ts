// OffsetCommit (key 8), versions 2-9.
//
// Behavior:
// - Classic groups: a member's commit must carry the current generation and member id (KIP-345
//   fencing by group.instance.id from v7); during CompletingRebalance it gets
//   REBALANCE_IN_PROGRESS, with an old generation ILLEGAL_GENERATION. Generation -1 with no
//   member id is an admin commit, accepted only while the group has no members (as
//   `kafka-consumer-groups --reset-offsets`).
// - KIP-848 consumer groups: the v9 field is the member epoch, which must be the member's
//   current one (STALE_MEMBER_EPOCH otherwise; UNKNOWN_MEMBER_ID for a member the group does
//   not have); epoch -1 with no member id is an admin commit, accepted while the group is empty.
// - Offsets, leader epochs (v6+), metadata and the commit time are stored durably in the data
//   dir (groups/offset-store.ts) and survive a restart.
// - A partition the broker does not have gets UNKNOWN_TOPIC_OR_PARTITION.
//
// Not implemented:
// - Kafka 4.0 refuses a commit below v9 from a consumer-protocol member (UNSUPPORTED_VERSION);
//   here any version is checked by member epoch.
// - The per-request retention time (v2-v4) is ignored: offsets.retention.minutes applies,
//   as in Kafka since 2.1 for consumers that send -1.
//
// Version notes:
// - v2: retention time. v3: throttle time. v4: same as v3. v5: no retention time.
// - v6: leader epoch (KIP-320). v7: group.instance.id (KIP-345). v8: flexible.
// - v9: KIP-848 member epochs (classic groups read the field as the generation).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(8, {
  handle(request, ctx) {
    const {state} = ctx
    const everyPartition = (errorCode: number) => ({
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({name: topic.name, partitions: topic.partitions.map(({partitionIndex}) => ({partitionIndex, errorCode}))})),
    })
    if (!state.allowed(ctx.connection, 'READ', 'GROUP', request.groupId)) return everyPartition(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    // Per-partition checks first; only the partitions that pass go to the coordinator.
    const accepted: {topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null}[] = []
    const precheck = new Map<string, number>()
    for (const topic of request.topics) {
      const topicAllowed = state.allowed(ctx.connection, 'READ', 'TOPIC', topic.name)
      for (const partition of topic.partitions) {
        const key = `${topic.name}:${partition.partitionIndex}`
        if (!topicAllowed) precheck.set(key, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        else if (state.log.offsets(topic.name, partition.partitionIndex) === undefined) precheck.set(key, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        else {
          accepted.push({
            topic: topic.name,
            partition: partition.partitionIndex,
            offset: partition.committedOffset,
            leaderEpoch: partition.committedLeaderEpoch,
            metadata: partition.committedMetadata,
          })
        }
      }
    }
    const result = state.groups.commitOffsets({
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      offsets: accepted,
    })
    if (typeof result === 'string') {
      const errorCode = ErrorCode[result]
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map(({partitionIndex}) => ({partitionIndex, errorCode: precheck.get(`${topic.name}:${partitionIndex}`) ?? errorCode})),
        })),
      }
    }
    const stored = new Map(accepted.map((offset, index) => [`${offset.topic}:${offset.partition}`, ErrorCode[result.perOffset[index]]]))
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map(({partitionIndex}) => {
          const key = `${topic.name}:${partitionIndex}`
          return {partitionIndex, errorCode: precheck.get(key) ?? stored.get(key) ?? ErrorCode.NONE}
        }),
      })),
    }
  },
})
