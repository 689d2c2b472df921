// Config entries as DescribeConfigs and CreateTopics (v5+) report them: value, source,
// synonyms (KIP-226) and type/documentation (KIP-569), for topic and broker resources.
import {knownTopicConfigKeys, unappliedTopicConfigs} from '../log-adapter.js'
import {brokerSettings, configTypeCodes, settingDef, storedOnlyTopicConfig, topicConfigSynonyms} from '../settings.js'
import type {BrokerState} from '../state.js'
import type {Logger} from '../types.js'

/** ConfigResource.Type as on the wire. */
export const ResourceType = {TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8} as const

/** DescribeConfigsResponse.ConfigSource. */
export const ConfigSource = {TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5} as const

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

function brokerSource(state: BrokerState, name: string): number {
  return state.settings.explicit.has(name) ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG
}

/** Every topic config the broker knows, for a topic with `overrides` (sorted by name). */
export function topicConfigEntries(state: BrokerState, overrides: Record<string, string>, effective: Record<string, string>): ConfigEntry[] {
  return [...knownTopicConfigKeys]
    .sort()
    .map((name) => {
      const brokerNames = topicConfigSynonyms[name] ?? []
      const def = brokerNames.length > 0 ? settingDef(brokerNames[0]) : storedOnlyTopicConfig(name)
      const synonyms: ConfigEntry['synonyms'] = []
      if (overrides[name] !== undefined) synonyms.push({name, value: overrides[name], source: ConfigSource.TOPIC_CONFIG})
      for (const brokerName of brokerNames) {
        const value = state.settings.get(brokerName)
        if (value !== undefined) synonyms.push({name: brokerName, value, source: brokerSource(state, brokerName)})
      }
      const source = overrides[name] !== undefined ? ConfigSource.TOPIC_CONFIG : (synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG)
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

/** The broker's own settings, as a static (restart-to-change) configuration. */
export function brokerConfigEntries(state: BrokerState): ConfigEntry[] {
  return brokerSettings.map((def) => {
    const sensitive = def.type === 'password'
    const value = sensitive ? null : (state.settings.get(def.name) ?? null)
    const source = brokerSource(state, def.name)
    return {
      name: def.name,
      value,
      readOnly: true,
      configSource: source,
      isSensitive: sensitive,
      synonyms: value === null && !sensitive ? [] : [{name: def.name, value, source}],
      configType: configTypeCodes[def.type],
      documentation: def.doc,
    }
  })
}

/** Says in the broker log which of a topic's overrides are stored but not applied here. */
export function warnUnapplied(logger: Logger, topic: string, overrides: Record<string, string>): void {
  const unapplied = unappliedTopicConfigs(overrides)
  if (unapplied.length > 0) logger.warn(`topic ${topic}: ${unapplied.map((key) => `${key}=${overrides[key]}`).join(', ')} stored but not applied by the bundled broker`)
}
