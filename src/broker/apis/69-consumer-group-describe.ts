// ConsumerGroupDescribe (key 69), versions 0-1: KIP-848 consumer groups as Kafka 4.0 describes
// them (what `kafka-consumer-groups --describe` and Admin.describeConsumerGroups read).
//
// Behavior:
// - Per group: state (Empty, Assigning, Reconciling, Stable), group epoch, assignment epoch,
//   the assignor in use, and each member: id, instance id, rack id, member epoch, client id,
//   client host ("/127.0.0.1"), subscribed topic names and regex, its current assignment and its
//   target assignment (topic id, topic name, partitions, sorted).
// - A classic group or an unknown one answers GROUP_ID_NOT_FOUND with Kafka's message ("Group
//   g is not a consumer group." / "Group g not found."); without DESCRIBE on the group,
//   GROUP_AUTHORIZATION_FAILED.
//
// Not implemented:
// - Authorized operations are reported as "not requested" (INT32_MIN) unless asked for, and
//   as Read, Describe, Delete otherwise: the ACL authorizer does not enumerate operations.
//
// Version notes:
// - v0: KIP-848. v1: MemberType per member (KIP-1099): 1 = consumer protocol (every member here;
//   classic members do not join consumer groups on this broker).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import type {Assignment} from '../groups/index.js'
import {defineApi} from './define-api.js'

const NOT_REQUESTED = -2147483648
// Read, Describe, Delete (bits 3, 8, 6 of AclOperation codes)
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8)
const CONSUMER_MEMBER = 1

export default defineApi(69, {
  handle(request, ctx) {
    const topicName = (topicId: string) => ctx.state.log.topicById(topicId)?.name ?? ''
    const toWire = (assignment: Assignment) => ({
      topicPartitions: [...assignment]
        .map(([topicId, partitions]) => ({topicId, topicName: topicName(topicId), partitions: [...partitions].sort((a, b) => a - b)}))
        .sort((a, b) => a.topicName.localeCompare(b.topicName)),
    })
    return {
      throttleTimeMs: 0,
      groups: request.groupIds.map((groupId) => {
        const authorizedOperations = request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED
        const empty = {groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [], authorizedOperations}
        if (!ctx.state.allowed(ctx.connection, 'DESCRIBE', 'GROUP', groupId)) return {...empty, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null}
        const described = ctx.state.groups.describeConsumerGroup(groupId)
        if ('error' in described) return {...empty, errorCode: ErrorCode[described.error], errorMessage: described.message}
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          groupId,
          groupState: described.state,
          groupEpoch: described.groupEpoch,
          assignmentEpoch: described.assignmentEpoch,
          assignorName: described.assignorName,
          members: described.members.map((member) => ({
            memberId: member.memberId,
            instanceId: member.instanceId,
            rackId: member.rackId,
            memberEpoch: member.memberEpoch,
            clientId: member.clientId,
            clientHost: member.clientHost,
            subscribedTopicNames: [...member.subscribedTopicNames],
            subscribedTopicRegex: member.subscribedTopicRegex,
            assignment: toWire(member.assignment),
            targetAssignment: toWire(member.targetAssignment),
            memberType: CONSUMER_MEMBER,
          })),
          authorizedOperations,
        }
      }),
    }
  },
})
