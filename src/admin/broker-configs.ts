// Broker configs behind `kctl configs ...`, like `kafka-configs --entity-type brokers`: describe
// a broker's configs (or the cluster-wide defaults, resource name ""), set and delete dynamic
// ones with IncrementalAlterConfigs (KIP-339). Works against the bundled broker and real
// Kafka alike: sources and synonyms are Kafka's, sensitive values come back null and are shown
// as such. All network code of these commands is in this file, on kctl's client.
//
// Routing, as Kafka's AdminClient does it: a broker's own configs are asked of that broker;
// the cluster default of any broker. Changes go to that broker (per-broker) or the
// controller-or-any broker (default), which KRaft forwards to the controller. A broker without
// IncrementalAlterConfigs (before Kafka 2.3) gets the legacy AlterConfigs, which replaces the
// entity's whole dynamic set: kctl reads it, changes it and writes it back.
import {ExitCode, KctlError} from '../errors.js'
import {type KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {configSourceName, configSourceNumber} from '../kafka/protocol/config-sources.js'
import {ErrorCode, errorByCode} from '../kafka/protocol/index.js'

const BROKER_RESOURCE = 4
const SET = 0
const DELETE = 1

const DYNAMIC_SOURCES = new Set([configSourceNumber('DYNAMIC_BROKER_CONFIG'), configSourceNumber('DYNAMIC_DEFAULT_BROKER_CONFIG')])

/** A broker id, or the cluster-wide default that every broker without its own value takes. */
export type BrokerEntity = {broker: number} | {defaults: true}

export function entityName(entity: BrokerEntity): string {
  return 'broker' in entity ? String(entity.broker) : ''
}

export function entityLabel(entity: BrokerEntity): string {
  return 'broker' in entity ? `broker ${entity.broker}` : 'the broker defaults'
}

export interface BrokerConfigRow {
  name: string
  /** null for a sensitive value (the broker never returns it) or a config without a value. */
  value: string | null
  source: string
  sensitive: boolean
  readOnly: boolean
  /** The config in every layer that sets it, highest precedence first. */
  synonyms: {name: string; value: string | null; source: string}[]
}

export interface BrokerConfigChangeRow {
  entity: string
  config: string
  action: 'set' | 'delete'
  value: string | null
  status: 'altered' | 'failed'
  error: string | null
}

function errorText(code: number, brokerMessage: string | null | undefined): string {
  const known = errorByCode(code)
  return `${known.name}: ${brokerMessage || known.message}`
}

/** A broker id the cluster does not have is exit 4, not a retry until the budget runs out. */
async function checkBroker(client: KafkaClient, entity: BrokerEntity, action: string): Promise<void> {
  if (!('broker' in entity)) return
  const {brokers} = await client.metadata([])
  if (!brokers.some((node) => node.nodeId === entity.broker)) {
    throw new KctlError(`unable to ${action}: broker ${entity.broker} is not in the cluster`, {
      exitCode: ExitCode.notFound,
      hint: `brokers: ${brokers.map((node) => node.nodeId).join(', ')} (kctl cluster describe)`,
    })
  }
}

async function connectionFor(client: KafkaClient, entity: BrokerEntity) {
  return 'broker' in entity ? client.broker(entity.broker) : client.anyBroker()
}

/**
 * The entity's configs, sorted by name. `all` = every config the broker reports (as
 * kafka-configs --all); otherwise only the dynamic ones (as kafka-configs --describe).
 */
export async function describeBrokerConfigs(client: KafkaClient, entity: BrokerEntity, options: {all?: boolean; keys?: string[]} = {}): Promise<BrokerConfigRow[]> {
  await checkBroker(client, entity, `describe the configs of ${entityLabel(entity)}`)
  const response = await client.retry(async () => {
    const connection = await connectionFor(client, entity)
    const answer = await connection.send(32, {
      resources: [{resourceType: BROKER_RESOURCE, resourceName: entityName(entity), configurationKeys: options.keys ?? null}],
      includeSynonyms: true,
      includeDocumentation: false,
    })
    const result = answer.results[0]
    if (result && result.errorCode !== 0) throw KafkaClientError.fromCode(result.errorCode, result.errorMessage, connection.address)
    return result
  })
  return (response?.configs ?? [])
    .filter((entry) => options.all || options.keys || DYNAMIC_SOURCES.has(entry.configSource))
    .map((entry) => ({
      name: entry.name,
      value: entry.isSensitive ? null : entry.value,
      source: configSourceName(entry.configSource),
      sensitive: entry.isSensitive,
      readOnly: entry.readOnly,
      synonyms: (entry.synonyms ?? []).map((synonym) => ({name: synonym.name, value: entry.isSensitive ? null : synonym.value, source: configSourceName(synonym.source)})),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** Sets and deletes dynamic configs of the entity; one row per change, all with the request's outcome. */
export async function alterBrokerConfigs(client: KafkaClient, entity: BrokerEntity, set: Record<string, string>, remove: string[]): Promise<BrokerConfigChangeRow[]> {
  const name = entityName(entity)
  const label = 'broker' in entity ? String(entity.broker) : '<default>'
  await checkBroker(client, entity, `alter the configs of ${entityLabel(entity)}`)
  const changes: Omit<BrokerConfigChangeRow, 'status' | 'error'>[] = [
    ...Object.entries(set).map(([config, value]) => ({entity: label, config, action: 'set' as const, value})),
    ...remove.map((config) => ({entity: label, config, action: 'delete' as const, value: null})),
  ]
  const result = await client.retry(async () => {
    const connection = 'broker' in entity ? await client.broker(entity.broker) : await client.controller()
    let answer: {errorCode: number; errorMessage: string | null} | undefined
    if (connection.supports(44)) {
      const configs = changes.map((change) => ({name: change.config, configOperation: change.action === 'set' ? SET : DELETE, value: change.value}))
      answer = (await connection.send(44, {resources: [{resourceType: BROKER_RESOURCE, resourceName: name, configs}], validateOnly: false})).responses[0]
    } else {
      const current = new Map((await describeBrokerConfigs(client, entity)).filter((row) => row.source === (name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG')).map((row) => [row.name, row.value]))
      for (const key of remove) current.delete(key)
      for (const [key, value] of Object.entries(set)) current.set(key, value)
      const configs = [...current].map(([key, value]) => ({name: key, value}))
      answer = (await connection.send(33, {resources: [{resourceType: BROKER_RESOURCE, resourceName: name, configs}], validateOnly: false})).responses[0]
    }
    if (answer?.errorCode === ErrorCode.NOT_CONTROLLER) throw KafkaClientError.fromCode(ErrorCode.NOT_CONTROLLER)
    return answer
  })
  const error = !result ? `UNKNOWN_SERVER_ERROR: the broker did not answer for ${entityLabel(entity)}` : result.errorCode !== 0 ? errorText(result.errorCode, result.errorMessage) : null
  return changes.map((change) => ({...change, status: error ? 'failed' : 'altered', error}))
}
