// CreateTopics (key 19), versions 2-7.
//
// Behavior:
// - Name (Kafka's rule), partition count (-1 = num.partitions) and configs (Kafka's topic
//   config names; unknown names and bad values are INVALID_CONFIG) are checked; an existing
//   topic is TOPIC_ALREADY_EXISTS.
// - Replication factor: -1 or 1. Anything larger is INVALID_REPLICATION_FACTOR with Kafka's
//   message plus the reason (the bundled broker has one node). Manual assignments must put
//   every partition on this node alone (else INVALID_REPLICA_ASSIGNMENT) and need
//   numPartitions and replicationFactor -1 (else INVALID_REQUEST), as in Kafka.
// - validateOnly checks everything and creates nothing. Creation is immediate (timeoutMs unused).
// - v5+ responses carry the partition count, replication factor and every config with its
//   source; v7 the topic id.
// - ACLs: CREATE on the cluster or the topic (TOPIC_AUTHORIZATION_FAILED).
//
// Not implemented:
// - CreateTopicPolicy (create.topic.policy.class.name).
//
// Version notes:
// - v1: validateOnly (KIP-108). v2: errorMessage. v3: throttle on errors (KIP-219).
//   v4: -1 defaults for partitions and replication factor (KIP-464). v5: flexible, configs and
//   counts in the response (KIP-525). v6: quota errors (KIP-599). v7: topic ids (KIP-516).
import {ErrorCode, ZERO_UUID, type ResponseInput} from '../../kafka/protocol/index.js'
import {invalidTopicName, mayCreateTopic} from './common.js'
import {topicConfigEntries, warnUnapplied} from './configs.js'
import {defineApi} from './define-api.js'

type Response = ResponseInput<19>
type TopicResult = NonNullable<Response['topics']>[number]

export default defineApi(19, {
  handle(request, ctx) {
    const {state} = ctx
    const counts = new Map<string, number>()
    for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1)
    const topics = request.topics.map((requested): TopicResult => {
      const name = requested.name
      const failed = (errorCode: number, errorMessage: string | null = null): TopicResult => ({
        name,
        topicId: ZERO_UUID,
        errorCode,
        errorMessage,
        numPartitions: -1,
        replicationFactor: -1,
        configs: null,
      })
      if (counts.get(name)! > 1) return failed(ErrorCode.INVALID_REQUEST, `Create topics request from client contains multiple entries for topic ${name}`)
      if (!mayCreateTopic(ctx, name)) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.')
      const nameProblem = invalidTopicName(name)
      if (nameProblem) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
      if (state.log.topic(name)) return failed(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`)

      let partitionCount = requested.numPartitions === -1 ? state.settings.int('num.partitions') : requested.numPartitions
      const replicationFactor = requested.replicationFactor === -1 ? state.settings.int('default.replication.factor') : requested.replicationFactor
      if (requested.assignments.length > 0) {
        if (requested.numPartitions !== -1 || requested.replicationFactor !== -1)
          return failed(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.')
        const indexes = requested.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b)
        if (indexes.some((index, i) => index !== i))
          return failed(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence')
        const elsewhere = requested.assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== state.nodeId)
        if (elsewhere)
          return failed(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `partition ${elsewhere.partitionIndex} is assigned to brokers [${elsewhere.brokerIds.join(', ')}]; the bundled broker has one node, id ${state.nodeId}`,
          )
        partitionCount = requested.assignments.length
      } else {
        if (partitionCount < 1) return failed(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.')
        if (replicationFactor < 1) return failed(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.')
        if (replicationFactor > 1)
          return failed(
            ErrorCode.INVALID_REPLICATION_FACTOR,
            `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered (the bundled broker has one node; use replication factor 1).`,
          )
      }
      const overrides: Record<string, string> = {}
      for (const {name: key, value} of requested.configs) {
        if (value === null) return failed(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${key}`)
        overrides[key] = value
      }
      const outcome = state.log.createTopic(name, partitionCount, overrides, request.validateOnly)
      if (!outcome.ok) return failed(ErrorCode[outcome.error], outcome.message)
      if (!request.validateOnly) {
        state.logger.info(`created topic ${name} with ${partitionCount} partition(s)`)
        warnUnapplied(state.logger, name, overrides)
      }
      const effective = request.validateOnly ? {...state.settings.topicDefaults(), ...overrides} : state.log.effectiveTopicConfig(name)
      return {
        name,
        topicId: request.validateOnly ? ZERO_UUID : outcome.topic.topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: partitionCount,
        replicationFactor: 1,
        configs: topicConfigEntries(state, overrides, effective).map(({name: key, value, readOnly, configSource, isSensitive}) => ({
          name: key,
          value,
          readOnly,
          configSource,
          isSensitive,
        })),
      }
    })
    return {throttleTimeMs: 0, topics}
  },
})
