// DeleteAcls (key 31), versions 1-3.
//
// Behavior:
// - Needs ALTER on the cluster: every filter result is CLUSTER_AUTHORIZATION_FAILED
//   otherwise; without an authorizer every one is SECURITY_DISABLED, as in Kafka.
// - Each filter removes every binding it matches (Kafka's filter semantics, auth/acl.ts) and
//   lists them; a filter with an UNKNOWN value gets INVALID_REQUEST. A binding matched by two
//   filters is listed under the first only.
//
// Version notes:
// - v1: patternTypeFilter (KIP-290). v2: flexible. v3: USER resource type (KIP-554).
import {bindingToWire, filterFromWire} from '../../kafka/acl/wire.js'
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(31, {
  handle: (request, ctx) => {
    const layer = ctx.state.security
    const all = (errorCode: number, errorMessage: string) => ({
      throttleTimeMs: 0,
      filterResults: request.filters.map(() => ({errorCode, errorMessage, matchingAcls: []})),
    })
    if (!layer.authorizerEnabled) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.')
    if (!ctx.state.allowed(ctx.connection, 'ALTER', 'CLUSTER', 'kafka-cluster')) {
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
    }
    const filterResults = request.filters.map((wireFilter) => {
      const filter = filterFromWire(wireFilter)
      if (typeof filter === 'string') return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: filter, matchingAcls: []}
      const removed = layer.acls.remove(filter)
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: removed.map((binding) => ({errorCode: ErrorCode.NONE, errorMessage: null, ...bindingToWire(binding)})),
      }
    })
    return {throttleTimeMs: 0, filterResults}
  },
})
