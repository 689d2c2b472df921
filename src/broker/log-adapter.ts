// What the API handlers need from the log, in their terms (topic names, Kafka error names),
// over the log helper's LogManager (src/broker/log). Keeping the handlers on this narrow
// surface means one file adapts when the log's API moves.
import {LogManager, type LogDefaults, type PartitionLog, type ProducerEntry, type TopicInfo, honouredTopicConfigKeys, resolveTopicConfig, topicConfigValues} from './log/index.js'
import type {ControlRecordType} from '../kafka/protocol/record-batch.js'
import type {ErrorName} from '../kafka/protocol/errors.js'
import {splitRecordBatches} from '../kafka/protocol/record-batch.js'
import {type CleanerStats, keylessRecordIndexes} from './log/index.js'
import {type BrokerSettings, checkStoredOnlyTopicConfig, storedOnlyTopicConfig, storedOnlyTopicConfigs, topicConfigSynonyms} from './settings.js'
import {loadDynamicConfigs} from './dynamic-configs.js'
import type {Logger} from './types.js'

export type {ProducerEntry, TopicInfo} from './log/index.js'

export interface PartitionOffsets {
  logStartOffset: number
  /** One node: every appended record is committed, so log end = high watermark. */
  highWatermark: number
  /** First offset of the earliest open transaction, else the high watermark. */
  lastStableOffset: number
}

export type Isolation = 'read_uncommitted' | 'read_committed'

/** A transaction marker the coordinator writes (coordinator epoch 0: one node). */
export interface TxnMarker {
  producerId: number
  producerEpoch: number
  type: ControlRecordType
}

export type AppendOutcome =
  | {ok: true; baseOffset: number; logAppendTimeMs: number; logStartOffset: number; recordCount: number; bytes: number}
  | {ok: false; error: ErrorName; message?: string; logStartOffset: number; recordErrors?: {batchIndex: number; message: string | null}[]}

export type ReadOutcome =
  | {ok: true; records: Buffer[]; bytes: number; offsets: PartitionOffsets; abortedTransactions: {producerId: number; firstOffset: number}[]}
  | {ok: false; error: 'OFFSET_OUT_OF_RANGE' | 'KAFKA_STORAGE_ERROR'; offsets: PartitionOffsets}

export type Outcome = {ok: true} | {ok: false; error: ErrorName; message: string}
export type TopicOutcome = {ok: true; topic: TopicInfo} | {ok: false; error: ErrorName; message: string}

export interface TimestampOffset {
  offset: number
  timestampMs: number
}

/** The handlers' view of the log manager. */
export interface BrokerLog {
  topicNames(): string[]
  topic(name: string): TopicInfo | undefined
  topicById(topicId: string): TopicInfo | undefined
  /** Checks overrides against the topic configs the broker knows (CreateTopics validateOnly, AlterConfigs). */
  validateTopicConfig(overrides: Record<string, string>): Outcome
  createTopic(name: string, partitionCount: number, overrides: Record<string, string>, validateOnly?: boolean): TopicOutcome
  deleteTopic(name: string): Outcome
  addPartitions(name: string, totalCount: number, validateOnly?: boolean): Outcome
  /** Replaces the topic's overrides (AlterConfigs semantics; IncrementalAlterConfigs computes the new set). */
  setTopicConfig(name: string, overrides: Record<string, string>, validateOnly?: boolean): Outcome
  /** Effective topic config values (defaults overlaid with overrides) under Kafka's names. */
  effectiveTopicConfig(name: string): Record<string, string>
  offsets(topic: string, partition: number): PartitionOffsets | undefined
  append(topic: string, partition: number, records: Buffer): AppendOutcome
  /** read_committed stops at the last stable offset and lists the aborted transactions in range.
   *  A batch damaged on disk ends the read before it; a read starting there is KAFKA_STORAGE_ERROR. */
  read(topic: string, partition: number, fetchOffset: number, maxBytes: number, isolation?: Isolation): ReadOutcome
  /** Writes a COMMIT/ABORT control batch (the transaction coordinator only). */
  appendMarker(topic: string, partition: number, marker: TxnMarker): Outcome
  /** Producer state of a partition (DescribeProducers), undefined when it does not exist. */
  producers(topic: string, partition: number): ProducerEntry[] | undefined
  offsetForTimestamp(topic: string, partition: number, timestampMs: number): TimestampOffset | undefined
  maxTimestampOffset(topic: string, partition: number): TimestampOffset | undefined
  deleteRecordsBefore(topic: string, partition: number, offset: number): {ok: true; lowWatermark: number} | {ok: false; error: ErrorName; message: string}
  sizeBytes(topic: string, partition: number): number
  /** Dirty ratio and last cleaning time of a partition of a compacted topic (undefined otherwise). */
  cleanerStats(topic: string, partition: number): CleanerStats | undefined
  /** Why the log could not run with these settings (dynamic broker configs), or undefined. */
  checkSettings(candidate: BrokerSettings): string | undefined
  /** Calls `listener(topic, partition)` after each append that wrote records; returns the unsubscribe. */
  onAppend(listener: (topic: string, partition: number) => void): () => void
  close(): void
}

/** Topic config names the broker accepts: those the log honours and the stored-only ones
 *  Kafka 4.0 knows (Kafka rejects any other name with INVALID_CONFIG). */
export const knownTopicConfigKeys: ReadonlySet<string> = new Set([...Object.keys(topicConfigSynonyms), ...storedOnlyTopicConfigs.map((def) => def.name)])

const honoured: ReadonlySet<string> = new Set(honouredTopicConfigKeys)

/** Overrides the broker stores and reports but does not act on (compression.type, compaction,
 *  min.insync.replicas, ...), for a warning in the broker log: Kafka would apply them. */
export function unappliedTopicConfigs(overrides: Record<string, string>): string[] {
  return Object.keys(overrides).filter((key) => !honoured.has(key))
}

/** In-batch indexes of the records without a key (compacted topics refuse them). A batch that
 *  cannot be read is left to the log's own checks, which answer CORRUPT_MESSAGE. */
function keylessRecords(records: Buffer): number[] {
  const split = splitRecordBatches(records)
  if (!split.ok) return []
  try {
    return split.batches.flatMap((batch) => (batch.isControl ? [] : keylessRecordIndexes(records, batch.position)))
  } catch {
    return []
  }
}

/** The log's defaults from the broker settings (Kafka's log.* names). */
export function logDefaults(settings: BrokerSettings): LogDefaults {
  const flushMs = settings.get('log.flush.interval.ms')
  const policies = (settings.get('log.cleanup.policy') ?? 'delete').split(',').map((policy) => policy.trim())
  return {
    segmentBytes: settings.int('log.segment.bytes'),
    segmentMs: settings.segmentMs,
    retentionMs: settings.retentionMs,
    retentionBytes: settings.int('log.retention.bytes'),
    maxMessageBytes: settings.int('message.max.bytes'),
    timestampType: settings.get('log.message.timestamp.type') === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
    indexIntervalBytes: settings.int('log.index.interval.bytes'),
    retentionCheckIntervalMs: settings.int('log.retention.check.interval.ms'),
    // log.flush.interval.messages=1 is Kafka's way to say "fsync every append" (--fsync always).
    fsync: settings.int('log.flush.interval.messages') === 1 ? 'always' : 'interval',
    flushIntervalMs: flushMs !== undefined ? Number(flushMs) : 1000,
    producerIdExpirationMs: settings.int('producer.id.expiration.ms'),
    compact: policies.includes('compact'),
    delete: policies.includes('delete'),
    deleteRetentionMs: settings.int('log.cleaner.delete.retention.ms'),
    minCleanableDirtyRatio: Number(settings.get('log.cleaner.min.cleanable.ratio')),
    minCompactionLagMs: settings.int('log.cleaner.min.compaction.lag.ms'),
    maxCompactionLagMs: Math.min(Number(settings.get('log.cleaner.max.compaction.lag.ms')), Number.MAX_SAFE_INTEGER),
    cleanerEnabled: settings.bool('log.cleaner.enable'),
    cleanerBackoffMs: settings.int('log.cleaner.backoff.ms'),
    cleanerDedupeBufferBytes: settings.int('log.cleaner.dedupe.buffer.size'),
  }
}

export function openLogManager(dataDir: string, settings: BrokerSettings, logger: Logger): BrokerLog {
  // The log's defaults include the dynamic broker configs, so they are loaded before it opens,
  // and every later change is applied to it at once (Kafka's DynamicLogConfig).
  loadDynamicConfigs(dataDir, settings, logger)
  const manager = LogManager.open({dataDir, defaults: logDefaults(settings)})
  manager.cleaner.onUncleanable = (message) => logger.warn(`log cleaner: ${message}`)
  manager.cleaner.onPass = (pass) =>
    logger.info(
      `cleaned ${pass.topic}-${pass.partition}: ${pass.recordsRemoved} records removed, ${pass.bytesRead} bytes read, ${pass.bytesWritten} written; dirty from offset ${pass.firstDirtyOffset}`,
    )
  settings.onDynamicChange(() => {
    const applied = manager.setDefaults(logDefaults(settings))
    if (!applied.ok) logger.error(`dynamic broker configs not applied to the log: ${applied.message}`)
  })
  if (manager.recoveredUncleanShutdown) logger.warn(`the previous run did not stop cleanly; partition tails in ${dataDir} were checked and repaired`)
  return new LogManagerAdapter(manager, settings, logger)
}

class LogManagerAdapter implements BrokerLog {
  private readonly appendListeners = new Set<(topic: string, partition: number) => void>()

  constructor(
    private readonly manager: LogManager,
    private readonly settings: BrokerSettings,
    private readonly logger: Logger,
  ) {
    for (const topic of manager.topics()) this.watch(topic.name, 0)
  }

  /** Subscribes to partitions `from`.. of a topic, forwarding appends to the broker's listeners. */
  private watch(topic: string, from: number): void {
    const logs = this.manager.partitions(topic)
    for (let p = from; p < logs.length; p++) {
      const partition = p
      logs[p].onAppend(() => {
        for (const listener of this.appendListeners) listener(topic, partition)
      })
    }
  }

  private log(topic: string, partition: number): PartitionLog | undefined {
    return this.manager.partition(topic, partition)
  }

  topicNames(): string[] {
    return this.manager.topics().map((t) => t.name)
  }

  topic(name: string): TopicInfo | undefined {
    return this.manager.topic(name)
  }

  topicById(topicId: string): TopicInfo | undefined {
    return this.manager.topicById(topicId)
  }

  validateTopicConfig(overrides: Record<string, string>): Outcome {
    for (const key of Object.keys(overrides))
      if (!knownTopicConfigKeys.has(key)) return {ok: false, error: 'INVALID_CONFIG', message: `Unknown topic config name: ${key}`}
    for (const [key, value] of Object.entries(overrides)) {
      const storedOnly = storedOnlyTopicConfig(key)
      const problem = storedOnly && checkStoredOnlyTopicConfig(storedOnly, value)
      if (problem) return {ok: false, error: 'INVALID_CONFIG', message: problem}
    }
    const resolved = resolveTopicConfig(this.manager.defaults, overrides)
    return resolved.ok ? {ok: true} : resolved
  }

  createTopic(name: string, partitionCount: number, overrides: Record<string, string>, validateOnly = false): TopicOutcome {
    const valid = this.validateTopicConfig(overrides)
    if (!valid.ok) return valid
    const outcome = this.manager.createTopic({name, partitions: partitionCount, configs: overrides}, {validateOnly})
    if (outcome.ok && !validateOnly) this.watch(name, 0)
    return outcome
  }

  deleteTopic(name: string): Outcome {
    return this.manager.deleteTopic(name)
  }

  addPartitions(name: string, totalCount: number, validateOnly = false): Outcome {
    const before = this.manager.topic(name)?.partitions ?? 0
    const outcome = this.manager.createPartitions(name, totalCount, {validateOnly})
    if (outcome.ok && !validateOnly) this.watch(name, before)
    return outcome
  }

  setTopicConfig(name: string, overrides: Record<string, string>, validateOnly = false): Outcome {
    const valid = this.validateTopicConfig(overrides)
    if (!valid.ok) return valid
    return this.manager.setTopicConfigs(name, overrides, {validateOnly})
  }

  effectiveTopicConfig(name: string): Record<string, string> {
    const topic = this.manager.topic(name)
    const config = this.manager.topicConfig(name)
    if (!topic || !config) return {}
    return {...this.settings.topicDefaults(), ...topic.configs, ...topicConfigValues(config)}
  }

  offsets(topic: string, partition: number): PartitionOffsets | undefined {
    const log = this.log(topic, partition)
    return log && {logStartOffset: log.logStartOffset, highWatermark: log.logEndOffset, lastStableOffset: log.lastStableOffset}
  }

  append(topic: string, partition: number, records: Buffer): AppendOutcome {
    const log = this.log(topic, partition)
    if (!log) return {ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', logStartOffset: -1}
    if (log.currentConfig.compact) {
      const keyless = keylessRecords(records)
      if (keyless.length > 0) {
        // Kafka's LogValidator.validateKey and processRecordErrors, word for word.
        const message = `Compacted topic cannot accept message without key in topic partition ${topic}-${partition}.`
        const recordErrors = keyless.map((batchIndex) => ({batchIndex, message}))
        const shown = recordErrors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`)
        return {
          ok: false,
          error: 'INVALID_RECORD',
          message: `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
          logStartOffset: log.logStartOffset,
          recordErrors,
        }
      }
    }
    const result = log.append(records)
    if (!result.ok) {
      // The log names Kafka's RecordBatchTooLargeException; on the wire it is code 18.
      const error: ErrorName = result.error === 'RECORD_BATCH_TOO_LARGE' ? 'RECORD_LIST_TOO_LARGE' : result.error
      return {ok: false, error, message: result.message, logStartOffset: log.logStartOffset}
    }
    return {
      ok: true,
      baseOffset: result.baseOffset,
      logAppendTimeMs: result.logAppendTimeMs,
      logStartOffset: result.logStartOffset,
      recordCount: result.duplicate ? 0 : result.lastOffset - result.baseOffset + 1,
      bytes: result.duplicate ? 0 : records.length,
    }
  }

  read(topic: string, partition: number, fetchOffset: number, maxBytes: number, isolation: Isolation = 'read_uncommitted'): ReadOutcome {
    const log = this.log(topic, partition)
    if (!log) return {ok: false, error: 'OFFSET_OUT_OF_RANGE', offsets: {logStartOffset: -1, highWatermark: -1, lastStableOffset: -1}}
    const lastStableOffset = log.lastStableOffset
    const committed = isolation === 'read_committed'
    const result = log.read(fetchOffset, maxBytes, committed ? {maxOffset: lastStableOffset} : {})
    const offsets = {logStartOffset: result.logStartOffset, highWatermark: result.logEndOffset, lastStableOffset}
    if (result.corruptBatch) {
      const {file, position, offset, resumeOffset} = result.corruptBatch
      this.logger.error(
        `${topic}-${partition}: the record batch at offset ${offset} (position ${position} of ${file}) fails its CRC-32C check, so the disk changed it after it was written; fetches stop before it with KAFKA_STORAGE_ERROR. Restore the partition from a backup, or give up its damaged records by deleting the records before offset ${resumeOffset} (DeleteRecords, e.g. kafka-delete-records.sh)`,
      )
    }
    if (!result.ok) return {ok: false, error: result.error, offsets}
    const abortedTransactions = committed && result.sizeBytes > 0 ? log.abortedTransactions(fetchOffset, lastStableOffset).map(({producerId, firstOffset}) => ({producerId, firstOffset})) : []
    return {ok: true, records: result.chunks, bytes: result.sizeBytes, offsets, abortedTransactions}
  }

  appendMarker(topic: string, partition: number, marker: TxnMarker): Outcome {
    const log = this.log(topic, partition)
    if (!log) return {ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `${topic}-${partition} does not exist`}
    const result = log.appendMarker({...marker, coordinatorEpoch: 0})
    return result.ok ? {ok: true} : {ok: false, error: result.error === 'RECORD_BATCH_TOO_LARGE' ? 'RECORD_LIST_TOO_LARGE' : result.error, message: result.message}
  }

  producers(topic: string, partition: number): ProducerEntry[] | undefined {
    return this.log(topic, partition)?.producerEntries()
  }

  offsetForTimestamp(topic: string, partition: number, timestampMs: number): TimestampOffset | undefined {
    return this.log(topic, partition)?.offsetForTimestamp(timestampMs)
  }

  maxTimestampOffset(topic: string, partition: number): TimestampOffset | undefined {
    return this.log(topic, partition)?.maxTimestampOffset()
  }

  deleteRecordsBefore(topic: string, partition: number, offset: number) {
    const log = this.log(topic, partition)
    if (!log) return {ok: false as const, error: 'UNKNOWN_TOPIC_OR_PARTITION' as const, message: `${topic}-${partition} does not exist`}
    return log.deleteRecordsBefore(offset)
  }

  sizeBytes(topic: string, partition: number): number {
    return this.log(topic, partition)?.sizeBytes ?? 0
  }

  cleanerStats(topic: string, partition: number): CleanerStats | undefined {
    return this.manager.cleanerStats(topic, partition)
  }

  checkSettings(candidate: BrokerSettings): string | undefined {
    return this.manager.checkDefaults(logDefaults(candidate))
  }

  onAppend(listener: (topic: string, partition: number) => void): () => void {
    this.appendListeners.add(listener)
    return () => this.appendListeners.delete(listener)
  }

  close(): void {
    this.manager.close()
  }
}
