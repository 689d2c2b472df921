// SyncGroup (key 14), versions 0-5.
//
// Behavior:
// - Followers wait until the leader sends the assignments; then every member gets its own.
//   A member missing from the leader's list gets an empty assignment, as in Kafka.
// - Classic groups only (groups/classic.ts); KIP-848 consumer groups are assigned by the
//   coordinator itself (ConsumerGroupHeartbeat).
//
// Version notes:
// - v1: throttle time. v2: same as v1. v3: group.instance.id (KIP-345). v4: flexible.
// - v5: protocol type and name in request and response, checked against the group (KIP-559).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(14, {
  async handle(request, ctx) {
    if (!ctx.state.allowed(ctx.connection, 'READ', 'GROUP', request.groupId)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, assignment: Buffer.alloc(0)}
    }
    const result = await ctx.state.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments,
    })
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode[result.error],
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.assignment,
    }
  },
})
