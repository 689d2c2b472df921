// DescribeGroups (key 15), versions 0-6.
//
// Behavior:
// - State, protocol and members of each group; member metadata and assignments only while
//   the group is Stable (GroupMetadata.summary in Kafka), empty bytes otherwise.
// - An unknown group is reported as Dead with no members; from v6 also GROUP_ID_NOT_FOUND.
// - A KIP-848 consumer group is not a classic group: Kafka 4.0 answers it like an unknown
//   one (Dead; from v6 GROUP_ID_NOT_FOUND, "Group g is not a classic group."). Clients
//   describe it with ConsumerGroupDescribe (key 69).
//
// Not implemented:
// - Authorized operations (v3+) are reported as "not requested" (INT32_MIN) unless asked
//   for, and as "all" otherwise: the ACL authorizer does not enumerate operations.
//
// Version notes:
// - v1: throttle time. v2: same as v1. v3: authorized operations (KIP-430).
// - v4: group.instance.id of members (KIP-345). v5: flexible. v6: error message and
//   GROUP_ID_NOT_FOUND for unknown groups (KIP-1043).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

const NOT_REQUESTED = -2147483648
// Read, Describe, Delete (bits 3, 8, 6 of AclOperation codes)
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8)

export default defineApi(15, {
  handle(request, ctx) {
    const coordinator = ctx.state.groups
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const authorizedOperations = request.includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED
        if (!ctx.state.allowed(ctx.connection, 'DESCRIBE', 'GROUP', groupId)) {
          return {errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations}
        }
        const summary = coordinator.describeGroup(groupId)
        if (!summary) {
          const errorCode = ctx.apiVersion >= 6 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE
          const notClassic = coordinator.listGroups().some((group) => group.groupId === groupId && group.type === 'consumer')
          const errorMessage = ctx.apiVersion < 6 ? null : notClassic ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`
          return {errorCode, errorMessage, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations}
        }
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: summary.state,
          protocolType: summary.protocolType,
          protocolData: summary.protocolName,
          members: summary.members.map((member) => ({
            memberId: member.memberId,
            groupInstanceId: member.groupInstanceId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            memberMetadata: member.metadata,
            memberAssignment: member.assignment,
          })),
          authorizedOperations,
        }
      }),
    }
  },
})
