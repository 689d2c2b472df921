// CreateTopics (API key 19), versions 2-7 as Apache Kafka 4.0 serves them.
import type {MessageSpec} from '../schema.js'

export const CreateTopicsRequest = {
  apiKey: 19,
  type: 'request',
  name: 'CreateTopicsRequest',
  validVersions: '2-7',
  flexibleVersions: '5+',
  fields: [
    {name: 'Topics', type: '[]CreatableTopic', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+'},
      {name: 'NumPartitions', type: 'int32', versions: '0+'},
      {name: 'ReplicationFactor', type: 'int16', versions: '0+'},
      {name: 'Assignments', type: '[]CreatableReplicaAssignment', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'BrokerIds', type: '[]int32', versions: '0+'},
      ]},
      {name: 'Configs', type: '[]CreatableTopicConfig', versions: '0+', fields: [
        {name: 'Name', type: 'string', versions: '0+'},
        {name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+'},
      ]},
    ]},
    {name: 'timeoutMs', type: 'int32', versions: '0+', default: '60000'},
    {name: 'validateOnly', type: 'bool', versions: '1+', default: 'false', ignorable: false},
  ],
} as const satisfies MessageSpec

export const CreateTopicsResponse = {
  apiKey: 19,
  type: 'response',
  name: 'CreateTopicsResponse',
  validVersions: '2-7',
  flexibleVersions: '5+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true},
    {name: 'Topics', type: '[]CreatableTopicResult', versions: '0+', fields: [
      {name: 'Name', type: 'string', versions: '0+'},
      {name: 'TopicId', type: 'uuid', versions: '7+', ignorable: true},
      {name: 'ErrorCode', type: 'int16', versions: '0+'},
      {name: 'ErrorMessage', type: 'string', versions: '1+', nullableVersions: '0+', ignorable: true},
      {name: 'TopicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0, ignorable: true},
      {name: 'NumPartitions', type: 'int32', versions: '5+', default: '-1', ignorable: true},
      {name: 'ReplicationFactor', type: 'int16', versions: '5+', default: '-1', ignorable: true},
      {name: 'Configs', type: '[]CreatableTopicConfigs', versions: '5+', nullableVersions: '5+', ignorable: true, fields: [
        {name: 'Name', type: 'string', versions: '5+'},
        {name: 'Value', type: 'string', versions: '5+', nullableVersions: '5+'},
        {name: 'ReadOnly', type: 'bool', versions: '5+'},
        {name: 'ConfigSource', type: 'int8', versions: '5+', default: '-1', ignorable: true},
        {name: 'IsSensitive', type: 'bool', versions: '5+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
