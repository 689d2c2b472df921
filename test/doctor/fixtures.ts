// Constructed cluster snapshots for the doctor tests: a healthy 3-broker, 3-rack cluster and
// small builders to break one thing at a time.
import {buildLagReport} from '../../src/admin/lag/compute.js'
import {LagWindow} from '../../src/admin/lag/watch.js'
import type {ClusterSnapshot, ConfigValue, ConsumersSnapshot, SnapshotBroker, SnapshotTopic} from '../../src/admin/doctor/snapshot.js'

export const GiB = 2 ** 30
export const MiB = 2 ** 20
export const dayMs = 86_400_000

export function configs(values: Record<string, string>, source = 'STATIC_BROKER_CONFIG'): Record<string, ConfigValue> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, {value, source}]))
}

/**
 * A topic whose partition p has replicas brokers[p], brokers[p+1], ... (mod n), leader the
 * first, all in sync; each partition written at writeBytesPerSec with 1 KiB records.
 */
export function topic(name: string, options: {partitions: number; rf: number; brokers?: number[]; writeBytesPerSec?: number; configs?: Record<string, string>; internal?: boolean}): SnapshotTopic {
  const brokers = options.brokers ?? [1, 2, 3]
  const write = options.writeBytesPerSec ?? 0
  return {
    name,
    internal: options.internal ?? false,
    configs: {
      ...configs({'cleanup.policy': 'delete', 'min.insync.replicas': '2', 'retention.ms': String(dayMs), 'retention.bytes': '-1', 'segment.bytes': String(GiB), 'segment.ms': String(7 * dayMs)}, 'DEFAULT_CONFIG'),
      ...configs(options.configs ?? {}, 'DYNAMIC_TOPIC_CONFIG'),
    },
    partitions: Array.from({length: options.partitions}, (_, partition) => {
      const replicas = Array.from({length: options.rf}, (_, index) => brokers[(partition + index) % brokers.length])
      return {partition, leader: replicas[0], replicas, isr: [...replicas], offlineReplicas: [], writeBytesPerSec: write, writeRecordsPerSec: write / 1024}
    }),
  }
}

export function broker(id: number, rack: string | undefined, overrides: Record<string, string> = {}): SnapshotBroker {
  return {
    id,
    host: `kafka-${id}`,
    port: 9092,
    ...(rack === undefined ? {} : {rack}),
    listeners: [{name: 'SASL_SSL', host: `kafka-${id}`, port: 9092, securityProtocol: 'SASL_SSL'}],
    configs: configs({
      'process.roles': 'broker,controller',
      'node.id': String(id),
      'controller.quorum.voters': '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
      'controller.listener.names': 'CONTROLLER',
      listeners: 'SASL_SSL://:9092,CONTROLLER://:9093',
      'advertised.listeners': `SASL_SSL://kafka-${id}:9092`,
      'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL',
      'inter.broker.listener.name': 'SASL_SSL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      ...(rack === undefined ? {} : {'broker.rack': rack}),
      'log.dirs': '/var/lib/kafka/data',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'unclean.leader.election.enable': 'false',
      'auto.create.topics.enable': 'false',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'allow.everyone.if.no.acl.found': 'false',
      ...overrides,
    }),
    logDirs: [],
  }
}

/** Log dirs filled from the topics: every replica of a partition holds sizeBytes(topic, partition). */
export function withLogDirs(snapshot: ClusterSnapshot, space: {totalBytes?: number; usableBytes?: number}, sizeBytes: (topic: string, partition: number) => number = () => 0): ClusterSnapshot {
  for (const node of snapshot.brokers) {
    const replicas = snapshot.topics.flatMap((item) => item.partitions.filter((partition) => partition.replicas.includes(node.id)).map((partition) => ({topic: item.name, partition: partition.partition, sizeBytes: sizeBytes(item.name, partition.partition)})))
    node.logDirs = [{path: '/var/lib/kafka/data', ...space, replicas}]
  }
  return snapshot
}

/** Two lag samples `windowMs` apart for one group on `topicName` partition 0, classified as lag --watch does. */
export function consumers(topicName: string, samples: {logEnd: number; committed: number}[], members: number, windowMs = 30_000): ConsumersSnapshot {
  const window = new LagWindow(samples.length, samples.length)
  let report = buildLagReport({groups: [], partitionsByTopic: new Map(), timestamps: new Map(), nowMs: 0})
  samples.forEach((sample, index) => {
    const observation = {
      groupId: 'billing',
      type: 'classic', // the group protocol, as ListGroups v5 reports it
      state: members > 0 ? 'Stable' : 'Empty',
      members: Array.from({length: members}, (_, member) => ({memberId: `m${member}`, clientId: 'billing', host: '/10.0.0.9', assignment: [{topic: topicName, partitions: [0]}]})),
      committed: new Map([[topicName, new Map([[0, sample.committed]])]]),
    }
    const nowMs = 1_700_000_000_000 + index * windowMs
    report = buildLagReport({
      groups: [observation],
      partitionsByTopic: new Map([[topicName, [{topic: topicName, partition: 0, logStartOffset: 0, logEndOffset: sample.logEnd}]]]),
      // The first unconsumed record was written 2 minutes before the sample.
      timestamps: new Map([[`${topicName}\u0000${0}\u0000${sample.committed}`, nowMs - 120_000]]),
      nowMs,
    })
    window.add(report)
  })
  return {report, trends: window.classify()}
}

/**
 * Healthy: 3 brokers in 3 racks, SASL_SSL, StandardAuthorizer, RF 3 / min ISR 2, 3 voters in
 * sync, 1 TiB disks, orders written at 6 × 0.5 MiB/s = 3 MiB/s with 1-day retention, a
 * consumer group keeping up.
 */
export function healthyCluster(): ClusterSnapshot {
  const snapshot: ClusterSnapshot = {
    clusterId: 'healthy',
    controllerId: 1,
    takenAtMs: 1_700_000_030_000,
    windowMs: 30_000,
    brokers: [broker(1, 'az-1'), broker(2, 'az-2'), broker(3, 'az-3')],
    topics: [
      topic('orders', {partitions: 6, rf: 3, writeBytesPerSec: 0.5 * MiB}),
      topic('__consumer_offsets', {partitions: 3, rf: 3, internal: true, configs: {'cleanup.policy': 'compact'}}),
    ],
    quorum: {
      leaderId: 1, leaderEpoch: 5, highWatermark: 1000,
      voters: [1, 2, 3].map((id) => ({id, logEndOffset: 1000, lastCaughtUpTimestampMs: 1_700_000_029_500, lastFetchTimestampMs: 1_700_000_029_500})),
      observers: [],
    },
    consumers: consumers('orders', [{logEnd: 1000, committed: 990}, {logEnd: 2000, committed: 2000}], 1),
    acls: [
      {resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:app', host: '*', operation: 'WRITE', permissionType: 'ALLOW'},
      {resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:billing', host: '*', operation: 'READ', permissionType: 'ALLOW'},
    ],
  }
  return withLogDirs(snapshot, {totalBytes: 1024 * GiB, usableBytes: 1000 * GiB}, () => GiB)
}
