// InitProducerId (key 22), versions 0-5.
//
// Behavior:
// - Idempotent producers (transactionalId null): a fresh producer id with epoch 0 every time,
//   as Kafka does; ids come in blocks whose end is written to meta.properties first, so a
//   restart never hands an id out twice (Kafka's ProducerIdManager). A v3+ request naming its
//   previous id and epoch (KIP-360) also gets a fresh id: the sequence state of the old id
//   stays in the log and cannot collide.
// - Transactional producers go to the transaction coordinator (txn/coordinator.ts): a new
//   transactional id gets a new producer id and epoch 0; a known one keeps its id and gets the
//   next epoch, which fences every older instance (their requests get PRODUCER_FENCED, their
//   writes INVALID_PRODUCER_EPOCH). An open transaction of the old instance is aborted first
//   (ABORT markers with a bumped epoch), so the answer carries the epoch after that. An
//   epoch at 32766 gets a new producer id with epoch 0, as Kafka does.
// - transactionTimeoutMs above transaction.max.timeout.ms (or <= 0) is
//   INVALID_TRANSACTION_TIMEOUT; an empty transactional id is INVALID_REQUEST.
// - v3+ producerId/producerEpoch other than -1 must name a known transactional id's current
//   (or previous) producer id and epoch: else INVALID_PRODUCER_ID_MAPPING or PRODUCER_FENCED;
//   a new transactional id accepts any (as Kafka: nothing to fence yet). Only one of the two
//   at -1 is INVALID_REQUEST.
// - ACLs: idempotent: IDEMPOTENT_WRITE on the cluster, or WRITE on some topic (KIP-679), else
//   CLUSTER_AUTHORIZATION_FAILED; transactional: WRITE on the transactional id, else
//   TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
//
// Not implemented:
// - CONCURRENT_TRANSACTIONS is never answered: aborting the old transaction is synchronous
//   (markers are written before this answer), so nothing is left completing.
//
// Version notes:
// - v1: same as v0. v2: flexible. v3: producerId/producerEpoch for epoch bumps (KIP-360).
//   v4: PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH (KIP-588). v5: KIP-890 (the
//   broker advertises transaction.version 0, so clients do not use part 2).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed, fencingCode} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(22, {
  handle(request, ctx) {
    const {state} = ctx
    const refuse = (errorCode: number) => ({throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1})
    if (request.transactionalId !== null) {
      if (request.transactionalId === '') return refuse(ErrorCode.INVALID_REQUEST)
      if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', request.transactionalId)) return refuse(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      // Kafka's rule: an expected id and epoch come together or not at all.
      if ((request.producerId === -1) !== (request.producerEpoch === -1)) return refuse(ErrorCode.INVALID_REQUEST)
      const result = state.txn.initProducerId(request.transactionalId, request.transactionTimeoutMs, {
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
      })
      if (result.error !== 'NONE' || !('producerId' in result)) return refuse(fencingCode(result.error, ctx.apiVersion, 4))
      return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: result.producerId, producerEpoch: result.producerEpoch}
    }
    const mayWrite =
      allowed(ctx, 'IDEMPOTENT_WRITE', 'CLUSTER', 'kafka-cluster') || state.log.topicNames().some((name) => allowed(ctx, 'WRITE', 'TOPIC', name))
    if (!mayWrite) return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: state.allocateProducerId(), producerEpoch: 0}
  },
})
