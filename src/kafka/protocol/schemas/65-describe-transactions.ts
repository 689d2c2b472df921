// DescribeTransactions (API key 65), version 0 as Apache Kafka 4.0 serves it (KIP-664).
import type {MessageSpec} from '../schema.js'

export const DescribeTransactionsRequest = {
  apiKey: 65,
  type: 'request',
  name: 'DescribeTransactionsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {name: 'TransactionalIds', type: '[]string', versions: '0+', entityType: 'transactionalId'},
  ],
} as const satisfies MessageSpec

export const DescribeTransactionsResponse = {
  apiKey: 65,
  type: 'response',
  name: 'DescribeTransactionsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'TransactionStates', type: '[]TransactionState', versions: '0+', fields: [
      {name: 'ErrorCode', type: 'int16', versions: '0+'},
      {name: 'TransactionalId', type: 'string', versions: '0+', entityType: 'transactionalId'},
      {name: 'TransactionState', type: 'string', versions: '0+'},
      {name: 'TransactionTimeoutMs', type: 'int32', versions: '0+'},
      {name: 'TransactionStartTimeMs', type: 'int64', versions: '0+'},
      {name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId'},
      {name: 'ProducerEpoch', type: 'int16', versions: '0+'},
      {name: 'Topics', type: '[]TopicData', versions: '0+', fields: [
        {name: 'Topic', type: 'string', versions: '0+', mapKey: true, entityType: 'topicName'},
        {name: 'Partitions', type: '[]int32', versions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
