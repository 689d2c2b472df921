// `kctl cluster describe`: cluster id, controller, brokers with racks and endpoints, and the
// API versions the broker kctl connected to supports, next to the version kctl (through
// kafkajs) negotiates for each: min(kafkajs's highest, broker's highest) when the ranges meet.
import {colour, renderKeyValues, renderTable} from '../ui/output.js'
import {kafkajsApiVersions, type RawCluster, type RawMetadata} from './connection.js'

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
  /** The version kctl uses for this API; null when kctl (kafkajs) does not implement it. */
  kctlVersion: number | null
}

export interface ClusterDescription {
  clusterId: string | null
  controller: number | null
  brokers: ClusterBroker[]
  apiVersions: ApiVersionRow[]
}

// Kafka API names past kafkajs's table (it stops at 46), from Apache Kafka 4.0's message specs.
const laterApiNames: Record<number, string> = {
  47: 'OffsetDelete', 48: 'DescribeClientQuotas', 49: 'AlterClientQuotas', 50: 'DescribeUserScramCredentials',
  51: 'AlterUserScramCredentials', 52: 'Vote', 53: 'BeginQuorumEpoch', 54: 'EndQuorumEpoch', 55: 'DescribeQuorum',
  56: 'AlterPartition', 57: 'UpdateFeatures', 58: 'Envelope', 59: 'FetchSnapshot', 60: 'DescribeCluster',
  61: 'DescribeProducers', 62: 'BrokerRegistration', 63: 'BrokerHeartbeat', 64: 'UnregisterBroker',
  65: 'DescribeTransactions', 66: 'ListTransactions', 67: 'AllocateProducerIds', 68: 'ConsumerGroupHeartbeat',
  69: 'ConsumerGroupDescribe', 70: 'ControllerRegistration', 71: 'GetTelemetrySubscriptions', 72: 'PushTelemetry',
  73: 'AssignReplicasToDirs', 74: 'ListClientMetricsResources', 75: 'DescribeTopicPartitions',
  76: 'ShareGroupHeartbeat', 77: 'ShareGroupDescribe', 78: 'ShareFetch', 79: 'ShareAcknowledge', 80: 'AddRaftVoter',
  81: 'RemoveRaftVoter', 82: 'UpdateRaftVoter', 83: 'InitializeShareGroupState', 84: 'ReadShareGroupState',
  85: 'WriteShareGroupState', 86: 'DeleteShareGroupState', 87: 'ReadShareGroupStateSummary',
}

// kafkajs's own names for a few keys differ from Kafka's spec names.
const kafkajsNameFixes: Record<string, string> = {GroupCoordinator: 'FindCoordinator', ElectPreferredLeaders: 'ElectLeaders'}

export function clusterDescriptionView(
  metadata: Pick<RawMetadata, 'brokers' | 'clusterId' | 'controllerId'>,
  brokerVersions: Record<string, {minVersion: number; maxVersion: number}>,
  kctlVersions: Map<number, {name: string; maxVersion: number | null}>,
): ClusterDescription {
  const controller = metadata.controllerId >= 0 ? metadata.controllerId : null
  return {
    clusterId: metadata.clusterId,
    controller,
    brokers: [...metadata.brokers]
      .sort((a, b) => a.nodeId - b.nodeId)
      .map((broker) => ({nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack ?? null, controller: broker.nodeId === controller})),
    apiVersions: Object.entries(brokerVersions)
      .map(([key, range]) => {
        const apiKey = Number(key)
        const kctl = kctlVersions.get(apiKey)
        const kctlMax = kctl?.maxVersion ?? null
        const name = kctl ? (kafkajsNameFixes[kctl.name] ?? kctl.name) : (laterApiNames[apiKey] ?? `ApiKey${apiKey}`)
        const kctlVersion = kctlMax !== null && kctlMax >= range.minVersion ? Math.min(kctlMax, range.maxVersion) : null
        return {apiKey, name, minVersion: range.minVersion, maxVersion: range.maxVersion, kctlVersion}
      })
      .sort((a, b) => a.apiKey - b.apiKey),
  }
}

export async function describeCluster(cluster: RawCluster): Promise<ClusterDescription> {
  // kafkajs encodes an empty topic list as null ("all topics"); it cannot ask for none, so
  // this reads every topic's metadata too (small next to a describe of each).
  const metadata = await cluster.metadata({topics: []})
  return clusterDescriptionView(metadata, cluster.brokerPool.versions ?? {}, kafkajsApiVersions())
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
