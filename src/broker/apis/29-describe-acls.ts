// DescribeAcls (key 29), versions 1-3.
//
// Behavior:
// - Needs DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED otherwise); without an
//   authorizer (authorizer.class.name empty) the answer is SECURITY_DISABLED, as in Kafka.
// - Filter semantics are Kafka's ResourcePatternFilter/AccessControlEntryFilter (auth/acl.ts):
//   ANY and MATCH pattern types, null name/principal/host match anything. A filter with an
//   UNKNOWN value gets INVALID_REQUEST.
// - Matching bindings are grouped by resource pattern, in creation order.
//
// Version notes:
// - v1: patternTypeFilter (KIP-290 prefixed ACLs). v2: flexible. v3: USER resource type (KIP-554).
import {bindingMatchesFilter} from '../../kafka/acl/model.js'
import {bindingToWire, filterFromWire} from '../../kafka/acl/wire.js'
import {ErrorCode} from '../../kafka/protocol/errors.js'
import type {Input} from '../../kafka/protocol/schema.js'
import type {DescribeAclsResponse} from '../../kafka/protocol/schemas/29-describe-acls.js'
import {defineApi} from './define-api.js'

type Response = Input<typeof DescribeAclsResponse>

export default defineApi(29, {
  handle: (request, ctx) => {
    const fail = (errorCode: number, errorMessage: string): Response => ({throttleTimeMs: 0, errorCode, errorMessage, resources: []})
    const layer = ctx.state.security
    if (!layer.authorizerEnabled) return fail(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.')
    if (!ctx.state.allowed(ctx.connection, 'DESCRIBE', 'CLUSTER', 'kafka-cluster')) {
      return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
    }
    const filter = filterFromWire(request)
    if (typeof filter === 'string') return fail(ErrorCode.INVALID_REQUEST, filter)
    type Resource = {resourceType: number; resourceName: string; patternType: number; acls: {principal: string; host: string; operation: number; permissionType: number}[]}
    const resources = new Map<string, Resource>()
    for (const binding of layer.acls.list()) {
      if (!bindingMatchesFilter(binding, filter)) continue
      const wire = bindingToWire(binding)
      const key = `${wire.resourceType}\0${wire.patternType}\0${wire.resourceName}`
      let resource = resources.get(key)
      if (!resource) {
        resource = {resourceType: wire.resourceType, resourceName: wire.resourceName, patternType: wire.patternType, acls: []}
        resources.set(key, resource)
      }
      resource.acls.push({principal: wire.principal, host: wire.host, operation: wire.operation, permissionType: wire.permissionType})
    }
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...resources.values()]}
  },
})
