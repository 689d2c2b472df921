// OffsetDelete (API key 47), versions 0 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const OffsetDeleteRequest = {
  apiKey: 47,
  type: 'request',
  name: 'OffsetDeleteRequest',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    {name: 'GroupId', type: 'string', versions: '0+'},
    {name: 'Topics', type: '[]OffsetDeleteRequestTopic', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+'},
      {name: 'Partitions', type: '[]OffsetDeleteRequestPartition', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec

export const OffsetDeleteResponse = {
  apiKey: 47,
  type: 'response',
  name: 'OffsetDeleteResponse',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true},
    {name: 'Topics', type: '[]OffsetDeleteResponseTopic', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+'},
      {name: 'Partitions', type: '[]OffsetDeleteResponsePartition', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'ErrorCode', type: 'int16', versions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
