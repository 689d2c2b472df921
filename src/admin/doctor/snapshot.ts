// What `kctl doctor` knows about a live cluster: plain data, gathered read-only in one pass
// plus a second sample `windowMs` later for the rates, then handed to pure checks. Units are in
// the names (Bytes, Ms, BytesPerSec); broker and topic configs keep Kafka's text values, as
// DescribeConfigs returns them.
import type {AclBinding} from '../../kafka/acl/model.js'
import type {LagReport} from '../lag/compute.js'
import type {GroupTrend} from '../lag/watch.js'

export interface ClusterSnapshot {
  /** DescribeCluster / Metadata cluster id. */
  clusterId: string
  /** Node id DescribeCluster names as controller; -1 when it names none. KRaft brokers answer clients with some broker's id here (clients cannot reach the controllers), so no check relies on it. */
  controllerId: number
  /** Wall-clock time of the second sample, ms since the epoch. */
  takenAtMs: number
  /** Time between the two samples the write rates come from (`--window`). */
  windowMs: number
  brokers: SnapshotBroker[]
  /** Every topic Metadata lists, internal ones (__consumer_offsets, ...) included. */
  topics: SnapshotTopic[]
  /** DescribeQuorum (Kafka 3.3+); undefined when the cluster does not expose it or kctl may not call it. */
  quorum?: QuorumSnapshot
  /** Consumer groups and their lag; undefined when groups could not be listed. */
  consumers?: ConsumersSnapshot
  /** DescribeAcls with a match-all filter; undefined when there is no authorizer (SECURITY_DISABLED) or kctl may not describe ACLs. */
  acls?: AclBinding[]
}

export interface SnapshotBroker {
  /** node.id */
  id: number
  /** Host and port Metadata advertises for the listener kctl connected through. */
  host: string
  port: number
  /** broker.rack; undefined when not set. */
  rack?: string
  /** The broker's advertised listeners with their security protocol, as far as a client can see them (advertised.listeners + listener.security.protocol.map). */
  listeners: SnapshotListener[]
  /** Every entry DescribeConfigs returned for this broker, defaults included, by key. */
  configs: Record<string, ConfigValue>
  /** DescribeLogDirs for this broker. */
  logDirs: SnapshotLogDir[]
}

export interface SnapshotListener {
  /** Listener name, upper case: PLAINTEXT, SASL_SSL, CLIENT, ... */
  name: string
  host: string
  port: number
  /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
  securityProtocol: string
}

export interface ConfigValue {
  /** null for a sensitive value (Kafka never returns passwords) or a key without a value. */
  value: string | null
  /** Kafka's ConfigSource name: DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG or UNKNOWN. */
  source: string
  readOnly?: boolean
  sensitive?: boolean
}

export interface SnapshotLogDir {
  path: string
  /** Kafka error name, e.g. KAFKA_STORAGE_ERROR (the dir is offline); undefined when healthy. */
  error?: string
  /** Size of the dir's volume; DescribeLogDirs v4+ (Kafka 3.3, KIP-827), undefined before or when the broker does not say. */
  totalBytes?: number
  /** Bytes still free for Kafka on that volume; same source as totalBytes. */
  usableBytes?: number
  replicas: SnapshotReplica[]
}

export interface SnapshotReplica {
  topic: string
  partition: number
  sizeBytes: number
  /** A future replica (an intra-broker move in progress); it does not count as the partition's data. */
  isFuture?: boolean
}

export interface SnapshotTopic {
  name: string
  internal: boolean
  /** Every entry DescribeConfigs returned for the topic: overrides and the inherited values, by key. */
  configs: Record<string, ConfigValue>
  partitions: SnapshotPartition[]
}

export interface SnapshotPartition {
  partition: number
  /** Leader node id; -1 when the partition has no leader (offline). */
  leader: number
  /** Replica node ids; the first is the preferred leader. */
  replicas: number[]
  isr: number[]
  /** Replicas on brokers or log dirs that are down (Metadata v5+). */
  offlineReplicas: number[]
  /**
   * Bytes appended to the partition per second over the window, before replication: growth of
   * the leader's log plus whatever retention deleted meanwhile (when the log start offset moved,
   * the gatherer counts the appended records at the log's average record size instead).
   */
  writeBytesPerSec: number
  /** Records appended per second over the window: log end offset delta / window. */
  writeRecordsPerSec: number
}

export interface QuorumSnapshot {
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplica[]
  observers: QuorumReplica[]
}

export interface QuorumReplica {
  id: number
  logEndOffset: number
  /** DescribeQuorum v1+; undefined when not reported. */
  lastCaughtUpTimestampMs?: number
  lastFetchTimestampMs?: number
}

export interface ConsumersSnapshot {
  /** `kctl lag`'s report at the end of the window: per partition, per group, per topic. */
  report: LagReport
  /** Each group classified over the window's samples as `kctl lag --watch` does (OK, WARN, STALL, STOP, ERR). */
  trends: GroupTrend[]
}
