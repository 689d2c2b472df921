// DescribeProducers (API key 61), version 0 as Apache Kafka 4.0 serves it (KIP-664).
import type {MessageSpec} from '../schema.js'

export const DescribeProducersRequest = {
  apiKey: 61,
  type: 'request',
  name: 'DescribeProducersRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {name: 'Topics', type: '[]TopicRequest', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+', entityType: 'topicName'},
      {name: 'PartitionIndexes', type: '[]int32', versions: '0+'},
    ]},
  ],
} as const satisfies MessageSpec

export const DescribeProducersResponse = {
  apiKey: 61,
  type: 'response',
  name: 'DescribeProducersResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true},
    {name: 'Topics', type: '[]TopicResponse', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+', entityType: 'topicName'},
      {name: 'Partitions', type: '[]PartitionResponse', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'ErrorCode', type: 'int16', versions: '0+'},
        {name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
        {name: 'ActiveProducers', type: '[]ProducerState', versions: '0+', fields: [
          {name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId'},
          {name: 'ProducerEpoch', type: 'int32', versions: '0+'},
          {name: 'LastSequence', type: 'int32', versions: '0+', default: '-1'},
          {name: 'LastTimestamp', type: 'int64', versions: '0+', default: '-1'},
          {name: 'CoordinatorEpoch', type: 'int32', versions: '0+'},
          {name: 'CurrentTxnStartOffset', type: 'int64', versions: '0+', default: '-1'},
        ]},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
