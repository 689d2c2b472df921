// The part AlterConfigs and IncrementalAlterConfigs share: checking a resource and storing a
// topic's new override set (or only validating it).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {ResourceType, warnUnapplied} from './configs.js'
import type {HandlerContext} from './define-api.js'

export interface AlterResult {
  errorCode: number
  errorMessage: string | null
}

export const altered: AlterResult = {errorCode: ErrorCode.NONE, errorMessage: null}

/** Checks the resource; returns an error result, or the topic's current overrides. */
export function alterTarget(ctx: HandlerContext, resourceType: number, resourceName: string): AlterResult | Record<string, string> {
  const {state} = ctx
  if (resourceType === ResourceType.BROKER || resourceType === ResourceType.BROKER_LOGGER) {
    if (!allowed(ctx, 'ALTER_CONFIGS', 'CLUSTER', 'kafka-cluster')) return {errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null}
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'the bundled broker\'s settings are static: restart it with --config key=value to change them',
    }
  }
  if (resourceType !== ResourceType.TOPIC)
    return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${resourceType} is not supported by the bundled broker`}
  if (!allowed(ctx, 'ALTER_CONFIGS', 'TOPIC', resourceName)) return {errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null}
  const topic = state.log.topic(resourceName)
  if (!topic) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resourceName} does not exist`}
  return topic.configs
}

export function isError(target: AlterResult | Record<string, string>): target is AlterResult {
  return typeof (target as AlterResult).errorCode === 'number'
}

export function storeTopicConfig(ctx: HandlerContext, topic: string, overrides: Record<string, string>, validateOnly: boolean): AlterResult {
  const outcome = ctx.state.log.setTopicConfig(topic, overrides, validateOnly)
  if (!outcome.ok) return {errorCode: ErrorCode[outcome.error], errorMessage: outcome.message}
  if (!validateOnly) {
    ctx.state.logger.info(`topic ${topic} configs now ${JSON.stringify(overrides)}`)
    warnUnapplied(ctx.state.logger, topic, overrides)
  }
  return altered
}
