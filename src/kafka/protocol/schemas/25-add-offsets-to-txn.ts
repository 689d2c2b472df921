// AddOffsetsToTxn (API key 25), versions 0-4 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const AddOffsetsToTxnRequest = {
  apiKey: 25,
  type: 'request',
  name: 'AddOffsetsToTxnRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    {name: 'TransactionalId', type: 'string', versions: '0+', entityType: 'transactionalId'},
    {name: 'ProducerId', type: 'int64', versions: '0+', entityType: 'producerId'},
    {name: 'ProducerEpoch', type: 'int16', versions: '0+'},
    {name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId'},
  ],
} as const satisfies MessageSpec

export const AddOffsetsToTxnResponse = {
  apiKey: 25,
  type: 'response',
  name: 'AddOffsetsToTxnResponse',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
  ],
} as const satisfies MessageSpec
