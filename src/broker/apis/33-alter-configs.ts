// AlterConfigs (key 33), versions 0-2.
//
// Behavior:
// - Topic resources: the given configs REPLACE the topic's overrides (Kafka's AlterConfigs
//   semantics; unlisted overrides go back to their defaults). Names outside Kafka's topic
//   configs, and bad values, are INVALID_CONFIG; a null value is INVALID_REQUEST. validateOnly
//   checks without storing. Changes apply to the open logs at once (retention, roll, limits).
// - Broker resources (the node id, or "" for the cluster default): the given configs REPLACE
//   that entity's dynamic broker configs, checked, stored and applied as dynamic-configs.ts
//   says (a read-only key: INVALID_REQUEST "Cannot update these configs dynamically: Set(..)",
//   as Kafka); validateOnly checks without storing.
// - BROKER_LOGGER: INVALID_REQUEST (no log4j loggers here).
// - ACLs: ALTER_CONFIGS on the topic or the cluster.
//
// Version notes:
// - v1: same as v0. v2: flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {alterBrokerConfigs, alterTarget, isError, storeTopicConfig} from './alter-topic-configs.js'
import {ResourceType} from './configs.js'
import {defineApi} from './define-api.js'

export default defineApi(33, {
  handle(request, ctx) {
    const responses = request.resources.map(({resourceType, resourceName, configs}) => {
      const respond = (r: {errorCode: number; errorMessage: string | null}) => ({...r, resourceType, resourceName})
      if (resourceType === ResourceType.BROKER) {
        // AlterConfigs replaces the whole dynamic config set of the broker (or the default).
        return respond(
          alterBrokerConfigs(ctx, resourceName, request.validateOnly, () => {
            const next = new Map<string, string>()
            for (const {name, value} of configs) {
              if (value === null) return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Null value not supported for : ${name}`}
              next.set(name, value)
            }
            return next
          }),
        )
      }
      const target = alterTarget(ctx, resourceType, resourceName)
      if (isError(target)) return respond(target)
      const overrides: Record<string, string> = {}
      for (const {name, value} of configs) {
        if (value === null) return respond({errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Null value not supported for : ${name}`})
        overrides[name] = value
      }
      return respond(storeTopicConfig(ctx, resourceName, overrides, request.validateOnly))
    })
    return {throttleTimeMs: 0, responses}
  },
})
