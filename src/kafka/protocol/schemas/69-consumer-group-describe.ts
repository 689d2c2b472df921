// ConsumerGroupDescribe (API key 69), versions 0-1 as Apache Kafka 4.0 serves them: the KIP-848
// counterpart of DescribeGroups. v1 adds each member's MemberType (KIP-1099); the request
// does not change.
import type {MessageSpec} from '../schema.js'

export const ConsumerGroupDescribeRequest = {
  apiKey: 69,
  type: 'request',
  name: 'ConsumerGroupDescribeRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {name: 'GroupIds', type: '[]string', versions: '0+', entityType: 'groupId'},
    {name: 'IncludeAuthorizedOperations', type: 'bool', versions: '0+'},
  ],
} as const satisfies MessageSpec

const topicPartitions = {name: 'TopicPartitions', type: '[]TopicPartitions', versions: '0+', fields: [
  {name: 'TopicId', type: 'uuid', versions: '0+'},
  {name: 'TopicName', type: 'string', versions: '0+', entityType: 'topicName'},
  {name: 'Partitions', type: '[]int32', versions: '0+'},
]} as const

export const ConsumerGroupDescribeResponse = {
  apiKey: 69,
  type: 'response',
  name: 'ConsumerGroupDescribeResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {name: 'ThrottleTimeMs', type: 'int32', versions: '0+'},
    {name: 'Groups', type: '[]DescribedGroup', versions: '0+', fields: [
      {name: 'ErrorCode', type: 'int16', versions: '0+'},
      {name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
      {name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId'},
      {name: 'GroupState', type: 'string', versions: '0+'},
      {name: 'GroupEpoch', type: 'int32', versions: '0+'},
      {name: 'AssignmentEpoch', type: 'int32', versions: '0+'},
      {name: 'AssignorName', type: 'string', versions: '0+'},
      {name: 'Members', type: '[]Member', versions: '0+', fields: [
        {name: 'MemberId', type: 'string', versions: '0+'},
        {name: 'InstanceId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
        {name: 'RackId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
        {name: 'MemberEpoch', type: 'int32', versions: '0+'},
        {name: 'ClientId', type: 'string', versions: '0+'},
        {name: 'ClientHost', type: 'string', versions: '0+'},
        {name: 'SubscribedTopicNames', type: '[]string', versions: '0+', entityType: 'topicName'},
        {name: 'SubscribedTopicRegex', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null'},
        {name: 'Assignment', type: 'Assignment', versions: '0+', fields: [topicPartitions]},
        {name: 'TargetAssignment', type: 'Assignment', versions: '0+', fields: [topicPartitions]},
        {name: 'MemberType', type: 'int8', versions: '1+', default: -1, ignorable: true},
      ]},
      {name: 'AuthorizedOperations', type: 'int32', versions: '0+', default: '-2147483648'},
    ]},
  ],
} as const satisfies MessageSpec
