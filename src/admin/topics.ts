// Topic operations behind `kctl topics ...`. Each returns a plain view object (camelCase keys,
// stable for scripts); src/admin/topics-render.ts draws the tables. Batch operations return
// one row per topic with its own status, so one failure does not hide the others' results.
import kafkajs, {type Admin} from 'kafkajs'
import {ExitCode, KctlError, usageError} from '../errors.js'
import type {RawMetadata, RawPartitionMetadata} from './connection.js'
import {adviceFor, kafkaErrorName, kafkaErrorSummary} from './errors.js'

// kafkajs is CommonJS; Node's named-export detection misses these two enums.
const {ConfigResourceTypes, ConfigSource} = kafkajs

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
export function topicListView(metadata: Pick<RawMetadata, 'topicMetadata'>, options: {includeInternal: boolean}): TopicListRow[] {
  return metadata.topicMetadata
    .filter((topic) => topic.topicErrorCode === 0 && (options.includeInternal || !topic.isInternal))
    .map((topic) => ({
      name: topic.topic,
      partitions: topic.partitionMetadata.length,
      replicationFactor: replicationFactor(topic.partitionMetadata),
      underReplicatedPartitions: topic.partitionMetadata.filter(isUnderReplicated).length,
      offlinePartitions: topic.partitionMetadata.filter(isOffline).length,
      internal: topic.isInternal,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The replica count of the topic's partitions (the largest, if an reassignment left them uneven). */
function replicationFactor(partitions: Pick<RawPartitionMetadata, 'replicas'>[]): number {
  return partitions.reduce((max, partition) => Math.max(max, partition.replicas.length), 0)
}

function isUnderReplicated(partition: Pick<RawPartitionMetadata, 'replicas' | 'isr'>): boolean {
  return partition.isr.length < partition.replicas.length
}

function isOffline(partition: Pick<RawPartitionMetadata, 'leader'>): boolean {
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
}

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

const configSourceNames: Record<number, string> = {
  [ConfigSource.UNKNOWN]: 'UNKNOWN',
  [ConfigSource.TOPIC_CONFIG]: 'DYNAMIC_TOPIC_CONFIG',
  [ConfigSource.DYNAMIC_BROKER_CONFIG]: 'DYNAMIC_BROKER_CONFIG',
  [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  [ConfigSource.STATIC_BROKER_CONFIG]: 'STATIC_BROKER_CONFIG',
  [ConfigSource.DEFAULT_CONFIG]: 'DEFAULT_CONFIG',
  [ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG]: 'DYNAMIC_BROKER_LOGGER_CONFIG',
}

export interface RawConfigEntry {
  configName: string
  configValue: string | null
  isDefault: boolean
  configSource?: number
  isSensitive: boolean
  readOnly: boolean
}

export function topicDescriptionView(
  name: string,
  partitions: RawPartitionMetadata[],
  offsets: {partition: number; low: string; high: string}[],
  configEntries: RawConfigEntry[],
): TopicDescription {
  const offsetsByPartition = new Map(offsets.map((entry) => [entry.partition, entry]))
  const sorted = [...partitions].sort((a, b) => a.partitionId - b.partitionId)
  return {
    name,
    partitionCount: partitions.length,
    replicationFactor: replicationFactor(partitions),
    partitions: sorted.map((partition) => {
      const offset = offsetsByPartition.get(partition.partitionId)
      return {
        partition: partition.partitionId,
        leader: isOffline(partition) ? null : partition.leader,
        replicas: partition.replicas,
        isr: partition.isr,
        offlineReplicas: partition.offlineReplicas ?? [],
        underReplicated: isUnderReplicated(partition),
        logStartOffset: offset ? Number(offset.low) : null,
        highWatermark: offset ? Number(offset.high) : null,
      }
    }),
    configs: configEntries
      // DescribeConfigs v0 has no source; isDefault is all it says.
      .filter((entry) => (entry.configSource === undefined ? !entry.isDefault : entry.configSource !== ConfigSource.DEFAULT_CONFIG))
      .map((entry) => ({
        name: entry.configName,
        value: entry.isSensitive ? null : entry.configValue,
        source: entry.configSource === undefined ? 'UNKNOWN' : (configSourceNames[entry.configSource] ?? 'UNKNOWN'),
        sensitive: entry.isSensitive,
        readOnly: entry.readOnly,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  }
}

export async function describeTopic(admin: Admin, name: string): Promise<TopicDescription> {
  const partitions = await topicPartitions(admin, name)
  const [offsets, configs] = await Promise.all([
    admin.fetchTopicOffsets(name),
    admin.describeConfigs({resources: [{type: ConfigResourceTypes.TOPIC, name}], includeSynonyms: false}),
  ])
  return topicDescriptionView(name, partitions, offsets, configs.resources[0]?.configEntries ?? [])
}

/** Partition metadata of one topic; a missing topic is exit 4. */
async function topicPartitions(admin: Admin, name: string): Promise<RawPartitionMetadata[]> {
  try {
    const metadata = await admin.fetchTopicMetadata({topics: [name]})
    const topic = metadata.topics.find((entry) => entry.name === name)
    if (topic && topic.partitions.length > 0) return topic.partitions as RawPartitionMetadata[]
  } catch (error) {
    if (kafkaErrorName(error) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error
  }
  throw unknownTopic(name)
}

export function unknownTopic(name: string, action = `describe topic ${name}`): KctlError {
  return new KctlError(`unable to ${action}: topic ${name} does not exist (UNKNOWN_TOPIC_OR_PARTITION)`, {
    exitCode: ExitCode.notFound,
    hint: 'check the name with `kctl topics list`',
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

/** Broker defaults used when neither a flag nor a profile gives a value (CreateTopics v3, kafkajs's
 * highest, cannot ask for "broker default" with -1: that arrived in v4, KIP-464). */
interface BrokerTopicDefaults {
  partitions: number
  replicationFactor: number
  minInsyncReplicas: number
}

async function brokerTopicDefaults(admin: Admin, brokerId: number): Promise<BrokerTopicDefaults> {
  const defaults = {partitions: 1, replicationFactor: 1, minInsyncReplicas: 1}
  try {
    const response = await admin.describeConfigs({
      resources: [{type: ConfigResourceTypes.BROKER, name: String(brokerId), configNames: ['num.partitions', 'default.replication.factor', 'min.insync.replicas']}],
      includeSynonyms: false,
    })
    const values = new Map((response.resources[0]?.configEntries ?? []).map((entry) => [entry.configName, Number(entry.configValue)]))
    const pick = (key: string, fallback: number) => (Number.isInteger(values.get(key)) && (values.get(key) ?? 0) > 0 ? (values.get(key) as number) : fallback)
    return {
      partitions: pick('num.partitions', defaults.partitions),
      replicationFactor: pick('default.replication.factor', defaults.replicationFactor),
      minInsyncReplicas: pick('min.insync.replicas', defaults.minInsyncReplicas),
    }
  } catch {
    // Brokers that refuse DescribeConfigs on the broker resource: Kafka's own defaults.
    return defaults
  }
}

export async function createTopics(admin: Admin, request: CreateTopicsRequest): Promise<TopicCreateRow[]> {
  const cluster = await admin.describeCluster()
  const liveBrokers = cluster.brokers.length
  const defaults = await brokerTopicDefaults(admin, cluster.controller ?? cluster.brokers[0]?.nodeId ?? 1)
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

  const existing = request.ifNotExists ? await existingTopicShapes(admin, request.names) : new Map<string, {partitions: number; replicationFactor: number}>()
  const configEntries = Object.entries(configs).map(([name, value]) => ({name, value}))
  const rows: TopicCreateRow[] = []
  // One request per topic: kafkajs fails a multi-topic CreateTopics as a whole, and each row
  // needs its own status.
  for (const topic of request.names) {
    const row: TopicCreateRow = {topic, status: request.dryRun ? 'validated' : 'created', error: null, partitions, replicationFactor}
    const shape = existing.get(topic)
    if (shape) {
      // The topic as it is, not as requested: an "exists" row must not suggest the request took effect.
      rows.push({...row, ...shape, status: 'exists'})
      continue
    }
    try {
      const created = await admin.createTopics({
        topics: [{topic, numPartitions: partitions, replicationFactor, configEntries}],
        validateOnly: request.dryRun,
        waitForLeaders: !request.dryRun,
      })
      // kafkajs resolves false instead of throwing when the only error is TOPIC_ALREADY_EXISTS.
      if (!created) Object.assign(row, request.ifNotExists ? {status: 'exists'} : {status: 'failed', error: `TOPIC_ALREADY_EXISTS: topic ${topic} already exists`})
    } catch (error) {
      const name = kafkaErrorName(error)
      if (name === 'TOPIC_ALREADY_EXISTS' && request.ifNotExists) row.status = 'exists'
      else Object.assign(row, failure(error, configs))
    }
    rows.push(row)
  }
  return rows
}

/** Partition count and replication factor of those of `names` that exist. */
async function existingTopicShapes(admin: Admin, names: string[]): Promise<Map<string, {partitions: number; replicationFactor: number}>> {
  const all = new Set(await admin.listTopics())
  const present = names.filter((name) => all.has(name))
  if (present.length === 0) return new Map()
  const metadata = await admin.fetchTopicMetadata({topics: present})
  return new Map(
    metadata.topics.map((topic) => [topic.name, {partitions: topic.partitions.length, replicationFactor: replicationFactor(topic.partitions)}]),
  )
}

/**
 * A failed row's status and error. kafkajs drops the broker's error message, so for
 * INVALID_CONFIG ("Configuration is invalid") the row names the configs that were sent.
 */
function failure(error: unknown, configs: Record<string, string> = {}): {status: 'failed'; error: string} {
  const sent = Object.entries(configs).map(([name, value]) => `${name}=${value}`)
  const detail = kafkaErrorName(error) === 'INVALID_CONFIG' && sent.length > 0 ? ` (sent ${sent.join(', ')})` : ''
  return {status: 'failed', error: kafkaErrorSummary(error) + detail}
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

export async function deleteTopics(admin: Admin, topics: string[]): Promise<TopicStatusRow[]> {
  const rows: TopicStatusRow[] = []
  for (const topic of topics) {
    try {
      await admin.deleteTopics({topics: [topic]})
      rows.push({topic, status: 'deleted', error: null})
    } catch (error) {
      rows.push({topic, ...failure(error)})
    }
  }
  return rows
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
 * Sets and removes topic-level configs. kafkajs 2.2.4 has only the legacy AlterConfigs, which
 * replaces a topic's whole set of overrides, so this reads the current overrides
 * (DYNAMIC_TOPIC_CONFIG), applies the change and writes them all back (what kafka-configs did
 * before KIP-339). A concurrent alter by someone else between the read and the write is lost.
 */
export async function alterTopicConfigs(admin: Admin, topic: string, set: Record<string, string>, remove: string[]): Promise<TopicAlterRow[]> {
  const partitions = await topicPartitions(admin, topic)
  const rf = replicationFactor(partitions)
  const minInsync = set['min.insync.replicas']
  if (minInsync !== undefined && Number(minInsync) > rf) {
    throw new KctlError(`unable to alter topic ${topic}: min.insync.replicas ${minInsync} exceeds its replication factor ${rf}`, {
      hint: 'every acks=all write would fail with NOT_ENOUGH_REPLICAS; pick a value ≤ the replication factor',
    })
  }
  const described = await admin.describeConfigs({resources: [{type: ConfigResourceTypes.TOPIC, name: topic}], includeSynonyms: false})
  const overrides = new Map(
    (described.resources[0]?.configEntries ?? [])
      .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG)
      .map((entry) => [entry.configName, entry.configValue]),
  )
  for (const name of remove) overrides.delete(name)
  for (const [name, value] of Object.entries(set)) overrides.set(name, value)
  const changes: Omit<TopicAlterRow, 'status' | 'error'>[] = [
    ...Object.entries(set).map(([config, value]) => ({topic, config, action: 'set' as const, value})),
    ...remove.map((config) => ({topic, config, action: 'delete' as const, value: null})),
  ]
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...overrides].map(([name, value]) => ({name, value}))}],
    })
    return changes.map((change) => ({...change, status: 'altered', error: null}))
  } catch (error) {
    const {error: message} = failure(error, set)
    return changes.map((change) => ({...change, status: 'failed', error: message}))
  }
}

// ---- add-partitions -------------------------------------------------------------------------

export interface TopicPartitionsRow extends TopicStatusRow {
  /** Partition count after the change (before it, when the change failed). */
  partitions: number
  added: number
}

export async function addPartitions(admin: Admin, topics: string[], count: number): Promise<TopicPartitionsRow[]> {
  if (!Number.isInteger(count) || count < 1) throw usageError(`invalid partition count to add "${count}"`, 'pass a positive integer to --num')
  const rows: TopicPartitionsRow[] = []
  for (const topic of topics) {
    let current = 0
    try {
      current = (await topicPartitions(admin, topic)).length
      await admin.createPartitions({topicPartitions: [{topic, count: current + count}]})
      rows.push({topic, status: 'altered', error: null, partitions: current + count, added: count})
    } catch (error) {
      const row = error instanceof KctlError && error.exitCode === ExitCode.notFound ? {status: 'failed' as const, error: 'UNKNOWN_TOPIC_OR_PARTITION: topic does not exist'} : failure(error)
      rows.push({topic, ...row, partitions: current, added: 0})
    }
  }
  return rows
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
