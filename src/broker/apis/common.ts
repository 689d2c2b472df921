// Helpers shared by several handlers: Kafka's topic name rule, the per-resource ACL check and
// the fencing error of transactional APIs.
import {ErrorCode, type ErrorName} from '../../kafka/protocol/errors.js'
import type {HandlerContext} from './define-api.js'
import type {AclOperation, AclResourceType} from '../types.js'

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/
/** Kafka's Topic.MAX_NAME_LENGTH: 249, so that a partition directory name stays under 255. */
const MAX_TOPIC_NAME_LENGTH = 249

/** Kafka's Topic.validate: a message saying what is wrong, or undefined when the name is legal. */
export function invalidTopicName(name: string): string | undefined {
  if (name.length === 0) return 'topic name is empty'
  if (name === '.' || name === '..') return `topic name "${name}" is not allowed`
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is ${name.length} characters, more than ${MAX_TOPIC_NAME_LENGTH}`
  if (!TOPIC_NAME.test(name)) return `topic name "${name}" has characters other than ASCII letters, digits, '.', '_' and '-'`
  return undefined
}

export function allowed(ctx: HandlerContext, operation: AclOperation, resourceType: AclResourceType, name: string): boolean {
  return ctx.state.allowed(ctx.connection, operation, resourceType, name)
}

/** CREATE on the cluster or on the topic, as Kafka checks for CreateTopics and auto-creation. */
export function mayCreateTopic(ctx: HandlerContext, name: string): boolean {
  return allowed(ctx, 'CREATE', 'CLUSTER', 'kafka-cluster') || allowed(ctx, 'CREATE', 'TOPIC', name)
}

/** Kafka's authorizedOperations bitfield for a topic (bit = AclOperation code), KIP-430. */
const TOPIC_OPERATION_CODES: [AclOperation, number][] = [
  ['READ', 3],
  ['WRITE', 4],
  ['CREATE', 5],
  ['DELETE', 6],
  ['ALTER', 7],
  ['DESCRIBE', 8],
  ['DESCRIBE_CONFIGS', 10],
  ['ALTER_CONFIGS', 11],
]
const CLUSTER_OPERATION_CODES: [AclOperation, number][] = [
  ['CREATE', 5],
  ['ALTER', 7],
  ['DESCRIBE', 8],
  ['CLUSTER_ACTION', 9],
  ['DESCRIBE_CONFIGS', 10],
  ['ALTER_CONFIGS', 11],
  ['IDEMPOTENT_WRITE', 12],
]

export function authorizedOperations(ctx: HandlerContext, resourceType: 'TOPIC' | 'CLUSTER', name: string): number {
  let bits = 0
  for (const [operation, code] of resourceType === 'TOPIC' ? TOPIC_OPERATION_CODES : CLUSTER_OPERATION_CODES)
    if (allowed(ctx, operation, resourceType, name)) bits |= 1 << code
  return bits
}

/** Kafka's "authorized operations not requested" value. */
export const OPERATIONS_NOT_REQUESTED = -2147483648

/** Kafka's version rule for fencing errors (KIP-588): PRODUCER_FENCED from `sinceVersion`,
 *  INVALID_PRODUCER_EPOCH (which older clients understand as fenced) below it. */
export function fencingCode(error: ErrorName, apiVersion: number, sinceVersion: number): number {
  return ErrorCode[error === 'PRODUCER_FENCED' && apiVersion < sinceVersion ? 'INVALID_PRODUCER_EPOCH' : error]
}
