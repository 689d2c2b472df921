// DescribeCluster (API key 60), versions 0-2 as Apache Kafka 4.0 serves them.
// v2 (KIP-1073): IncludeFencedBrokers in the request, IsFenced per broker in the response.
import type {MessageSpec} from '../schema.js'

export const DescribeClusterRequest = {
  apiKey: 60,
  type: 'request',
  name: 'DescribeClusterRequest',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    {name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '0+'},
    {name: 'EndpointType', type: 'int8', versions: '1+', default: '1'},
    {name: 'IncludeFencedBrokers', type: 'bool', versions: '2+', default: 'false'},
  ],
} as const satisfies MessageSpec

export const DescribeClusterResponse = {
  apiKey: 60,
  type: 'response',
  name: 'DescribeClusterResponse',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
    {name: 'EndpointType', type: 'int8', versions: '1+', default: '1'},
    {name: 'ClusterId', type: 'string', versions: '0+'},
    {name: 'ControllerId', type: 'int32', versions: '0+', default: '-1'},
    {name: 'Brokers', type: '[]DescribeClusterBroker', versions: '0+', fields: [
      {name: 'BrokerId', type: 'int32', versions: '0+'},
      {name: 'Host', type: 'string', versions: '0+'},
      {name: 'Port', type: 'int32', versions: '0+'},
      {name: 'Rack', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
      {name: 'IsFenced', type: 'bool', versions: '2+', default: 'false'},
    ]},
    {name: 'ClusterAuthorizedOperations', type: 'int32', versions: '0+', default: '-2147483648'},
  ],
} as const satisfies MessageSpec
