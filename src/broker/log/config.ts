// Log settings: broker-wide defaults (Kafka's log.* names, resolved by the caller) and
// the per-topic overrides the log honours, parsed from Kafka's topic config names.
import type {TimestampType} from '../../kafka/protocol/record-batch.js'

/** 'always': fdatasync after every append; 'interval': in the background every flushIntervalMs, and on close. */
export type FsyncPolicy = 'always' | 'interval'

/** What one partition log obeys; every topic config below maps onto one field. */
export interface LogConfig {
  /** segment.bytes / log.segment.bytes */
  segmentBytes: number
  /** segment.ms / log.roll.ms */
  segmentMs: number
  /** retention.ms / log.retention.ms; -1 keeps data forever */
  retentionMs: number
  /** retention.bytes / log.retention.bytes; -1 has no size limit */
  retentionBytes: number
  /** max.message.bytes / message.max.bytes: largest record batch accepted */
  maxMessageBytes: number
  /** message.timestamp.type / log.message.timestamp.type */
  timestampType: TimestampType
  /** index.interval.bytes / log.index.interval.bytes */
  indexIntervalBytes: number
  /** message.timestamp.before.max.ms: how far in the past a CreateTime batch may be; default unlimited */
  timestampBeforeMaxMs?: number
  /** message.timestamp.after.max.ms: how far in the future; default 1 hour since Kafka 4.0 (KIP-1030) */
  timestampAfterMaxMs?: number
}

/** Broker-level settings of the log, passed in by the caller (the server reads Kafka's properties). */
export interface LogDefaults extends LogConfig {
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number
  /** --fsync; default 'interval' (see flushIntervalMs) */
  fsync: FsyncPolicy
  /** With fsync 'interval': how often written data is forced to disk (like log.flush.interval.ms). */
  flushIntervalMs: number
  /** producer.id.expiration.ms */
  producerIdExpirationMs: number
}

/**
 * Kafka 4.0's defaults, except fsync: Kafka never fsyncs by default and relies on
 * replication; a single node has no replica, so kctl flushes once a second. A kill -9 loses
 * nothing either way (written data is in the OS page cache); the interval bounds what a power
 * loss can take.
 */
export const kafkaLogDefaults: LogDefaults = {
  segmentBytes: 1073741824,
  segmentMs: 7 * 24 * 3600 * 1000,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  maxMessageBytes: 1048588,
  timestampType: 'CreateTime',
  indexIntervalBytes: 4096,
  timestampBeforeMaxMs: Number.MAX_SAFE_INTEGER,
  timestampAfterMaxMs: 3_600_000,
  retentionCheckIntervalMs: 300_000,
  fsync: 'interval',
  flushIntervalMs: 1000,
  producerIdExpirationMs: 86_400_000,
}

/** Topic config keys the log interprets; others are stored and reported but have no effect here. */
export const honouredTopicConfigKeys = [
  'cleanup.policy',
  'index.interval.bytes',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.type',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.ms',
] as const

export type ConfigOutcome = {ok: true; config: LogConfig} | {ok: false; error: 'INVALID_CONFIG'; message: string}

function parseInteger(key: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number | string {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n)) return `${key}=${value} is not an integer`
  if (n < min || n > max) return `${key}=${value} is out of range [${min}, ${max}]`
  return n
}

/** Effective config of a topic: `defaults` overlaid with its overrides (Kafka names and string values). */
export function resolveTopicConfig(defaults: LogConfig, overrides: Record<string, string>): ConfigOutcome {
  const config: LogConfig = {...defaults}
  const integers: [string, keyof LogConfig, number, number?][] = [
    // Kafka 4.0 raised segment.bytes' minimum from 14 bytes to 1 MiB (KIP-1030).
    ['segment.bytes', 'segmentBytes', 1048576, 2147483647],
    ['segment.ms', 'segmentMs', 1],
    ['retention.ms', 'retentionMs', -1],
    ['retention.bytes', 'retentionBytes', Number.MIN_SAFE_INTEGER],
    ['max.message.bytes', 'maxMessageBytes', 0, 2147483647],
    ['index.interval.bytes', 'indexIntervalBytes', 0, 2147483647],
    ['message.timestamp.before.max.ms', 'timestampBeforeMaxMs', 0],
    ['message.timestamp.after.max.ms', 'timestampAfterMaxMs', 0],
  ]
  for (const [key, field, min, max] of integers) {
    const value = overrides[key]
    if (value === undefined) continue
    const parsed = parseInteger(key, value, min, max)
    if (typeof parsed === 'string') return {ok: false, error: 'INVALID_CONFIG', message: parsed}
    ;(config[field] as number) = parsed
  }
  const timestampType = overrides['message.timestamp.type']
  if (timestampType !== undefined) {
    if (timestampType !== 'CreateTime' && timestampType !== 'LogAppendTime') {
      return {ok: false, error: 'INVALID_CONFIG', message: `message.timestamp.type=${timestampType} must be CreateTime or LogAppendTime`}
    }
    config.timestampType = timestampType
  }
  const cleanupPolicy = overrides['cleanup.policy']
  if (cleanupPolicy !== undefined) {
    const policies = cleanupPolicy.split(',').map((p) => p.trim())
    if (policies.includes('compact')) {
      return {ok: false, error: 'INVALID_CONFIG', message: 'cleanup.policy=compact is not supported: the bundled broker does not implement log compaction'}
    }
    if (policies.some((p) => p !== 'delete')) {
      return {ok: false, error: 'INVALID_CONFIG', message: `cleanup.policy=${cleanupPolicy} must be delete`}
    }
  }
  return {ok: true, config}
}

/** The effective values under Kafka's names, as DescribeConfigs reports them. */
export function topicConfigValues(config: LogConfig): Record<string, string> {
  return {
    'cleanup.policy': 'delete',
    'index.interval.bytes': String(config.indexIntervalBytes),
    'max.message.bytes': String(config.maxMessageBytes),
    // Long.MAX_VALUE in Kafka's own listing; JS numbers stop at 2^53 - 1.
    'message.timestamp.after.max.ms': String(config.timestampAfterMaxMs ?? kafkaLogDefaults.timestampAfterMaxMs),
    'message.timestamp.before.max.ms': String(config.timestampBeforeMaxMs ?? kafkaLogDefaults.timestampBeforeMaxMs),
    'message.timestamp.type': config.timestampType,
    'retention.bytes': String(config.retentionBytes),
    'retention.ms': String(config.retentionMs),
    'segment.bytes': String(config.segmentBytes),
    'segment.ms': String(config.segmentMs),
  }
}
