// OffsetForLeaderEpoch (API key 23), versions 2-4 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const OffsetForLeaderEpochRequest = {
  apiKey: 23,
  type: 'request',
  name: 'OffsetForLeaderEpochRequest',
  validVersions: '2-4',
  flexibleVersions: '4+',
  fields: [
    {name: 'ReplicaId', type: 'int32', versions: '3+', default: '-2', ignorable: true},
    {name: 'Topics', type: '[]OffsetForLeaderTopic', versions: '0+', fields: [
      {name: 'Topic', type: 'string', versions: '0+'},
      {name: 'Partitions', type: '[]OffsetForLeaderPartition', versions: '0+', fields: [
        {name: 'Partition', type: 'int32', versions: '0+'},
        {name: 'CurrentLeaderEpoch', type: 'int32', versions: '2+', default: '-1', ignorable: true},
        {name: 'LeaderEpoch', type: 'int32', versions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec

export const OffsetForLeaderEpochResponse = {
  apiKey: 23,
  type: 'response',
  name: 'OffsetForLeaderEpochResponse',
  validVersions: '2-4',
  flexibleVersions: '4+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true},
    {name: 'Topics', type: '[]OffsetForLeaderTopicResult', versions: '0+', fields: [
      {name: 'Topic', type: 'string', versions: '0+'},
      {name: 'Partitions', type: '[]EpochEndOffset', versions: '0+', fields: [
        {name: 'ErrorCode', type: 'int16', versions: '0+'},
        {name: 'Partition', type: 'int32', versions: '0+'},
        {name: 'LeaderEpoch', type: 'int32', versions: '1+', default: '-1', ignorable: true},
        {name: 'EndOffset', type: 'int64', versions: '0+', default: '-1'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
