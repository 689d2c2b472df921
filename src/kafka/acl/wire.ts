// ACL bindings and filters to and from their wire form (numbers) for CreateAcls, DescribeAcls
// and DeleteAcls. Unknown numbers map to UNKNOWN, which Kafka answers with INVALID_REQUEST.
import {
  type AclBinding,
  type AclFilter,
  invalidBindingReason,
  nameOf,
  type OperationName,
  operationCodes,
  type PatternTypeName,
  patternTypeCodes,
  type PermissionTypeName,
  permissionTypeCodes,
  type ResourceTypeName,
  resourceTypeCodes,
} from './model.js'

export interface WireFilter {
  resourceTypeFilter: number
  resourceNameFilter: string | null
  patternTypeFilter: number
  principalFilter: string | null
  hostFilter: string | null
  operation: number
  permissionType: number
}

export interface WireBinding {
  resourceType: number
  resourceName: string
  patternType: number
  principal: string
  host: string
  operation: number
  permissionType: number
}

const resourceTypeName = (code: number): ResourceTypeName => nameOf(resourceTypeCodes, code) ?? 'UNKNOWN'
const patternTypeName = (code: number): PatternTypeName => nameOf(patternTypeCodes, code) ?? 'UNKNOWN'
const operationName = (code: number): OperationName => nameOf(operationCodes, code) ?? 'UNKNOWN'
const permissionTypeName = (code: number): PermissionTypeName => nameOf(permissionTypeCodes, code) ?? 'UNKNOWN'

/** A filter, or a reason why Kafka would call it invalid (UNKNOWN anywhere). */
export function filterFromWire(wire: WireFilter): AclFilter | string {
  const resourceType = resourceTypeName(wire.resourceTypeFilter)
  const patternType = patternTypeName(wire.patternTypeFilter)
  const operation = operationName(wire.operation)
  const permissionType = permissionTypeName(wire.permissionType)
  if (resourceType === 'UNKNOWN') return `unknown resource type ${wire.resourceTypeFilter}`
  if (patternType === 'UNKNOWN') return `unknown pattern type ${wire.patternTypeFilter}`
  if (operation === 'UNKNOWN') return `unknown operation ${wire.operation}`
  if (permissionType === 'UNKNOWN') return `unknown permission type ${wire.permissionType}`
  return {
    resourceType: resourceType as AclFilter['resourceType'],
    resourceName: wire.resourceNameFilter,
    patternType: patternType as AclFilter['patternType'],
    principal: wire.principalFilter,
    host: wire.hostFilter,
    operation: operation as AclFilter['operation'],
    permissionType: permissionType as AclFilter['permissionType'],
  }
}

/** A binding to create, or the reason Kafka would refuse it. */
export function bindingFromWire(wire: WireBinding): AclBinding | string {
  const named = {
    resourceType: resourceTypeName(wire.resourceType),
    resourceName: wire.resourceName,
    patternType: patternTypeName(wire.patternType),
    principal: wire.principal,
    host: wire.host,
    operation: operationName(wire.operation),
    permissionType: permissionTypeName(wire.permissionType),
  }
  return invalidBindingReason(named) ?? (named as AclBinding)
}

export function bindingToWire(binding: AclBinding): WireBinding {
  return {
    resourceType: resourceTypeCodes[binding.resourceType],
    resourceName: binding.resourceName,
    patternType: patternTypeCodes[binding.patternType],
    principal: binding.principal,
    host: binding.host,
    operation: operationCodes[binding.operation],
    permissionType: permissionTypeCodes[binding.permissionType],
  }
}
