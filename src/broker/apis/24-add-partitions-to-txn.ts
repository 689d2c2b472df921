// AddPartitionsToTxn (key 24), versions 0-5.
//
// Behavior:
// - v0-3 (the client form): the partitions join the producer's transaction, which begins
//   (state Ongoing, start time now) if none is open; only then may the producer write to
//   them. Kafka's all-or-nothing rule: when any partition fails (UNKNOWN_TOPIC_OR_PARTITION,
//   TOPIC_AUTHORIZATION_FAILED), none is added and the others get OPERATION_NOT_ATTEMPTED.
// - A producer id that is not the transactional id's is INVALID_PRODUCER_ID_MAPPING; an older
//   epoch (a fenced or timed-out producer) is PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH
//   before v2.
// - v4+ (the brokers' batched form, KIP-890 part 1): one result per transaction; VerifyOnly
//   answers per partition NONE when it is in the open transaction, else INVALID_TXN_STATE
//   (the check Produce does for transactional writes); without VerifyOnly the partitions are
//   added as in v0-3. Needs CLUSTER_ACTION on the cluster (CLUSTER_AUTHORIZATION_FAILED).
// - ACLs: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED for every
//   partition) and on each topic.
//
// Not implemented:
// - CONCURRENT_TRANSACTIONS: transactions end synchronously inside EndTxn, so none is ever
//   completing when this arrives.
//
// Version notes:
// - v1: same as v0. v2: PRODUCER_FENCED (KIP-588). v3: flexible. v4: batched transactions and
//   VerifyOnly, top-level error code (KIP-890). v5: may answer TRANSACTION_ABORTABLE (never here).
import {ErrorCode, type ErrorName, type RequestBody} from '../../kafka/protocol/index.js'
import {allowed, fencingCode} from './common.js'
import {defineApi, type HandlerContext} from './define-api.js'

type Topics = RequestBody<24>['v3AndBelowTopics']
type TopicResult = {name: string; resultsByPartition: {partitionIndex: number; partitionErrorCode: number}[]}

export default defineApi(24, {
  handle(request, ctx) {
    if (ctx.apiVersion <= 3) {
      const results = addOrVerify(ctx, request.v3AndBelowTransactionalId, request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch, request.v3AndBelowTopics, false)
      return {throttleTimeMs: 0, resultsByTopicV3AndBelow: results}
    }
    if (!allowed(ctx, 'CLUSTER_ACTION', 'CLUSTER', 'kafka-cluster')) return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: []}
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      resultsByTransaction: request.transactions.map((txn) => ({
        transactionalId: txn.transactionalId,
        topicResults: addOrVerify(ctx, txn.transactionalId, txn.producerId, txn.producerEpoch, txn.topics, txn.verifyOnly),
      })),
    }
  },
})

function addOrVerify(ctx: HandlerContext, transactionalId: string, producerId: number, producerEpoch: number, topics: Topics, verifyOnly: boolean): TopicResult[] {
  const {state} = ctx
  const every = (code: (topic: string, partition: number) => number): TopicResult[] =>
    topics.map(({name, partitions}) => ({name, resultsByPartition: partitions.map((partitionIndex) => ({partitionIndex, partitionErrorCode: code(name, partitionIndex)}))}))
  if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', transactionalId)) return every(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const who = {transactionalId, producerId, producerEpoch}
  if (verifyOnly) return every((topic, partition) => ErrorCode[state.txn.verifyPartition(who, topic, partition) === 'NONE' ? 'NONE' : 'INVALID_TXN_STATE'])
  const problems = new Map<string, ErrorName>()
  for (const {name, partitions} of topics) {
    const topic = state.log.topic(name)
    const mayWrite = allowed(ctx, 'WRITE', 'TOPIC', name)
    for (const partition of partitions) {
      if (!mayWrite) problems.set(`${name}:${partition}`, 'TOPIC_AUTHORIZATION_FAILED')
      else if (!topic || partition < 0 || partition >= topic.partitions) problems.set(`${name}:${partition}`, 'UNKNOWN_TOPIC_OR_PARTITION')
    }
  }
  if (problems.size > 0) return every((topic, partition) => ErrorCode[problems.get(`${topic}:${partition}`) ?? 'OPERATION_NOT_ATTEMPTED'])
  const error = state.txn.addPartitions(
    who,
    topics.flatMap(({name, partitions}) => partitions.map((partition) => ({topic: name, partition}))),
  )
  const code = fencingCode(error, ctx.apiVersion, 2)
  return every(() => code)
}
