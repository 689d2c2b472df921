// `kctl consume`: prints records as they arrive, through kcat-style format templates or as
// JSON Lines, until --max-messages, --timeout of idleness, or Ctrl-C.
//
// Without --group, kctl fetches each partition from its leader itself over its own client (as
// kcat does with assign()): nothing joins a group, nothing is committed, and it starts at once
// instead of after the broker's group.initial.rebalance.delay.ms. With --group, kctl is a
// member of that consumer group through kafkajs's consumer (consume-group.ts, loaded only
// then): it resumes from the committed offsets (else from the start or the end, as
// --from-beginning says, like kafka-console-consumer) and commits exactly what it has printed,
// every second and on exit, Ctrl-C included.
import type {IHeaders} from 'kafkajs'
import {type KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {ErrorCode} from '../kafka/protocol/index.js'
import {ExitCode, KctlError, usageError} from '../errors.js'
import {type StartPosition, toRecord} from './consume-format.js'
import {type ConsumeOptions, type ConsumeResult, fetchMaxWaitMs, type Isolation, type RecordOutput, StopCondition} from './consume-run.js'
import {connectClient, type ConnectionOptions} from './connection.js'
import {listOffsetsAt, partitionBounds, partitionKey} from './partition-offsets.js'
import {readBatches} from './record-batches.js'
import {unknownTopic} from './topics.js'

// ---- consuming --------------------------------------------------------------------------

export async function consume(connectionOptions: ConnectionOptions, options: ConsumeOptions, onRecord: RecordOutput): Promise<ConsumeResult> {
  if (options.group && options.partitions) {
    throw usageError('--partition cannot be combined with --group', 'the group decides which partitions this member reads; drop one of them')
  }
  const action = `consume from topic ${options.topic}`
  const session = await connectClient({...connectionOptions, action})
  const {client} = session
  try {
    const bounds = await topicBounds(client, options.topic, action)
    const selected = options.partitions ?? bounds.map((bound) => bound.partition)
    for (const partition of selected) {
      if (!bounds.some((bound) => bound.partition === partition)) {
        throw new KctlError(`unable to ${action}: partition ${partition} does not exist (the topic has ${bounds.length})`, {
          exitCode: ExitCode.notFound,
          hint: `use a partition from 0 to ${bounds.length - 1}`,
        })
      }
    }
    const selectedBounds = bounds.filter((bound) => selected.includes(bound.partition))
    const seeks = await seekOffsets(client, options.topic, options.start, selectedBounds)
    const stop = new StopCondition(options)
    try {
      if (options.group) {
        const {readAsGroup} = await import('./consume-group.js')
        return await readAsGroup(session.connection, options, options.group, seeks, stop, onRecord, action)
      }
      const reset = async () => seekOffsets(client, options.topic, {kind: 'earliest'}, await topicBounds(client, options.topic, action))
      return await readPartitions(client, options.topic, seeks, stop, onRecord, reset, options.isolation ?? 'read_committed')
    } finally {
      stop.dispose()
    }
  } catch (error) {
    throw session.fail(error, action)
  } finally {
    client.close()
  }
}

interface PartitionBound {
  partition: number
  low: number
  high: number
}

/** Log start offset and high watermark of every partition of the topic; a missing topic is exit 4. */
async function topicBounds(client: KafkaClient, topic: string, action: string): Promise<PartitionBound[]> {
  const metadata = await client.metadata([topic])
  const found = metadata.topics.find((entry) => entry.name === topic)
  if (!found || found.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || (found.errorCode === 0 && found.partitions.length === 0)) throw unknownTopic(topic, action)
  if (found.errorCode !== 0) throw KafkaClientError.fromCode(found.errorCode)
  const bounds = await partitionBounds(client, found.partitions.map(({partition}) => ({topic, partition})))
  return bounds.map(({partition, logStartOffset, logEndOffset}) => ({partition, low: logStartOffset, high: logEndOffset})).sort((a, b) => a.partition - b.partition)
}

/** Where each selected partition starts; nothing for a group's committed offsets. */
async function seekOffsets(client: KafkaClient, topic: string, start: StartPosition, bounds: PartitionBound[]): Promise<Map<number, number>> {
  const seeks = new Map<number, number>()
  if (start.kind === 'committed') return seeks
  if (start.kind === 'timestamp') {
    const byTime = await listOffsetsAt(client, bounds.map(({partition}) => ({topic, partition})), start.timestampMs)
    for (const bound of bounds) {
      const offset = byTime.get(partitionKey(topic, bound.partition)) ?? -1
      // -1: no record at or after that time; start at the end, with what arrives next.
      seeks.set(bound.partition, offset === -1 ? bound.high : offset)
    }
    return seeks
  }
  for (const bound of bounds) {
    if (start.kind === 'earliest') seeks.set(bound.partition, bound.low)
    else if (start.kind === 'latest') seeks.set(bound.partition, bound.high)
    else if (start.offset >= 0) seeks.set(bound.partition, Math.max(bound.low, Math.min(start.offset, bound.high)))
    else seeks.set(bound.partition, Math.max(bound.low, bound.high + start.offset))
  }
  return seeks
}

const partitionMaxBytes = 1024 * 1024
const responseMaxBytes = 32 * 1024 * 1024
const retryPauseMs = 250

/**
 * Without a group: Fetch from each partition's leader from the given offsets, as kcat does with
 * assign(), over kctl's own client. read_committed (librdkafka's default): the broker stops at
 * the last stable offset and names the aborted transactions, whose records are dropped
 * (record-batches.ts); read_uncommitted reads to the high watermark and keeps them.
 */
async function readPartitions(
  client: KafkaClient,
  topic: string,
  positions: Map<number, number>,
  stop: StopCondition,
  onRecord: RecordOutput,
  resetOutOfRange: () => Promise<Map<number, number>>,
  isolation: Isolation,
): Promise<ConsumeResult> {
  while (!stop.reason) {
    const round = fetchRound(client, topic, positions, stop, onRecord, isolation).catch(async (error: unknown) => {
      if (error instanceof KafkaClientError && error.type === 'OFFSET_OUT_OF_RANGE') {
        // Retention removed the records at our position: continue from the log start.
        const earliest = await resetOutOfRange()
        for (const [partition, offset] of positions) if (offset < (earliest.get(partition) ?? 0)) positions.set(partition, earliest.get(partition) ?? 0)
      } else if (error instanceof KafkaClientError && error.retriable) {
        // A moved leader or a restarting broker: find the leaders again after a pause, like
        // kcat, which keeps trying until stopped.
        client.invalidate()
        await new Promise((resolve) => setTimeout(resolve, retryPauseMs))
      } else stop.stop('interrupted', error)
    })
    await Promise.race([round, stop.stopped])
  }
  await stop.written()
  if (stop.failure) throw stop.failure
  return {count: stop.count, reason: stop.reason ?? 'interrupted', committed: []}
}

async function fetchRound(
  client: KafkaClient,
  topic: string,
  positions: Map<number, number>,
  stop: StopCondition,
  onRecord: RecordOutput,
  isolation: Isolation,
): Promise<void> {
  const byLeader = await client.byLeader([...positions.keys()].map((partition) => ({topic, partition})))
  await Promise.all(
    [...byLeader].map(async ([leader, partitions]) => {
      const connection = await client.broker(leader)
      // Fetch v13+ names topics by id only; v4-12 by name is what every Kafka since 0.11 answers.
      const response = await connection.send(
        1,
        {
          replicaId: -1,
          maxWaitMs: fetchMaxWaitMs,
          minBytes: 1,
          maxBytes: responseMaxBytes,
          isolationLevel: isolation === 'read_committed' ? 1 : 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{topic, partitions: partitions.map(({partition}) => ({partition, currentLeaderEpoch: -1, fetchOffset: positions.get(partition)!, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes}))}],
          forgottenTopicsData: [],
          rackId: '',
        },
        Math.min(connection.version(1) ?? 4, 12),
      )
      for (const {partitions: fetched} of response.responses) {
        for (const data of fetched) {
          if (data.errorCode !== 0) throw KafkaClientError.fromCode(data.errorCode, null, connection.address)
          const position = positions.get(data.partitionIndex)!
          const aborted = (data.abortedTransactions ?? []).map((each) => ({producerId: Number(each.producerId), firstOffset: Number(each.firstOffset)}))
          const read = readBatches(data.records ?? Buffer.alloc(0), position, aborted)
          for (const record of read.records) {
            if (stop.reason) return
            stop.recorded(onRecord(toRecord(topic, data.partitionIndex, {...record, offset: String(record.offset), timestamp: String(record.timestamp), headers: headersOf(record.headers)})))
          }
          positions.set(data.partitionIndex, read.nextOffset)
        }
      }
      // Fetch no more than the output takes.
      await stop.written()
    }),
  )
}

/** Record headers as kafkajs's message shape carries them (a repeated name becomes a list). */
function headersOf(headers: readonly {key: string; value: Buffer | null}[]): IHeaders {
  const out: IHeaders = {}
  for (const {key, value} of headers) {
    const bytes = value ?? Buffer.alloc(0)
    const existing = out[key]
    out[key] = existing === undefined ? bytes : [...(Array.isArray(existing) ? existing : [existing]), bytes]
  }
  return out
}
