// DescribeProducers (key 61), version 0 (KIP-664).
//
// Behavior:
// - Per partition, the idempotent and transactional producers the log knows (its producer
//   state, the same that checks sequences): producer id and epoch, last sequence and
//   timestamp, coordinator epoch (0: one node), and the first offset of the producer's open
//   transaction there (-1 when none), which is what pins the last stable offset.
// - Unknown topics or partitions: UNKNOWN_TOPIC_OR_PARTITION.
// - ACLs: READ on each topic (TOPIC_AUTHORIZATION_FAILED), as Kafka checks.
//
// Not implemented:
// - Nothing of v0.
//
// Version notes:
// - v0 only, flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(61, {
  handle(request, ctx) {
    const {state} = ctx
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(({name, partitionIndexes}) => {
        const mayRead = allowed(ctx, 'READ', 'TOPIC', name)
        return {
          name,
          partitions: partitionIndexes.map((partitionIndex) => {
            const failed = (errorCode: number) => ({partitionIndex, errorCode, errorMessage: null, activeProducers: []})
            if (!mayRead) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
            const producers = state.log.producers(name, partitionIndex)
            if (!producers) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            return {
              partitionIndex,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              activeProducers: producers.map((p) => ({
                producerId: p.producerId,
                producerEpoch: p.epoch,
                lastSequence: p.batches.at(-1)?.lastSeq ?? -1,
                lastTimestamp: p.lastTimestampMs,
                coordinatorEpoch: p.coordinatorEpoch ?? -1,
                currentTxnStartOffset: p.txnFirstOffset ?? -1,
              })),
            }
          }),
        }
      }),
    }
  },
})
