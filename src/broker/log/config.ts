// Log settings: broker-wide defaults (Kafka's log.* names, resolved by the caller) and
// the per-topic overrides the log honours, parsed from Kafka's topic config names.
// cleanup.policy: delete (retention by time and size), compact (the log cleaner, cleaner.ts),
// or both; a compact-only topic keeps its segments whatever retention.ms/bytes say.
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
  /** cleanup.policy contains compact: the log cleaner keeps the latest record per key. */
  compact: boolean
  /** cleanup.policy contains delete: retention.ms and retention.bytes delete old segments. */
  delete: boolean
  /** delete.retention.ms: how long a tombstone stays readable on a compacted topic */
  deleteRetentionMs: number
  /** min.cleanable.dirty.ratio: dirty share of the log that makes it worth cleaning */
  minCleanableDirtyRatio: number
  /** min.compaction.lag.ms: records younger than this are not compacted */
  minCompactionLagMs: number
  /** max.compaction.lag.ms: a dirty record older than this makes the log cleanable whatever its ratio */
  maxCompactionLagMs: number
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
  /** log.cleaner.enable: run the cleaner for compacted topics */
  cleanerEnabled: boolean
  /** log.cleaner.backoff.ms: pause between cleaner passes when no log needs cleaning */
  cleanerBackoffMs: number
  /** log.cleaner.dedupe.buffer.size: bytes for the cleaner's key map (24 bytes a key) */
  cleanerDedupeBufferBytes: number
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
  compact: false,
  delete: true,
  deleteRetentionMs: 86_400_000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  retentionCheckIntervalMs: 300_000,
  fsync: 'interval',
  flushIntervalMs: 1000,
  producerIdExpirationMs: 86_400_000,
  cleanerEnabled: true,
  cleanerBackoffMs: 15_000,
  cleanerDedupeBufferBytes: 134_217_728,
}

/** Topic config keys the log interprets; others are stored and reported but have no effect here. */
export const honouredTopicConfigKeys = [
  'cleanup.policy',
  'delete.retention.ms',
  'index.interval.bytes',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.ms',
] as const

export type ConfigOutcome = {ok: true; config: LogConfig} | {ok: false; error: 'INVALID_CONFIG'; message: string}

function parseInteger(key: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number | string {
  const text = value.trim()
  if (!/^-?\d+$/.test(text) || text.replace('-', '').length > 19) return `${key}=${value} is not an integer`
  // Long.MAX_VALUE (Kafka's "no limit") and its neighbours do not fit a double exactly.
  const n = Math.max(Math.min(Number(text), Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER)
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
    ['delete.retention.ms', 'deleteRetentionMs', 0],
    ['min.compaction.lag.ms', 'minCompactionLagMs', 0],
    ['max.compaction.lag.ms', 'maxCompactionLagMs', 1],
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
    // Kafka 4.0 takes a list of compact and delete; an empty list means neither (KIP-1030 keeps
    // it legal: no retention and no compaction).
    const policies = cleanupPolicy.split(',').map((p) => p.trim()).filter(Boolean)
    const unknown = policies.find((p) => p !== 'compact' && p !== 'delete')
    if (unknown !== undefined) return {ok: false, error: 'INVALID_CONFIG', message: `cleanup.policy=${cleanupPolicy}: ${unknown} is not compact or delete`}
    config.compact = policies.includes('compact')
    config.delete = policies.includes('delete')
  }
  const ratio = overrides['min.cleanable.dirty.ratio']
  if (ratio !== undefined) {
    const value = ratio.trim() === '' ? Number.NaN : Number(ratio)
    if (!(value >= 0 && value <= 1)) return {ok: false, error: 'INVALID_CONFIG', message: `min.cleanable.dirty.ratio=${ratio} is not a number in [0, 1]`}
    config.minCleanableDirtyRatio = value
  }
  return {ok: true, config}
}

/** The effective values under Kafka's names, as DescribeConfigs reports them. */
export function topicConfigValues(config: LogConfig): Record<string, string> {
  return {
    'cleanup.policy': [config.compact ? 'compact' : '', config.delete ? 'delete' : ''].filter(Boolean).join(','),
    'delete.retention.ms': String(config.deleteRetentionMs),
    'index.interval.bytes': String(config.indexIntervalBytes),
    'max.compaction.lag.ms': config.maxCompactionLagMs >= Number.MAX_SAFE_INTEGER ? '9223372036854775807' : String(config.maxCompactionLagMs),
    'max.message.bytes': String(config.maxMessageBytes),
    // Long.MAX_VALUE in Kafka's own listing; JS numbers stop at 2^53 - 1.
    'message.timestamp.after.max.ms': String(config.timestampAfterMaxMs ?? kafkaLogDefaults.timestampAfterMaxMs),
    'message.timestamp.before.max.ms': String(config.timestampBeforeMaxMs ?? kafkaLogDefaults.timestampBeforeMaxMs),
    'message.timestamp.type': config.timestampType,
    'min.cleanable.dirty.ratio': String(config.minCleanableDirtyRatio),
    'min.compaction.lag.ms': String(config.minCompactionLagMs),
    'retention.bytes': String(config.retentionBytes),
    'retention.ms': String(config.retentionMs),
    'segment.bytes': String(config.segmentBytes),
    'segment.ms': String(config.segmentMs),
  }
}
