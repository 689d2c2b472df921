// EndTxn (key 26), versions 0-5.
//
// Behavior:
// - Commits or aborts the producer's open transaction, synchronously before answering:
//   PrepareCommit/PrepareAbort is stored durably (transactions/state.jsonl), a COMMIT or
//   ABORT control batch is written into every partition of the transaction (an ABORT also
//   into the partition's .txnindex), on commit the offsets sent with TxnOffsetCommit are
//   applied to their groups, then CompleteCommit/CompleteAbort is stored. A restart after a
//   crash in between finishes the job before serving, so no transaction is ever partly
//   visible to read_committed consumers.
// - A retry of an end that completed (same outcome) is NONE; the opposite outcome, or no open
//   transaction, is INVALID_TXN_STATE. INVALID_PRODUCER_ID_MAPPING for a foreign producer id;
//   PRODUCER_FENCED (INVALID_PRODUCER_EPOCH before v2) for an older epoch, which is also what
//   a producer whose transaction passed its timeout gets (the coordinator aborted it with a
//   bumped epoch, as Kafka does).
// - ACLs: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
//
// Not implemented:
// - KIP-890 part 2 (v5's epoch bump on every end, producerId/producerEpoch in the response):
//   the broker advertises transaction.version 0, so the fields are -1.
// - CONCURRENT_TRANSACTIONS: nothing is ever completing when a request arrives.
//
// Version notes:
// - v1: same as v0. v2: PRODUCER_FENCED (KIP-588). v3: flexible. v4: TRANSACTION_ABORTABLE
//   (KIP-890; never here). v5: producerId/producerEpoch in the response (KIP-890 part 2).
import {allowed, fencingCode} from './common.js'
import {ErrorCode} from '../../kafka/protocol/index.js'
import {defineApi} from './define-api.js'

export default defineApi(26, {
  handle(request, ctx) {
    const answer = (errorCode: number) => ({throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1})
    if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', request.transactionalId)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    const error = ctx.state.txn.endTransaction(
      {transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch},
      request.committed,
    )
    return answer(fencingCode(error, ctx.apiVersion, 2))
  },
})
