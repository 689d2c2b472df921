// Topic operations behind `kctl topics ...`, on kctl's client (src/kafka/client). Each returns
// a plain view object (camelCase keys, stable for scripts); src/admin/topics-render.ts draws
// the tables. Batch operations return one row per topic with its own status, so one failure
// does not hide the others' results.
//
// Multi-node clusters: the response of the request that changes something (CreateTopics,
// CreatePartitions, DeleteTopics, IncrementalAlterConfigs) alone decides a row's status. A
// topic just created can be unknown for a moment to the broker answering Metadata, and its
// leaders are elected after the answer, so reading it back retries
// UNKNOWN_TOPIC_OR_PARTITION / LEADER_NOT_AVAILABLE / NOT_LEADER_OR_FOLLOWER with backoff
// for at most settleMs; what has not settled by then is reported as a note (the command
// still succeeds), never as a failure. Changes go to the controller-or-any broker
// (KafkaClient.controller: KRaft brokers forward them) and are retried on NOT_CONTROLLER.
import {ExitCode, KctlError, usageError} from '../errors.js'
import {type KafkaClient, KafkaClientError, type PartitionMetadata, type TopicMetadata} from '../kafka/client/index.js'
import {configSourceName, configSourceNumber} from '../kafka/protocol/config-sources.js'
import {ErrorCode, errorByCode, ZERO_UUID} from '../kafka/protocol/index.js'
import {adviceFor} from './errors.js'

/** Kafka's ConfigResource types. */
const TOPIC_RESOURCE = 2
const BROKER_RESOURCE = 4

/** How long a command waits for the cluster to show what it just changed (leaders elected, metadata propagated). */
export const settleMs = 10_000

/** The server-side timeout sent with CreateTopics, CreatePartitions and DeleteTopics. */
const requestTimeoutMs = 30_000

// ---- list -----------------------------------------------------------------------------------

export interface TopicListRow {
  name: string
  partitions: number
  replicationFactor: number
  underReplicatedPartitions: number
  offlinePartitions: number
  internal: boolean
}

/** Sorted by name; internal topics (the broker's isInternal flag) only when asked for. */
export function topicListView(metadata: {topics: TopicMetadata[]}, options: {includeInternal: boolean}): TopicListRow[] {
  return metadata.topics
    .filter((topic) => topic.errorCode === 0 && (options.includeInternal || !topic.isInternal))
    .map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: replicationFactor(topic.partitions),
      underReplicatedPartitions: topic.partitions.filter(isUnderReplicated).length,
      offlinePartitions: topic.partitions.filter(isOffline).length,
      internal: topic.isInternal,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export async function listTopics(client: KafkaClient, options: {includeInternal: boolean}): Promise<TopicListRow[]> {
  return topicListView(await client.metadata(null), options)
}

/** The replica count of the topic's partitions (the largest, if an reassignment left them uneven). */
function replicationFactor(partitions: Pick<PartitionMetadata, 'replicas'>[]): number {
  return partitions.reduce((max, partition) => Math.max(max, partition.replicas.length), 0)
}

function isUnderReplicated(partition: Pick<PartitionMetadata, 'replicas' | 'isr'>): boolean {
  return partition.isr.length < partition.replicas.length
}

function isOffline(partition: Pick<PartitionMetadata, 'leader'>): boolean {
  return partition.leader < 0
}

// ---- describe -------------------------------------------------------------------------------

export interface PartitionDescription {
  partition: number
  /** null when the partition has no leader (offline). */
  leader: number | null
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
  underReplicated: boolean
  logStartOffset: number | null
  highWatermark: number | null
  /** Compacted topics on the bundled broker only: dirty bytes / bytes of closed segments. */
  dirtyRatio?: number
  /** Compacted topics on the bundled broker only: last cleaner pass (epoch ms), -1 = never. */
  lastCleanedMs?: number
}

/** The log cleaner's state per partition, as the bundled broker reports it for compacted topics. */
export interface CleanerState {
  dirtyRatio: number[]
  lastCleanedMs: number[]
}

// Read-only entries the bundled broker answers when named (Kafka answers nothing for them).
const cleanerStateKeys = ['kctl.log.cleaner.dirty.ratio', 'kctl.log.cleaner.last.cleaned.ms']

export interface TopicConfigEntry {
  name: string
  /** null for sensitive values the broker does not return. */
  value: string | null
  /** Kafka's ConfigSource name: DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, ... */
  source: string
  sensitive: boolean
  readOnly: boolean
}

export interface TopicDescription {
  name: string
  partitionCount: number
  replicationFactor: number
  partitions: PartitionDescription[]
  /** Configs whose value does not come from Kafka's built-in default. */
  configs: TopicConfigEntry[]
}

const TOPIC_CONFIG_SOURCE = configSourceNumber('DYNAMIC_TOPIC_CONFIG')
const DEFAULT_CONFIG_SOURCE = 5

/** One config as DescribeConfigs returns it. */
export interface WireConfigEntry {
  name: string
  value: string | null
  configSource: number
  isSensitive: boolean
  readOnly: boolean
}

export interface PartitionOffsets {
  partition: number
  low: number
  high: number
}

export function topicDescriptionView(
  name: string,
  partitions: PartitionMetadata[],
  offsets: PartitionOffsets[],
  configEntries: WireConfigEntry[],
  cleaner?: CleanerState,
): TopicDescription {
  const offsetsByPartition = new Map(offsets.map((entry) => [entry.partition, entry]))
  const sorted = [...partitions].sort((a, b) => a.partition - b.partition)
  return {
    name,
    partitionCount: partitions.length,
    replicationFactor: replicationFactor(partitions),
    partitions: sorted.map((partition) => {
      const offset = offsetsByPartition.get(partition.partition)
      return {
        partition: partition.partition,
        leader: isOffline(partition) ? null : partition.leader,
        replicas: partition.replicas,
        isr: partition.isr,
        offlineReplicas: partition.offline,
        underReplicated: isUnderReplicated(partition),
        logStartOffset: offset ? offset.low : null,
        highWatermark: offset ? offset.high : null,
        ...(cleaner ? {dirtyRatio: cleaner.dirtyRatio[partition.partition], lastCleanedMs: cleaner.lastCleanedMs[partition.partition]} : {}),
      }
    }),
    configs: configEntries
      .filter((entry) => entry.configSource !== DEFAULT_CONFIG_SOURCE)
      .map((entry) => ({
        name: entry.name,
        value: entry.isSensitive ? null : entry.value,
        source: configSourceName(entry.configSource),
        sensitive: entry.isSensitive,
        readOnly: entry.readOnly,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  }
}

export async function describeTopic(client: KafkaClient, name: string): Promise<TopicDescription> {
  const partitions = await topicPartitions(client, name)
  const [offsets, configs] = await Promise.all([partitionOffsets(client, name, partitions), describeConfigs(client, TOPIC_RESOURCE, name)])
  const compacted = configs.find((entry) => entry.name === 'cleanup.policy')?.value?.split(',').includes('compact') ?? false
  return topicDescriptionView(name, partitions, offsets, configs, compacted ? await cleanerState(client, name, partitions.length) : undefined)
}

/** The bundled broker's cleaner state of a compacted topic; undefined from Kafka, which has none. */
async function cleanerState(client: KafkaClient, name: string, partitionCount: number): Promise<CleanerState | undefined> {
  const entries = new Map((await describeConfigs(client, TOPIC_RESOURCE, name, cleanerStateKeys)).map((entry) => [entry.name, entry.value]))
  const numbers = (key: string) => (entries.get(key) ?? '').split(',').filter((item) => item !== '').map(Number)
  const state = {dirtyRatio: numbers(cleanerStateKeys[0]), lastCleanedMs: numbers(cleanerStateKeys[1])}
  return state.dirtyRatio.length === partitionCount && state.lastCleanedMs.length === partitionCount ? state : undefined
}

/** Partition metadata of one topic; a missing topic is exit 4. */
async function topicPartitions(client: KafkaClient, name: string, action = `describe topic ${name}`): Promise<PartitionMetadata[]> {
  const metadata = await client.metadata([name])
  const topic = metadata.topics.find((entry) => entry.name === name)
  if (!topic || topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || (topic.errorCode === 0 && topic.partitions.length === 0)) throw unknownTopic(name, action)
  if (topic.errorCode !== 0) throw KafkaClientError.fromCode(topic.errorCode)
  return topic.partitions
}

/**
 * Log start offset and high watermark of each partition that has a leader, asked of that
 * leader (ListOffsets -2 and -1, one request each: a request may not name a partition twice);
 * a leader that moved is looked up again. Partitions without a leader, or whose leader
 * cannot be reached (a broker that is down), have no offsets: the rest of the view still shows.
 */
async function partitionOffsets(client: KafkaClient, topic: string, partitions: PartitionMetadata[]): Promise<PartitionOffsets[]> {
  const led = partitions.filter((partition) => !isOffline(partition)).map((partition) => ({topic, partition: partition.partition}))
  if (led.length === 0) return []
  return client.retry(async () => {
    const offsets: PartitionOffsets[] = []
    for (const [leader, group] of await client.byLeader(led)) {
      const connection = await client.broker(leader).catch((error: unknown) => {
        if (error instanceof KafkaClientError && (error.kind === 'connection' || error.kind === 'timeout')) return undefined
        throw error
      })
      if (!connection) continue
      const ask = async (timestamp: number) => {
        const response = await connection.send(2, {replicaId: -1, isolationLevel: 0, topics: [{name: topic, partitions: group.map((p) => ({partitionIndex: p.partition, timestamp}))}]})
        const answers = response.topics.flatMap((entry) => entry.partitions)
        const failed = answers.find((answer) => answer.errorCode !== 0)
        if (failed) throw KafkaClientError.fromCode(failed.errorCode, null, connection.address)
        return new Map(answers.map((answer) => [answer.partitionIndex, answer.offset]))
      }
      const [low, high] = await Promise.all([ask(-2), ask(-1)])
      for (const p of group) offsets.push({partition: p.partition, low: low.get(p.partition) ?? 0, high: high.get(p.partition) ?? 0})
    }
    return offsets
  })
}

/** DescribeConfigs of one resource; a BROKER resource must be asked of that broker (`connection`), Kafka refuses another's id. */
async function describeConfigs(
  client: KafkaClient,
  resourceType: number,
  resourceName: string,
  keys: string[] | null = null,
  connection?: Awaited<ReturnType<KafkaClient['anyBroker']>>,
): Promise<WireConfigEntry[]> {
  connection ??= await client.anyBroker()
  const response = await connection.send(32, {resources: [{resourceType, resourceName, configurationKeys: keys}], includeSynonyms: false})
  const result = response.results[0]
  if (!result) return []
  if (result.errorCode !== 0) throw KafkaClientError.fromCode(result.errorCode, result.errorMessage, connection.address)
  return result.configs.map((entry) => ({name: entry.name, value: entry.value, configSource: entry.configSource, isSensitive: entry.isSensitive, readOnly: entry.readOnly}))
}

export function unknownTopic(name: string, action = `describe topic ${name}`): KctlError {
  return new KctlError(`unable to ${action}: topic ${name} does not exist (UNKNOWN_TOPIC_OR_PARTITION)`, {
    exitCode: ExitCode.notFound,
    hint: 'check the name with `kctl topics list`',
  })
}

// ---- waiting for the cluster ----------------------------------------------------------------

/**
 * Waits, within settleMs, until Metadata shows every topic of `expected` with at least that
 * many partitions, each with a leader. Returns the topics that did not get there in time.
 */
export async function awaitLeaders(client: KafkaClient, expected: Map<string, number>, budgetMs = settleMs): Promise<string[]> {
  let pending = [...expected.keys()]
  if (pending.length === 0) return []
  try {
    await client.retry(
      async () => {
        const metadata = await client.metadata(pending)
        pending = pending.filter((name) => {
          const topic = metadata.topics.find((entry) => entry.name === name)
          return !topic || topic.errorCode !== 0 || topic.partitions.length < (expected.get(name) ?? 0) || topic.partitions.some((p) => isOffline(p) || p.errorCode !== 0)
        })
        if (pending.length > 0) throw KafkaClientError.fromCode(ErrorCode.LEADER_NOT_AVAILABLE, `no leaders yet for ${pending.join(', ')}`)
      },
      {budgetMs, retries: Number.MAX_SAFE_INTEGER},
    )
  } catch (error) {
    if (!(error instanceof KafkaClientError && error.retriable)) throw error
  }
  return pending
}

/** Waits, within settleMs, until Metadata no longer lists the topics. Returns those still listed. */
async function awaitGone(client: KafkaClient, topics: string[], budgetMs = settleMs): Promise<string[]> {
  let pending = topics
  if (pending.length === 0) return []
  try {
    await client.retry(
      async () => {
        const metadata = await client.metadata(pending)
        pending = pending.filter((name) => metadata.topics.some((entry) => entry.name === name && entry.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        if (pending.length > 0) throw new KafkaClientError('kafka', `${pending.join(', ')} still listed`, {type: 'TOPIC_DELETION_PENDING', retriable: true})
      },
      {budgetMs, retries: Number.MAX_SAFE_INTEGER},
    )
  } catch (error) {
    if (!(error instanceof KafkaClientError && error.retriable)) throw error
  }
  return pending
}

/** "<NAME>: <broker message>" for a failed row. */
function errorText(code: number, brokerMessage: string | null | undefined): string {
  const known = errorByCode(code)
  return `${known.name}: ${brokerMessage || known.message}`
}

/** A failed row's status and error, for an error thrown while handling that row. */
function failure(error: unknown): {status: 'failed'; error: string} {
  if (error instanceof KafkaClientError && error.kind === 'kafka') return {status: 'failed', error: `${error.type}: ${error.message}`}
  return {status: 'failed', error: error instanceof Error ? error.message : String(error)}
}

/** Sends a cluster-changing request to the controller-or-any broker, again after NOT_CONTROLLER or a broken connection. */
async function toController<T>(client: KafkaClient, request: (connection: Awaited<ReturnType<KafkaClient['controller']>>) => Promise<T>, notController: (response: T) => boolean): Promise<T> {
  return client.retry(async () => {
    const response = await request(await client.controller())
    if (notController(response)) throw KafkaClientError.fromCode(ErrorCode.NOT_CONTROLLER)
    return response
  })
}

// ---- create ---------------------------------------------------------------------------------

/** Durability presets matching `kctl init`: HA writes RF 3 / min ISR 2, single broker RF 1. */
export const topicProfiles = {
  ha: {replicationFactor: 3, minInsyncReplicas: 2},
  single: {replicationFactor: 1, minInsyncReplicas: 1},
} as const
export type TopicProfile = keyof typeof topicProfiles

export interface CreateTopicsRequest {
  names: string[]
  partitions?: number
  replicationFactor?: number
  profile?: TopicProfile
  configs: Record<string, string>
  ifNotExists: boolean
  /** Ask the broker to validate only (CreateTopics validate_only). */
  dryRun: boolean
}

export interface TopicStatusRow {
  topic: string
  /** created | exists | validated | deleted | altered | failed */
  status: string
  /** "<KAFKA_ERROR_NAME>: <broker message>" when status is failed. */
  error: string | null
}

export interface TopicCreateRow extends TopicStatusRow {
  partitions: number
  replicationFactor: number
}

/** A batch's rows and what the cluster has not shown yet (notes for stderr; the rows stand). */
export interface BatchResult<R> {
  rows: R[]
  notes: string[]
}

/** Broker defaults used when neither a flag nor a profile gives a value: the rows and the checks need numbers. */
interface BrokerTopicDefaults {
  partitions: number
  replicationFactor: number
  minInsyncReplicas: number
}

/** The defaults of the first broker that answers (the topic defaults are cluster-wide in practice). */
async function brokerTopicDefaults(client: KafkaClient, brokerIds: number[]): Promise<BrokerTopicDefaults> {
  const defaults = {partitions: 1, replicationFactor: 1, minInsyncReplicas: 1}
  try {
    let entries: WireConfigEntry[] | undefined
    for (const [index, brokerId] of brokerIds.entries()) {
      try {
        const connection = await client.broker(brokerId)
        entries = await describeConfigs(client, BROKER_RESOURCE, String(brokerId), ['num.partitions', 'default.replication.factor', 'min.insync.replicas'], connection)
        break
      } catch (error) {
        // A broker that is down: ask the next one.
        const unreachable = error instanceof KafkaClientError && (error.kind === 'connection' || error.kind === 'timeout')
        if (!unreachable || index === brokerIds.length - 1) throw error
      }
    }
    const values = new Map((entries ?? []).map((entry) => [entry.name, Number(entry.value)]))
    const pick = (key: string, fallback: number) => (Number.isInteger(values.get(key)) && (values.get(key) ?? 0) > 0 ? (values.get(key) as number) : fallback)
    return {
      partitions: pick('num.partitions', defaults.partitions),
      replicationFactor: pick('default.replication.factor', defaults.replicationFactor),
      minInsyncReplicas: pick('min.insync.replicas', defaults.minInsyncReplicas),
    }
  } catch (error) {
    // Brokers that refuse DescribeConfigs on the broker resource: Kafka's own defaults.
    if (error instanceof KafkaClientError && error.kind === 'kafka') return defaults
    throw error
  }
}

export async function createTopics(client: KafkaClient, request: CreateTopicsRequest): Promise<BatchResult<TopicCreateRow>> {
  const cluster = await client.metadata([])
  const liveBrokers = cluster.brokers.length
  const defaults = await brokerTopicDefaults(client, cluster.brokers.map((broker) => broker.nodeId))
  const profile = request.profile ? topicProfiles[request.profile] : undefined
  const partitions = request.partitions ?? defaults.partitions
  const replicationFactor = request.replicationFactor ?? profile?.replicationFactor ?? defaults.replicationFactor
  const configs = {...(profile ? {'min.insync.replicas': String(profile.minInsyncReplicas)} : {}), ...request.configs}
  const minInsync = Number(configs['min.insync.replicas'] ?? defaults.minInsyncReplicas)
  const subject = request.names.length === 1 ? `topic ${request.names[0]}` : `${request.names.length} topics`

  if (replicationFactor > liveBrokers) {
    throw new KctlError(
      `unable to create ${subject}: replication factor ${replicationFactor} exceeds the ${liveBrokers} live broker${liveBrokers === 1 ? '' : 's'}`,
      {hint: liveBrokers === 1 ? 'use --replication-factor 1 or --profile single on a single broker' : `use --replication-factor ${liveBrokers} or fewer`},
    )
  }
  if (!Number.isInteger(minInsync) || minInsync < 1) {
    throw usageError(`invalid min.insync.replicas "${configs['min.insync.replicas']}"`, 'use a positive integer')
  }
  if (minInsync > replicationFactor) {
    throw new KctlError(`unable to create ${subject}: min.insync.replicas ${minInsync} exceeds replication factor ${replicationFactor}`, {
      hint: 'every acks=all write would fail with NOT_ENOUGH_REPLICAS; lower min.insync.replicas or raise the replication factor',
    })
  }

  const existing = request.ifNotExists ? await existingTopicShapes(client, request.names) : new Map<string, {partitions: number; replicationFactor: number}>()
  const toCreate = [...new Set(request.names)].filter((name) => !existing.has(name))
  const results = new Map<string, {errorCode: number; errorMessage: string | null | undefined}>()
  if (toCreate.length > 0) {
    const response = await toController(
      client,
      (connection) =>
        connection.send(19, {
          topics: toCreate.map((name) => ({
            name,
            numPartitions: partitions,
            replicationFactor,
            assignments: [],
            configs: Object.entries(configs).map(([key, value]) => ({name: key, value})),
          })),
          timeoutMs: requestTimeoutMs,
          validateOnly: request.dryRun,
        }),
      (answer) => answer.topics.some((topic) => topic.errorCode === ErrorCode.NOT_CONTROLLER),
    )
    for (const topic of response.topics) results.set(topic.name, topic)
  }
  const rows: TopicCreateRow[] = request.names.map((topic) => {
    const row: TopicCreateRow = {topic, status: request.dryRun ? 'validated' : 'created', error: null, partitions, replicationFactor}
    // The topic as it is, not as requested: an "exists" row must not suggest the request took effect.
    const shape = existing.get(topic)
    if (shape) return {...row, ...shape, status: 'exists'}
    const result = results.get(topic)
    if (!result) return {...row, status: 'failed', error: 'UNKNOWN_SERVER_ERROR: the broker did not answer for this topic'}
    if (result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && request.ifNotExists) return {...row, status: 'exists'}
    if (result.errorCode !== 0) return {...row, status: 'failed', error: errorText(result.errorCode, result.errorMessage)}
    return row
  })
  const created = new Map(rows.filter((row) => row.status === 'created').map((row) => [row.topic, row.partitions]))
  const unsettled = await awaitLeaders(client, created)
  return {rows, notes: unsettled.map((topic) => `topic ${topic} created, leaders not yet elected after ${settleMs / 1000} s; check with \`kctl topics describe ${topic}\``)}
}

/** Partition count and replication factor of those of `names` that exist. */
async function existingTopicShapes(client: KafkaClient, names: string[]): Promise<Map<string, {partitions: number; replicationFactor: number}>> {
  const metadata = await client.metadata(names)
  return new Map(
    metadata.topics
      .filter((topic) => topic.errorCode === 0 && topic.partitions.length > 0)
      .map((topic) => [topic.name, {partitions: topic.partitions.length, replicationFactor: replicationFactor(topic.partitions)}]),
  )
}

// ---- delete ---------------------------------------------------------------------------------

export interface TopicSelection {
  /** Topics that exist and were selected, sorted. */
  topics: string[]
  /** Names given literally that do not exist. */
  missing: string[]
  /** Whether any argument was a pattern (then the list is shown before asking). */
  usedPattern: boolean
}

const globCharacters = /[*?[]/

/** Glob (`*`, `?`, `[...]`) or, with `regex`, full-match regular expressions; internal topics never match a pattern. */
export function selectTopics(args: string[], allTopics: {name: string; internal: boolean}[], options: {regex: boolean}): TopicSelection {
  const selected = new Set<string>()
  const missing: string[] = []
  let usedPattern = false
  const names = new Set(allTopics.map((topic) => topic.name))
  for (const arg of args) {
    if (!options.regex && !globCharacters.test(arg)) {
      if (names.has(arg)) selected.add(arg)
      else missing.push(arg)
      continue
    }
    usedPattern = true
    const pattern = options.regex ? compileRegex(arg) : globToRegex(arg)
    for (const topic of allTopics) if (!topic.internal && pattern.test(topic.name)) selected.add(topic.name)
  }
  return {topics: [...selected].sort(), missing, usedPattern}
}

function compileRegex(source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`)
  } catch (error) {
    throw usageError(`invalid regular expression "${source}": ${(error as Error).message}`, 'patterns must match the whole topic name')
  }
}

export function globToRegex(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1)
      if (end === -1) source += '\\['
      else {
        const body = glob.slice(i + 1, end)
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`
        i = end
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

export async function deleteTopics(client: KafkaClient, topics: string[]): Promise<BatchResult<TopicStatusRow>> {
  const response = await toController(
    client,
    // v6 names topics in a struct (by name or id); earlier versions take a list of names.
    (connection) =>
      connection.supports(20, 6)
        ? connection.send(20, {topics: topics.map((name) => ({name, topicId: ZERO_UUID})), timeoutMs: requestTimeoutMs})
        : connection.send(20, {topicNames: topics, timeoutMs: requestTimeoutMs}),
    (answer) => answer.responses.some((result) => result.errorCode === ErrorCode.NOT_CONTROLLER),
  )
  const results = new Map(response.responses.map((result) => [result.name, result]))
  const rows: TopicStatusRow[] = topics.map((topic) => {
    const result = results.get(topic)
    if (!result) return {topic, status: 'failed', error: 'UNKNOWN_SERVER_ERROR: the broker did not answer for this topic'}
    if (result.errorCode !== 0) return {topic, status: 'failed', error: errorText(result.errorCode, result.errorMessage)}
    return {topic, status: 'deleted', error: null}
  })
  const lingering = await awaitGone(client, rows.filter((row) => row.status === 'deleted').map((row) => row.topic))
  return {rows, notes: lingering.map((topic) => `topic ${topic} deleted, still listed by the cluster after ${settleMs / 1000} s; its name may not be reusable yet`)}
}

// ---- alter ----------------------------------------------------------------------------------

export interface TopicAlterRow {
  topic: string
  config: string
  action: 'set' | 'delete'
  value: string | null
  status: 'altered' | 'failed'
  error: string | null
}

/**
 * Sets and removes topic-level configs with IncrementalAlterConfigs (KIP-339). A broker
 * without it (before Kafka 2.3) gets the legacy AlterConfigs, which replaces a topic's whole
 * set of overrides: the current overrides (DYNAMIC_TOPIC_CONFIG) are read, changed and written
 * back, so an alter made by someone else in that instant would be lost there.
 */
export async function alterTopicConfigs(client: KafkaClient, topic: string, set: Record<string, string>, remove: string[]): Promise<TopicAlterRow[]> {
  const action = `alter topic ${topic}`
  const rf = replicationFactor(await topicPartitions(client, topic, action))
  const minInsync = set['min.insync.replicas']
  if (minInsync !== undefined && Number(minInsync) > rf) {
    throw new KctlError(`unable to alter topic ${topic}: min.insync.replicas ${minInsync} exceeds its replication factor ${rf}`, {
      hint: 'every acks=all write would fail with NOT_ENOUGH_REPLICAS; pick a value ≤ the replication factor',
    })
  }
  const changes: Omit<TopicAlterRow, 'status' | 'error'>[] = [
    ...Object.entries(set).map(([config, value]) => ({topic, config, action: 'set' as const, value})),
    ...remove.map((config) => ({topic, config, action: 'delete' as const, value: null})),
  ]
  const result = await toController(
    client,
    async (connection) => {
      if (connection.supports(44)) {
        const configs = changes.map((change) => ({name: change.config, configOperation: change.action === 'set' ? 0 : 1, value: change.value}))
        return (await connection.send(44, {resources: [{resourceType: TOPIC_RESOURCE, resourceName: topic, configs}], validateOnly: false})).responses[0]
      }
      const overrides = new Map(
        (await describeConfigs(client, TOPIC_RESOURCE, topic)).filter((entry) => entry.configSource === TOPIC_CONFIG_SOURCE).map((entry) => [entry.name, entry.value]),
      )
      for (const name of remove) overrides.delete(name)
      for (const [name, value] of Object.entries(set)) overrides.set(name, value)
      const configs = [...overrides].map(([name, value]) => ({name, value}))
      return (await connection.send(33, {resources: [{resourceType: TOPIC_RESOURCE, resourceName: topic, configs}], validateOnly: false})).responses[0]
    },
    (answer) => answer?.errorCode === ErrorCode.NOT_CONTROLLER,
  )
  const error = !result ? 'UNKNOWN_SERVER_ERROR: the broker did not answer for this topic' : result.errorCode !== 0 ? errorText(result.errorCode, result.errorMessage) : null
  return changes.map((change) => ({...change, status: error ? 'failed' : 'altered', error}))
}

// ---- add-partitions -------------------------------------------------------------------------

export interface TopicPartitionsRow extends TopicStatusRow {
  /** Partition count after the change (before it, when the change failed). */
  partitions: number
  added: number
}

export async function addPartitions(client: KafkaClient, topics: string[], count: number): Promise<BatchResult<TopicPartitionsRow>> {
  if (!Number.isInteger(count) || count < 1) throw usageError(`invalid partition count to add "${count}"`, 'pass a positive integer to --num')
  const rows: TopicPartitionsRow[] = []
  const grown = new Map<string, number>()
  for (const topic of topics) {
    let current = 0
    try {
      current = (await topicPartitions(client, topic, `add partitions to topic ${topic}`)).length
      const response = await toController(
        client,
        (connection) => connection.send(37, {topics: [{name: topic, count: current + count, assignments: null}], timeoutMs: requestTimeoutMs, validateOnly: false}),
        (answer) => answer.results.some((result) => result.errorCode === ErrorCode.NOT_CONTROLLER),
      )
      const result = response.results.find((entry) => entry.name === topic)
      if (result && result.errorCode !== 0) {
        rows.push({topic, status: 'failed', error: errorText(result.errorCode, result.errorMessage), partitions: current, added: 0})
        continue
      }
      rows.push({topic, status: 'altered', error: null, partitions: current + count, added: count})
      grown.set(topic, current + count)
    } catch (error) {
      const row = error instanceof KctlError && error.exitCode === ExitCode.notFound ? {status: 'failed' as const, error: 'UNKNOWN_TOPIC_OR_PARTITION: topic does not exist'} : failure(error)
      rows.push({topic, ...row, partitions: current, added: 0})
    }
  }
  const unsettled = await awaitLeaders(client, grown)
  return {rows, notes: unsettled.map((topic) => `topic ${topic} has ${grown.get(topic)} partitions, leaders of the new ones not yet elected after ${settleMs / 1000} s`)}
}

/**
 * The error to raise after a batch's rows are printed: none when every row succeeded; exit 4
 * when every failure is an unknown topic, else 1. The hint is the first failure's.
 */
export function batchError(rows: TopicStatusRow[], verb: string): KctlError | undefined {
  const failed = rows.filter((row) => row.status === 'failed')
  if (failed.length === 0) return undefined
  const notFound = failed.every((row) => row.error?.startsWith('UNKNOWN_TOPIC_OR_PARTITION'))
  const distinct = new Set(rows.map((row) => row.topic)).size
  const failedTopics = new Set(failed.map((row) => row.topic)).size
  const subject = distinct === 1 ? `topic ${failed[0].topic}` : `${failedTopics} of ${distinct} topics`
  return new KctlError(`unable to ${verb} ${subject}: ${failed[0].error}`, {
    exitCode: notFound ? ExitCode.notFound : ExitCode.error,
    hint: adviceFor(failed[0].error?.split(':')[0]),
  })
}
