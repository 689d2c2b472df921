// Produce (key 0), versions 0-12, as Kafka 4.0 advertises them. Old clients send magic 0/1
// message sets with v0-2; those formats were removed in Kafka 4.0 (KIP-724), so the log
// answers them UNSUPPORTED_FOR_MESSAGE_FORMAT, whatever the request version.
//
// Behavior:
// - Record batches are stored as the client sent them: split by header, CRC-32C checked,
//   offsets assigned by patching baseOffset in place, one write (see log/partition-log.ts).
// - acks 1 and -1 are the same on one node (the only replica is the leader); acks=0 gets no
//   response at all, and a failed acks=0 produce closes the connection as Kafka does; any
//   other acks value is INVALID_REQUIRED_ACKS. Writes are immediate, so
//   timeoutMs is not used.
// - Idempotent producers: per-partition sequence checks in the log; a retry of one of the
//   producer's last five batches is acknowledged with its original offset (nothing written),
//   a gap is OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch INVALID_PRODUCER_EPOCH.
// - message.max.bytes / max.message.bytes: a larger batch is MESSAGE_TOO_LARGE.
// - Compacted topics (cleanup.policy has compact): a record without a key is refused, the
//   whole request for that partition with it, as INVALID_RECORD with one recordErrors entry per
//   keyless record (its index in the batch) and Kafka's messages (LogValidator.validateKey).
// - LogAppendTime topics return the broker time in logAppendTimeMs (-1 otherwise).
// - Produce never creates topics (Kafka's rule: only Metadata auto-creates), so an unknown
//   topic is UNKNOWN_TOPIC_OR_PARTITION.
// - ACLs: WRITE on each topic (TOPIC_AUTHORIZATION_FAILED per partition).
//
// - Transactional produce (transactionalId set, KIP-98): needs WRITE on the transactional id
//   (TRANSACTIONAL_ID_AUTHORIZATION_FAILED per partition, also for transactional batches sent
//   without a transactional id, as Kafka checks). Each partition is verified with the
//   transaction coordinator first (KIP-890 part 1, as Kafka 4.0 does with
//   transaction.partition.verification.enable): it must be in the producer's open
//   transaction, else INVALID_TXN_STATE; an older epoch is INVALID_PRODUCER_EPOCH and a
//   producer id that is not the transactional id's INVALID_PRODUCER_ID_MAPPING. The log
//   then records the transaction's first offset there, which holds back the last stable
//   offset until the COMMIT/ABORT marker.
//
// Not implemented:
// - Broker-side recompression (compression.type other than producer) and quotas (throttle 0).
//
// Version notes:
// - v2: logAppendTimeMs (KIP-32). v3: transactionalId, magic 2 only (KIP-98). v5:
//   logStartOffset. v8: recordErrors and errorMessage (KIP-467). v9: flexible. v10: currentLeader
//   and nodeEndpoints tags (KIP-951; not sent: leadership never moves). v11: KIP-890 part 1.
//   v12: KIP-890 part 2 (implicit AddPartitionsToTxn); the broker advertises
//   transaction.version 0, so clients still add partitions first and the check above holds.
import {ErrorCode, type ResponseInput} from '../../kafka/protocol/index.js'
import {readRecordBatchHeader, splitRecordBatches} from '../../kafka/protocol/record-batch.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

type Response = ResponseInput<0>
type PartitionResponse = NonNullable<NonNullable<Response['responses']>[number]['partitionResponses']>[number]

export default defineApi(0, {
  handle(request, ctx) {
    const {state} = ctx
    const acks = request.acks
    const failed = (index: number, errorCode: number, errorMessage: string | null = null): PartitionResponse => ({
      index,
      errorCode,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: -1,
      recordErrors: [],
      errorMessage,
    })
    const transactionalId = request.transactionalId
    const mayUseTransactionalId = transactionalId !== null && allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', transactionalId)
    // Kafka's rule: transactional batches need a transactional id the principal may write, and
    // (verification) a partition already added to that producer's open transaction.
    const checkTransactional = (topic: string, partition: number, records: Buffer) => {
      const split = splitRecordBatches(records, {verifyCrc: false})
      const transactional = split.ok && split.batches.some((batch) => batch.isTransactional)
      if (!transactional) return undefined
      if (transactionalId === null || !mayUseTransactionalId) return {error: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' as const, message: null}
      const {producerId, producerEpoch} = readRecordBatchHeader(records, 0)
      const verified = state.txn.verifyPartition({transactionalId, producerId, producerEpoch}, topic, partition)
      return verified === 'NONE' ? undefined : {error: verified, message: `${topic}-${partition} is not in an open transaction of producer ${producerId} epoch ${producerEpoch}`}
    }
    const responses = request.topicData.map((topicData) => {
      const name = topicData.name
      const topic = state.log.topic(name)
      const mayWrite = allowed(ctx, 'WRITE', 'TOPIC', name)
      const partitionResponses = topicData.partitionData.map((partitionData): PartitionResponse => {
        const index = partitionData.index
        if (acks !== 0 && acks !== 1 && acks !== -1) return failed(index, ErrorCode.INVALID_REQUIRED_ACKS)
        if (!mayWrite) return failed(index, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        if (!topic || index < 0 || index >= topic.partitions) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        const records = partitionData.records
        if (!records || records.length === 0) return failed(index, ErrorCode.CORRUPT_MESSAGE, 'no records')
        const refused = checkTransactional(name, index, records)
        if (refused) return failed(index, ErrorCode[refused.error], refused.message)
        const outcome = state.log.append(name, index, records)
        if (!outcome.ok) {
          return {
            ...failed(index, ErrorCode[outcome.error], outcome.message ?? null),
            logStartOffset: outcome.logStartOffset,
            recordErrors: (outcome.recordErrors ?? []).map((e) => ({batchIndex: e.batchIndex, batchIndexErrorMessage: e.message})),
          }
        }
        state.metrics.bytesIn.inc({topic: name}, outcome.bytes)
        state.metrics.messagesIn.inc({topic: name}, outcome.recordCount)
        return {
          index,
          errorCode: ErrorCode.NONE,
          baseOffset: outcome.baseOffset,
          logAppendTimeMs: outcome.logAppendTimeMs,
          logStartOffset: outcome.logStartOffset,
          recordErrors: [],
          errorMessage: null,
        }
      })
      return {name, partitionResponses}
    })
    if (acks === 0) {
      // No response to carry an error: Kafka closes the connection instead, so the client
      // notices, refreshes its metadata and reconnects (KafkaApis.handleProduceRequest).
      const failure = responses.flatMap((r) => r.partitionResponses).find((p) => p.errorCode !== ErrorCode.NONE)
      if (failure) ctx.connection.close(`acks=0 produce failed with error ${failure.errorCode}`, true)
      return null
    }
    return {responses, throttleTimeMs: 0}
  },
})
