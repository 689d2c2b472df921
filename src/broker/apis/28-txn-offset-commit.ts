// TxnOffsetCommit (key 28), versions 0-5.
//
// Behavior:
// - Offsets sent inside a transaction are held by the transaction coordinator and become the
//   group's committed offsets only when the transaction commits (dropped on abort), so an
//   OffsetFetch sees them only then. The group must have been added with AddOffsetsToTxn to
//   the open transaction, else INVALID_TXN_STATE.
// - The producer must be the transactional id's current one: a foreign producer id is
//   INVALID_PRODUCER_ID_MAPPING, an older epoch INVALID_PRODUCER_EPOCH (clients read it as
//   fenced).
// - v3+ (KIP-447): a member id and generation other than -1 must match the group's current
//   membership (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION; for a KIP-848 consumer group the
//   generation is the member epoch, STALE_MEMBER_EPOCH when it is not the current one), so a
//   consumer that lost its partitions in a rebalance cannot commit for them.
// - Metadata over offset.metadata.max.bytes (4096) is OFFSET_METADATA_TOO_LARGE; unknown
//   partitions UNKNOWN_TOPIC_OR_PARTITION.
// - ACLs: WRITE on the transactional id, READ on the group and on each topic.
//
// - While the transaction is open, OffsetFetch with requireStable answers
//   UNSTABLE_OFFSET_COMMIT for these partitions (KIP-447).
//
// Not implemented:
// - The group.instance.id fencing of v3+ (FENCED_INSTANCE_ID) is not checked here.
//
// Version notes:
// - v1: same as v0. v2: committedLeaderEpoch (KIP-320). v3: flexible, generationId, memberId,
//   groupInstanceId (KIP-447). v4: TRANSACTION_ABORTABLE (KIP-890; never here). v5: same.
import {ErrorCode, type ErrorName} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi, type HandlerContext} from './define-api.js'

const MAX_METADATA_BYTES = 4096

export default defineApi(28, {
  handle(request, ctx) {
    const {state} = ctx
    const every = (code: (topic: string, partition: number) => number) => ({
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map(({partitionIndex}) => ({partitionIndex, errorCode: code(topic.name, partitionIndex)})),
      })),
    })
    const all = (error: ErrorName) => every(() => ErrorCode[error])
    if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', request.transactionalId)) return all('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    if (!allowed(ctx, 'READ', 'GROUP', request.groupId)) return all('GROUP_AUTHORIZATION_FAILED')
    const membership = checkMember(ctx, request.groupId, request.generationId, request.memberId)
    if (membership !== 'NONE') return all(membership)
    const problems = new Map<string, ErrorName>()
    const offsets = request.topics.flatMap((topic) => {
      const mayRead = allowed(ctx, 'READ', 'TOPIC', topic.name)
      return topic.partitions.flatMap((p) => {
        const key = `${topic.name}:${p.partitionIndex}`
        if (!mayRead) problems.set(key, 'TOPIC_AUTHORIZATION_FAILED')
        else if (!state.log.offsets(topic.name, p.partitionIndex)) problems.set(key, 'UNKNOWN_TOPIC_OR_PARTITION')
        else if (p.committedMetadata !== null && Buffer.byteLength(p.committedMetadata) > MAX_METADATA_BYTES) problems.set(key, 'OFFSET_METADATA_TOO_LARGE')
        else return [{topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata}]
        return []
      })
    })
    const error = state.txn.commitOffsets({transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch}, request.groupId, offsets)
    return every((topic, partition) => ErrorCode[problems.get(`${topic}:${partition}`) ?? error])
  },
})

// KIP-447: a commit that names a member must come from the group's current generation (for
// a KIP-848 consumer group, the member's epoch: UNKNOWN_MEMBER_ID or STALE_MEMBER_EPOCH, as
// Kafka's member epoch check answers).
function checkMember(ctx: HandlerContext, groupId: string, generationId: number, memberId: string): ErrorName {
  if (generationId < 0 && memberId === '') return 'NONE'
  const {groups} = ctx.state
  if (!('error' in groups.describeConsumerGroup(groupId))) return groups.validateFetch(groupId, memberId, generationId)
  const group = groups.describeGroup(groupId)
  if (!group || !group.members.some((m) => m.memberId === memberId)) return 'UNKNOWN_MEMBER_ID'
  if (group.generationId !== generationId) return 'ILLEGAL_GENERATION'
  return 'NONE'
}
