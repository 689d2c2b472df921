// Metadata (key 3), versions 0-13.
//
// Behavior:
// - One broker (this node), which is also the controller, leader and only replica of every
//   partition; leader epoch 0 everywhere. Brokers are returned with the advertised endpoint of
//   the listener the request came in on, as Kafka does.
// - Auto-creation follows Kafka's rules: only Metadata creates topics (Produce to an unknown
//   topic is UNKNOWN_TOPIC_OR_PARTITION), only when auto.create.topics.enable is true (the
//   default here, as in Kafka) and the request allows it (v4+ allowAutoTopicCreation; always
//   for v0-3), with num.partitions partitions. Kafka answers LEADER_NOT_AVAILABLE for a topic
//   it has just created and lets the client retry; a single node has its leader at once, so the
//   new topic is returned ready, with its partitions.
// - Named topics that are unknown: UNKNOWN_TOPIC_OR_PARTITION; an illegal name:
//   INVALID_TOPIC_EXCEPTION; by id (v12+) unknown: UNKNOWN_TOPIC_ID.
// - ACLs: DESCRIBE on each topic; an all-topics request leaves out what the principal may not
//   describe, a named one answers TOPIC_AUTHORIZATION_FAILED; auto-creation needs CREATE on the
//   cluster or the topic.
//
// Not implemented:
// - Internal topics: committed offsets live in the group coordinator's own store, so there is
//   no __consumer_offsets topic to list.
// - Racks (rack is null).
//
// Version notes:
// - v1: controllerId, rack, isInternal; null topics = all. v2: clusterId. v3: throttleTimeMs.
//   v4: allowAutoTopicCreation (KIP-204). v5: offlineReplicas. v7: leaderEpoch (KIP-320).
//   v8: authorized operations (KIP-430). v9: flexible. v10: topic ids (KIP-516).
//   v11: cluster authorized operations moved to DescribeCluster (KIP-700). v12: topics by id.
//   v13: top-level errorCode (KIP-1102, REBOOTSTRAP_REQUIRED; always 0 here).
import type {ResponseInput} from '../../kafka/protocol/index.js'
import {ErrorCode, ZERO_UUID} from '../../kafka/protocol/index.js'
import {OPERATIONS_NOT_REQUESTED, allowed, authorizedOperations, invalidTopicName, mayCreateTopic} from './common.js'
import {defineApi, type HandlerContext} from './define-api.js'
import type {TopicInfo} from '../log-adapter.js'

type Response = ResponseInput<3>
type TopicResponse = NonNullable<Response['topics']>[number]

export default defineApi(3, {
  handle(request, ctx) {
    const {state, apiVersion} = ctx
    const includeOperations = apiVersion >= 8 && request.includeTopicAuthorizedOperations
    const describe = (topic: TopicInfo): TopicResponse => ({
      errorCode: ErrorCode.NONE,
      name: topic.name,
      topicId: topic.topicId,
      isInternal: false,
      partitions: Array.from({length: topic.partitions}, (_, partitionIndex) => ({
        errorCode: ErrorCode.NONE,
        partitionIndex,
        leaderId: state.nodeId,
        leaderEpoch: 0,
        replicaNodes: [state.nodeId],
        isrNodes: [state.nodeId],
        offlineReplicas: [],
      })),
      topicAuthorizedOperations: includeOperations ? authorizedOperations(ctx, 'TOPIC', topic.name) : OPERATIONS_NOT_REQUESTED,
    })
    const failed = (name: string | null, errorCode: number, topicId = ZERO_UUID): TopicResponse => ({
      errorCode,
      name,
      topicId,
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
    })

    // v0: an empty list means all topics; v1+: null means all topics, empty means none.
    const allTopics = request.topics === null || (apiVersion === 0 && request.topics.length === 0)
    let topics: TopicResponse[]
    if (allTopics) {
      topics = state.log
        .topicNames()
        .filter((name) => allowed(ctx, 'DESCRIBE', 'TOPIC', name))
        .map((name) => describe(state.log.topic(name)!))
    } else {
      const autoCreate = state.settings.bool('auto.create.topics.enable') && (apiVersion < 4 || request.allowAutoTopicCreation)
      topics = request.topics!.map((requested) => {
        if (requested.name === null || requested.name === undefined) {
          if (apiVersion < 12 || !requested.topicId || requested.topicId === ZERO_UUID) return failed(null, ErrorCode.INVALID_REQUEST)
          const topic = state.log.topicById(requested.topicId)
          if (!topic || !allowed(ctx, 'DESCRIBE', 'TOPIC', topic.name)) return failed(null, ErrorCode.UNKNOWN_TOPIC_ID, requested.topicId)
          return describe(topic)
        }
        const name = requested.name
        if (!allowed(ctx, 'DESCRIBE', 'TOPIC', name)) return failed(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        const existing = state.log.topic(name)
        if (existing) return describe(existing)
        if (invalidTopicName(name)) return failed(name, ErrorCode.INVALID_TOPIC_EXCEPTION)
        if (!autoCreate) return failed(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        return autoCreateTopic(ctx, name) ?? failed(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      })
    }
    function autoCreateTopic(context: HandlerContext, name: string): TopicResponse | undefined {
      if (!mayCreateTopic(context, name)) return undefined
      const created = state.log.createTopic(name, state.settings.int('num.partitions'), {})
      if (!created.ok) return failed(name, ErrorCode[created.error])
      state.logger.info(`auto-created topic ${name} with ${created.topic.partitions} partition(s)`)
      return describe(created.topic)
    }

    const endpoint = state.advertisedFor(ctx.connection.listenerName)
    return {
      throttleTimeMs: 0,
      brokers: [{nodeId: state.nodeId, host: endpoint.host, port: endpoint.port, rack: null}],
      clusterId: state.clusterId,
      controllerId: state.nodeId,
      topics,
      clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
      errorCode: ErrorCode.NONE,
    }
  },
})
