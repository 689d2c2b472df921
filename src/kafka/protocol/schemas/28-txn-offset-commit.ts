// TxnOffsetCommit (API key 28), versions 0-5 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const TxnOffsetCommitRequest = {
  apiKey: 28,
  type: 'request',
  name: 'TxnOffsetCommitRequest',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {name: 'TransactionalId', type: 'string', versions: '0+', entityType: 'transactionalId'},
    {name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId'},
    {name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId'},
    {name: 'ProducerEpoch', type: 'int16', versions: '0+'},
    {name: 'GenerationId', type: 'int32', versions: '3+', default: '-1'},
    {name: 'MemberId', type: 'string', versions: '3+', default: ''},
    {name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null'},
    {name: 'Topics', type: '[]TxnOffsetCommitRequestTopic', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+', entityType: 'topicName'},
      {name: 'Partitions', type: '[]TxnOffsetCommitRequestPartition', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'CommittedOffset', type: 'int64', versions: '0+'},
        {name: 'CommittedLeaderEpoch', type: 'int32', versions: '2+', default: '-1', ignorable: true},
        {name: 'CommittedMetadata', type: 'string', versions: '0+', nullableVersions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec

export const TxnOffsetCommitResponse = {
  apiKey: 28,
  type: 'response',
  name: 'TxnOffsetCommitResponse',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'Topics', type: '[]TxnOffsetCommitResponseTopic', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+', entityType: 'topicName'},
      {name: 'Partitions', type: '[]TxnOffsetCommitResponsePartition', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'ErrorCode', type: 'int16', versions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
