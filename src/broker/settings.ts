// The broker settings the bundled broker honours, by Kafka's own names: an overlay on the one
// Kafka 4.0 catalogue (src/config/kafka-4.0-configs.ts, which `kctl config lint` reads too)
// giving the broker's own documentation, its own defaults where they differ from Kafka's, and
// what has no effect here; plus the Kafka keys it knows but ignores on purpose (replication, the KRaft quorum, ZooKeeper, thread pools):
// those are accepted with a warning, never silently. Any other key is an error, so a typo
// in server.properties is caught at start.
import {configDefinition} from '../config/catalogue.js'
import type {ConfigKeyDefinition, ConfigType, DynamicUpdateMode} from '../config/kafka-4.0-configs.js'
import {closest} from '../config/suggest.js'
import {KctlError, usageError} from '../errors.js'

/** Kafka's ConfigDef types, numbered as DescribeConfigs v3+ reports them (KIP-569). */
export type SettingType = ConfigType
export const configTypeCodes: Record<SettingType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
}

export interface SettingDef {
  readonly name: string
  readonly type: SettingType
  /** The bundled broker's default, as text; null = no default. */
  readonly defaultValue: string | null
  readonly doc: string
  readonly min?: number
  /** Allowed values for strings. */
  readonly choices?: readonly string[]
  /** Accepted (and reported by DescribeConfigs) but without effect here: any value other than
   *  the default, or than `unless`, is warned about at start instead of dropped silently. */
  readonly noEffect?: {readonly reason: string; readonly unless?: string}
  /** Kafka 4.0's update mode; absent = read-only. */
  readonly dynamic?: DynamicUpdateMode
}

/** What the bundled broker does differently from the catalogue row of a key it honours. */
interface Overlay {
  readonly name: string
  readonly doc: string
  /** The broker's own default where it differs from Kafka 4.0's (undefined = Kafka's). */
  readonly defaultValue?: string | null
  readonly min?: number
  readonly choices?: readonly string[]
  readonly noEffect?: SettingDef['noEffect']
}

const HOUR_MS = 3_600_000
// Long.MAX_VALUE as Kafka prints it; the catalogue keeps numbers, which stop at 2^53 - 1.
const LONG_MAX_TEXT = '9223372036854775807'

/** The settings the bundled broker reads, as an overlay on the Kafka 4.0 catalogue
 *  (src/config/kafka-4.0-configs.ts: type, Kafka's default, range, dynamic update mode). The
 *  group.* and security keys are read by the group coordinator and the SASL/ACL layer; they
 *  live here so one catalogue validates every key. */
const overlays: readonly Overlay[] = [
  // Kafka requires node.id; a lone local broker may as well be node 1.
  {name: 'node.id', defaultValue: '1', doc: 'id of this node, reported as the only broker and the controller'},
  {name: 'broker.id', doc: 'legacy name; when set it must equal node.id'},
  // No default listener: --host/--port make the PLAINTEXT one.
  {name: 'listeners', defaultValue: null, doc: 'NAME://host:port listeners; default PLAINTEXT on --host/--port'},
  {name: 'advertised.listeners', doc: 'NAME://host:port returned in Metadata; default = listeners with --advertised-host'},
  {name: 'listener.security.protocol.map', doc: 'listener name to security protocol'},
  {name: 'controller.listener.names', doc: 'listeners of the KRaft controller; the bundled broker is its own controller and does not bind them'},
  {name: 'auto.create.topics.enable', doc: 'create a topic when Metadata or Produce names an unknown one'},
  {name: 'num.partitions', doc: 'partitions of an auto-created topic or a CreateTopics with -1'},
  {name: 'default.replication.factor', min: 1, doc: 'replication factor of auto-created topics (must be 1 here)'},
  {name: 'delete.topic.enable', doc: 'allow DeleteTopics'},
  {name: 'log.retention.hours', doc: 'retention time in hours (lowest precedence)'},
  {name: 'log.retention.minutes', doc: 'retention time in minutes (over hours)'},
  {name: 'log.retention.ms', doc: 'retention time in ms (over minutes); -1 = forever'},
  {name: 'log.retention.bytes', doc: 'retention size per partition; -1 = unlimited'},
  {name: 'log.segment.bytes', doc: 'segment size before a roll (at least 1 MiB since Kafka 4.0, KIP-1030)'},
  {name: 'log.roll.hours', doc: 'segment age before a roll, in hours'},
  {name: 'log.roll.ms', doc: 'segment age before a roll, in ms (over hours)'},
  {name: 'log.retention.check.interval.ms', doc: 'how often retention runs'},
  {name: 'log.index.interval.bytes', doc: 'bytes between offset index entries'},
  {name: 'log.index.size.max.bytes', doc: 'index size that forces a roll', noEffect: {reason: 'segments roll by log.segment.bytes and log.roll.ms only'}},
  {name: 'log.segment.delete.delay.ms', doc: 'delay before a deleted segment leaves disk', noEffect: {reason: 'segments and topics leave disk at once'}},
  {name: 'log.cleanup.policy', doc: 'delete, compact or both (compact,delete)'},
  {name: 'log.cleaner.enable', doc: 'run the log cleaner for compacted topics'},
  {name: 'log.cleaner.backoff.ms', doc: 'pause between cleaner passes when no log needs cleaning'},
  {name: 'log.cleaner.dedupe.buffer.size', doc: 'memory for the cleaner\'s key map, 24 bytes a key; a larger dirty section is cleaned in several passes'},
  {name: 'log.cleaner.delete.retention.ms', doc: 'how long tombstones of compacted topics stay'},
  {name: 'log.cleaner.min.cleanable.ratio', doc: 'dirty share of a log that starts a cleaning'},
  {name: 'log.cleaner.min.compaction.lag.ms', doc: 'a record stays uncompacted at least this long'},
  {name: 'log.cleaner.max.compaction.lag.ms', defaultValue: LONG_MAX_TEXT, doc: 'a record is compacted at the latest this long after it was written'},
  {
    name: 'log.flush.interval.messages',
    defaultValue: LONG_MAX_TEXT,
    doc: 'fsync after this many messages (1 = --fsync always)',
    noEffect: {reason: 'only 1 (fsync every append, as --fsync always) is honoured; log.flush.interval.ms sets the interval', unless: '1'},
  },
  {name: 'log.flush.interval.ms', doc: 'fsync at least this often'},
  {name: 'log.message.timestamp.type', doc: 'record timestamps'},
  {name: 'log.message.timestamp.before.max.ms', defaultValue: LONG_MAX_TEXT, doc: 'reject CreateTime further in the past'},
  {name: 'log.message.timestamp.after.max.ms', doc: 'reject CreateTime further in the future'},
  {name: 'log.preallocate', doc: 'stored for topics; segments are not preallocated', noEffect: {reason: 'segments are not preallocated'}},
  {
    name: 'compression.type',
    doc: 'only producer (batches kept as sent) is honoured',
    noEffect: {reason: 'batches are stored as the producer compressed them (compression.type=producer)'},
  },
  {name: 'min.insync.replicas', doc: 'always satisfied by the single replica', noEffect: {reason: 'the single replica always satisfies acks=all'}},
  {name: 'unclean.leader.election.enable', doc: 'no effect on one node'},
  {name: 'message.max.bytes', doc: 'largest record batch accepted'},
  {name: 'socket.request.max.bytes', doc: 'largest request frame; larger closes the connection'},
  {name: 'connections.max.idle.ms', doc: 'close connections idle this long'},
  {name: 'max.connections', doc: 'connections accepted at once; a connection beyond it is closed'},
  {name: 'max.connections.per.ip', doc: 'connections one client address may hold; a connection beyond it is closed'},
  {name: 'producer.id.expiration.ms', doc: 'forget idle producer ids after this long'},
  // 0 as in Kafka's own quickstart server.properties (the 3000 ms default is for production
  // clusters): a lone local consumer should not wait three seconds to join.
  {name: 'group.initial.rebalance.delay.ms', defaultValue: '0', min: 0, doc: 'wait for more members of a new group'},
  {name: 'group.min.session.timeout.ms', doc: 'lowest session timeout a member may ask for'},
  {name: 'group.max.session.timeout.ms', doc: 'highest session timeout a member may ask for'},
  {name: 'group.max.size', doc: 'members per classic group'},
  {name: 'group.consumer.heartbeat.interval.ms', doc: 'heartbeat interval the coordinator gives consumer-protocol (KIP-848) members'},
  {name: 'group.consumer.min.heartbeat.interval.ms', doc: 'lowest group.consumer.heartbeat.interval.ms allowed'},
  {name: 'group.consumer.max.heartbeat.interval.ms', doc: 'highest group.consumer.heartbeat.interval.ms allowed'},
  {name: 'group.consumer.session.timeout.ms', doc: 'a consumer-protocol member not heard from this long is removed'},
  {name: 'group.consumer.min.session.timeout.ms', doc: 'lowest group.consumer.session.timeout.ms allowed'},
  {name: 'group.consumer.max.session.timeout.ms', doc: 'highest group.consumer.session.timeout.ms allowed'},
  {name: 'group.consumer.assignors', choices: ['uniform', 'range'], doc: 'server-side assignors of consumer groups (uniform, range); the first is the default'},
  {name: 'group.consumer.max.size', doc: 'members per consumer group'},
  {name: 'offsets.retention.minutes', doc: 'keep committed offsets of empty groups this long'},
  {name: 'transaction.max.timeout.ms', doc: 'largest transaction.timeout.ms a producer may ask for'},
  {name: 'transactional.id.expiration.ms', doc: 'forget a transactional id idle this long'},
  {name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', doc: 'how often transactions past their timeout are aborted'},
  {name: 'transaction.remove.expired.transaction.cleanup.interval.ms', doc: 'how often expired transactional ids are forgotten'},
  {name: 'offsets.retention.check.interval.ms', doc: 'how often expired offsets are removed'},
  {name: 'sasl.enabled.mechanisms', doc: 'PLAIN, SCRAM-SHA-256, SCRAM-SHA-512'},
  {name: 'super.users', doc: 'principals that pass every ACL check (User:admin;User:ops)'},
  {name: 'authorizer.class.name', doc: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer enables ACLs'},
  {name: 'allow.everyone.if.no.acl.found', doc: 'allow a resource that has no ACLs'},
  {name: 'ssl.keystore.location', doc: 'PEM or PKCS12 keystore of the TLS listener'},
  {name: 'ssl.keystore.password', doc: 'keystore password'},
  {name: 'ssl.keystore.type', doc: 'PKCS12 or PEM'},
  {name: 'ssl.key.password', doc: 'private key password'},
  {name: 'ssl.keystore.certificate.chain', doc: 'PEM certificate chain'},
  {name: 'ssl.keystore.key', doc: 'PEM private key'},
  {name: 'ssl.truststore.location', doc: 'truststore for client certificates'},
  {name: 'ssl.truststore.password', doc: 'truststore password'},
  {name: 'ssl.truststore.type', doc: 'PKCS12 or PEM'},
  {name: 'ssl.truststore.certificates', doc: 'PEM trusted certificates'},
  {name: 'ssl.client.auth', doc: 'ask for client certificates'},
]

function catalogueText(value: ConfigKeyDefinition['default']): string | null {
  return value === null || value === undefined ? null : String(value)
}

function settingFromCatalogue(overlay: Overlay): SettingDef {
  const kafka = configDefinition(overlay.name)
  if (!kafka) throw new Error(`broker setting ${overlay.name} is not in the Kafka 4.0 catalogue`)
  return {
    name: overlay.name,
    type: kafka.type,
    defaultValue: overlay.defaultValue !== undefined ? overlay.defaultValue : catalogueText(kafka.default),
    doc: overlay.doc,
    min: overlay.min ?? kafka.min,
    choices: overlay.choices ?? kafka.values?.map(String),
    noEffect: overlay.noEffect,
    dynamic: kafka.dynamic,
  }
}

/** Settings the bundled broker reads: the catalogue rows under the broker's overlay. */
export const brokerSettings: readonly SettingDef[] = overlays.map(settingFromCatalogue)

/** Kafka keys the bundled broker accepts and ignores, with the reason printed in the warning. */
const ignoredSettings: readonly {match: RegExp; reason: string}[] = [
  {match: /^zookeeper\./, reason: 'ZooKeeper is gone in Kafka 4 and the bundled broker has no quorum'},
  {match: /^(process\.roles|controller\.|controller\.quorum\.|inter\.broker\.|metadata\.log\.|initial\.broker\.registration)/, reason: 'the bundled broker is its own controller'},
  {match: /^(offsets\.topic\.|transaction\.state\.log\.|replica\.|num\.replica\.|leader\.imbalance|auto\.leader\.rebalance)/, reason: 'the bundled broker has one node and no replication'},
  {match: /^(num\.(io|network|recovery)\.threads|num\.recovery\.threads\.per\.data\.dir|background\.threads|queued\.max\.requests)/, reason: 'the bundled broker runs on one event loop'},
  {match: /^(socket\.(send|receive)\.buffer\.bytes|socket\.listen\.backlog\.size)$/, reason: 'the OS defaults are used'},
  {match: /^log\.dirs?$/, reason: 'the bundled broker keeps its data in --data-dir'},
  {match: /^(broker\.rack|group\.(coordinator|consumer|share)\.|share\.|transaction\.|log\.cleaner\.|log\.flush\.(scheduler|offset|start))/, reason: 'not used by the bundled broker'},
  {match: /^(metric\.reporters|metrics\.|kafka\.metrics\.|jmx\.|quota\.|client\.quota\.|confluent\.)/, reason: 'metrics and quotas are the bundled broker\'s own (--metrics-port)'},
  {match: /^(sasl\.|ssl\.|listener\.name\.|security\.|principal\.builder|connections\.max\.reauth)/, reason: 'this security setting is not supported by the bundled broker'},
  {match: /^(remote\.log\.|log\.local\.retention\.)/, reason: 'the bundled broker has no tiered storage'},
  {match: /^compression\.(gzip|lz4|zstd)\.level$/, reason: 'batches are stored as the producer compressed them'},
  {match: /^log\.roll\.jitter\.(ms|hours)$/, reason: 'segments roll at log.roll.ms exactly'},
  {match: /^(delegation\.token\.|password\.encoder\.)/, reason: 'not used by the bundled broker'},
  // Other Kafka 4.0 broker keys (KafkaConfig) that a production server.properties may carry.
  {
    match:
      /^(max\.connections(\.per\.ip(\.overrides)?)?|max\.connection\.creation\.rate|connection\.failed\.authentication\.delay\.ms|socket\.connection\.setup\.timeout\.(max\.)?ms|max\.incremental\.fetch\.session\.cache\.slots|fetch\.max\.bytes|reserved\.broker\.max\.id|early\.start\.listeners|eligible\.leader\.replicas\.enable|(producer|fetch|delete\.records)\.purgatory\.purge\.interval\.requests|producer\.id\.expiration\.check\.interval\.ms|log\.initial\.task\.delay\.ms|log\.dir\.failure\.timeout\.ms|log\.message\.downconversion\.enable|(create\.topic|alter\.config)\.policy\.class\.name|offsets\.(commit\.timeout\.ms|load\.buffer\.size))$/,
    reason: 'not used by the bundled broker',
  },
]

const settingsByName = new Map(brokerSettings.map((def) => [def.name, def]))

export interface BrokerSettingsResult {
  /** Effective value of every catalogued setting that has a value (given or default). */
  values: Map<string, string>
  /** Keys the user set explicitly (for DescribeConfigs' STATIC_BROKER_CONFIG source). */
  explicit: Set<string>
  warnings: string[]
}

/** Validates user settings against the catalogue: unknown keys throw, ignored keys warn. */
export function resolveSettings(given: Record<string, string>): BrokerSettingsResult {
  const values = new Map<string, string>()
  for (const def of brokerSettings) if (def.defaultValue !== null) values.set(def.name, def.defaultValue)
  const explicit = new Set<string>()
  const warnings: string[] = []
  for (const [name, raw] of Object.entries(given)) {
    const value = raw.trim()
    const def = settingsByName.get(name)
    if (!def) {
      const ignored = ignoredSettings.find((rule) => rule.match.test(name))
      if (ignored) {
        warnings.push(`ignoring ${name}=${value}: ${ignored.reason}`)
        continue
      }
      throw usageError(`unable to configure the broker: unknown setting "${name}"`, suggestion(name))
    }
    checkValue(def, value)
    if (def.noEffect && value !== def.defaultValue && value !== def.noEffect.unless) warnings.push(`${name}=${value} has no effect: ${def.noEffect.reason}`)
    values.set(name, value)
    explicit.add(name)
  }
  const nodeId = values.get('node.id')
  const brokerId = values.get('broker.id')
  if (brokerId !== undefined && brokerId !== '-1' && brokerId !== nodeId && explicit.has('broker.id'))
    throw usageError(`unable to configure the broker: broker.id=${brokerId} conflicts with node.id=${nodeId}`, 'set only node.id')
  if (values.get('default.replication.factor') !== '1')
    throw usageError(
      `unable to configure the broker: default.replication.factor=${values.get('default.replication.factor')} needs more brokers`,
      'the bundled broker has one node; use default.replication.factor=1',
    )
  return {values, explicit, warnings}
}

function checkValue(def: SettingDef, value: string): void {
  const bad = (why: string) => usageError(`unable to configure the broker: ${def.name}=${value} ${why}`, `${def.name}: ${def.doc}`)
  switch (def.type) {
    case 'boolean':
      if (!/^(true|false)$/i.test(value)) throw bad('is not true or false')
      return
    case 'int':
    case 'short':
    case 'long': {
      if (!/^-?\d+$/.test(value)) throw bad('is not a whole number')
      const n = Number(value)
      if (def.type === 'int' && (n > 2_147_483_647 || n < -2_147_483_648)) throw bad('is out of the int range')
      if (def.min !== undefined && n < def.min) throw bad(`is below the minimum ${def.min}`)
      return
    }
    case 'double':
      if (!Number.isFinite(Number(value))) throw bad('is not a number')
      return
    case 'list':
    case 'string':
      if (def.choices) {
        const items = def.type === 'list' ? value.split(',').map((s) => s.trim()) : [value]
        for (const item of items) if (!def.choices.includes(item)) throw bad(`is not one of ${def.choices.join(', ')}`)
      }
      return
    default:
      return
  }
}

function suggestion(name: string): string {
  const best = closest(name, brokerSettings.map((def) => def.name), 3)
  return best ? `did you mean ${best}? (kctl broker start --help lists the settings)` : 'kctl broker start --help lists the settings the bundled broker honours'
}

/** Where a setting's value comes from, highest precedence first (DescribeConfigs' ConfigSource). */
export type SettingSource = 'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG'

/** Dynamic broker configs: per broker (resource name = node id) or the cluster default (""). */
export type DynamicScope = 'broker' | 'default'

/**
 * Typed view of the settings that the broker code reads, in Kafka's precedence: dynamic
 * per-broker, dynamic cluster default, static (--config / server.properties), default. The
 * dynamic layers are set by IncrementalAlterConfigs/AlterConfigs (dynamic-configs.ts), which
 * also stores them; listeners (the log) are told after each change.
 */
export class BrokerSettings {
  /** Static and default values (what the broker was started with). */
  readonly values: Map<string, string>
  readonly explicit: Set<string>
  private readonly dynamic: Record<DynamicScope, Map<string, string>> = {broker: new Map(), default: new Map()}
  private readonly listeners = new Set<() => void>()

  constructor(result: BrokerSettingsResult) {
    this.values = result.values
    this.explicit = result.explicit
  }

  get(name: string): string | undefined {
    return this.dynamic.broker.get(name) ?? this.dynamic.default.get(name) ?? this.values.get(name)
  }

  /** The layer the effective value comes from; undefined when no layer has one. */
  source(name: string): SettingSource | undefined {
    if (this.dynamic.broker.has(name)) return 'DYNAMIC_BROKER_CONFIG'
    if (this.dynamic.default.has(name)) return 'DYNAMIC_DEFAULT_BROKER_CONFIG'
    if (this.explicit.has(name)) return 'STATIC_BROKER_CONFIG'
    return this.values.has(name) ? 'DEFAULT_CONFIG' : undefined
  }

  /** Every layer that defines `name`, highest precedence first (DescribeConfigs synonyms). */
  layers(name: string): {source: SettingSource; value: string}[] {
    const found: {source: SettingSource; value: string}[] = []
    const broker = this.dynamic.broker.get(name)
    if (broker !== undefined) found.push({source: 'DYNAMIC_BROKER_CONFIG', value: broker})
    const clusterDefault = this.dynamic.default.get(name)
    if (clusterDefault !== undefined) found.push({source: 'DYNAMIC_DEFAULT_BROKER_CONFIG', value: clusterDefault})
    const value = this.values.get(name)
    if (value !== undefined) found.push({source: this.explicit.has(name) ? 'STATIC_BROKER_CONFIG' : 'DEFAULT_CONFIG', value})
    return found
  }

  dynamicConfigs(scope: DynamicScope): ReadonlyMap<string, string> {
    return this.dynamic[scope]
  }

  /** A copy with `scope`'s dynamic configs replaced, to validate a change before applying it. */
  withDynamic(scope: DynamicScope, configs: ReadonlyMap<string, string>): BrokerSettings {
    const copy = new BrokerSettings({values: this.values, explicit: this.explicit, warnings: []})
    copy.dynamic.broker = new Map(this.dynamic.broker)
    copy.dynamic.default = new Map(this.dynamic.default)
    copy.dynamic[scope] = new Map(configs)
    return copy
  }

  /** Replaces `scope`'s dynamic configs and tells the listeners. */
  setDynamic(scope: DynamicScope, configs: ReadonlyMap<string, string>): void {
    this.dynamic[scope] = new Map(configs)
    for (const listener of this.listeners) listener()
  }

  /** Calls `listener` after every dynamic change; returns the unsubscribe. */
  onDynamicChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  int(name: string): number {
    const value = this.get(name)
    if (value === undefined) throw new KctlError(`broker setting ${name} has no value`)
    return Number(value)
  }

  bool(name: string): boolean {
    return this.get(name)?.toLowerCase() === 'true'
  }

  get nodeId(): number {
    return this.int('node.id')
  }

  /** log.retention.ms over .minutes over .hours, as Kafka resolves them; -1 = forever. */
  get retentionMs(): number {
    const ms = this.get('log.retention.ms')
    if (ms !== undefined) return Number(ms)
    const minutes = this.get('log.retention.minutes')
    if (minutes !== undefined) return Number(minutes) * 60_000
    return this.int('log.retention.hours') * HOUR_MS
  }

  /** log.roll.ms over log.roll.hours. */
  get segmentMs(): number {
    const ms = this.get('log.roll.ms')
    return ms !== undefined ? Number(ms) : this.int('log.roll.hours') * HOUR_MS
  }

  /** Broker-level defaults of the topic configs, under the topic config names (LogConfig). */
  topicDefaults(): Record<string, string> {
    const defaults: Record<string, string> = {}
    for (const [topicKey, synonyms] of Object.entries(topicConfigSynonyms)) {
      if (topicKey === 'retention.ms') defaults[topicKey] = String(this.retentionMs)
      else if (topicKey === 'segment.ms') defaults[topicKey] = String(this.segmentMs)
      else {
        const value = this.get(synonyms[0])
        if (value !== undefined) defaults[topicKey] = value
      }
    }
    for (const def of storedOnlyTopicConfigs) defaults[def.name] = def.defaultValue!
    return defaults
  }
}

/** Topic config -> broker settings that supply its default, highest precedence first
 *  (ServerTopicConfigSynonyms in Kafka). DescribeConfigs reports these as synonyms. */
export const topicConfigSynonyms: Record<string, readonly string[]> = {
  'cleanup.policy': ['log.cleanup.policy'],
  'compression.type': ['compression.type'],
  'delete.retention.ms': ['log.cleaner.delete.retention.ms'],
  'file.delete.delay.ms': ['log.segment.delete.delay.ms'],
  'flush.messages': ['log.flush.interval.messages'],
  'index.interval.bytes': ['log.index.interval.bytes'],
  'max.compaction.lag.ms': ['log.cleaner.max.compaction.lag.ms'],
  'max.message.bytes': ['message.max.bytes'],
  'message.timestamp.after.max.ms': ['log.message.timestamp.after.max.ms'],
  'message.timestamp.before.max.ms': ['log.message.timestamp.before.max.ms'],
  'message.timestamp.type': ['log.message.timestamp.type'],
  'min.cleanable.dirty.ratio': ['log.cleaner.min.cleanable.ratio'],
  'min.compaction.lag.ms': ['log.cleaner.min.compaction.lag.ms'],
  'min.insync.replicas': ['min.insync.replicas'],
  preallocate: ['log.preallocate'],
  'retention.bytes': ['log.retention.bytes'],
  'retention.ms': ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  'segment.bytes': ['log.segment.bytes'],
  'segment.index.bytes': ['log.index.size.max.bytes'],
  'segment.ms': ['log.roll.ms', 'log.roll.hours'],
  'unclean.leader.election.enable': ['unclean.leader.election.enable'],
}

/**
 * Kafka 4.0 topic configs the bundled broker accepts, stores and reports with Kafka's defaults
 * but does not act on (tiered storage, replication throttles, flush timing, compression
 * levels). Kafka accepts them, so a tool or framework that sets them when it
 * creates a topic must not fail here. Their broker-level synonyms are among the ignored keys.
 */
export const storedOnlyTopicConfigs: readonly SettingDef[] = [
  {name: 'compression.gzip.level', type: 'int', defaultValue: '-1', doc: 'gzip level when the broker recompresses (it does not here)'},
  {name: 'compression.lz4.level', type: 'int', defaultValue: '9', doc: 'lz4 level when the broker recompresses (it does not here)'},
  {name: 'compression.zstd.level', type: 'int', defaultValue: '3', doc: 'zstd level when the broker recompresses (it does not here)'},
  {name: 'flush.ms', type: 'long', defaultValue: '9223372036854775807', doc: 'fsync interval of the topic (the broker-wide --fsync applies)'},
  {name: 'follower.replication.throttled.replicas', type: 'list', defaultValue: '', doc: 'replication throttle (one node, no replication)'},
  {name: 'leader.replication.throttled.replicas', type: 'list', defaultValue: '', doc: 'replication throttle (one node, no replication)'},
  {name: 'local.retention.bytes', type: 'long', defaultValue: '-2', doc: 'local retention with tiered storage (not supported)'},
  {name: 'local.retention.ms', type: 'long', defaultValue: '-2', doc: 'local retention with tiered storage (not supported)'},
  {name: 'message.downconversion.enable', type: 'boolean', defaultValue: 'true', doc: 'a no-op since Kafka 4.0 (no down-conversion)'},
  {name: 'remote.log.copy.disable', type: 'boolean', defaultValue: 'false', doc: 'tiered storage (not supported)'},
  {name: 'remote.log.delete.on.disable', type: 'boolean', defaultValue: 'false', doc: 'tiered storage (not supported)'},
  {name: 'remote.storage.enable', type: 'boolean', defaultValue: 'false', choices: ['false'], doc: 'tiered storage (not supported: only false)'},
  {name: 'segment.jitter.ms', type: 'long', defaultValue: '0', doc: 'random roll jitter (segments roll at segment.ms exactly)'},
]

const storedOnlyByName = new Map(storedOnlyTopicConfigs.map((def) => [def.name, def]))

export function storedOnlyTopicConfig(name: string): SettingDef | undefined {
  return storedOnlyByName.get(name)
}

/** Why a stored-only topic config value is invalid (Kafka's INVALID_CONFIG), or undefined. */
export function checkStoredOnlyTopicConfig(def: SettingDef, value: string): string | undefined {
  const text = value.trim()
  if (def.choices && !def.choices.includes(text)) return `${def.name}=${value}: ${def.doc}`
  if ((def.type === 'int' || def.type === 'long') && !/^-?\d+$/.test(text)) return `${def.name}=${value} is not an integer`
  if (def.type === 'double' && (text === '' || !Number.isFinite(Number(text)))) return `${def.name}=${value} is not a number`
  if (def.type === 'boolean' && !/^(true|false)$/i.test(text)) return `${def.name}=${value} is not true or false`
  return undefined
}

export function settingDef(name: string): SettingDef | undefined {
  return settingsByName.get(name)
}

/** Parses `key=value` as given to --config. */
export function parseSettingArgument(text: string): [string, string] {
  const at = text.indexOf('=')
  if (at <= 0) throw usageError(`unable to read --config ${text}: expected key=value`, 'for example --config num.partitions=3')
  return [text.slice(0, at).trim(), text.slice(at + 1)]
}
