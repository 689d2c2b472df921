// DescribeConfigs (key 32), versions 1-4.
//
// Behavior:
// - Topic resources: every topic config the broker knows, with its effective value and source
//   (TOPIC_CONFIG for an override, else the broker setting behind it: DYNAMIC_BROKER_CONFIG,
//   DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG when given at start, DEFAULT_CONFIG),
//   synonyms when asked (the override, then every layer of the broker settings in Kafka's
//   precedence, e.g. log.retention.ms/minutes/hours), types and documentation for v3+.
//   A compacted topic also answers kctl.log.cleaner.dirty.ratio and
//   kctl.log.cleaner.last.cleaned.ms (read-only, per partition) when they are named, for
//   `kctl topics describe` (configs.ts: cleanerStateEntries); never in a full listing.
// - Broker resources, as Kafka: the node id gives every setting the broker knows (and any key
//   set dynamically) from its highest layer, with all layers as synonyms; "" (the cluster
//   default) gives only the dynamic cluster-default configs. Keys Kafka 4.0 can update
//   dynamically are not read-only (see dynamic-configs.ts). Passwords are sensitive with a
//   null value. Another broker id is INVALID_REQUEST, as in Kafka.
// - BROKER_LOGGER resources: an empty list (the broker has no log4j loggers to list). Other
//   resource types: INVALID_REQUEST.
// - ACLs: DESCRIBE_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or the cluster
//   (CLUSTER_AUTHORIZATION_FAILED).
//
// Not implemented:
// - Group and client-metrics resources; DYNAMIC_BROKER_LOGGER_CONFIG.
//
// Version notes:
// - v1: synonyms and config source (KIP-226). v2: same as v1. v3: config type and
//   documentation (KIP-569). v4: flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {ResourceType, brokerConfigEntries, cleanerStateEntries, topicConfigEntries, type ConfigEntry} from './configs.js'
import {defineApi} from './define-api.js'

export default defineApi(32, {
  handle(request, ctx) {
    const {state, apiVersion} = ctx
    const results = request.resources.map(({resourceType, resourceName, configurationKeys}) => {
      const result = (errorCode: number, errorMessage: string | null, configs: ConfigEntry[] = []) => {
        const wanted = configurationKeys === null ? configs : configs.filter((c) => configurationKeys.includes(c.name))
        return {
          errorCode,
          errorMessage,
          resourceType,
          resourceName,
          configs: wanted.map((c) => ({
            ...c,
            synonyms: request.includeSynonyms ? c.synonyms : [],
            documentation: apiVersion >= 3 && request.includeDocumentation ? c.documentation : null,
          })),
        }
      }
      switch (resourceType) {
        case ResourceType.TOPIC: {
          if (!allowed(ctx, 'DESCRIBE_CONFIGS', 'TOPIC', resourceName)) return result(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null)
          const topic = state.log.topic(resourceName)
          if (!topic) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist`)
          return result(ErrorCode.NONE, null, [
            ...topicConfigEntries(state, topic.configs, state.log.effectiveTopicConfig(resourceName)),
            ...cleanerStateEntries(state, resourceName, topic.partitions, configurationKeys),
          ])
        }
        case ResourceType.BROKER: {
          if (!allowed(ctx, 'DESCRIBE_CONFIGS', 'CLUSTER', 'kafka-cluster')) return result(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null)
          if (resourceName !== '' && resourceName !== String(state.nodeId))
            return result(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${state.nodeId} or empty string, but received ${resourceName}`)
          return result(ErrorCode.NONE, null, brokerConfigEntries(state, resourceName === '' ? 'default' : 'broker'))
        }
        case ResourceType.BROKER_LOGGER:
          return result(ErrorCode.NONE, null)
        default:
          return result(ErrorCode.INVALID_REQUEST, `resource type ${resourceType} is not supported by the bundled broker`)
      }
    })
    return {throttleTimeMs: 0, results}
  },
})
