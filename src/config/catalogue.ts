// The Kafka 4.0 configuration catalogue: which keys a broker/controller accepts, their types
// and ranges (kafka-4.0-configs.ts), keys Kafka 4 no longer accepts, and the prefixed keys
// Kafka reads outside its ConfigDef (listener overrides, authorizer settings).
import {type ConfigKeyDefinition, kafka40ConfigKeys} from './kafka-4.0-configs.js'
import {closest} from './suggest.js'

export type {ConfigKeyDefinition, ConfigType} from './kafka-4.0-configs.js'

const byName = new Map(kafka40ConfigKeys.map((definition) => [definition.name, definition]))

// Read by org.apache.kafka.metadata.authorizer.StandardAuthorizer (StandardAuthorizer.java:
// SUPER_USERS_CONFIG, ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG) from the broker's originals,
// not declared in any ConfigDef, so Kafka accepts them without a warning only via the authorizer.
const authorizerKeys: ConfigKeyDefinition[] = [
  {name: 'super.users', type: 'string', default: null, source: 'StandardAuthorizer'},
  {name: 'allow.everyone.if.no.acl.found', type: 'boolean', default: false, source: 'StandardAuthorizer'},
]
for (const definition of authorizerKeys) byName.set(definition.name, definition)

/** Keys Kafka 3.9 accepted and 4.0 does not (diff of both versions' ConfigDefs), with what replaces them. */
export const removedInKafka4: Record<string, string> = {
  'auto.include.jmx.reporter': 'JmxReporter is always included unless metric.reporters lists others (KIP-830)',
  'broker.id.generation.enable': 'KRaft has no generated broker ids: set node.id',
  'control.plane.listener.name': 'ZooKeeper-mode only; KRaft uses controller.listener.names',
  'controlled.shutdown.max.retries': 'removed with ZooKeeper mode',
  'controlled.shutdown.retry.backoff.ms': 'removed with ZooKeeper mode',
  'delegation.token.master.key': 'renamed delegation.token.secret.key',
  'eligible.leader.replicas.enable': 'eligible leader replicas are a feature level (kafka-features.sh), not a config',
  'inter.broker.protocol.version': 'KRaft uses the metadata.version feature (kafka-features.sh upgrade)',
  'leader.imbalance.per.broker.percentage': 'removed in Kafka 4.0',
  'log.message.downconversion.enable': 'message down-conversion was removed with message formats v0/v1 (KIP-724)',
  'log.message.format.version': 'message formats v0/v1 were removed (KIP-724); delete the key',
  'log.message.timestamp.difference.max.ms': 'use log.message.timestamp.before.max.ms and log.message.timestamp.after.max.ms (KIP-937)',
  'message.format.version': 'message formats v0/v1 were removed (KIP-724); delete the key',
  'message.downconversion.enable': 'message down-conversion was removed with message formats v0/v1 (KIP-724)',
  'message.timestamp.difference.max.ms': 'use message.timestamp.before.max.ms and message.timestamp.after.max.ms (KIP-937)',
  'offsets.commit.required.acks': 'offset commits always use acks=all in Kafka 4.0',
  'password.encoder.cipher.algorithm': 'ZooKeeper-mode dynamic password encoding was removed',
  'password.encoder.iterations': 'ZooKeeper-mode dynamic password encoding was removed',
  'password.encoder.key.length': 'ZooKeeper-mode dynamic password encoding was removed',
  'password.encoder.keyfactory.algorithm': 'ZooKeeper-mode dynamic password encoding was removed',
  'password.encoder.old.secret': 'ZooKeeper-mode dynamic password encoding was removed',
  'password.encoder.secret': 'ZooKeeper-mode dynamic password encoding was removed',
  'reserved.broker.max.id': 'KRaft has no generated broker ids: set node.id',
}

/** Every zookeeper.* key went with ZooKeeper mode (zookeeper.connect, zookeeper.ssl.*, ...). */
export function removedReason(key: string): string | undefined {
  if (key.startsWith('zookeeper.')) return 'ZooKeeper mode was removed in Kafka 4.0: use KRaft (process.roles, controller.quorum.voters)'
  return removedInKafka4[key]
}

// Per-listener overrides (ListenerName.configPrefix): listener.name.<listener>.<key>, or
// listener.name.<listener>.<mechanism>.<key> for SASL settings (sasl.jaas.config ...).
const listenerPrefix = /^listener\.name\.([^.]+)\.(.+)$/

// Kafka passes these prefixes through to plugins (RemoteLogManagerConfig, RemoteLogMetadataManager).
const pluginPrefixes = ['rsm.config.', 'rlmm.config.', 'remote.log.metadata.', 'metrics.context.']

export type KeyStatus =
  | {kind: 'known'; definition: ConfigKeyDefinition}
  | {kind: 'listener-override'; listener: string; definition: ConfigKeyDefinition}
  | {kind: 'plugin'}
  | {kind: 'removed'; reason: string}
  | {kind: 'unknown'; suggestion?: string}

export function lookupKey(key: string): KeyStatus {
  const definition = byName.get(key)
  if (definition) return {kind: 'known', definition}
  const reason = removedReason(key)
  if (reason) return {kind: 'removed', reason}
  const override = listenerPrefix.exec(key)
  if (override) {
    const mechanismKey = /^[a-z0-9-]+\.(sasl\..+)$/i.exec(override[2])
    const found = byName.get(override[2]) ?? (mechanismKey ? byName.get(mechanismKey[1]) : undefined)
    if (found) return {kind: 'listener-override', listener: override[1], definition: found}
  }
  if (pluginPrefixes.some((prefix) => key.startsWith(prefix))) return {kind: 'plugin'}
  return {kind: 'unknown', suggestion: suggestKey(key)}
}

export function configDefinition(key: string): ConfigKeyDefinition | undefined {
  return byName.get(key)
}

/** Closest catalogue key by edit distance, if close enough to be a typo. */
export function suggestKey(key: string): string | undefined {
  const nearLength = [...byName.keys()].filter((name) => Math.abs(name.length - key.length) <= 4)
  return closest(key, nearLength, Math.max(2, Math.floor(key.length / 6)))
}

/**
 * Checks a value against the key's type and range the way ConfigDef.parseType and its
 * validators do; returns a problem sentence or undefined.
 */
export function checkValue(definition: ConfigKeyDefinition, value: string): string | undefined {
  const trimmed = value.trim()
  switch (definition.type) {
    case 'boolean':
      // ConfigDef accepts true/false case-insensitively and nothing else.
      if (!/^(true|false)$/i.test(trimmed)) return `"${value}" is not a boolean (true or false)`
      break
    case 'int':
    case 'short':
    case 'long': {
      if (!/^-?\d+$/.test(trimmed)) return `"${value}" is not an integer`
      const limits = {int: [-(2 ** 31), 2 ** 31 - 1], short: [-32768, 32767], long: [-(2 ** 63), 2 ** 63 - 1]}[definition.type]
      const number = Number(trimmed)
      if (number < limits[0] || number > limits[1]) return `${trimmed} does not fit a Java ${definition.type}`
      return checkRange(definition, number)
    }
    case 'double':
      if (trimmed === '' || Number.isNaN(Number(trimmed))) return `"${value}" is not a number`
      return checkRange(definition, Number(trimmed))
    case 'list':
      if (definition.values) {
        const bad = trimmed.split(',').map((item) => item.trim()).filter((item) => item !== '' && !definition.values!.includes(item))
        if (bad.length > 0) return `${bad.join(', ')} not in ${definition.values.join(', ')}`
      }
      break
    case 'string':
      if (definition.values && !definition.values.some((allowed) => String(allowed).toLowerCase() === trimmed.toLowerCase())) {
        return `"${value}" is not one of ${definition.values.join(', ')}`
      }
      break
    default:
      break
  }
  return undefined
}

function checkRange(definition: ConfigKeyDefinition, number: number): string | undefined {
  if (definition.min !== undefined && number < definition.min) {
    return definition.max === undefined ? `${number} is below the minimum ${definition.min}` : `${number} is outside ${definition.min}..${definition.max}`
  }
  if (definition.max !== undefined && number > definition.max) return `${number} is outside ${definition.min ?? '-∞'}..${definition.max}`
  return undefined
}
