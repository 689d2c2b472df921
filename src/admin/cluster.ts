// `kctl cluster describe`: cluster id, controller, brokers with racks and endpoints, and the
// API versions the broker kctl connected to supports, next to the version kctl's client
// negotiated for each: the highest both sides speak, when the ranges meet.
//
// DescribeCluster (KIP-700, Kafka 2.8+) answers where the broker has it; Metadata otherwise,
// or when DescribeCluster is refused. Either comes from the one broker kctl bootstrapped
// through, so brokers that are down elsewhere in the cluster do not stop the answer.
import {type BrokerNode, type KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {colour, renderKeyValues, renderTable} from '../ui/output.js'

export interface ClusterBroker {
  nodeId: number
  host: string
  port: number
  rack: string | null
  controller: boolean
}

export interface ApiVersionRow {
  apiKey: number
  name: string
  minVersion: number
  maxVersion: number
  /** The version kctl uses for this API; null when kctl does not speak it. */
  kctlVersion: number | null
}

export interface ClusterDescription {
  clusterId: string | null
  controller: number | null
  brokers: ClusterBroker[]
  apiVersions: ApiVersionRow[]
}

// Kafka API names by key, from Apache Kafka 4.0's message specs (brokers advertise keys kctl does not speak).
const apiNames = [
  'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'LeaderAndIsr', 'StopReplica', 'UpdateMetadata', 'ControlledShutdown',
  'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup', 'Heartbeat', 'LeaveGroup', 'SyncGroup', 'DescribeGroups',
  'ListGroups', 'SaslHandshake', 'ApiVersions', 'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId',
  'OffsetForLeaderEpoch', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn', 'WriteTxnMarkers', 'TxnOffsetCommit',
  'DescribeAcls', 'CreateAcls', 'DeleteAcls', 'DescribeConfigs', 'AlterConfigs', 'AlterReplicaLogDirs', 'DescribeLogDirs',
  'SaslAuthenticate', 'CreatePartitions', 'CreateDelegationToken', 'RenewDelegationToken', 'ExpireDelegationToken',
  'DescribeDelegationToken', 'DeleteGroups', 'ElectLeaders', 'IncrementalAlterConfigs', 'AlterPartitionReassignments',
  'ListPartitionReassignments', 'OffsetDelete', 'DescribeClientQuotas', 'AlterClientQuotas', 'DescribeUserScramCredentials',
  'AlterUserScramCredentials', 'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeQuorum', 'AlterPartition',
  'UpdateFeatures', 'Envelope', 'FetchSnapshot', 'DescribeCluster', 'DescribeProducers', 'BrokerRegistration',
  'BrokerHeartbeat', 'UnregisterBroker', 'DescribeTransactions', 'ListTransactions', 'AllocateProducerIds',
  'ConsumerGroupHeartbeat', 'ConsumerGroupDescribe', 'ControllerRegistration', 'GetTelemetrySubscriptions', 'PushTelemetry',
  'AssignReplicasToDirs', 'ListClientMetricsResources', 'DescribeTopicPartitions', 'ShareGroupHeartbeat',
  'ShareGroupDescribe', 'ShareFetch', 'ShareAcknowledge', 'AddRaftVoter', 'RemoveRaftVoter', 'UpdateRaftVoter',
  'InitializeShareGroupState', 'ReadShareGroupState', 'WriteShareGroupState', 'DeleteShareGroupState',
  'ReadShareGroupStateSummary',
]

export interface ClusterIdentity {
  clusterId: string | null
  controllerId: number
  brokers: BrokerNode[]
}

export function clusterDescriptionView(
  cluster: ClusterIdentity,
  brokerVersions: ReadonlyMap<number, {minVersion: number; maxVersion: number}>,
  kctlVersion: (apiKey: number) => number | undefined,
): ClusterDescription {
  const controller = cluster.controllerId >= 0 ? cluster.controllerId : null
  return {
    clusterId: cluster.clusterId,
    controller,
    brokers: [...cluster.brokers]
      .sort((a, b) => a.nodeId - b.nodeId)
      .map((broker) => ({nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack ?? null, controller: broker.nodeId === controller})),
    apiVersions: [...brokerVersions]
      .map(([apiKey, range]) => ({apiKey, name: apiNames[apiKey] ?? `ApiKey${apiKey}`, minVersion: range.minVersion, maxVersion: range.maxVersion, kctlVersion: kctlVersion(apiKey) ?? null}))
      .sort((a, b) => a.apiKey - b.apiKey),
  }
}

export async function describeCluster(client: KafkaClient): Promise<ClusterDescription> {
  const connection = await client.anyBroker()
  let identity: ClusterIdentity | undefined
  if (connection.supports(60)) {
    try {
      const response = await connection.send(60, {includeClusterAuthorizedOperations: false})
      if (response.errorCode !== 0) throw KafkaClientError.fromCode(response.errorCode, response.errorMessage, connection.address)
      identity = {
        clusterId: response.clusterId,
        controllerId: response.controllerId,
        brokers: response.brokers.map((broker) => ({nodeId: broker.brokerId, host: broker.host, port: broker.port, rack: broker.rack ?? null})),
      }
    } catch (error) {
      // A principal may describe topics (Metadata) without DESCRIBE on the cluster.
      if (!(error instanceof KafkaClientError) || error.kind !== 'kafka') throw error
    }
  }
  identity ??= await client.metadata([])
  return clusterDescriptionView(identity, connection.brokerVersions, (apiKey) => connection.version(apiKey as Parameters<typeof connection.version>[0]))
}

export function renderClusterDescription(view: ClusterDescription): string {
  const summary = renderKeyValues([
    ['CLUSTER-ID', view.clusterId],
    ['CONTROLLER', view.controller],
    ['BROKERS', view.brokers.length],
  ])
  const brokers = renderTable(
    ['ID', 'HOST', 'PORT', 'RACK', 'CONTROLLER'],
    view.brokers.map((broker) => [broker.nodeId, broker.host, broker.port, broker.rack, broker.controller ? 'yes' : '']),
  )
  const apis = renderTable(
    ['KEY', 'API', 'BROKER-MIN', 'BROKER-MAX', 'KCTL-USES'],
    view.apiVersions.map((api) => [api.apiKey, api.name, api.minVersion, api.maxVersion, api.kctlVersion === null ? colour.dim('-') : `v${api.kctlVersion}`]),
    {alignRight: [0, 2, 3]},
  )
  return [summary, brokers, apis].join('\n\n')
}
