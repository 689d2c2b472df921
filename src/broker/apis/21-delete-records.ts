// DeleteRecords (key 21), versions 0-2.
//
// Behavior:
// - Moves the log start offset to the given offset (-1 = the high watermark) and drops the
//   segments wholly below it; fetches below it get OFFSET_OUT_OF_RANGE from then on. An
//   offset past the high watermark is OFFSET_OUT_OF_RANGE. The low watermark returned is the
//   new log start offset. Writes are immediate, so timeoutMs is not used.
// - ACLs: DELETE on each topic (TOPIC_AUTHORIZATION_FAILED).
//
// Version notes:
// - v1: same as v0. v2: flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(21, {
  handle(request, ctx) {
    const {state} = ctx
    const topics = request.topics.map((requested) => {
      const mayDelete = allowed(ctx, 'DELETE', 'TOPIC', requested.name)
      const partitions = requested.partitions.map(({partitionIndex, offset}) => {
        if (!mayDelete) return {partitionIndex, lowWatermark: -1, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED}
        const result = state.log.deleteRecordsBefore(requested.name, partitionIndex, offset)
        return result.ok
          ? {partitionIndex, lowWatermark: result.lowWatermark, errorCode: ErrorCode.NONE}
          : {partitionIndex, lowWatermark: -1, errorCode: ErrorCode[result.error]}
      })
      return {name: requested.name, partitions}
    })
    return {throttleTimeMs: 0, topics}
  },
})
