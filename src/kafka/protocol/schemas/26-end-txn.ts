// EndTxn (API key 26), versions 0-5 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const EndTxnRequest = {
  apiKey: 26,
  type: 'request',
  name: 'EndTxnRequest',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {name: 'TransactionalId', type: 'string', versions: '0+', entityType: 'transactionalId'},
    {name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId'},
    {name: 'ProducerEpoch', type: 'int16', versions: '0+'},
    {name: 'Committed', type: 'bool', versions: '0+'},
  ],
} as const satisfies MessageSpec

export const EndTxnResponse = {
  apiKey: 26,
  type: 'response',
  name: 'EndTxnResponse',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'ProducerId', type: 'int64', versions: '5+', entityType: 'producerId', default: '-1', ignorable: true},
    {name: 'ProducerEpoch', type: 'int16', versions: '5+', default: '-1', ignorable: true},
  ],
} as const satisfies MessageSpec
