// DeleteGroups (key 42), versions 0-2.
//
// Behavior:
// - Deletes groups without members together with their committed offsets; a group with
//   members gets NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
//
// Version notes:
// - v1: same as v0 (throttling after the response, KIP-219). v2: flexible.
import {ErrorCode} from '../../kafka/protocol/errors.js'
import type {Decoded, Input} from '../../kafka/protocol/schema.js'
import type {DeleteGroupsRequest, DeleteGroupsResponse} from '../../kafka/protocol/schemas/42-delete-groups.js'
import {groupCoordinator} from '../groups/index.js'
import {defineApi} from './define-api.js'

export default defineApi<Decoded<typeof DeleteGroupsRequest>, Input<typeof DeleteGroupsResponse>>({
  key: 42,
  name: 'DeleteGroups',
  versions: [0, 2],
  handle(request, ctx) {
    const coordinator = groupCoordinator(ctx.state)
    return {
      throttleTimeMs: 0,
      results: request.groupsNames.map((groupId) => {
        if (!ctx.state.allowed(ctx.connection, 'DELETE', 'GROUP', groupId)) return {groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED}
        return {groupId, errorCode: ErrorCode[coordinator.deleteGroups([groupId])[0]]}
      }),
    }
  },
})
