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
 *  asked again, a few times, each time first in line. */
const PARTITION_FETCH_BYTES = 1024 * 1024
const RESPONSE_FETCH_BYTES = 32 * 1024 * 1024
const EXTRA_FETCH_PASSES = 4

/** A partition's offsets whose timestamps are still wanted, lowest first. */
interface PartitionReads extends TopicPartition {
  offsets: number[]
  /** Fetches in a row that answered none of them. */
  stalls: number
}

/**
 * Timestamps of the records at the given offsets, read with Fetch v4-12 from each leader.
 * Each Fetch asks every partition at its lowest offset still wanted, and the batches it
 * returns answer every wanted offset they cover: groups stand a few records apart, so one
 * Fetch per leader usually answers all of them (one per distinct offset would read the same
 * batches again for each group). Keys timestampKey(); offsets that could not be read are
 * absent (time lag unknown). Exact for every codec Kafka has and for LogAppendTime.
 */
export async function recordTimestamps(client: KafkaClient, wanted: readonly (TopicPartition & {offset: number})[]): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  if (wanted.length === 0) return result
  await Promise.all(
    [...(await client.byLeader([...wanted]))].map(async ([leader, items]) => {
      const connection = await client.broker(leader)
      if (!connection.supports(1, 4)) return
      const byPartition = new Map<string, PartitionReads>()
      for (const {topic, partition, offset} of items) {
        const key = partitionKey(topic, partition)
        let reads = byPartition.get(key)
        if (!reads) byPartition.set(key, (reads = {topic, partition, offsets: [], stalls: 0}))
        reads.offsets.push(offset)
      }
      for (const reads of byPartition.values()) reads.offsets = [...new Set(reads.offsets)].sort((a, b) => a - b)
      let pending = [...byPartition.values()]
      while (pending.length > 0) {
        const fetched = await fetchRecords(client, leader, pending.map(({topic, partition, offsets}) => ({topic, partition, offset: offsets[0]})))
        const stalled: PartitionReads[] = []
        const moving: PartitionReads[] = []
        for (const reads of pending) {
          const records = fetched.get(partitionKey(reads.topic, reads.partition))
          if (records === undefined) {
            reads.offsets.shift() // an error for this offset: its time lag stays unknown
            moving.push(reads)
            continue
          }
          const timestamps = timestampsAt(records, reads.offsets)
          timestamps.forEach((timestamp, index) => result.set(timestampKey(reads.topic, reads.partition, reads.offsets[index]), timestamp))
          reads.offsets.splice(0, timestamps.length)
          reads.stalls = timestamps.length > 0 ? 0 : reads.stalls + 1
          ;(timestamps.length > 0 ? moving : stalled).push(reads)
        }
        // No records (their batch did not fit in this response), a truncated batch (older
        // brokers cut it at the partition's share) or only control records: asked again, first
        // in line, unless nothing moved in this Fetch or it stalled too often; then its lowest
        // offset is given up.
        for (const reads of stalled) {
          if (moving.length === 0 || reads.stalls > EXTRA_FETCH_PASSES) {
            reads.offsets.shift()
            reads.stalls = 0
          }
        }
        pending = [...stalled, ...moving].filter((reads) => reads.offsets.length > 0)
      }
    }),
  )
  return result
}

/** One Fetch for the given partitions at their offsets: "topic:partition" -> the record batches
 *  returned (empty when none fit); partitions answered with an error are absent. */
async function fetchRecords(client: KafkaClient, leader: number, wanted: readonly (TopicPartition & {offset: number})[]): Promise<Map<string, Buffer>> {
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
  const records = new Map<string, Buffer>()
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      if (partition.errorCode === 0) records.set(partitionKey(topic.topic, partition.partitionIndex), partition.records ?? Buffer.alloc(0))
    }
  }
  return records
}

/** The timestamp of the first data record at or after `offset` in fetched record batches. */
export function timestampAt(records: Buffer, offset: number): number | undefined {
  return timestampsAt(records, [offset])[0]
}

/**
 * timestampAt for several offsets (ascending) in one walk over the batches, each batch
 * decompressed once. The result holds the timestamps of the first offsets, as many as the
 * batches answer (a later offset is never answered when an earlier one is not).
 */
export function timestampsAt(records: Buffer, offsets: readonly number[]): number[] {
  const timestamps: number[] = []
  /** The wanted offsets up to `upTo` not answered yet have this timestamp. */
  const answer = (upTo: number, timestamp: number) => {
    while (timestamps.length < offsets.length && offsets[timestamps.length] <= upTo) timestamps.push(timestamp)
  }
  let position = 0
  while (timestamps.length < offsets.length && position + RECORD_BATCH_HEADER_BYTES <= records.length) {
    const header = readRecordBatchHeader(records, position)
    if (header.magic !== 2 || position + header.sizeBytes > records.length) break // legacy format or a partial batch
    const lastOffset = header.baseOffset + header.lastOffsetDelta
    if (lastOffset >= offsets[timestamps.length] && !header.isControl) {
      if (header.timestampType === 'LogAppendTime') answer(lastOffset, header.maxTimestamp)
      else {
        const batch = uncompressedBatch(records.subarray(position, position + header.sizeBytes), header.compression)
        if (!batch) answer(lastOffset, header.baseTimestamp) // a codec id Kafka has not assigned
        else for (const record of decodeRecords(batch)) answer(record.offset, record.timestamp)
      }
    }
    position += header.sizeBytes
  }
  return timestamps
}
