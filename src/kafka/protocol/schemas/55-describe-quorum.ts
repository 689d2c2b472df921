// DescribeQuorum (API key 55), versions 0-2 as Apache Kafka 4.0 serves them: the KRaft metadata
// quorum (__cluster_metadata-0) as its leader sees it. v1 adds each replica's last fetch and
// last caught-up times (KIP-836); v2 adds error messages, replica directory ids and the voters'
// listeners (KIP-853). Kafka's JSON shares ReplicaState between voters and observers
// (commonStructs); it is spelled out under both here.
import type {MessageSpec} from '../schema.js'

export const DescribeQuorumRequest = {
  apiKey: 55,
  type: 'request',
  name: 'DescribeQuorumRequest',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    {name: 'Topics', type: '[]TopicData', versions: '0+', fields: [
      {name: 'TopicName', type: 'string', versions: '0+', entityType: 'topicName'},
      {name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec

const replicaState = [
  {name: 'ReplicaId', type: 'int32', versions: '0+', entityType: 'brokerId'},
  {name: 'ReplicaDirectoryId', type: 'uuid', versions: '2+'},
  {name: 'LogEndOffset', type: 'int64', versions: '0+'},
  {name: 'LastFetchTimestamp', type: 'int64', versions: '1+', ignorable: true, default: '-1'},
  {name: 'LastCaughtUpTimestamp', type: 'int64', versions: '1+', ignorable: true, default: '-1'},
] as const

export const DescribeQuorumResponse = {
  apiKey: 55,
  type: 'response',
  name: 'DescribeQuorumResponse',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    {name: 'ErrorCode', type: 'int16', versions: '0+'},
    {name: 'ErrorMessage', type: 'string', versions: '2+', nullableVersions: '2+', ignorable: true, default: 'null'},
    {name: 'Topics', type: '[]TopicData', versions: '0+', fields: [
      {name: 'TopicName', type: 'string', versions: '0+', entityType: 'topicName'},
      {name: 'Partitions', type: '[]PartitionData', versions: '0+', fields: [
        {name: 'PartitionIndex', type: 'int32', versions: '0+'},
        {name: 'ErrorCode', type: 'int16', versions: '0+'},
        {name: 'ErrorMessage', type: 'string', versions: '2+', nullableVersions: '2+', ignorable: true, default: 'null'},
        {name: 'LeaderId', type: 'int32', versions: '0+', entityType: 'brokerId'},
        {name: 'LeaderEpoch', type: 'int32', versions: '0+'},
        {name: 'HighWatermark', type: 'int64', versions: '0+'},
        {name: 'CurrentVoters', type: '[]ReplicaState', versions: '0+', fields: replicaState},
        {name: 'Observers', type: '[]ReplicaState', versions: '0+', fields: replicaState},
      ]},
    ]},
    {name: 'Nodes', type: '[]Node', versions: '2+', fields: [
      {name: 'NodeId', type: 'int32', versions: '2+', mapKey: true, entityType: 'brokerId'},
      {name: 'Listeners', type: '[]Listener', versions: '2+', fields: [
        {name: 'Name', type: 'string', versions: '2+', mapKey: true},
        {name: 'Host', type: 'string', versions: '2+'},
        {name: 'Port', type: 'uint16', versions: '2+'},
      ]},
    ]},
  ],
} as const satisfies MessageSpec
