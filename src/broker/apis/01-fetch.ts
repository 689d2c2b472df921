// Fetch (key 1), versions 4-17.
//
// Behavior:
// - Whole stored batches from the one that holds the fetch offset (it may start before it;
//   clients skip the earlier records), up to partitionMaxBytes per partition and maxBytes per
//   response; the first batch of the response is returned whole even when larger (KIP-74), so
//   a consumer always makes progress. Batches go out as the stored bytes, never re-encoded:
//   one positional read per partition into a reused buffer (log/read-buffers.ts), written to
//   the socket as its own chunk and given back to the pool once the kernel has it.
// - Long poll: when fewer than minBytes are ready, the fetch waits until an append to one of
//   its partitions (the log's onAppend; no polling) or maxWaitMs, then reads again. Any
//   partition error answers at once.
// - One node: high watermark = log end. lastStableOffset is the first offset of the earliest
//   open transaction, else the high watermark, for both isolation levels (as Kafka fills it).
// - read_committed (isolationLevel 1, KIP-98) returns batches below the last stable offset
//   only, with the aborted transactions (producerId, firstOffset) that overlap the range
//   served, from the partition's .txnindex, so clients drop aborted records and the control
//   batches; read_uncommitted gets every batch and abortedTransactions null, as Kafka sends.
//   Leader epoch 0; preferredReadReplica -1.
// - A record batch damaged on disk is never sent: the partition's records end before it, and
//   a fetch at it is answered KAFKA_STORAGE_ERROR (the log names the file once).
// - Fetch sessions (KIP-227): every response has sessionId 0, which tells clients the broker
//   keeps no session, so they send full fetches every time (Java, librdkafka and kafka-python
//   all accept this). A request naming a session id is answered FETCH_SESSION_ID_NOT_FOUND.
// - v13+ topics are named by topic id; an unknown id is UNKNOWN_TOPIC_ID.
// - ACLs: READ on each topic (TOPIC_AUTHORIZATION_FAILED).
//
// Not implemented:
// - Follower fetching, rack-aware reads (rackId ignored), diverging epochs, quotas (throttle 0),
//   down-conversion (removed in Kafka 4.0 along with magic 0/1).
//
// Version notes:
// - v4: isolationLevel, lastStableOffset, abortedTransactions (KIP-98). v5: logStartOffset.
//   v7: fetch sessions (KIP-227). v9: currentLeaderEpoch (KIP-320). v11: rackId, preferred
//   read replica (KIP-392). v12: flexible, diverging epoch (KIP-595). v13: topic ids
//   (KIP-516). v15: replicaState (KIP-903). v16: nodeEndpoints (KIP-951). v17: replica
//   directory id (KIP-853).
import {ErrorCode, type RequestBody, type ResponseInput} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi, type HandlerContext} from './define-api.js'
import type {PartitionOffsets} from '../log-adapter.js'

type Request = RequestBody<1>
type Response = ResponseInput<1>
type PartitionData = NonNullable<NonNullable<Response['responses']>[number]['partitions']>[number]

const EMPTY = Buffer.alloc(0)
const READ_COMMITTED = 1

export default defineApi(1, {
  async handle(request, ctx) {
    if (request.sessionId !== 0) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: []}
    }
    const deadline = Date.now() + Math.max(0, request.maxWaitMs)
    let result = readAll(request, ctx)
    while (result.bytes < request.minBytes && !result.hasError && Date.now() < deadline && !ctx.state.closed) {
      await ctx.state.waitForAppend(result.keys, deadline - Date.now())
      result = readAll(request, ctx)
    }
    for (const [topic, bytes] of result.bytesByTopic) ctx.state.metrics.bytesOut.inc({topic}, bytes)
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses}
  },
})

function readAll(request: Request, ctx: HandlerContext) {
  const {state, apiVersion} = ctx
  const isolation = request.isolationLevel === READ_COMMITTED ? 'read_committed' : 'read_uncommitted'
  let bytes = 0
  let hasError = false
  const keys: string[] = []
  const bytesByTopic = new Map<string, number>()
  const responses = request.topics.map((fetchTopic) => {
    const topic = apiVersion >= 13 ? state.log.topicById(fetchTopic.topicId) : state.log.topic(fetchTopic.topic)
    const unknownError = apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    const mayRead = topic !== undefined && allowed(ctx, 'READ', 'TOPIC', topic.name)
    const partitions = fetchTopic.partitions.map((fetchPartition): PartitionData => {
      const partitionIndex = fetchPartition.partition
      const answer = (errorCode: number, offsets: PartitionOffsets, records: Buffer[] = [], aborted: {producerId: number; firstOffset: number}[] = []): PartitionData => ({
        partitionIndex,
        errorCode,
        highWatermark: offsets.highWatermark,
        lastStableOffset: offsets.lastStableOffset,
        logStartOffset: offsets.logStartOffset,
        abortedTransactions: isolation === 'read_committed' ? aborted : null,
        preferredReadReplica: -1,
        records: records.length === 0 ? EMPTY : records,
      })
      const failed = (errorCode: number, offsets = {highWatermark: -1, logStartOffset: -1, lastStableOffset: -1}): PartitionData => {
        hasError = true
        return answer(errorCode, offsets)
      }
      if (!topic) return failed(unknownError)
      if (!mayRead) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      if (partitionIndex < 0 || partitionIndex >= topic.partitions) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      keys.push(`${topic.name}:${partitionIndex}`)
      const remaining = request.maxBytes - bytes
      const limit = Math.min(fetchPartition.partitionMaxBytes, remaining)
      // Once the response holds data, a partition with no budget left is only reported, not read.
      if (bytes > 0 && limit <= 0) return answer(ErrorCode.NONE, state.log.offsets(topic.name, partitionIndex)!)
      const read = state.log.read(topic.name, partitionIndex, fetchPartition.fetchOffset, Math.max(0, limit), isolation)
      // KAFKA_STORAGE_ERROR: a batch damaged on disk at the fetch offset (retriable for clients).
      if (!read.ok) return failed(ErrorCode[read.error], read.offsets)
      // KIP-74: only the response's first batch may exceed the limits; a later partition whose
      // first batch does not fit is reported without records (the client fetches it next time).
      if (bytes > 0 && read.bytes > limit) return answer(ErrorCode.NONE, read.offsets)
      const got = read.bytes
      bytes += got
      if (got > 0) bytesByTopic.set(topic.name, (bytesByTopic.get(topic.name) ?? 0) + got)
      return answer(ErrorCode.NONE, read.offsets, read.records, read.abortedTransactions)
    })
    return {topic: topic?.name ?? fetchTopic.topic, topicId: fetchTopic.topicId, partitions}
  })
  return {responses, bytes, hasError, keys, bytesByTopic}
}
