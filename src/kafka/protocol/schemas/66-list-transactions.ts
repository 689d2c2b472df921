// ListTransactions (API key 66), versions 0-1 as Apache Kafka 4.0 serves them (KIP-664;
// v1 adds the duration filter of KIP-994).
import type {MessageSpec} from '../schema.js'

export const ListTransactionsRequest = {
  apiKey: 66,
  type: 'request',
  name: 'ListTransactionsRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {name: 'StateFilters', type: '[]string', versions: '0+'},
    {name: 'ProducerIdFilters', type: '[]int64', versions: '0+', entityType: 'producerId'},
    {name: 'DurationFilter', type: 'int64', versions: '1+', default: -1},
  ],
} as const satisfies MessageSpec

export const ListTransactionsResponse = {
  apiKey: 66,
  type: 'response',
  name: 'ListTransactionsResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'UnknownStateFilters', type: '[]string', versions: '0+'},
    {name: 'TransactionStates', type: '[]TransactionState', versions: '0+', fields: [
      {name: 'TransactionalId', type: 'string', versions: '0+', entityType: 'transactionalId'},
      {name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId'},
      {name: 'TransactionState', type: 'string', versions: '0+'},
    ]},
  ],
} as const satisfies MessageSpec
