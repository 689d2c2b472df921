// The requests `kctl lag` and `kctl groups` send, batched as Kafka allows, over kafkajs's
// connections (so TLS and SASL from the context or --command-config keep working) with bodies
// encoded and decoded by the project's own protocol codec. kafkajs 2.2.4 cannot express what
// lag needs: ListOffsets with read_uncommitted for many topics in one request, OffsetFetch for
// every topic of a group (null topics) or for many groups at once (v8, KIP-709), batched
// FindCoordinator (v4, KIP-699), and a one-record Fetch without a consumer group.
//
// How: kafkajs's internal Broker (kafkajs is pinned to 2.2.4) sends any {request, response}
// pair through its connection pool and writes request header v1 itself. A flexible request
// needs header v2, which is v1 plus an empty tagged-field section, so the body is prefixed
// with that one 0x00 byte; the flexible response header's tagged fields are skipped likewise.
import {createRequire} from 'node:module'
import {KctlError} from '../../errors.js'
import {
  type ApiKey,
  decode,
  encode,
  errorByCode,
  isFlexibleVersion,
  readUnsignedVarint,
  type RequestInput,
  type ResponseBody,
  schemasByKey,
  versionRange,
} from '../../kafka/protocol/index.js'
import {decodeRecords, readRecordBatchHeader, RECORD_BATCH_HEADER_BYTES} from '../../kafka/protocol/record-batch.js'
import type {RawCluster, RawMetadata} from '../connection.js'
import {timestampKey} from './compute.js'
import {type CodecName, codecNames, decompress} from '../../compression/index.js'

const require = createRequire(import.meta.url)
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => {writeBufferInternal(buffer: Buffer): unknown}

type VersionTable = Record<number, {minVersion: number; maxVersion: number}>

/** kafkajs's internal Broker, as much of it as kctl uses. */
export interface KafkajsBroker {
  nodeId?: number
  versions: VersionTable | null
  connectionPool: {
    send(protocol: {request: object; response: object; requestTimeout?: number}): Promise<unknown>
  }
}

/** kafkajs's internal Cluster (what withCluster hands out), as much of it as kctl uses. */
export interface KafkajsCluster extends RawCluster {
  findBroker(options: {nodeId: number | string}): Promise<KafkajsBroker>
  findGroupCoordinator(options: {groupId: string}): Promise<KafkajsBroker>
  /** Loads the broker list when it is not cached yet (findBroker needs it). */
  refreshMetadataIfNecessary(): Promise<void>
  brokerPool: RawCluster['brokerPool'] & {seedBroker: KafkajsBroker}
}

/** withCluster's cluster is kafkajs's internal Cluster; this names the rest of what kctl uses of it. */
export function kafkajsCluster(cluster: RawCluster): KafkajsCluster {
  return cluster as KafkajsCluster
}

/** Version caps: Fetch v13+ names topics by id only, which kafkajs's Metadata (v6) does not return. */
const versionCaps: Partial<Record<number, number>> = {1: 12}

function chooseVersion(broker: KafkajsBroker, apiKey: ApiKey, minimum = 0): number {
  const ours = versionRange(apiKey)!
  const theirs = broker.versions?.[apiKey]
  const name = schemasByKey[apiKey].name
  if (!theirs) throw new KctlError(`unable to send ${name}: the broker does not support it`, {hint: 'kctl needs Kafka 2.1 or newer'})
  const highest = Math.min(ours.maxVersion, theirs.maxVersion, versionCaps[apiKey] ?? Infinity)
  const lowest = Math.max(ours.minVersion, theirs.minVersion, minimum)
  if (highest < lowest) throw new KctlError(`unable to send ${name}: the broker supports v${theirs.minVersion}-${theirs.maxVersion}, kctl needs v${lowest}+`, {hint: 'kctl needs Kafka 2.1 or newer'})
  return highest
}

export function supportsVersion(broker: KafkajsBroker, apiKey: number, version: number): boolean {
  return (broker.versions?.[apiKey]?.maxVersion ?? -1) >= version
}

/** Sends one request with a codec-encoded body and returns the codec-decoded response. */
export async function sendRequest<K extends ApiKey>(broker: KafkajsBroker, apiKey: K, version: number, body: RequestInput<K>): Promise<ResponseBody<K>> {
  const api = schemasByKey[apiKey]
  const flexibleRequest = isFlexibleVersion(api.request, version)
  const flexibleResponse = isFlexibleVersion(api.response, version)
  const request = {
    apiKey,
    apiVersion: version,
    apiName: api.name,
    encode: async () => {
      const encoder = new Encoder()
      const chunks = encode(api.request, version, body as never)
      encoder.writeBufferInternal(Buffer.concat(flexibleRequest ? [Buffer.from([0]), ...chunks] : chunks))
      return encoder
    },
  }
  const response = {
    decode: async (payload: Buffer) => {
      let position = 0
      if (flexibleResponse) {
        // Response header v1: the correlation id (read by kafkajs) then tagged fields.
        const cursor = {buf: payload, pos: 0}
        const count = readUnsignedVarint(cursor)
        for (let index = 0; index < count; index++) {
          readUnsignedVarint(cursor)
          cursor.pos += readUnsignedVarint(cursor)
        }
        position = cursor.pos
      }
      return decode(api.response, version, payload.subarray(position))
    },
    parse: async (decoded: unknown) => decoded,
  }
  return (await broker.connectionPool.send({request, response})) as ResponseBody<K>
}

function kafkaError(code: number, what: string): KctlError {
  const error = errorByCode(code)
  return new KctlError(`unable to ${what}: ${error.name}`, {hint: error.message})
}

// ---- Partitions and their offsets ------------------------------------------------------------

export interface PartitionBounds {
  topic: string
  partition: number
  leader: number
  logStartOffset: number
  logEndOffset: number
}

/** Partitions of the topics (all non-internal topics when none are named) by leader. */
export function leadersOf(metadata: RawMetadata, topics?: ReadonlySet<string>): Map<number, {topic: string; partition: number}[]> {
  const byLeader = new Map<number, {topic: string; partition: number}[]>()
  for (const topic of metadata.topicMetadata) {
    if (topics ? !topics.has(topic.topic) : topic.isInternal) continue
    for (const partition of topic.partitionMetadata) {
      let list = byLeader.get(partition.leader)
      if (!list) byLeader.set(partition.leader, (list = []))
      list.push({topic: topic.topic, partition: partition.partitionId})
    }
  }
  return byLeader
}

export const LATEST_TIMESTAMP = -1
export const EARLIEST_TIMESTAMP = -2

/** ListOffsets for every partition at one timestamp (-1 latest, -2 earliest, or ms): one
 *  request per leader, read_uncommitted (isolation level 0), so "latest" is the high
 *  watermark and not the last stable offset. Keys "topic:partition"; -1 = no such offset. */
export async function listOffsetsAt(cluster: KafkajsCluster, byLeader: Map<number, {topic: string; partition: number}[]>, timestamp: number): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  await Promise.all([...byLeader].map(async ([leader, partitions]) => {
    const broker = await cluster.findBroker({nodeId: leader})
    const byTopic = new Map<string, number[]>()
    for (const {topic, partition} of partitions) {
      const list = byTopic.get(topic) ?? []
      list.push(partition)
      byTopic.set(topic, list)
    }
    const response = await sendRequest(broker, 2, chooseVersion(broker, 2, 2), {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 30_000,
      topics: [...byTopic].map(([name, indexes]) => ({name, partitions: indexes.map((partitionIndex) => ({partitionIndex, currentLeaderEpoch: -1, timestamp}))})),
    })
    for (const topic of response.topics) {
      for (const partition of topic.partitions) {
        if (partition.errorCode !== 0) throw kafkaError(partition.errorCode, `list offsets of ${topic.name}-${partition.partitionIndex}`)
        result.set(`${topic.name}:${partition.partitionIndex}`, partition.offset)
      }
    }
  }))
  return result
}

/** Log start and high watermark of every partition, per leader one ListOffsets for each. */
export async function partitionBounds(cluster: KafkajsCluster, byLeader: Map<number, {topic: string; partition: number}[]>): Promise<PartitionBounds[]> {
  const [starts, ends] = await Promise.all([listOffsetsAt(cluster, byLeader, EARLIEST_TIMESTAMP), listOffsetsAt(cluster, byLeader, LATEST_TIMESTAMP)])
  const bounds: PartitionBounds[] = []
  for (const [leader, partitions] of byLeader) {
    for (const {topic, partition} of partitions) {
      const key = `${topic}:${partition}`
      bounds.push({topic, partition, leader, logStartOffset: starts.get(key) ?? 0, logEndOffset: ends.get(key) ?? 0})
    }
  }
  return bounds
}

// ---- Groups ----------------------------------------------------------------------------------

/** The coordinator of each group: one batched FindCoordinator (v4+), else one per group. A
 *  group whose coordinator cannot be found throws, or goes to `onError` when one is given. */
export async function coordinators(
  cluster: KafkajsCluster,
  groupIds: readonly string[],
  onError?: (groupId: string, errorCode: number) => void,
): Promise<Map<string, KafkajsBroker>> {
  const result = new Map<string, KafkajsBroker>()
  if (groupIds.length === 0) return result
  await cluster.refreshMetadataIfNecessary()
  const seed = cluster.brokerPool.seedBroker
  if (supportsVersion(seed, 10, 4)) {
    const response = await sendRequest(seed, 10, chooseVersion(seed, 10, 4), {keyType: 0, coordinatorKeys: [...groupIds]})
    const brokers = new Map<number, Promise<KafkajsBroker>>()
    for (const coordinator of response.coordinators) {
      if (coordinator.errorCode !== 0) {
        if (!onError) throw kafkaError(coordinator.errorCode, `find the coordinator of group ${coordinator.key}`)
        onError(coordinator.key, coordinator.errorCode)
        continue
      }
      if (!brokers.has(coordinator.nodeId)) brokers.set(coordinator.nodeId, cluster.findBroker({nodeId: coordinator.nodeId}))
      result.set(coordinator.key, await brokers.get(coordinator.nodeId)!)
    }
    return result
  }
  await Promise.all(groupIds.map(async (groupId) => result.set(groupId, await cluster.findGroupCoordinator({groupId}))))
  return result
}

/** Broker -> the groups it coordinates. */
function byBroker(coordinatorOf: Map<string, KafkajsBroker>): Map<KafkajsBroker, string[]> {
  const grouped = new Map<KafkajsBroker, string[]>()
  for (const [groupId, broker] of coordinatorOf) {
    const list = grouped.get(broker) ?? []
    list.push(groupId)
    grouped.set(broker, list)
  }
  return grouped
}

/** OffsetCommit as an admin (generation -1, no member): accepted only while the group has no
 *  members, as Kafka's own reset tool relies on. */
export async function commitOffsets(broker: KafkajsBroker, groupId: string, offsets: readonly {topic: string; partition: number; offset: number}[]): Promise<Map<string, number>> {
  const byTopic = new Map<string, {partition: number; offset: number}[]>()
  for (const {topic, partition, offset} of offsets) {
    const list = byTopic.get(topic) ?? []
    list.push({partition, offset})
    byTopic.set(topic, list)
  }
  const response = await sendRequest(broker, 8, chooseVersion(broker, 8, 2), {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [...byTopic].map(([name, partitions]) => ({
      name,
      partitions: partitions.map(({partition, offset}) => ({partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null})),
    })),
  })
  const errors = new Map<string, number>()
  for (const topic of response.topics) for (const partition of topic.partitions) errors.set(`${topic.name}:${partition.partitionIndex}`, partition.errorCode)
  return errors
}

/** DeleteGroups: one request per coordinator. Group id -> error code. */
export async function deleteGroups(coordinatorOf: Map<string, KafkajsBroker>): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  await Promise.all([...byBroker(coordinatorOf)].map(async ([broker, groupIds]) => {
    const response = await sendRequest(broker, 42, chooseVersion(broker, 42), {groupsNames: groupIds})
    for (const entry of response.results) result.set(entry.groupId, entry.errorCode)
  }))
  return result
}

export interface ListedGroup {
  groupId: string
  protocolType: string
  state: string
}

/** ListGroups on every broker (each lists the groups it coordinates). */
export async function listAllGroups(cluster: KafkajsCluster, metadata: RawMetadata): Promise<ListedGroup[]> {
  const lists = await Promise.all(metadata.brokers.map(async ({nodeId}) => {
    const broker = await cluster.findBroker({nodeId})
    const response = await sendRequest(broker, 16, chooseVersion(broker, 16), {statesFilter: [], typesFilter: []})
    if (response.errorCode !== 0) throw kafkaError(response.errorCode, 'list groups')
    return response.groups.map((group) => ({groupId: group.groupId, protocolType: group.protocolType, state: group.groupState || 'Unknown'}))
  }))
  return lists.flat().sort((a, b) => a.groupId.localeCompare(b.groupId))
}

export interface DescribedMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  memberMetadata: Buffer
  memberAssignment: Buffer
}

export interface DescribedGroup {
  groupId: string
  errorCode: number
  state: string
  protocolType: string
  protocol: string
  members: DescribedMember[]
}

/** DescribeGroups: one request per coordinator for all its groups. */
export async function describeGroups(coordinatorOf: Map<string, KafkajsBroker>): Promise<Map<string, DescribedGroup>> {
  const result = new Map<string, DescribedGroup>()
  await Promise.all([...byBroker(coordinatorOf)].map(async ([broker, groupIds]) => {
    const response = await sendRequest(broker, 15, chooseVersion(broker, 15), {groups: groupIds, includeAuthorizedOperations: false})
    for (const group of response.groups) {
      result.set(group.groupId, {
        groupId: group.groupId,
        // v6 answers an unknown group with GROUP_ID_NOT_FOUND; older versions with state Dead.
        errorCode: group.errorCode,
        state: group.groupState,
        protocolType: group.protocolType,
        protocol: group.protocolData,
        members: group.members.map((member) => ({...member, groupInstanceId: member.groupInstanceId ?? null})),
      })
    }
  }))
  return result
}

export interface CommittedOffsets {
  /** topic -> partition -> {offset, metadata} */
  offsets: Map<string, Map<number, {offset: number; metadata: string | null}>>
  errorCode: number
}

/** Every committed offset of each group: one OffsetFetch v8+ per coordinator for all its groups
 *  (KIP-709), else one per group with topics null (= all, v2+). */
export async function fetchCommittedOffsets(coordinatorOf: Map<string, KafkajsBroker>): Promise<Map<string, CommittedOffsets>> {
  const result = new Map<string, CommittedOffsets>()
  const collect = (groupId: string, errorCode: number, topics: readonly {name: string; partitions: readonly {partitionIndex: number; committedOffset: number; metadata: string | null; errorCode: number}[]}[]) => {
    const offsets = new Map<string, Map<number, {offset: number; metadata: string | null}>>()
    for (const topic of topics) {
      const partitions = new Map<number, {offset: number; metadata: string | null}>()
      for (const partition of topic.partitions) {
        // -1 = nothing committed (Kafka answers unknown partitions that way, without an error).
        if (partition.errorCode === 0 && partition.committedOffset >= 0) partitions.set(partition.partitionIndex, {offset: partition.committedOffset, metadata: partition.metadata})
      }
      if (partitions.size > 0) offsets.set(topic.name, partitions)
    }
    result.set(groupId, {offsets, errorCode})
  }
  await Promise.all([...byBroker(coordinatorOf)].map(async ([broker, groupIds]) => {
    if (supportsVersion(broker, 9, 8)) {
      const response = await sendRequest(broker, 9, chooseVersion(broker, 9, 8), {
        groups: groupIds.map((groupId) => ({groupId, memberId: null, memberEpoch: -1, topics: null})),
        requireStable: false,
      })
      for (const group of response.groups) collect(group.groupId, group.errorCode, group.topics)
      return
    }
    const version = chooseVersion(broker, 9, 2)
    await Promise.all(groupIds.map(async (groupId) => {
      const response = await sendRequest(broker, 9, version, {groupId, topics: null, requireStable: false})
      collect(groupId, response.errorCode, response.topics)
    }))
  }))
  return result
}

// ---- First unconsumed record ----------------------------------------------------------------

/** Bytes asked per partition and per response. A batch larger than its share is returned
 *  only when it comes first in the response (KIP-74), so partitions left without records are
 *  asked again, a few times, each time first for some of them. */
const PARTITION_FETCH_BYTES = 1024 * 1024
const RESPONSE_FETCH_BYTES = 32 * 1024 * 1024
const EXTRA_FETCH_PASSES = 4

/**
 * Timestamps of the records at the given offsets (topic, partition, offset), read with
 * Fetch v4-12 from each leader: one request per leader per "round", a round holding each
 * partition once (a partition wanted at several offsets, by several groups, needs several).
 * Result keys are timestampKey(topic, partition, offset); offsets that could not be read are
 * absent. The timestamp is exact for every codec Kafka has and for LogAppendTime.
 */
export async function recordTimestamps(
  cluster: KafkajsCluster,
  wanted: readonly {topic: string; partition: number; offset: number; leader: number}[],
): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  const byLeader = new Map<number, {topic: string; partition: number; offset: number}[]>()
  for (const item of wanted) {
    const list = byLeader.get(item.leader) ?? []
    list.push(item)
    byLeader.set(item.leader, list)
  }
  await Promise.all([...byLeader].map(async ([leader, items]) => {
    const broker = await cluster.findBroker({nodeId: leader})
    const version = chooseVersion(broker, 1, 4)
    // Rounds: the n-th distinct offset of each partition goes to round n.
    const rounds: {topic: string; partition: number; offset: number}[][] = []
    const seen = new Map<string, Set<number>>()
    for (const item of items) {
      const key = `${item.topic}:${item.partition}`
      const offsets = seen.get(key) ?? new Set<number>()
      if (offsets.has(item.offset)) continue
      offsets.add(item.offset)
      seen.set(key, offsets)
      const round = offsets.size - 1
      ;(rounds[round] ??= []).push(item)
    }
    for (const round of rounds) {
      let pending = round
      for (let pass = 0; pass <= EXTRA_FETCH_PASSES && pending.length > 0; pass++) {
        const unanswered = await fetchFirstRecords(broker, version, pending, result)
        if (unanswered.length === pending.length) break // no progress: give up on these (time lag unknown)
        pending = unanswered
      }
    }
  }))
  return result
}

/** One Fetch for the given partitions at their offsets; fills `result` and returns the
 *  partitions that came back without records (their batch did not fit in this response). */
async function fetchFirstRecords(
  broker: KafkajsBroker,
  version: number,
  wanted: readonly {topic: string; partition: number; offset: number}[],
  result: Map<string, number>,
): Promise<{topic: string; partition: number; offset: number}[]> {
  const byTopic = new Map<string, {partition: number; offset: number}[]>()
  for (const {topic, partition, offset} of wanted) {
    const list = byTopic.get(topic) ?? []
    list.push({partition, offset})
    byTopic.set(topic, list)
  }
  const response = await sendRequest(broker, 1, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: RESPONSE_FETCH_BYTES,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...byTopic].map(([topic, partitions]) => ({
      topic,
      partitions: partitions.map(({partition, offset}) => ({partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: PARTITION_FETCH_BYTES})),
    })),
    forgottenTopicsData: [],
    rackId: '',
  })
  const offsetOf = new Map(wanted.map(({topic, partition, offset}) => [`${topic}:${partition}`, offset]))
  const unanswered: {topic: string; partition: number; offset: number}[] = []
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      const offset = offsetOf.get(`${topic.topic}:${partition.partitionIndex}`)
      if (offset === undefined || partition.errorCode !== 0) continue
      if (!partition.records || partition.records.length === 0) {
        unanswered.push({topic: topic.topic, partition: partition.partitionIndex, offset})
        continue
      }
      const timestamp = timestampAt(partition.records, offset)
      // undefined: a truncated batch (older brokers cut it at the partition's share) or only
      // control records; asking again, first in line, fixes the former.
      if (timestamp === undefined) unanswered.push({topic: topic.topic, partition: partition.partitionIndex, offset})
      else result.set(timestampKey(topic.topic, partition.partitionIndex, offset), timestamp)
    }
  }
  return unanswered
}

/** The timestamp of the first data record at or after `offset` in fetched record batches. */
export function timestampAt(records: Buffer, offset: number): number | undefined {
  let position = 0
  while (position + RECORD_BATCH_HEADER_BYTES <= records.length) {
    const header = readRecordBatchHeader(records, position)
    if (header.magic !== 2 || position + header.sizeBytes > records.length) return undefined // legacy format or a partial batch
    const lastOffset = header.baseOffset + header.lastOffsetDelta
    if (lastOffset >= offset && !header.isControl) {
      if (header.timestampType === 'LogAppendTime') return header.maxTimestamp
      const batch = uncompressed(records.subarray(position, position + header.sizeBytes), header.compression)
      if (!batch) return header.baseTimestamp // a codec id Kafka has not assigned
      const record = decodeRecords(batch).find((each) => each.offset >= offset)
      if (record) return record.timestamp
    }
    position += header.sizeBytes
  }
  return undefined
}

/** The batch with its records uncompressed (header patched to match), or undefined for an unknown codec. */
function uncompressed(batch: Buffer, compression: string): Buffer | undefined {
  if (compression === 'none') return batch
  if (!(codecNames as readonly string[]).includes(compression)) return undefined
  const records = decompress(compression as CodecName, batch.subarray(RECORD_BATCH_HEADER_BYTES))
  const header = Buffer.from(batch.subarray(0, RECORD_BATCH_HEADER_BYTES))
  header.writeInt16BE(header.readInt16BE(21) & ~0x07, 21) // attributes: compression none
  header.writeInt32BE(RECORD_BATCH_HEADER_BYTES - 12 + records.length, 8) // batchLength
  return Buffer.concat([header, records])
}
