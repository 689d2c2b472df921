// SyncGroup (API key 14), versions 0-5 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const SyncGroupRequest = {
  apiKey: 14,
  type: 'request',
  name: 'SyncGroupRequest',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    {name: 'GroupId', type: 'string', versions: '0+'},
    {name: 'GenerationId', type: 'int32', versions: '0+'},
    {name: 'MemberId', type: 'string', versions: '0+'},
    {name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null'},
    {name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true},
    {name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true},
    {name: 'Assignments', type: '[]SyncGroupRequestAssignment', versions: '0+', fields: [
      {name: 'MemberId', type: 'string', versions: '0+'},
      {name: 'Assignment', type: 'bytes', versions: '0+'},
    ]},
  ],
} as const satisfies MessageSpec

export const SyncGroupResponse = {
  apiKey: 14,
  type: 'response',
  name: 'SyncGroupResponse',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true},
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true},
    {name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true},
    {name: 'Assignment', type: 'bytes', versions: '0+'},
  ],
} as const satisfies MessageSpec
