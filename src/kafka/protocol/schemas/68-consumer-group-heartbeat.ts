// ConsumerGroupHeartbeat (API key 68), versions 0-1 as Apache Kafka 4.0 serves them: the
// KIP-848 consumer group protocol. v1 adds SubscribedTopicRegex and has the member make up
// its own member id (KIP-1082); the response does not change.
import type {MessageSpec} from '../schema.js'

export const ConsumerGroupHeartbeatRequest = {
  apiKey: 68,
  type: 'request',
  name: 'ConsumerGroupHeartbeatRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId'},
    {name: 'MemberId', type: 'string', versions: '0+'},
    {name: 'MemberEpoch', type: 'int32', versions: '0+'},
    {name: 'InstanceId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
    {name: 'RackId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
    {name: 'RebalanceTimeoutMs', type: 'int32', versions: '0+', default: -1},
    {name: 'SubscribedTopicNames', type: '[]string', versions: '0+', nullableVersions: '0+', default: 'null', entityType: 'topicName'},
    {name: 'SubscribedTopicRegex', type: 'string', versions: '1+', nullableVersions: '1+', default: 'null'},
    {name: 'ServerAssignor', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
    {name: 'TopicPartitions', type: '[]TopicPartitions', versions: '0+', nullableVersions: '0+', default: 'null', fields: [
      {name: 'TopicId', type: 'uuid', versions: '0+'},
      {name: 'Partitions', type: '[]int32', versions: '0+'},
    ]},
  ],
} as const satisfies MessageSpec

export const ConsumerGroupHeartbeatResponse = {
  apiKey: 68,
  type: 'response',
  name: 'ConsumerGroupHeartbeatResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
    {name: 'MemberId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
    {name: 'MemberEpoch', type: 'int32', versions: '0+'},
    {name: 'HeartbeatIntervalMs', type: 'int32', versions: '0+'},
    {name: 'Assignment', type: 'Assignment', versions: '0+', nullableVersions: '0+', default: 'null', fields: [
      {name: 'TopicPartitions', type: '[]TopicPartitions', versions: '0+', fields: [
        {name: 'TopicId', type: 'uuid', versions: '0+'},
        {name: 'Partitions', type: '[]int32', versions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
