// DeleteGroups (key 42), versions 0-2.
//
// Behavior:
// - Deletes groups without members together with their committed offsets; a group with
//   members gets NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
// - Classic and KIP-848 consumer groups alike; a consumer group's stored metadata (epochs,
//   assignments) goes with it.
//
// Version notes:
// - v1: same as v0 (throttling after the response, KIP-219). v2: flexible.
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(42, {
  handle(request, ctx) {
    const coordinator = ctx.state.groups
    return {
      throttleTimeMs: 0,
      results: request.groupsNames.map((groupId) => {
        if (!ctx.state.allowed(ctx.connection, 'DELETE', 'GROUP', groupId)) return {groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED}
        return {groupId, errorCode: ErrorCode[coordinator.deleteGroups([groupId])[0]]}
      }),
    }
  },
})
