// DescribeTransactions (key 65), version 0 (KIP-664).
//
// Behavior:
// - Per transactional id, the coordinator's view: state (Kafka's names: Empty, Ongoing,
//   PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort), producer id and epoch,
//   transaction timeout, start time of the open transaction (-1 when none) and its
//   partitions by topic. An unknown id is TRANSACTIONAL_ID_NOT_FOUND.
// - ACLs: DESCRIBE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); topics the
//   principal may not DESCRIBE are left out of the partition list, as Kafka does.
//
// Not implemented:
// - Nothing of v0.
//
// Version notes:
// - v0 only, flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(65, {
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((transactionalId) => {
        const failed = (errorCode: number) => ({
          errorCode,
          transactionalId,
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: -1,
          producerId: -1,
          producerEpoch: -1,
          topics: [],
        })
        if (!allowed(ctx, 'DESCRIBE', 'TRANSACTIONAL_ID', transactionalId)) return failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
        const txn = ctx.state.txn.describe(transactionalId)
        if (!txn) return failed(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
        const byTopic = new Map<string, number[]>()
        for (const {topic, partition} of txn.partitions) {
          if (!allowed(ctx, 'DESCRIBE', 'TOPIC', topic)) continue
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
        }
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: txn.state,
          transactionTimeoutMs: txn.timeoutMs,
          transactionStartTimeMs: txn.txnStartTimestampMs,
          producerId: txn.producerId,
          producerEpoch: txn.producerEpoch,
          topics: [...byTopic].map(([topic, partitions]) => ({topic, partitions})),
        }
      }),
    }
  },
})
