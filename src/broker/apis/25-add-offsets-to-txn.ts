// AddOffsetsToTxn (key 25), versions 0-4.
//
// Behavior:
// - Adds the consumer group to the producer's transaction (beginning it if none is open), so
//   TxnOffsetCommit may send that group's offsets; they are applied to the group only when the
//   transaction commits. Kafka adds the group's __consumer_offsets partition; here the
//   transaction coordinator holds the offsets itself (txn/coordinator.ts).
// - INVALID_PRODUCER_ID_MAPPING for a producer id that is not the transactional id's;
//   PRODUCER_FENCED (INVALID_PRODUCER_EPOCH before v2) for an older epoch.
// - ACLs: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), READ on the
//   group (GROUP_AUTHORIZATION_FAILED).
//
// Not implemented:
// - CONCURRENT_TRANSACTIONS: transactions end synchronously, none is ever completing.
//
// Version notes:
// - v1: same as v0. v2: PRODUCER_FENCED (KIP-588). v3: flexible. v4: may answer
//   TRANSACTION_ABORTABLE (KIP-890; never here).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed, fencingCode} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(25, {
  handle(request, ctx) {
    const answer = (errorCode: number) => ({throttleTimeMs: 0, errorCode})
    if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', request.transactionalId)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    if (!allowed(ctx, 'READ', 'GROUP', request.groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    const error = ctx.state.txn.addOffsets(
      {transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch},
      request.groupId,
    )
    return answer(fencingCode(error, ctx.apiVersion, 2))
  },
})
