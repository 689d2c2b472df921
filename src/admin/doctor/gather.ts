// `kctl doctor`'s network half: fills a ClusterSnapshot (snapshot.ts) from a live cluster,
// read-only, on kctl's one client, with a fixed number of round trips whatever the topic
// count:
//   - DescribeCluster (Metadata on brokers before Kafka 2.8, as `kctl cluster describe`) and
//     Metadata for every topic;
//   - per broker, at once: DescribeConfigs of its BROKER resource and DescribeLogDirs (all
//     dirs, all replicas), asked of that broker; a broker that cannot be reached (connection
//     refused, timeout) is recorded in GatherNotes.unreachableBrokers and the run goes on
//     without its configs and log dirs;
//   - DescribeConfigs of every TOPIC resource, in batches, of any broker;
//   - DescribeQuorum of __cluster_metadata-0 (Kafka 3.3+); a broker that does not serve it (the
//     bundled one, ZooKeeper-era Kafka) or refuses it leaves quorum undefined;
//   - DescribeAcls match-any; SECURITY_DISABLED (no authorizer) or a refusal leaves acls
//     undefined;
//   - two samples `windowMs` apart: ListOffsets (earliest, latest) per leader, DescribeLogDirs
//     per broker and `kctl lag`'s sample (src/admin/lag). The second sample's log dirs and lag
//     report are the snapshot's; the pair gives the write rates and the group trends.
// Write rates per partition: records = Δ log end offset / window; bytes = Δ leader log size /
// window, or, when retention or compaction shrank the log meanwhile (the log start offset
// moved or the size fell), Δ records × the log's bytes per record. Partitions without a
// reachable leader count 0.
import {type KafkaClient, KafkaClientError} from '../../kafka/client/index.js'
import {bindingFromWire} from '../../kafka/acl/wire.js'
import type {AclBinding} from '../../kafka/acl/model.js'
import {configSourceName} from '../../kafka/protocol/config-sources.js'
import {ErrorCode, errorByCode} from '../../kafka/protocol/index.js'
import {parseListeners, parseSecurityMap} from '../../config/lint.js'
import {describeCluster} from '../cluster.js'
import {LagWindow, sampleLag} from '../lag/index.js'
import {partitionBounds, partitionKey as key} from '../partition-offsets.js'
import type {PartitionOffsets} from '../lag/compute.js'
import type {ClusterSnapshot, ConfigValue, ConsumersSnapshot, QuorumReplica, QuorumSnapshot, SnapshotBroker, SnapshotListener, SnapshotLogDir, SnapshotTopic} from './snapshot.js'

const TOPIC_RESOURCE = 2
const BROKER_RESOURCE = 4
/** Topic resources per DescribeConfigs request: keeps each answer well under a megabyte. */
const TOPIC_CONFIG_BATCH = 200
const METADATA_TOPIC = '__cluster_metadata'
const ANY = 1

export interface GatherOptions {
  /** Time between the two samples (`--window`); 0 takes them back to back. */
  windowMs: number
  /** Aborting it during the window takes the second sample at once (the window measured is then shorter). */
  signal?: AbortSignal
  /** Called when the window starts (elapsed 0) and about every 250 ms during it, for a progress line. */
  onWindowProgress?: (elapsedMs: number, windowMs: number) => void
}

/** What the gatherer could not see, so the report can say why a part is missing. */
export interface GatherNotes {
  /** Brokers Metadata lists that kctl could not reach: no configs, log dirs or offsets from them. */
  unreachableBrokers: {id: number; error: string}[]
  /** "reported", or why not: "not exposed (...)" / "not authorized". */
  quorum: string
  /** "reported", "no authorizer" or "not authorized". */
  acls: string
  /** "reported", or the error that kept the groups from being read. */
  consumers: string
  /** True when Ctrl-C cut the window short. */
  windowInterrupted: boolean
}

interface Sample {
  atMs: number
  bounds: Map<string, PartitionOffsets>
  /** Log size of each partition on each broker: key `${broker}|${topic}:${partition}`. */
  sizes: Map<string, number>
  logDirs: Map<number, SnapshotLogDir[]>
  lag?: Awaited<ReturnType<typeof sampleLag>>
  lagError?: string
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function isUnreachable(error: unknown): boolean {
  return error instanceof KafkaClientError && (error.kind === 'connection' || error.kind === 'timeout')
}

export async function gatherSnapshot(client: KafkaClient, options: GatherOptions): Promise<{snapshot: ClusterSnapshot; notes: GatherNotes}> {
  const notes: GatherNotes = {unreachableBrokers: [], quorum: 'reported', acls: 'reported', consumers: 'reported', windowInterrupted: false}
  const identity = await describeCluster(client)
  const metadata = await client.metadata(null)

  // Which brokers answer: one connection each, opened in parallel, each bounded by the client's connect timeout.
  const reachable: number[] = []
  await Promise.all(identity.brokers.map(async (node) => {
    try {
      await client.broker(node.nodeId)
      reachable.push(node.nodeId)
    } catch (error) {
      if (!isUnreachable(error)) throw error
      notes.unreachableBrokers.push({id: node.nodeId, error: message(error)})
    }
  }))
  notes.unreachableBrokers.sort((a, b) => a.id - b.id)

  const partitions = metadata.topics
    .filter((topic) => topic.errorCode === 0)
    .flatMap((topic) => topic.partitions.filter((p) => p.leader >= 0 && reachable.includes(p.leader)).map((p) => ({topic: topic.name, partition: p.partition})))

  const [brokerConfigs, topicConfigs, quorum, acls, first] = await Promise.all([
    Promise.all(reachable.map(async (id) => [id, await describeBrokerResource(client, id)] as const)),
    describeTopicConfigs(client, metadata.topics.filter((topic) => topic.errorCode === 0).map((topic) => topic.name)),
    describeQuorum(client, notes),
    describeAcls(client, notes),
    takeSample(client, reachable, partitions),
  ])

  await waitWindow(options)
  if (options.signal?.aborted) notes.windowInterrupted = true
  const last = await takeSample(client, reachable, partitions)
  const windowMs = Math.max(0, last.atMs - first.atMs)

  const configsByBroker = new Map(brokerConfigs)
  const brokers: SnapshotBroker[] = identity.brokers.map((node) => {
    const configs = configsByBroker.get(node.nodeId) ?? {}
    return {
      id: node.nodeId,
      host: node.host,
      port: node.port,
      ...(node.rack ? {rack: node.rack} : {}),
      listeners: clientListeners(configs, node.host),
      configs,
      logDirs: last.logDirs.get(node.nodeId) ?? [],
    }
  })

  const topics: SnapshotTopic[] = metadata.topics.filter((topic) => topic.errorCode === 0).map((topic) => ({
    name: topic.name,
    internal: topic.isInternal,
    configs: topicConfigs.get(topic.name) ?? {},
    partitions: topic.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      offlineReplicas: p.offline,
      ...writeRates(first, last, topic.name, p.partition, p.leader, windowMs),
    })),
  }))

  let consumers: ConsumersSnapshot | undefined
  if (first.lag && last.lag) {
    const window = new LagWindow(2, 2)
    window.add(first.lag)
    window.add(last.lag)
    const {brokers: _brokers, ...report} = last.lag
    consumers = {report, trends: window.classify()}
  } else {
    notes.consumers = last.lagError ?? first.lagError ?? 'not read'
  }

  return {
    snapshot: {
      clusterId: identity.clusterId ?? '',
      controllerId: identity.controller ?? -1,
      takenAtMs: last.atMs,
      windowMs,
      brokers,
      topics,
      ...(quorum ? {quorum} : {}),
      ...(consumers ? {consumers} : {}),
      ...(acls ? {acls} : {}),
    },
    notes,
  }
}

function configValues(entries: readonly {name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean}[]): Record<string, ConfigValue> {
  return Object.fromEntries(entries.map((entry) => [entry.name, {
    value: entry.isSensitive ? null : entry.value,
    source: configSourceName(entry.configSource),
    readOnly: entry.readOnly,
    sensitive: entry.isSensitive,
  }]))
}

/** A broker's own configs, asked of that broker (only it knows its static ones). */
async function describeBrokerResource(client: KafkaClient, id: number): Promise<Record<string, ConfigValue>> {
  const connection = await client.broker(id)
  const response = await connection.send(32, {
    resources: [{resourceType: BROKER_RESOURCE, resourceName: String(id), configurationKeys: null}],
    includeSynonyms: false,
    includeDocumentation: false,
  })
  const result = response.results[0]
  if (!result || result.errorCode !== 0) return {}
  return configValues(result.configs)
}

async function describeTopicConfigs(client: KafkaClient, names: string[]): Promise<Map<string, Record<string, ConfigValue>>> {
  const result = new Map<string, Record<string, ConfigValue>>()
  const batches: string[][] = []
  for (let start = 0; start < names.length; start += TOPIC_CONFIG_BATCH) batches.push(names.slice(start, start + TOPIC_CONFIG_BATCH))
  await Promise.all(batches.map(async (batch) => {
    const connection = await client.anyBroker()
    const response = await connection.send(32, {
      resources: batch.map((name) => ({resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: null})),
      includeSynonyms: false,
      includeDocumentation: false,
    })
    for (const entry of response.results) if (entry.errorCode === 0) result.set(entry.resourceName, configValues(entry.configs))
  }))
  return result
}

async function describeQuorum(client: KafkaClient, notes: GatherNotes): Promise<QuorumSnapshot | undefined> {
  const connection = await client.anyBroker()
  if (!connection.supports(55)) {
    notes.quorum = 'not exposed (the broker does not serve DescribeQuorum)'
    return undefined
  }
  const response = await connection.send(55, {topics: [{topicName: METADATA_TOPIC, partitions: [{partitionIndex: 0}]}]})
  const partition = response.topics[0]?.partitions[0]
  const errorCode = response.errorCode || partition?.errorCode || (partition ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  if (errorCode !== 0 || !partition) {
    const name = errorByCode(errorCode).name
    notes.quorum = name === 'CLUSTER_AUTHORIZATION_FAILED' ? 'not authorized' : `not exposed (${name})`
    return undefined
  }
  const replica = (state: {replicaId: number; logEndOffset: bigint | number; lastFetchTimestamp?: bigint | number; lastCaughtUpTimestamp?: bigint | number}): QuorumReplica => {
    const known = (value: bigint | number | undefined) => (value === undefined || Number(value) < 0 ? undefined : Number(value))
    const lastCaughtUp = known(state.lastCaughtUpTimestamp)
    const lastFetch = known(state.lastFetchTimestamp)
    return {
      id: state.replicaId,
      logEndOffset: Number(state.logEndOffset),
      ...(lastCaughtUp === undefined ? {} : {lastCaughtUpTimestampMs: lastCaughtUp}),
      ...(lastFetch === undefined ? {} : {lastFetchTimestampMs: lastFetch}),
    }
  }
  return {
    leaderId: partition.leaderId,
    leaderEpoch: partition.leaderEpoch,
    highWatermark: Number(partition.highWatermark),
    voters: partition.currentVoters.map(replica),
    observers: partition.observers.map(replica),
  }
}

async function describeAcls(client: KafkaClient, notes: GatherNotes): Promise<AclBinding[] | undefined> {
  const connection = await client.anyBroker()
  const response = await connection.send(29, {
    resourceTypeFilter: ANY,
    resourceNameFilter: null,
    patternTypeFilter: ANY,
    principalFilter: null,
    hostFilter: null,
    operation: ANY,
    permissionType: ANY,
  })
  if (response.errorCode === ErrorCode.SECURITY_DISABLED) {
    notes.acls = 'no authorizer'
    return undefined
  }
  if (response.errorCode !== 0) {
    notes.acls = response.errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED ? 'not authorized' : `not read (${errorByCode(response.errorCode).name})`
    return undefined
  }
  const bindings: AclBinding[] = []
  for (const resource of response.resources) {
    for (const acl of resource.acls) {
      const binding = bindingFromWire({...acl, resourceType: resource.resourceType, resourceName: resource.resourceName, patternType: resource.patternType})
      if (typeof binding !== 'string') bindings.push(binding)
    }
  }
  return bindings
}

/** Listeners as clients see them: advertised.listeners (listeners when unset), controller listeners left out, each with its security protocol. */
function clientListeners(configs: Record<string, ConfigValue>, brokerHost: string): SnapshotListener[] {
  const text = configs['advertised.listeners']?.value || configs.listeners?.value
  if (!text) return []
  const controllerNames = (configs['controller.listener.names']?.value ?? '').split(',').map((name) => name.trim().toUpperCase()).filter(Boolean)
  const listeners = parseListeners(text).filter((listener) => listener.port > 0 && !controllerNames.includes(listener.name))
  const protocols = parseSecurityMap(configs['listener.security.protocol.map']?.value ?? undefined, listeners, controllerNames)
  return listeners.map((listener) => ({name: listener.name, host: listener.host || brokerHost, port: listener.port, securityProtocol: protocols.get(listener.name) ?? listener.name}))
}

async function takeSample(client: KafkaClient, brokers: readonly number[], partitions: {topic: string; partition: number}[]): Promise<Sample> {
  const sizes = new Map<string, number>()
  const logDirs = new Map<number, SnapshotLogDir[]>()
  const [bounds, , lag] = await Promise.all([
    partitionBounds(client, partitions),
    Promise.all(brokers.map(async (id) => {
      const dirs = await describeLogDirs(client, id)
      logDirs.set(id, dirs)
      for (const dir of dirs) for (const replica of dir.replicas) if (!replica.isFuture) sizes.set(`${id}|${key(replica.topic, replica.partition)}`, replica.sizeBytes)
    })),
    sampleLag(client).then((report) => ({report}), (error: unknown) => ({error: message(error)})),
  ])
  return {
    atMs: Date.now(),
    bounds: new Map(bounds.map((bound) => [key(bound.topic, bound.partition), bound])),
    sizes,
    logDirs,
    ...('report' in lag ? {lag: lag.report} : {lagError: lag.error}),
  }
}

async function describeLogDirs(client: KafkaClient, id: number): Promise<SnapshotLogDir[]> {
  const connection = await client.broker(id)
  const response = await connection.send(35, {topics: null})
  if (response.errorCode) return []
  return response.results.map((dir) => ({
    path: dir.logDir,
    ...(dir.errorCode === 0 ? {} : {error: errorByCode(dir.errorCode).name}),
    ...(dir.totalBytes === undefined || Number(dir.totalBytes) < 0 ? {} : {totalBytes: Number(dir.totalBytes)}),
    ...(dir.usableBytes === undefined || Number(dir.usableBytes) < 0 ? {} : {usableBytes: Number(dir.usableBytes)}),
    replicas: dir.topics.flatMap((topic) => topic.partitions.map((p) => ({
      topic: topic.name,
      partition: p.partitionIndex,
      sizeBytes: Number(p.partitionSize),
      ...(p.isFutureKey ? {isFuture: true} : {}),
    }))),
  }))
}

function writeRates(first: Sample, last: Sample, topic: string, partition: number, leader: number, windowMs: number): {writeBytesPerSec: number; writeRecordsPerSec: number} {
  const before = first.bounds.get(key(topic, partition))
  const after = last.bounds.get(key(topic, partition))
  if (!before || !after || windowMs <= 0) return {writeBytesPerSec: 0, writeRecordsPerSec: 0}
  const records = Math.max(0, after.logEndOffset - before.logEndOffset)
  const sizeBefore = first.sizes.get(`${leader}|${key(topic, partition)}`)
  const sizeAfter = last.sizes.get(`${leader}|${key(topic, partition)}`)
  let bytes = 0
  if (sizeBefore !== undefined && sizeAfter !== undefined) {
    const shrank = after.logStartOffset > before.logStartOffset || sizeAfter < sizeBefore
    if (!shrank) bytes = sizeAfter - sizeBefore
    else {
      const held = after.logEndOffset - after.logStartOffset
      bytes = held > 0 ? records * (sizeAfter / held) : 0
    }
  }
  return {writeBytesPerSec: (bytes * 1000) / windowMs, writeRecordsPerSec: (records * 1000) / windowMs}
}

/** Waits out the window, reporting progress; returns early when the signal aborts. */
export async function waitWindow(options: Pick<GatherOptions, 'windowMs' | 'signal' | 'onWindowProgress'>): Promise<void> {
  const {windowMs, signal} = options
  if (windowMs <= 0 || signal?.aborted) return
  const startedMs = Date.now()
  options.onWindowProgress?.(0, windowMs)
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => options.onWindowProgress?.(Date.now() - startedMs, windowMs), 250)
    const done = () => {
      clearInterval(tick)
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, windowMs)
    signal?.addEventListener('abort', done, {once: true})
  })
}
