// SaslAuthenticate (API key 36), versions 0-2 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const SaslAuthenticateRequest = {
  apiKey: 36,
  type: 'request',
  name: 'SaslAuthenticateRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {name: 'AuthBytes', type: 'bytes', versions: '0+'},
  ],
} as const satisfies MessageSpec

export const SaslAuthenticateResponse = {
  apiKey: 36,
  type: 'response',
  name: 'SaslAuthenticateResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+'},
    {name: 'AuthBytes', type: 'bytes', versions: '0+'},
    {name: 'SessionLifetimeMs', type: 'int64', versions: '1+', default: '0', ignorable: true},
  ],
} as const satisfies MessageSpec
