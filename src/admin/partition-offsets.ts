// Partition offsets as `kctl lag`, `kctl groups` and `kctl doctor` read them, over kctl's one
// client: ListOffsets batched per leader (read_uncommitted, so "latest" is the high watermark,
// not the last stable offset), and the timestamp of the first unconsumed record through a
// Fetch without a consumer group. Each leader's request is retried on its own when the leader
// moved (NOT_LEADER_OR_FOLLOWER and friends), with the leader looked up again.
import {KctlError} from '../errors.js'
import {KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {decodeRecords, RECORD_BATCH_HEADER_BYTES, readRecordBatchHeader} from '../kafka/protocol/record-batch.js'
import {type PartitionOffsets, timestampKey} from './lag/compute.js'
import {uncompressedBatch} from './record-batches.js'

export interface TopicPartition {
  topic: string
  partition: number
}

export const LATEST_TIMESTAMP = -1
export const EARLIEST_TIMESTAMP = -2

/** "topic:partition", the key of every per-partition map here. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`
}

/** `timestamp` is -1 latest, -2 earliest, or ms. Result keys partitionKey(); -1 = no such offset. */
export async function listOffsetsAt(client: KafkaClient, partitions: readonly TopicPartition[], timestamp: number): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  const perLeader = async (wanted: TopicPartition[]): Promise<void> => {
    const retry: TopicPartition[] = []
    await Promise.all(
      [...(await client.byLeader(wanted))].map(async ([leader, list]) => {
        const connection = await client.broker(leader)
        const response = await connection.send(2, {
          replicaId: -1,
          isolationLevel: 0,
          timeoutMs: 30_000,
          topics: [...groupByTopic(list)].map(([name, indexes]) => ({name, partitions: indexes.map((partitionIndex) => ({partitionIndex, currentLeaderEpoch: -1, timestamp}))})),
        })
        for (const topic of response.topics) {
          for (const partition of topic.partitions) {
            if (partition.errorCode === 0) result.set(partitionKey(topic.name, partition.partitionIndex), partition.offset)
            else {
              const error = KafkaClientError.fromCode(partition.errorCode, `list offsets of ${topic.name}-${partition.partitionIndex}`, connection.address)
              if (!error.retriable) throw new KctlError(`unable to list offsets of ${topic.name}-${partition.partitionIndex}: ${error.type}`, {hint: error.message})
              retry.push({topic: topic.name, partition: partition.partitionIndex})
            }
          }
        }
      }),
    )
    if (retry.length > 0) throw Object.assign(KafkaClientError.fromCode(6, `${retry.length} partitions moved`), {partitions: retry})
  }
  let pending = [...partitions]
  await client.retry(async () => {
    try {
      await perLeader(pending)
    } catch (error) {
      const moved = (error as {partitions?: TopicPartition[]}).partitions
      if (moved) pending = moved
      throw error
    }
  })
  return result
}

/** Log start and high watermark of each partition (two ListOffsets per leader). */
export async function partitionBounds(client: KafkaClient, partitions: readonly TopicPartition[]): Promise<PartitionOffsets[]> {
  const [starts, ends] = await Promise.all([listOffsetsAt(client, partitions, EARLIEST_TIMESTAMP), listOffsetsAt(client, partitions, LATEST_TIMESTAMP)])
  return partitions.map(({topic, partition}) => {
    const key = partitionKey(topic, partition)
    return {topic, partition, logStartOffset: starts.get(key) ?? 0, logEndOffset: ends.get(key) ?? 0}
  })
}

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>()
  for (const {topic, partition} of partitions) {
    let list = byTopic.get(topic)
    if (!list) byTopic.set(topic, (list = []))
    list.push(partition)
  }
  return byTopic
}

// ---- First unconsumed record ----------------------------------------------------------------

/** Bytes asked per partition and per response. A batch larger than its share is returned
 *  only when it comes first in the response (KIP-74), so partitions left without records are
 *  asked again, a few times, each time first for some of them. */
const PARTITION_FETCH_BYTES = 1024 * 1024
const RESPONSE_FETCH_BYTES = 32 * 1024 * 1024
const EXTRA_FETCH_PASSES = 4

/**
 * Timestamps of the records at the given offsets, read with Fetch v4-12 from each leader:
 * one request per leader per "round", a round holding each partition once (a partition wanted
 * at several offsets, by several groups, needs several). Keys timestampKey(); offsets that could not be read are
 * absent (time lag unknown). Exact for every codec Kafka has and for LogAppendTime.
 */
export async function recordTimestamps(client: KafkaClient, wanted: readonly (TopicPartition & {offset: number})[]): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  if (wanted.length === 0) return result
  await Promise.all(
    [...(await client.byLeader([...wanted]))].map(async ([leader, items]) => {
      const connection = await client.broker(leader)
      if (!connection.supports(1, 4)) return
      // Rounds: the n-th distinct offset of each partition goes to round n.
      const rounds: (TopicPartition & {offset: number})[][] = []
      const seen = new Map<string, Set<number>>()
      for (const item of items) {
        const key = partitionKey(item.topic, item.partition)
        const offsets = seen.get(key) ?? new Set<number>()
        if (offsets.has(item.offset)) continue
        offsets.add(item.offset)
        seen.set(key, offsets)
        ;(rounds[offsets.size - 1] ??= []).push(item)
      }
      for (const round of rounds) {
        let pending = round
        for (let pass = 0; pass <= EXTRA_FETCH_PASSES && pending.length > 0; pass++) {
          const unanswered = await fetchFirstRecords(client, leader, pending, result)
          if (unanswered.length === pending.length) break // no progress: give up on these
          pending = unanswered
        }
      }
    }),
  )
  return result
}

/** One Fetch for the given partitions at their offsets; fills `result` and returns the
 *  partitions that came back without records (their batch did not fit in this response). */
async function fetchFirstRecords(
  client: KafkaClient,
  leader: number,
  wanted: readonly (TopicPartition & {offset: number})[],
  result: Map<string, number>,
): Promise<(TopicPartition & {offset: number})[]> {
  const byTopic = new Map<string, {partition: number; offset: number}[]>()
  for (const {topic, partition, offset} of wanted) {
    const list = byTopic.get(topic) ?? []
    list.push({partition, offset})
    byTopic.set(topic, list)
  }
  const connection = await client.broker(leader)
  // Fetch v13+ names topics by id only; v4-12 by name is what every Kafka since 0.11 answers.
  const response = await connection.send(
    1,
    {
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
    },
    Math.min(connection.version(1)!, 12),
  )
  const offsetOf = new Map(wanted.map(({topic, partition, offset}) => [partitionKey(topic, partition), offset]))
  const unanswered: (TopicPartition & {offset: number})[] = []
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      const offset = offsetOf.get(partitionKey(topic.topic, partition.partitionIndex))
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
      const batch = uncompressedBatch(records.subarray(position, position + header.sizeBytes), header.compression)
      if (!batch) return header.baseTimestamp // a codec id Kafka has not assigned
      const record = decodeRecords(batch).find((each) => each.offset >= offset)
      if (record) return record.timestamp
    }
    position += header.sizeBytes
  }
  return undefined
}
