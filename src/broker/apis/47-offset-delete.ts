// OffsetDelete (key 47), version 0 (KIP-496).
//
// Behavior:
// - Deletes committed offsets of an Empty group, or of a consumer group for topics none of
//   its members subscribes to (GROUP_SUBSCRIBED_TO_TOPIC per partition otherwise).
// - Classic groups of protocol type "consumer" read the subscription from the members'
//   metadata; KIP-848 consumer groups from their heartbeats (topic names and regex matches).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(47, {
  handle(request, ctx) {
    if (!ctx.state.allowed(ctx.connection, 'DELETE', 'GROUP', request.groupId)) {
      return {errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: []}
    }
    const topics = request.topics.map((topic) => ({topic: topic.name, partitions: topic.partitions.map((partition) => partition.partitionIndex)}))
    const result = ctx.state.groups.deleteOffsets(request.groupId, topics)
    if (typeof result === 'string') return {errorCode: ErrorCode[result], throttleTimeMs: 0, topics: []}
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: topics.map(({topic, partitions}) => ({
        name: topic,
        partitions: partitions.map((partitionIndex) => ({partitionIndex, errorCode: ErrorCode[result.get(topic)!.get(partitionIndex)!]})),
      })),
    }
  },
})
