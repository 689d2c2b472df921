// DeleteGroups (API key 42), versions 0-2 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const DeleteGroupsRequest = {
  apiKey: 42,
  type: 'request',
  name: 'DeleteGroupsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {name: 'GroupsNames', type: '[]string', versions: '0+'},
  ],
} as const satisfies MessageSpec

export const DeleteGroupsResponse = {
  apiKey: 42,
  type: 'response',
  name: 'DeleteGroupsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'Results', type: '[]DeletableGroupResult', versions: '0+', fields: [
      {name: 'GroupId', type: 'string', versions: '0+'},
      {name: 'ErrorCode', type: 'int16', versions: '0+'},
    ]},
  ],
} as const satisfies MessageSpec
