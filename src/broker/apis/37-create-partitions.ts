// CreatePartitions (key 37), versions 0-3.
//
// Behavior:
// - Grows a topic to `count` partitions (never shrinks: INVALID_PARTITIONS). Assignments, when
//   given, must put each new partition on this node alone (INVALID_REPLICA_ASSIGNMENT).
//   validateOnly checks without creating. Immediate (timeoutMs unused). A topic named twice is
//   INVALID_REQUEST, as in Kafka.
// - ACLs: ALTER on the topic (TOPIC_AUTHORIZATION_FAILED).
//
// Version notes:
// - v1: same as v0. v2: flexible. v3: quota errors (KIP-599).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(37, {
  handle(request, ctx) {
    const {state} = ctx
    const names = request.topics.map((t) => t.name)
    const results = request.topics.map(({name, count, assignments}) => {
      const answer = (errorCode: number, errorMessage: string | null = null) => ({name, errorCode, errorMessage})
      if (names.indexOf(name) !== names.lastIndexOf(name)) return answer(ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.')
      if (!allowed(ctx, 'ALTER', 'TOPIC', name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      const topic = state.log.topic(name)
      if (!topic) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`)
      if (assignments !== null) {
        if (assignments.length !== count - topic.partitions)
          return answer(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${count - topic.partitions} but ${assignments.length} assignments provided.`)
        if (assignments.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== state.nodeId))
          return answer(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `the bundled broker has one node, id ${state.nodeId}; assign new partitions to it alone`)
      }
      const outcome = state.log.addPartitions(name, count, request.validateOnly)
      if (!outcome.ok) return answer(ErrorCode[outcome.error], outcome.message)
      if (!request.validateOnly) state.logger.info(`topic ${name} now has ${count} partitions`)
      return answer(ErrorCode.NONE)
    })
    return {throttleTimeMs: 0, results}
  },
})
