// ListTransactions (key 66), versions 0-1 (KIP-664, KIP-994).
//
// Behavior:
// - Every transactional id the coordinator knows, with its producer id and state, filtered by
//   state names (a name Kafka does not define is echoed in unknownStateFilters and matches
//   nothing), by producer ids, and from v1 by duration: only transactions running longer
//   than durationFilter ms (-1 = no filter), as Kafka compares now - start time.
// - ACLs: ids the principal may not DESCRIBE are left out, as Kafka does.
//
// Not implemented:
// - v2's transactional id pattern (KIP-1152) is not in Kafka 4.0.
//
// Version notes:
// - v0: flexible. v1: durationFilter (KIP-994).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {type TxnState, txnStates} from '../txn/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(66, {
  handle(request, ctx) {
    const known = new Set<string>(txnStates)
    const states = new Set(request.stateFilters.filter((name) => known.has(name)) as TxnState[])
    const producerIds = new Set(request.producerIdFilters)
    const now = Date.now()
    const transactionStates = ctx.state.txn
      .list()
      .filter((txn) => request.stateFilters.length === 0 || states.has(txn.state))
      .filter((txn) => producerIds.size === 0 || producerIds.has(txn.producerId))
      .filter((txn) => request.durationFilter < 0 || now - txn.txnStartTimestampMs > request.durationFilter)
      .filter((txn) => allowed(ctx, 'DESCRIBE', 'TRANSACTIONAL_ID', txn.transactionalId))
      .map((txn) => ({transactionalId: txn.transactionalId, producerId: txn.producerId, transactionState: txn.state}))
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: request.stateFilters.filter((name) => !known.has(name)),
      transactionStates,
    }
  },
})
