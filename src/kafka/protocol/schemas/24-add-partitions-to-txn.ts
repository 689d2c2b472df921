// AddPartitionsToTxn (API key 24), versions 0-5 as Apache Kafka 4.0 serves them. Versions 0-3
// are the client form (one transaction); 4+ is the brokers' batched form with VerifyOnly.
import type {MessageSpec} from '../schema.js'

const topicFields = [
  {name: 'Name', type: 'string', versions: '0+', mapKey: true, entityType: 'topicName'},
  {name: 'Partitions', type: '[]int32', versions: '0+'},
] as const

const topicResultFields = [
  {name: 'Name', type: 'string', versions: '0+', mapKey: true, entityType: 'topicName'},
  {name: 'ResultsByPartition', type: '[]AddPartitionsToTxnPartitionResult', versions: '0+', fields: [
    {name: 'PartitionIndex', type: 'int32', versions: '0+', mapKey: true},
    {name: 'PartitionErrorCode', type: 'int16', versions: '0+'},
  ]},
] as const

export const AddPartitionsToTxnRequest = {
  apiKey: 24,
  type: 'request',
  name: 'AddPartitionsToTxnRequest',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {name: 'Transactions', type: '[]AddPartitionsToTxnTransaction', versions: '4+', fields: [
      {name: 'TransactionalId', type: 'string', versions: '4+', mapKey: true, entityType: 'transactionalId'},
      {name: 'ProducerId', type: 'int64', versions: '4+', entityType: 'producerId'},
      {name: 'ProducerEpoch', type: 'int16', versions: '4+'},
      {name: 'VerifyOnly', type: 'bool', versions: '4+', default: false},
      {name: 'Topics', type: '[]AddPartitionsToTxnTopic', versions: '4+', fields: topicFields},
    ]},
    {name: 'V3AndBelowTransactionalId', type: 'string', versions: '0-3', entityType: 'transactionalId'},
    {name: 'V3AndBelowProducerId', type: 'int64', versions: '0-3', entityType: 'producerId'},
    {name: 'V3AndBelowProducerEpoch', type: 'int16', versions: '0-3'},
    {name: 'V3AndBelowTopics', type: '[]AddPartitionsToTxnTopic', versions: '0-3', fields: topicFields},
  ],
} as const satisfies MessageSpec

export const AddPartitionsToTxnResponse = {
  apiKey: 24,
  type: 'response',
  name: 'AddPartitionsToTxnResponse',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'ErrorCode', type: 'int16', versions: '4+', ignorable: true},
    {name: 'ResultsByTransaction', type: '[]AddPartitionsToTxnResult', versions: '4+', fields: [
      {name: 'TransactionalId', type: 'string', versions: '4+', mapKey: true, entityType: 'transactionalId'},
      {name: 'TopicResults', type: '[]AddPartitionsToTxnTopicResult', versions: '4+', fields: topicResultFields},
    ]},
    {name: 'ResultsByTopicV3AndBelow', type: '[]AddPartitionsToTxnTopicResult', versions: '0-3', fields: topicResultFields},
  ],
} as const satisfies MessageSpec
