// The part AlterConfigs and IncrementalAlterConfigs share: checking a resource and storing a
// topic's new override set or a broker's new dynamic configs (or only validating them).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {alterDynamicConfigs} from '../dynamic-configs.js'
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
  if (resourceType === ResourceType.BROKER_LOGGER) {
    if (!allowed(ctx, 'ALTER_CONFIGS', 'CLUSTER', 'kafka-cluster')) return {errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null}
    return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'BROKER_LOGGER is not supported: the bundled broker has no log4j loggers to change'}
  }
  if (resourceType !== ResourceType.TOPIC)
    return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${resourceType} is not supported by the bundled broker`}
  if (!allowed(ctx, 'ALTER_CONFIGS', 'TOPIC', resourceName)) return {errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null}
  const topic = state.log.topic(resourceName)
  if (!topic) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resourceName} does not exist`}
  return topic.configs
}

/**
 * AlterConfigs and IncrementalAlterConfigs on a BROKER resource (the node id, or "" for the
 * cluster default): `compute` turns the resource's current dynamic configs into the new set
 * (or refuses the request); dynamic-configs.ts checks, stores and applies it.
 */
export function alterBrokerConfigs(
  ctx: HandlerContext,
  resourceName: string,
  validateOnly: boolean,
  compute: (current: ReadonlyMap<string, string>, effective: (name: string) => string | undefined) => Map<string, string> | AlterResult,
): AlterResult {
  const {state} = ctx
  if (!allowed(ctx, 'ALTER_CONFIGS', 'CLUSTER', 'kafka-cluster')) return {errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null}
  if (resourceName !== '' && resourceName !== String(state.nodeId))
    return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${state.nodeId} or empty string, but received ${resourceName}`}
  const scope = resourceName === '' ? 'default' : 'broker'
  const next = compute(state.settings.dynamicConfigs(scope), (name) => state.settings.get(name))
  if (!(next instanceof Map)) return next
  return alterDynamicConfigs(state.settings, state.dataDir, scope, next, {validateOnly, check: (candidate) => state.log.checkSettings(candidate), logger: state.logger})
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
