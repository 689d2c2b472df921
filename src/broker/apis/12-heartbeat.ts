// Heartbeat (key 12), versions 0-4.
//
// Behavior:
// - Re-arms the member's session timer; REBALANCE_IN_PROGRESS tells it to rejoin,
//   ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID that it is out of date.
// - Classic groups only (groups/classic.ts): a member of a KIP-848 consumer group heartbeats
//   with ConsumerGroupHeartbeat (key 68); this API answers it UNKNOWN_MEMBER_ID.
//
// Version notes:
// - v1: throttle time. v2: same as v1. v3: group.instance.id (KIP-345). v4: flexible.
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(12, {
  handle(request, ctx) {
    if (!ctx.state.allowed(ctx.connection, 'READ', 'GROUP', request.groupId)) return {throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED}
    const error = ctx.state.groups.heartbeat(request.groupId, request.generationId, request.memberId, request.groupInstanceId)
    return {throttleTimeMs: 0, errorCode: ErrorCode[error]}
  },
})
