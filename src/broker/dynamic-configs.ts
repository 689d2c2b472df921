// Dynamic broker configs, as Kafka 4.0 takes them through IncrementalAlterConfigs and
// AlterConfigs on BROKER resources: per broker (resource name = the node id) or as the cluster
// default (resource name ""), checked the way DynamicBrokerConfig.validateConfigs and
// ConfigAdminManager do, applied at once and kept in `<dataDir>/dynamic-broker-configs.json`
// (written atomically) so they survive a restart. Kafka keeps them in the KRaft metadata log;
// a lone broker keeps them beside its data, like the topic configs.
//
// Which keys: Kafka 4.0's update mode per key comes from the catalogue
// (src/config/kafka-4.0-configs.ts). A read-only key is refused with Kafka's own
// INVALID_REQUEST message. Of the dynamic ones:
// - applied at once: the broker defaults of topic configs (log.retention.*, log.segment.bytes,
//   log.roll.*, log.cleanup.policy, log.cleaner.{delete.retention,min.compaction.lag,
//   max.compaction.lag}.ms, log.cleaner.min.cleanable.ratio, message.max.bytes,
//   log.index.interval.bytes, log.message.timestamp.*) for every topic without its own
//   override, and the cleaner's log.cleaner.backoff.ms and log.cleaner.dedupe.buffer.size;
// - stored and reported, no effect here (as at start): thread pools (num.io.threads,
//   num.network.threads, background.threads, ...), connection quotas (max.connections*),
//   metric.reporters, compression and flush settings the broker does not act on,
//   log.flush.interval.ms and producer.id.expiration.ms (read when a partition opens);
// - refused (INVALID_REQUEST): listener, SSL and SASL keys (per-broker in Kafka; the bundled
//   broker binds its listeners and loads its keys once, at start), and keys outside Kafka 4.0's
//   catalogue.
import {closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {checkValue, configDefinition} from '../config/catalogue.js'
import {listenerOnlySecurityKeys} from '../config/kafka-4.0-configs.js'
import {ErrorCode} from '../kafka/protocol/index.js'
import {type BrokerSettings, type DynamicScope, settingDef} from './settings.js'
import type {Logger} from './types.js'

const FILE = 'dynamic-broker-configs.json'

export interface AlterOutcome {
  errorCode: number
  errorMessage: string | null
}

const ok: AlterOutcome = {errorCode: ErrorCode.NONE, errorMessage: null}

// Kafka prints the offending names as a Scala Set.
const scalaSet = (names: string[]): string => `Set(${names.join(', ')})`

/** Why a dynamic change of these keys is refused, as Kafka says it; undefined = allowed. */
export function dynamicChangeProblem(scope: DynamicScope, configs: ReadonlyMap<string, string | null>): string | undefined {
  const names = [...configs.keys()]
  const unknown = names.filter((name) => !configDefinition(name))
  if (unknown.length > 0) return `Unknown broker configs ${scalaSet(unknown)}: the bundled broker stores only Kafka 4.0 broker configs`
  const readOnly = names.filter((name) => !configDefinition(name)!.dynamic)
  if (readOnly.length > 0) return `Cannot update these configs dynamically: ${scalaSet(readOnly)}`
  const listenerOnly = names.filter((name) => listenerOnlySecurityKeys.includes(name))
  if (listenerOnly.length > 0) return `These security configs can be dynamically updated only per-listener using the listener prefix: ${scalaSet(listenerOnly)}`
  for (const [name, value] of configs) {
    if (value === null) continue
    const problem = checkValue(configDefinition(name)!, value)
    if (problem) return `Invalid value ${value} for configuration ${name}: ${problem}`
  }
  if (scope === 'default') {
    const perBroker = names.filter((name) => configDefinition(name)!.dynamic === 'per-broker')
    if (perBroker.length > 0) return `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBroker)}`
  }
  const restartOnly = names.filter((name) => configDefinition(name)!.dynamic === 'per-broker')
  if (restartOnly.length > 0) {
    return `the bundled broker binds its listeners and loads its security settings at start: restart it with --config to change ${restartOnly.join(', ')}`
  }
  for (const [name, value] of configs) {
    const own = settingDef(name)
    if (value === null || !own) continue
    if (own.min !== undefined && /^-?\d+$/.test(value.trim()) && Number(value) < own.min) return `Invalid value ${value} for configuration ${name}: Value must be at least ${own.min}`
    if (own.choices && !value.split(',').every((item) => own.choices!.includes(item.trim()))) return `Invalid value ${value} for configuration ${name}: must be one of ${own.choices.join(', ')}`
  }
  return undefined
}

/**
 * Replaces `scope`'s dynamic configs with `next` after checking the changed keys, the
 * resulting settings (`check`: the log refuses defaults a topic cannot take) and, unless
 * `validateOnly`, stores and applies them.
 */
export function alterDynamicConfigs(
  settings: BrokerSettings,
  dataDir: string,
  scope: DynamicScope,
  next: ReadonlyMap<string, string>,
  options: {validateOnly: boolean; check: (candidate: BrokerSettings) => string | undefined; logger: Logger},
): AlterOutcome {
  const current = settings.dynamicConfigs(scope)
  const changed = new Map<string, string | null>()
  for (const [name, value] of next) if (current.get(name) !== value) changed.set(name, value)
  for (const name of current.keys()) if (!next.has(name)) changed.set(name, null)
  const problem = dynamicChangeProblem(scope, changed)
  if (problem) return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem}
  const candidate = settings.withDynamic(scope, next)
  const rejected = options.check(candidate)
  if (rejected) return {errorCode: ErrorCode.INVALID_REQUEST, errorMessage: rejected}
  if (options.validateOnly || changed.size === 0) return ok
  const other = scope === 'broker' ? 'default' : 'broker'
  store(dataDir, {[scope]: Object.fromEntries(next), [other]: Object.fromEntries(settings.dynamicConfigs(other))} as StoredConfigs)
  settings.setDynamic(scope, next)
  const where = scope === 'broker' ? `broker ${settings.nodeId}` : 'the cluster default'
  options.logger.info(`dynamic configs of ${where} now ${JSON.stringify(Object.fromEntries(next))}`)
  const noEffect = [...changed.keys()].filter((name) => changed.get(name) !== null && !settingDef(name))
  if (noEffect.length > 0) options.logger.warn(`${noEffect.join(', ')} stored but without effect: not used by the bundled broker`)
  return ok
}

type StoredConfigs = Record<DynamicScope, Record<string, string>>

function store(dataDir: string, configs: StoredConfigs): void {
  const file = path.join(dataDir, FILE)
  const fd = openSync(`${file}.tmp`, 'w')
  try {
    writeFileSync(fd, `${JSON.stringify(configs, null, 2)}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(`${file}.tmp`, file)
}

/** Loads the stored dynamic configs into `settings` at start; entries that no longer pass the
 *  checks (a file edited by hand) are dropped with a warning rather than stopping the broker. */
export function loadDynamicConfigs(dataDir: string, settings: BrokerSettings, logger: Logger): void {
  let stored: Partial<StoredConfigs>
  try {
    stored = JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8')) as Partial<StoredConfigs>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn(`ignoring ${path.join(dataDir, FILE)}: ${(error as Error).message}`)
    return
  }
  for (const scope of ['default', 'broker'] as const) {
    const kept = new Map<string, string>()
    for (const [name, value] of Object.entries(stored[scope] ?? {})) {
      const problem = dynamicChangeProblem(scope, new Map([[name, String(value)]]))
      if (problem) logger.warn(`ignoring the stored dynamic config ${name}=${value}: ${problem}`)
      else kept.set(name, String(value))
    }
    if (kept.size > 0) settings.setDynamic(scope, kept)
  }
}
