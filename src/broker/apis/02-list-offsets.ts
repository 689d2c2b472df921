// ListOffsets (key 2), versions 1-10.
//
// Behavior:
// - timestamp -2 (earliest) = log start offset; -1 (latest) = high watermark, or with
//   read_committed (isolationLevel 1, v2+) the last stable offset (the first offset of the
//   earliest open transaction, else the high watermark), as Kafka answers;
//   -3 (max timestamp, KIP-734) = the first record with the largest timestamp; -4 (earliest
//   local, KIP-1005) = log start offset; -5 (latest tiered) = offset -1 (no tiered storage);
//   a timestamp >= 0 = the first offset whose timestamp is >= it, or offset -1 when none is.
// - Earliest/latest return timestamp -1, as Kafka does; leader epoch 0.
// - ACLs: DESCRIBE on each topic (TOPIC_AUTHORIZATION_FAILED).
//
// Not implemented:
// - v0's maxNumOffsets/oldStyleOffsets (Kafka 4.0 accepts v1+ only, KIP-896).
// - Waiting for a tiered fetch (timeoutMs, v10) — there is nothing to wait for.
//
// Version notes:
// - v1: single offset per partition. v2: isolationLevel (KIP-98). v4: currentLeaderEpoch and
//   leaderEpoch (KIP-320). v6: flexible. v7: max timestamp (KIP-734). v8: earliest local
//   (KIP-405/1005). v9: latest tiered (KIP-1005). v10: timeoutMs (KIP-1075).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

const READ_COMMITTED = 1
const LATEST = -1
const EARLIEST = -2
const MAX_TIMESTAMP = -3
const EARLIEST_LOCAL = -4
const LATEST_TIERED = -5

export default defineApi(2, {
  handle(request, ctx) {
    const {state} = ctx
    const topics = request.topics.map((requested) => {
      const topic = state.log.topic(requested.name)
      const mayDescribe = allowed(ctx, 'DESCRIBE', 'TOPIC', requested.name)
      const partitions = requested.partitions.map(({partitionIndex, timestamp}) => {
        const answer = (errorCode: number, offset = -1, timestampMs = -1) => ({
          partitionIndex,
          errorCode,
          timestamp: timestampMs,
          offset,
          // leaderEpoch exists from v4 (KIP-320); the codec refuses a value in older versions.
          leaderEpoch: errorCode === ErrorCode.NONE && ctx.apiVersion >= 4 ? 0 : -1,
        })
        if (!mayDescribe) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        const offsets = topic ? state.log.offsets(topic.name, partitionIndex) : undefined
        if (!topic || !offsets) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        switch (timestamp) {
          case LATEST:
            return answer(ErrorCode.NONE, request.isolationLevel === READ_COMMITTED ? offsets.lastStableOffset : offsets.highWatermark)
          case EARLIEST:
          case EARLIEST_LOCAL:
            return answer(ErrorCode.NONE, offsets.logStartOffset)
          case LATEST_TIERED:
            return answer(ErrorCode.NONE)
          case MAX_TIMESTAMP: {
            const found = state.log.maxTimestampOffset(topic.name, partitionIndex)
            return found ? answer(ErrorCode.NONE, found.offset, found.timestampMs) : answer(ErrorCode.NONE)
          }
          default: {
            if (timestamp < 0) return answer(ErrorCode.INVALID_REQUEST)
            const found = state.log.offsetForTimestamp(topic.name, partitionIndex, timestamp)
            return found ? answer(ErrorCode.NONE, found.offset, found.timestampMs) : answer(ErrorCode.NONE)
          }
        }
      })
      return {name: requested.name, partitions}
    })
    return {throttleTimeMs: 0, topics}
  },
})
