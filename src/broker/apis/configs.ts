// Config entries as DescribeConfigs and CreateTopics (v5+) report them: value, source,
// synonyms (KIP-226) and type/documentation (KIP-569), for topic and broker resources.
import {configSourceNumber} from '../../kafka/protocol/config-sources.js'
import {knownTopicConfigKeys, unappliedTopicConfigs} from '../log-adapter.js'
import {configDefinition} from '../../config/catalogue.js'
import {type DynamicScope, brokerSettings, configTypeCodes, settingDef, storedOnlyTopicConfig, topicConfigSynonyms} from '../settings.js'
import type {BrokerState} from '../state.js'
import type {Logger} from '../types.js'

/** ConfigResource.Type as on the wire. */
export const ResourceType = {TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8} as const


export interface ConfigEntry {
  name: string
  value: string | null
  readOnly: boolean
  configSource: number
  isSensitive: boolean
  synonyms: {name: string; value: string | null; source: number}[]
  configType: number
  documentation: string | null
}

/** A broker setting in each layer that defines it, highest precedence first (Kafka's synonyms). */
function brokerSynonyms(state: BrokerState, name: string, scope: DynamicScope): ConfigEntry['synonyms'] {
  return state.settings
    .layers(name)
    .filter((layer) => scope === 'broker' || layer.source !== 'DYNAMIC_BROKER_CONFIG')
    .map((layer) => ({name, value: isSensitive(name) ? null : layer.value, source: configSourceNumber(layer.source)}))
}

function isSensitive(name: string): boolean {
  return (settingDef(name)?.type ?? configDefinition(name)?.type) === 'password'
}

// Kafka's brokerConfigSynonyms: a time setting given in ms, minutes or hours is one setting.
const timeSynonyms = [['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'], ['log.roll.ms', 'log.roll.hours']]

/** Every topic config the broker knows, for a topic with `overrides` (sorted by name). */
export function topicConfigEntries(state: BrokerState, overrides: Record<string, string>, effective: Record<string, string>): ConfigEntry[] {
  return [...knownTopicConfigKeys]
    .sort()
    .map((name) => {
      const brokerNames = topicConfigSynonyms[name] ?? []
      const def = brokerNames.length > 0 ? settingDef(brokerNames[0]) : storedOnlyTopicConfig(name)
      const synonyms: ConfigEntry['synonyms'] = []
      if (overrides[name] !== undefined) synonyms.push({name, value: overrides[name], source: configSourceNumber('DYNAMIC_TOPIC_CONFIG')})
      for (const brokerName of brokerNames) synonyms.push(...brokerSynonyms(state, brokerName, 'broker'))
      const source = overrides[name] !== undefined ? configSourceNumber('DYNAMIC_TOPIC_CONFIG') : (synonyms[0]?.source ?? configSourceNumber('DEFAULT_CONFIG'))
      return {
        name,
        value: overrides[name] ?? effective[name] ?? null,
        readOnly: false,
        configSource: source,
        isSensitive: false,
        synonyms,
        configType: def ? configTypeCodes[def.type] : 0,
        documentation: def?.doc ?? null,
      }
    })
}

/**
 * A broker resource: for the node id every setting the broker knows plus any other key set
 * dynamically, each from its highest layer; for the cluster default (scope 'default') only
 * the configs set there, as Kafka answers. Dynamic keys are not read-only.
 */
export function brokerConfigEntries(state: BrokerState, scope: DynamicScope): ConfigEntry[] {
  const names =
    scope === 'default'
      ? [...state.settings.dynamicConfigs('default').keys()].sort()
      : [...new Set([...brokerSettings.map((def) => def.name), ...state.settings.dynamicConfigs('default').keys(), ...state.settings.dynamicConfigs('broker').keys()])]
  return names.map((name) => {
    const own = settingDef(name)
    const kafka = configDefinition(name)
    const sensitive = isSensitive(name)
    const group = timeSynonyms.find((names) => names.includes(name)) ?? [name]
    const synonyms = group.flatMap((synonym) => brokerSynonyms(state, synonym, scope))
    const top = synonyms.find((synonym) => synonym.name === name)
    const type = own?.type ?? kafka?.type
    return {
      name,
      value: sensitive ? null : (top?.value ?? null),
      readOnly: kafka?.dynamic === undefined,
      configSource: top?.source ?? configSourceNumber('DEFAULT_CONFIG'),
      isSensitive: sensitive,
      synonyms,
      configType: type ? configTypeCodes[type] : 0,
      documentation: own?.doc ?? null,
    }
  })
}

/**
 * The log cleaner's state of a compacted topic, per partition in partition order, as two
 * read-only entries the broker returns only when a DescribeConfigs names them (kctl topics
 * describe does; Kafka has no such entries and answers nothing for the names, so kctl shows
 * them only for the bundled broker): the dirty ratio (dirty bytes / bytes of closed
 * segments, 4 decimals) and when the partition was last cleaned (epoch ms, -1 = never).
 */
export const cleanerStateKeys = {dirtyRatio: 'kctl.log.cleaner.dirty.ratio', lastCleanedMs: 'kctl.log.cleaner.last.cleaned.ms'} as const

export function cleanerStateEntries(state: BrokerState, topic: string, partitions: number, requested: string[] | null): ConfigEntry[] {
  if (requested === null || !Object.values(cleanerStateKeys).some((key) => requested.includes(key))) return []
  const stats = Array.from({length: partitions}, (_, p) => state.log.cleanerStats(topic, p))
  if (stats.some((entry) => entry === undefined)) return []
  const entry = (name: string, value: string, documentation: string): ConfigEntry => ({
    name,
    value,
    readOnly: true,
    configSource: configSourceNumber('DEFAULT_CONFIG'),
    isSensitive: false,
    synonyms: [],
    configType: configTypeCodes.list,
    documentation,
  })
  return [
    entry(cleanerStateKeys.dirtyRatio, stats.map((s) => s!.dirtyRatio.toFixed(4)).join(','), 'per partition: dirty bytes / bytes of closed segments'),
    entry(cleanerStateKeys.lastCleanedMs, stats.map((s) => String(s!.lastCleanedMs)).join(','), 'per partition: when the cleaner last finished a pass (epoch ms, -1 = never)'),
  ]
}

/** Says in the broker log which of a topic's overrides are stored but not applied here. */
export function warnUnapplied(logger: Logger, topic: string, overrides: Record<string, string>): void {
  const unapplied = unappliedTopicConfigs(overrides)
  if (unapplied.length > 0) logger.warn(`topic ${topic}: ${unapplied.map((key) => `${key}=${overrides[key]}`).join(', ')} stored but not applied by the bundled broker`)
}
