// IncrementalAlterConfigs (key 44), versions 0-1.
//
// Behavior:
// - Topic resources: SET (0) and DELETE (1) change single overrides and keep the rest;
//   APPEND (2) and SUBTRACT (3) work on list configs (cleanup.policy) from the effective
//   value, and are INVALID_REQUEST on others, as in Kafka. The same name twice in one
//   resource is INVALID_REQUEST. The result is validated like AlterConfigs (INVALID_CONFIG);
//   validateOnly checks without storing.
// - Broker resources: INVALID_REQUEST (settings are static; restart with --config).
// - ACLs: ALTER_CONFIGS on the topic or the cluster.
//
// Version notes:
// - v0: KIP-339. v1: flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {settingDef, storedOnlyTopicConfig, topicConfigSynonyms} from '../settings.js'
import {alterTarget, isError, storeTopicConfig} from './alter-topic-configs.js'
import {defineApi} from './define-api.js'

const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3

function isListConfig(name: string): boolean {
  const synonyms = topicConfigSynonyms[name]
  return (synonyms !== undefined ? settingDef(synonyms[0]) : storedOnlyTopicConfig(name))?.type === 'list'
}

export default defineApi(44, {
  handle(request, ctx) {
    const responses = request.resources.map(({resourceType, resourceName, configs}) => {
      const respond = (r: {errorCode: number; errorMessage: string | null}) => ({...r, resourceType, resourceName})
      const invalid = (errorMessage: string) => respond({errorCode: ErrorCode.INVALID_REQUEST, errorMessage})
      const target = alterTarget(ctx, resourceType, resourceName)
      if (isError(target)) return respond(target)
      const names = configs.map((c) => c.name)
      const duplicate = names.find((name, i) => names.indexOf(name) !== i)
      if (duplicate) return invalid(`Error due to duplicate config keys: ${duplicate}`)
      const overrides = {...target}
      const effective = ctx.state.log.effectiveTopicConfig(resourceName)
      for (const {name, configOperation, value} of configs) {
        switch (configOperation) {
          case SET:
            if (value === null) return invalid(`Null value not supported for : ${name}`)
            overrides[name] = value
            break
          case DELETE:
            delete overrides[name]
            break
          case APPEND:
          case SUBTRACT: {
            if (!isListConfig(name)) return invalid(`Config value append/subtract is not allowed for config key: ${name}`)
            const current = (overrides[name] ?? effective[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean)
            const given = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
            const next = configOperation === APPEND ? [...current, ...given.filter((v) => !current.includes(v))] : current.filter((v) => !given.includes(v))
            overrides[name] = next.join(',')
            break
          }
          default:
            return invalid(`unknown config operation ${configOperation} for ${name}`)
        }
      }
      return respond(storeTopicConfig(ctx, resourceName, overrides, request.validateOnly))
    })
    return {throttleTimeMs: 0, responses}
  },
})
