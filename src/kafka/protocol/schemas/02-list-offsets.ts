// ListOffsets (API key 2), versions 1-10 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const ListOffsetsRequest = {
  apiKey: 2,
  type: 'request',
  name: 'ListOffsetsRequest',
  validVersions: '1-10',
  flexibleVersions: '6+',
  fields: [
    {name: 'ReplicaId', type: 'int32', versions: '0+'},
    {name: 'IsolationLevel', type: 'int8', versions: '2+'},
    {name: 'Topics', type: '[]ListOffsetsTopic', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+'},
      {name: 'Partitions', type: '[]ListOffsetsPartition', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'CurrentLeaderEpoch', type: 'int32', versions: '4+', default: '-1', ignorable: true},
        {name: 'Timestamp', type: 'int64', versions: '0+'},
      ]},
    ]},
    {name: 'TimeoutMs', type: 'int32', versions: '10+', ignorable: true},
  ],
} as const satisfies MessageSpec

export const ListOffsetsResponse = {
  apiKey: 2,
  type: 'response',
  name: 'ListOffsetsResponse',
  validVersions: '1-10',
  flexibleVersions: '6+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true},
    {name: 'Topics', type: '[]ListOffsetsTopicResponse', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+'},
      {name: 'Partitions', type: '[]ListOffsetsPartitionResponse', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'ErrorCode', type: 'int16', versions: '0+'},
        {name: 'Timestamp', type: 'int64', versions: '1+', default: '-1', ignorable: false},
        {name: 'Offset', type: 'int64', versions: '1+', default: '-1', ignorable: false},
        {name: 'LeaderEpoch', type: 'int32', versions: '4+', default: '-1'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
