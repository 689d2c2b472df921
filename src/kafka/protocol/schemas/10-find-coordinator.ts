// FindCoordinator (API key 10), versions 0-6 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const FindCoordinatorRequest = {
  apiKey: 10,
  type: 'request',
  name: 'FindCoordinatorRequest',
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    {name: 'Key', type: 'string', versions: '0-3'},
    {name: 'KeyType', type: 'int8', versions: '1+', default: '0', ignorable: false},
    {name: 'CoordinatorKeys', type: '[]string', versions: '4+'},
  ],
} as const satisfies MessageSpec

export const FindCoordinatorResponse = {
  apiKey: 10,
  type: 'response',
  name: 'FindCoordinatorResponse',
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true},
    {name: 'ErrorCode', type: 'int16', versions: '0-3'},
    {name: 'ErrorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', ignorable: true},
    {name: 'NodeId', type: 'int32', versions: '0-3'},
    {name: 'Host', type: 'string', versions: '0-3'},
    {name: 'Port', type: 'int32', versions: '0-3'},
    {name: 'Coordinators', type: '[]Coordinator', versions: '4+', fields: [
      {name: 'Key', type: 'string', versions: '4+'},
      {name: 'NodeId', type: 'int32', versions: '4+'},
      {name: 'Host', type: 'string', versions: '4+'},
      {name: 'Port', type: 'int32', versions: '4+'},
      {name: 'ErrorCode', type: 'int16', versions: '4+'},
      {name: 'ErrorMessage', type: 'string', versions: '4+', nullableVersions: '4+', ignorable: true},
    ]},
  ],
} as const satisfies MessageSpec
