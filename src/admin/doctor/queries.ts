// Questions every doctor check asks of a snapshot: a topic's or broker's effective setting,
// a topic's replication factor, the racks, the data a partition holds. One copy, so two checks
// never read the same setting two ways.
import {configDefinition} from '../../config/catalogue.js'
import {formatBytes} from '../../config/units.js'
import type {ClusterSnapshot, SnapshotBroker, SnapshotPartition, SnapshotTopic} from './snapshot.js'

// Kafka's topic-level defaults (TopicConfig / LogConfig), used only when DescribeConfigs left a
// key out; a topic's DescribeConfigs normally returns every key with its effective value.
const kafkaTopicDefaults: Record<string, string> = {
  'cleanup.policy': 'delete',
  'min.insync.replicas': '1',
  'retention.bytes': '-1',
  'retention.ms': '604800000',
  'segment.bytes': '1073741824',
  'segment.ms': '604800000',
  'unclean.leader.election.enable': 'false',
}

/** A topic's effective value for `key` (its override or the inherited broker value). */
export function topicSetting(topic: SnapshotTopic, key: string): string {
  return topic.configs[key]?.value ?? kafkaTopicDefaults[key] ?? ''
}

export function topicNumber(topic: SnapshotTopic, key: string): number {
  return Number(topicSetting(topic, key))
}

/** A broker's value for `key`, or Kafka 4.0's default when DescribeConfigs did not return it; undefined when neither is known or the value is sensitive. */
export function brokerSetting(broker: SnapshotBroker, key: string): string | undefined {
  const entry = broker.configs[key]
  if (entry) return entry.value ?? undefined
  const fallback = configDefinition(key)?.default
  return fallback === undefined || fallback === null ? undefined : String(fallback)
}

/** The replication factor of a topic: its smallest replica set (a partition mid-reassignment briefly lists more). */
export function replicationFactor(topic: SnapshotTopic): number {
  return topic.partitions.length === 0 ? 0 : Math.min(...topic.partitions.map((partition) => partition.replicas.length))
}

export function minInsyncReplicas(topic: SnapshotTopic): number {
  return topicNumber(topic, 'min.insync.replicas')
}

/** Racks by broker id; a broker without broker.rack is absent. */
export function rackByBroker(snapshot: ClusterSnapshot): Map<number, string> {
  return new Map(snapshot.brokers.filter((broker) => broker.rack !== undefined).map((broker) => [broker.id, broker.rack!]))
}

/** The distinct racks, when every broker has one; [] when any broker has none (racks cannot then be relied on). */
export function racks(snapshot: ClusterSnapshot): string[] {
  const byBroker = rackByBroker(snapshot)
  if (byBroker.size !== snapshot.brokers.length) return []
  return [...new Set(byBroker.values())].sort()
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`
}

/** Bytes each partition holds: its largest (current) replica on any broker, future replicas excluded. */
export function partitionSizes(snapshot: ClusterSnapshot): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const broker of snapshot.brokers) {
    for (const dir of broker.logDirs) {
      for (const replica of dir.replicas) {
        if (replica.isFuture) continue
        const key = partitionKey(replica.topic, replica.partition)
        sizes.set(key, Math.max(sizes.get(key) ?? 0, replica.sizeBytes))
      }
    }
  }
  return sizes
}

/** Producer write rate of a topic, bytes/s before replication. */
export function topicWriteBytesPerSec(topic: SnapshotTopic): number {
  return topic.partitions.reduce((sum, partition) => sum + partition.writeBytesPerSec, 0)
}

/** Partitions by "topic:partition". */
export function partitionsByKey(snapshot: ClusterSnapshot): Map<string, {topic: SnapshotTopic; partition: SnapshotPartition}> {
  const result = new Map<string, {topic: SnapshotTopic; partition: SnapshotPartition}>()
  for (const topic of snapshot.topics) for (const partition of topic.partitions) result.set(partitionKey(topic.name, partition.partition), {topic, partition})
  return result
}

/** "0,1,2" or, past `max` items, "0,1,2 and 7 more": keeps a finding one line. */
export function listItems(items: readonly (string | number)[], max = 10): string {
  const shown = items.slice(0, max).join(',')
  return items.length > max ? `${shown} and ${items.length - max} more` : shown
}

export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`
}

/**
 * The object a finding names when the same thing holds on several brokers: the cluster when
 * it holds on all of them, else the brokers' ids.
 */
export function brokersObject(snapshot: ClusterSnapshot, ids: readonly number[]): {kind: 'cluster' | 'broker'; name: string} {
  return ids.length === snapshot.brokers.length && ids.length > 1 ? {kind: 'cluster', name: snapshot.clusterId} : {kind: 'broker', name: [...ids].sort((a, b) => a - b).join(',')}
}
