// DeleteTopics (key 20), versions 1-6.
//
// Behavior:
// - By name (v1-5 topicNames, v6 name) or by topic id (v6, KIP-516). The topic is gone when the
//   response is sent: its partition directories are removed at once (Kafka renames them and
//   deletes them after file.delete.delay.ms). Unknown: UNKNOWN_TOPIC_OR_PARTITION, or
//   UNKNOWN_TOPIC_ID by id. delete.topic.enable=false: TOPIC_DELETION_DISABLED.
// - ACLs: DELETE on the topic (TOPIC_AUTHORIZATION_FAILED).
//
// - Committed offsets of the topic are removed from every group, as Kafka does, so a
//   re-created topic of the same name does not inherit a stale position.
//
// Version notes:
// - v1: throttle time. v4: flexible. v5: errorMessage (KIP-599). v6: topics by id (KIP-516).
import {ErrorCode, ZERO_UUID} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(20, {
  handle(request, ctx) {
    const {state, apiVersion} = ctx
    const wanted = apiVersion >= 6 ? request.topics.map((t) => ({name: t.name, topicId: t.topicId})) : request.topicNames.map((name) => ({name, topicId: ZERO_UUID}))
    const responses = wanted.map(({name, topicId}) => {
      const byId = name === null
      const topic = byId ? state.log.topicById(topicId) : state.log.topic(name)
      const answer = (errorCode: number, errorMessage: string | null = null) => ({
        name: topic?.name ?? name,
        topicId: topic?.topicId ?? topicId,
        errorCode,
        errorMessage,
      })
      if (!topic) return answer(byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      if (!allowed(ctx, 'DELETE', 'TOPIC', topic.name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      if (!state.settings.bool('delete.topic.enable')) return answer(ErrorCode.TOPIC_DELETION_DISABLED, 'delete.topic.enable is false')
      const outcome = state.log.deleteTopic(topic.name)
      if (!outcome.ok) return answer(ErrorCode[outcome.error], outcome.message)
      state.groups.deleteTopicOffsets(topic.name)
      state.metrics.forgetTopic(topic.name)
      state.logger.info(`deleted topic ${topic.name}`)
      return answer(ErrorCode.NONE)
    })
    return {throttleTimeMs: 0, responses}
  },
})
