// LeaveGroup (key 13), versions 0-5.
//
// Behavior:
// - Removes the members and rebalances the rest at once (no wait for their sessions).
// - Classic groups only: KIP-848 members leave with ConsumerGroupHeartbeat epoch -1 (or -2).
// - v3+: a batch of members, each with its own error; a static member may be named by its
//   group.instance.id alone (admin removal, KIP-345).
//
// Version notes:
// - v1: throttle time. v2: same as v1. v3: batched members (KIP-345). v4: flexible.
// - v5: reason (KIP-800), accepted and dropped.
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(13, {
  handle(request, ctx) {
    if (!ctx.state.allowed(ctx.connection, 'READ', 'GROUP', request.groupId)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: []}
    }
    const leaving = ctx.apiVersion >= 3
      ? request.members.map(({memberId, groupInstanceId}) => ({memberId, groupInstanceId}))
      : [{memberId: request.memberId, groupInstanceId: null}]
    const result = ctx.state.groups.leaveGroup(request.groupId, leaving)
    if (ctx.apiVersion < 3) {
      const error = result.error !== 'NONE' ? result.error : result.members[0]
      return {throttleTimeMs: 0, errorCode: ErrorCode[error]}
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode[result.error],
      members: leaving.map((member, index) => ({...member, errorCode: ErrorCode[result.members[index]]})),
    }
  },
})
