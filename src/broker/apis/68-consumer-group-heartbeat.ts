// ConsumerGroupHeartbeat (key 68), versions 0-1: the KIP-848 consumer group protocol, as Java
// 4.x clients (group.protocol=consumer), librdkafka >= 2.10 and @platformatic/kafka speak it.
//
// Behavior:
// - Join (epoch 0), heartbeat, leave (epoch -1, or -2 for a static member) in one API; the
//   coordinator (groups/consumer.ts) assigns partitions itself with the group's server-side
//   assignor (group.consumer.assignors: uniform, range) and answers each member with its
//   epoch and the partitions it may use now, revoking before assigning.
// - The answer carries group.consumer.heartbeat.interval.ms; members are removed after
//   group.consumer.session.timeout.ms of silence (both broker settings, as in Kafka 4.0).
// - Assignments name topics by id (Metadata v10+ gives clients the ids).
// - Errors: FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID (rejoin with epoch 0), UNRELEASED_INSTANCE_ID,
//   FENCED_INSTANCE_ID, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION, INVALID_REQUEST (with
//   Kafka's messages), GROUP_MAX_SIZE_REACHED (group.consumer.max.size), GROUP_ID_NOT_FOUND for a
//   classic group that still has members (no online migration), GROUP_AUTHORIZATION_FAILED
//   without READ on the group.
// - The client host is the connection's address with Kafka's leading slash ("/127.0.0.1").
//
// Not implemented:
// - Rack-aware assignment: RackId is kept and described only.
// - Topic ACLs are not applied to the subscription (Kafka leaves out topics the member may not
//   DESCRIBE from a regex subscription).
//
// Version notes:
// - v0: KIP-848 (GA in Kafka 4.0); the coordinator makes up member ids for members that send "".
// - v1: SubscribedTopicRegex; the member makes up its own member id (KIP-1082), so an empty
//   member id is INVALID_REQUEST.
import {ErrorCode} from '../../kafka/protocol/errors.js'
import type {Assignment} from '../groups/index.js'
import {defineApi} from './define-api.js'

function toWire(assignment: Assignment): {topicId: string; partitions: number[]}[] {
  return [...assignment].map(([topicId, partitions]) => ({topicId, partitions: [...partitions].sort((a, b) => a - b)}))
}

export default defineApi(68, {
  handle(request, ctx) {
    const failed = (errorCode: number, errorMessage: string | null) => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      memberId: null,
      memberEpoch: -1,
      heartbeatIntervalMs: 0,
      assignment: null,
    })
    if (!ctx.state.allowed(ctx.connection, 'READ', 'GROUP', request.groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED, null)
    const owned = request.topicPartitions === null ? null : new Map(request.topicPartitions.map((topic) => [topic.topicId, new Set(topic.partitions)]))
    const result = ctx.state.groups.consumerGroupHeartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      memberEpoch: request.memberEpoch,
      instanceId: request.instanceId,
      rackId: request.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      subscribedTopicNames: request.subscribedTopicNames,
      subscribedTopicRegex: request.subscribedTopicRegex ?? null,
      serverAssignor: request.serverAssignor,
      ownedTopicPartitions: owned,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.connection.remoteAddress}`,
      apiVersion: ctx.apiVersion,
    })
    if (result.error !== 'NONE') return failed(ErrorCode[result.error], result.errorMessage)
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: result.memberId,
      memberEpoch: result.memberEpoch,
      heartbeatIntervalMs: result.heartbeatIntervalMs,
      assignment: result.assignment === null ? null : {topicPartitions: toWire(result.assignment)},
    }
  },
})
