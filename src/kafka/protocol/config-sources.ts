// DescribeConfigs' ConfigSource (v1+): where a config's value comes from, by its wire number.
// Kafka's DescribeConfigsResponse.ConfigSource enum; 7 and 8 came with client metrics (KIP-714)
// and group configs (KIP-848).
export const configSourceNames = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
] as const

export type ConfigSourceName = (typeof configSourceNames)[number]

/** The name for a wire number; UNKNOWN for a number this table does not know. */
export function configSourceName(source: number): ConfigSourceName {
  return configSourceNames[source] ?? 'UNKNOWN'
}

/** The wire number for a name. */
export function configSourceNumber(name: ConfigSourceName): number {
  return configSourceNames.indexOf(name)
}
