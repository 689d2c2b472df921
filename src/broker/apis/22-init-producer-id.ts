// InitProducerId (key 22), versions 0-5.
//
// Behavior:
// - Idempotent producers (transactionalId null): a fresh producer id with epoch 0 every time,
//   as Kafka does; ids come in blocks whose end is written to meta.properties first, so a
//   restart never hands an id out twice (Kafka's ProducerIdManager). A v3+ request naming its
//   previous id and epoch (KIP-360) also gets a fresh id: the sequence state of the old id
//   stays in the log and cannot collide.
// - ACLs: IDEMPOTENT_WRITE on the cluster, or WRITE on some topic (KIP-679), else
//   CLUSTER_AUTHORIZATION_FAILED.
//
// Not implemented:
// - Transactions. A transactional id gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED: Kafka's own
//   answer when a producer may not use a transactional id, fatal (not retried) in every
//   client, so a transactional producer fails at once instead of retrying a coordinator that
//   will never appear. An empty transactional id is INVALID_REQUEST, as in Kafka.
//
// Version notes:
// - v1: same as v0. v2: flexible. v3: producerId/producerEpoch for epoch bumps (KIP-360).
//   v4: PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH (KIP-588). v5: KIP-890.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(22, {
  handle(request, ctx) {
    const {state} = ctx
    const refuse = (errorCode: number) => ({throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1})
    if (request.transactionalId !== null) {
      if (request.transactionalId === '') return refuse(ErrorCode.INVALID_REQUEST)
      state.logger.info(`refused transactional id ${request.transactionalId}: the bundled broker does not support transactions`)
      return refuse(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    }
    const mayWrite =
      allowed(ctx, 'IDEMPOTENT_WRITE', 'CLUSTER', 'kafka-cluster') || state.log.topicNames().some((name) => allowed(ctx, 'WRITE', 'TOPIC', name))
    if (!mayWrite) return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: state.allocateProducerId(), producerEpoch: 0}
  },
})
