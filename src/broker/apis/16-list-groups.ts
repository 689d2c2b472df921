// ListGroups (key 16), versions 0-5.
//
// Behavior:
// - Every group the coordinator holds (with members or committed offsets), filtered by state
//   (v4+) and type (v5+). Filters compare case-insensitively, as Kafka does.
// - Types: "classic" (JoinGroup/SyncGroup groups, and groups that only have committed offsets,
//   protocol type "" then) and "consumer" (KIP-848 groups, protocol type "consumer", states
//   Empty, Assigning, Reconciling, Stable).
//
// Version notes:
// - v1: throttle time. v2: same as v1. v3: flexible. v4: states filter and group state
//   (KIP-518). v5: types filter and group type (KIP-848).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(16, {
  handle(request, ctx) {
    const states = new Set((request.statesFilter ?? []).map((state) => state.toLowerCase()))
    const types = new Set((request.typesFilter ?? []).map((type) => type.toLowerCase()))
    const groups = ctx.state.groups
      .listGroups()
      .filter((group) => states.size === 0 || states.has(group.state.toLowerCase()))
      .filter((group) => types.size === 0 || types.has(group.type))
      .filter((group) => ctx.state.allowed(ctx.connection, 'DESCRIBE', 'GROUP', group.groupId))
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: groups.map((group) => ({groupId: group.groupId, protocolType: group.protocolType, groupState: group.state, groupType: group.type})),
    }
  },
})
