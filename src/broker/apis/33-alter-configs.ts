// AlterConfigs (key 33), versions 0-2.
//
// Behavior:
// - Topic resources: the given configs REPLACE the topic's overrides (Kafka's AlterConfigs
//   semantics; unlisted overrides go back to their defaults). Names outside Kafka's topic
//   configs, and bad values, are INVALID_CONFIG; a null value is INVALID_REQUEST. validateOnly
//   checks without storing. Changes apply to the open logs at once (retention, roll, limits).
// - Broker resources: INVALID_REQUEST — the bundled broker's settings are static (restart
//   with --config); Kafka answers the same for a static config.
// - ACLs: ALTER_CONFIGS on the topic or the cluster.
//
// Version notes:
// - v1: same as v0. v2: flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {alterTarget, isError, storeTopicConfig} from './alter-topic-configs.js'
import {defineApi} from './define-api.js'

export default defineApi(33, {
  handle(request, ctx) {
    const responses = request.resources.map(({resourceType, resourceName, configs}) => {
      const respond = (r: {errorCode: number; errorMessage: string | null}) => ({...r, resourceType, resourceName})
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
