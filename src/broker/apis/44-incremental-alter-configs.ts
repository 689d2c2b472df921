// IncrementalAlterConfigs (key 44), versions 0-1.
//
// Behavior:
// - Topic resources: SET (0) and DELETE (1) change single overrides and keep the rest;
//   APPEND (2) and SUBTRACT (3) work on list configs (cleanup.policy) from the effective
//   value, and are INVALID_REQUEST on others, as in Kafka. The same name twice in one
//   resource is INVALID_REQUEST. The result is validated like AlterConfigs (INVALID_CONFIG);
//   validateOnly checks without storing.
// - Broker resources (the node id, or "" for the cluster default): the same operations on
//   that entity's dynamic broker configs (APPEND/SUBTRACT on Kafka's list-typed keys), checked,
//   stored and applied as dynamic-configs.ts says; a read-only key is INVALID_REQUEST "Cannot
//   update these configs dynamically: Set(..)", as Kafka (KAFKA-13609 keeps INVALID_REQUEST).
// - BROKER_LOGGER: INVALID_REQUEST (no log4j loggers here).
// - ACLs: ALTER_CONFIGS on the topic or the cluster.
//
// Version notes:
// - v0: KIP-339. v1: flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {settingDef, storedOnlyTopicConfig, topicConfigSynonyms} from '../settings.js'
import {configDefinition} from '../../config/catalogue.js'
import {alterBrokerConfigs, alterTarget, isError, storeTopicConfig} from './alter-topic-configs.js'
import {ResourceType} from './configs.js'
import {defineApi} from './define-api.js'

const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3

function isListConfig(name: string): boolean {
  const synonyms = topicConfigSynonyms[name]
  return (synonyms !== undefined ? settingDef(synonyms[0]) : storedOnlyTopicConfig(name))?.type === 'list'
}

// APPEND adds the values not there yet; SUBTRACT removes them (Kafka's list semantics).
function applyListOperation(operation: number, current: string, value: string | null): string {
  const items = current.split(',').map((s) => s.trim()).filter(Boolean)
  const given = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const next = operation === APPEND ? [...items, ...given.filter((v) => !items.includes(v))] : items.filter((v) => !given.includes(v))
  return next.join(',')
}

export default defineApi(44, {
  handle(request, ctx) {
    const responses = request.resources.map(({resourceType, resourceName, configs}) => {
      const respond = (r: {errorCode: number; errorMessage: string | null}) => ({...r, resourceType, resourceName})
      const invalid = (errorMessage: string) => respond({errorCode: ErrorCode.INVALID_REQUEST, errorMessage})
      const names = configs.map((c) => c.name)
      const duplicate = names.find((name, i) => names.indexOf(name) !== i)
      if (resourceType === ResourceType.BROKER) {
        if (duplicate) return invalid(`Error due to duplicate config keys: ${duplicate}`)
        return respond(
          alterBrokerConfigs(ctx, resourceName, request.validateOnly, (current, effective) => {
            const next = new Map(current)
            for (const {name, configOperation, value} of configs) {
              const refused = (errorMessage: string) => ({errorCode: ErrorCode.INVALID_REQUEST, errorMessage})
              if (configOperation === SET) {
                if (value === null) return refused(`Null value not supported for : ${name}`)
                next.set(name, value)
              } else if (configOperation === DELETE) next.delete(name)
              else if (configOperation === APPEND || configOperation === SUBTRACT) {
                if (configDefinition(name)?.type !== 'list') return refused(`Config value append/subtract is not allowed for config key: ${name}`)
                next.set(name, applyListOperation(configOperation, next.get(name) ?? effective(name) ?? '', value))
              } else return refused(`unknown config operation ${configOperation} for ${name}`)
            }
            return next
          }),
        )
      }
      const target = alterTarget(ctx, resourceType, resourceName)
      if (isError(target)) return respond(target)
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
            overrides[name] = applyListOperation(configOperation, overrides[name] ?? effective[name] ?? '', value)
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
