// CreateAcls (key 30), versions 1-3.
//
// Behavior:
// - Needs ALTER on the cluster: every result is CLUSTER_AUTHORIZATION_FAILED otherwise; without
//   an authorizer every result is SECURITY_DISABLED, as in Kafka.
// - Each creation is checked on its own (auth/acl.ts invalidBindingReason: no ANY/UNKNOWN
//   values, MATCH pattern, unparseable principal, empty host, a cluster named other than
//   kafka-cluster) and refused with INVALID_REQUEST; the valid ones are stored.
// - Creating an ACL that exists succeeds and stores nothing new. ACLs persist in
//   <dataDir>/security/acls.json.
//
// Version notes:
// - v1: resourcePatternType (KIP-290). v2: flexible. v3: USER resource type (KIP-554).
import type {AclBinding} from '../../kafka/acl/model.js'
import {bindingFromWire} from '../../kafka/acl/wire.js'
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(30, {
  handle: (request, ctx) => {
    const layer = ctx.state.security
    const all = (errorCode: number, errorMessage: string) => ({
      throttleTimeMs: 0,
      results: request.creations.map(() => ({errorCode, errorMessage})),
    })
    if (!layer.authorizerEnabled) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.')
    if (!ctx.state.allowed(ctx.connection, 'ALTER', 'CLUSTER', 'kafka-cluster')) {
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
    }
    const valid: AclBinding[] = []
    const results = request.creations.map((creation) => {
      const binding = bindingFromWire({...creation, patternType: creation.resourcePatternType})
      if (typeof binding === 'string') return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: binding}
      valid.push(binding)
      return {errorCode: ErrorCode.NONE, errorMessage: null}
    })
    layer.acls.add(valid)
    return {throttleTimeMs: 0, results}
  },
})
