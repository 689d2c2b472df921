// Topics on top of partition logs: one data directory holding
//   .lock                     pid of the broker using it (a second broker fails clearly)
//   .kafka_cleanshutdown      written by close(); missing at open means "recover the tails"
//   .topics/<topic>.json      name, topic id, partition count and config overrides
//   <topic>-<partition>/      segments (partition-log.ts) and Kafka's partition.metadata
// Kafka keeps topic metadata in the KRaft log; a single node keeps it beside the data, and the
// topic file is the commit point: created last on create, removed first on delete.
import {randomBytes} from 'node:crypto'
import path from 'node:path'
import {KctlError} from '../../errors.js'
import {LogCleaner, recoverInterruptedCleaning, type CleanerStats} from './cleaner.js'
import {kafkaLogDefaults, resolveTopicConfig, type LogConfig, type LogDefaults} from './config.js'
import {DiskStorage} from './disk-storage.js'
import {PartitionLog} from './partition-log.js'
import type {LogStorage} from './storage.js'

const TOPICS_DIR = '.topics'
/** Partitions one request may create, as Kafka's controller bounds the records of one user
 *  operation (10,000): a CreateTopics asking for 2^31 partitions would otherwise block the
 *  broker for hours while it makes directories and fill its disk. */
export const MAX_PARTITIONS_PER_REQUEST = 10_000
const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'

export interface TopicInfo {
  name: string
  /** Kafka's Uuid string form: 16 bytes, base64url without padding (decode with Buffer.from(id, 'base64url')). */
  topicId: string
  partitions: number
  /** Config overrides as given (Kafka names, string values); see LogManager.topicConfig for effective values. */
  configs: Record<string, string>
}

export type TopicError =
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_CONFIG'
  | 'UNKNOWN_TOPIC_OR_PARTITION'

export type TopicOutcome = {ok: true; topic: TopicInfo} | {ok: false; error: TopicError; message: string}

export interface LogManagerOptions {
  dataDir: string
  /** Default: the local disk. */
  storage?: LogStorage
  /** Broker-level settings; unset fields take Kafka 4.0's defaults (kafkaLogDefaults). */
  defaults?: Partial<LogDefaults>
}

interface TopicState {
  info: TopicInfo
  config: LogConfig
  logs: PartitionLog[]
}

// Kafka's Topic.validate: legal characters, at most 249 of them, not "." or "..".
function topicNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return `"${name}" is not a valid topic name`
  if (name.length > 249) return `topic name is ${name.length} characters long; the limit is 249`
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `topic name "${name}" may contain only ASCII letters, digits, '.', '_' and '-'`
  return undefined
}

// Kafka's Uuid.randomUuid never hands out the all-zero id or one whose string starts with '-'
// (it would read as a command-line option).
function newTopicId(): string {
  for (;;) {
    const bytes = randomBytes(16)
    const id = bytes.toString('base64url')
    if (!id.startsWith('-') && bytes.some((b) => b !== 0)) return id
  }
}

export class LogManager {
  private currentDefaults: LogDefaults
  /** True when the previous run did not close cleanly, so partition tails were re-checked. */
  readonly recoveredUncleanShutdown: boolean
  private readonly topicStates = new Map<string, TopicState>()
  private readonly timers: NodeJS.Timeout[] = []
  private flushing = false
  private closed = false
  /** Compaction of cleanup.policy=compact topics (cleaner.ts); runs when log.cleaner.enable. */
  readonly cleaner: LogCleaner

  private constructor(
    readonly dataDir: string,
    readonly storage: LogStorage,
    defaults: LogDefaults,
  ) {
    this.currentDefaults = defaults
    this.cleaner = new LogCleaner({
      storage,
      logs: () => [...this.topicStates.values()].flatMap((state) => state.logs.map((log, partition) => ({topic: state.info.name, partition, log}))),
      backoffMs: defaults.cleanerBackoffMs,
      dedupeBufferBytes: defaults.cleanerDedupeBufferBytes,
      indexIntervalBytes: defaults.indexIntervalBytes,
    })
    // A data dir with topics but no marker was not closed: a kill -9, a crash or a power loss.
    this.recoveredUncleanShutdown =
      !storage.exists(path.join(dataDir, CLEAN_SHUTDOWN_FILE)) && storage.list(path.join(dataDir, TOPICS_DIR)).length > 0
  }

  /** Opens (creating) the data dir, takes its lock, loads every topic and starts the retention and flush timers. */
  static open(options: LogManagerOptions): LogManager {
    const storage = options.storage ?? new DiskStorage()
    const {dataDir} = options
    try {
      storage.mkdir(path.join(dataDir, TOPICS_DIR))
    } catch (error) {
      throw new KctlError(`unable to open data dir ${dataDir}: ${(error as Error).message}`, {
        hint: 'choose a writable directory with --data-dir',
        cause: error,
      })
    }
    storage.lock(dataDir)
    const manager = new LogManager(dataDir, storage, {...kafkaLogDefaults, ...options.defaults})
    try {
      manager.load()
    } catch (error) {
      storage.unlock(dataDir)
      throw error
    }
    // Removed only after loading: a crash during recovery means recovering again next time.
    storage.remove(path.join(dataDir, CLEAN_SHUTDOWN_FILE))
    manager.startTimers()
    return manager
  }

  private load(): void {
    const topicsDir = path.join(this.dataDir, TOPICS_DIR)
    for (const file of this.storage.list(topicsDir)) {
      if (!file.endsWith('.json')) continue
      const text = this.storage.readText(path.join(topicsDir, file)) ?? ''
      let info: TopicInfo
      try {
        info = JSON.parse(text) as TopicInfo
      } catch (error) {
        throw new KctlError(`unable to load topic file ${path.join(topicsDir, file)}: ${(error as Error).message}`, {
          hint: 'restore the file or delete it together with the topic\'s partition directories',
        })
      }
      const resolved = resolveTopicConfig(this.defaults, info.configs)
      if (!resolved.ok) {
        throw new KctlError(`unable to load topic ${info.name}: ${resolved.message}`, {hint: `fix the configs in ${path.join(topicsDir, file)}`})
      }
      const logs: PartitionLog[] = []
      for (let p = 0; p < info.partitions; p++) logs.push(this.openPartition(info.name, p, resolved.config, this.recoveredUncleanShutdown))
      this.topicStates.set(info.name, {info, config: resolved.config, logs})
    }
  }

  // An I/O error in either timer is left to surface as an uncaught error and end the process:
  // Kafka halts when it can no longer write or flush its log, and recovery on the next start
  // is the safe way back.
  get defaults(): LogDefaults {
    return this.currentDefaults
  }

  /**
   * Dynamic broker configs: new broker-level defaults. Every topic's effective config is
   * recomputed from its overrides and applied to its open logs at once (Kafka's
   * DynamicLogConfig); the cleaner takes its new backoff and map size from the next pass.
   * Timers that run on an interval (retention check, flush) keep theirs: those keys are
   * read-only in Kafka too.
   */
  setDefaults(defaults: LogDefaults): {ok: true} | {ok: false; error: 'INVALID_CONFIG'; message: string} {
    const problem = this.checkDefaults(defaults)
    if (problem) return {ok: false, error: 'INVALID_CONFIG', message: problem}
    this.currentDefaults = defaults
    for (const state of this.topicStates.values()) {
      const resolved = resolveTopicConfig(defaults, state.info.configs)
      if (!resolved.ok) continue
      state.config = resolved.config
      for (const log of state.logs) log.setConfig(resolved.config)
    }
    this.cleaner.reconfigure({backoffMs: defaults.cleanerBackoffMs, dedupeBufferBytes: defaults.cleanerDedupeBufferBytes})
    if (defaults.cleanerEnabled && !this.closed) this.cleaner.start()
    else this.cleaner.stop()
    return {ok: true}
  }

  /** Why some topic could not take these defaults (a value out of range for it), or undefined. */
  checkDefaults(defaults: LogDefaults): string | undefined {
    const probe = resolveTopicConfig(defaults, {})
    if (!probe.ok) return probe.message
    for (const state of this.topicStates.values()) {
      const resolved = resolveTopicConfig(defaults, state.info.configs)
      if (!resolved.ok) return `topic ${state.info.name}: ${resolved.message}`
    }
    return undefined
  }

  /** Dirty ratio and last cleaning of a partition of a compacted topic; undefined for others. */
  cleanerStats(topic: string, partition: number): CleanerStats | undefined {
    const state = this.topicStates.get(topic)
    const log = state?.logs[partition]
    return log && state.config.compact ? this.cleaner.stats(log) : undefined
  }

  private startTimers(): void {
    if (this.defaults.cleanerEnabled) this.cleaner.start()
    const retention = setInterval(() => this.enforceRetention(), this.defaults.retentionCheckIntervalMs)
    retention.unref()
    this.timers.push(retention)
    if (this.defaults.fsync === 'interval') {
      const flush = setInterval(() => {
        if (this.flushing) return // the previous flush is still running on a slow disk
        this.flushing = true
        void this.flush().finally(() => (this.flushing = false))
      }, this.defaults.flushIntervalMs)
      flush.unref()
      this.timers.push(flush)
    }
  }

  private partitionDir(topic: string, partition: number): string {
    return path.join(this.dataDir, `${topic}-${partition}`)
  }

  private topicFile(topic: string): string {
    return path.join(this.dataDir, TOPICS_DIR, `${topic}.json`)
  }

  private openPartition(topic: string, partition: number, config: LogConfig, recover: boolean): PartitionLog {
    recoverInterruptedCleaning(this.storage, this.partitionDir(topic, partition))
    return PartitionLog.open({
      storage: this.storage,
      dir: this.partitionDir(topic, partition),
      config,
      fsync: this.defaults.fsync,
      recover,
      producerIdExpirationMs: this.defaults.producerIdExpirationMs,
    })
  }

  // A fresh partition directory: a leftover of an interrupted delete must not resurface as data.
  private createPartition(info: TopicInfo, partition: number, config: LogConfig): PartitionLog {
    const dir = this.partitionDir(info.name, partition)
    this.storage.remove(dir)
    this.storage.mkdir(dir)
    // Kafka's partition.metadata, so the directory names its topic id as Kafka's tools expect.
    this.storage.writeTextAtomic(path.join(dir, 'partition.metadata'), `version: 0\ntopic_id: ${info.topicId}\n`)
    return this.openPartition(info.name, partition, config, false)
  }

  topics(): TopicInfo[] {
    return [...this.topicStates.values()].map((t) => t.info).sort((a, b) => a.name.localeCompare(b.name))
  }

  topic(name: string): TopicInfo | undefined {
    return this.topicStates.get(name)?.info
  }

  topicById(topicId: string): TopicInfo | undefined {
    for (const state of this.topicStates.values()) if (state.info.topicId === topicId) return state.info
    return undefined
  }

  /** Effective log config of a topic (defaults overlaid with its overrides). */
  topicConfig(name: string): LogConfig | undefined {
    return this.topicStates.get(name)?.config
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topicStates.get(topic)?.logs[partition]
  }

  partitions(topic: string): PartitionLog[] {
    return [...(this.topicStates.get(topic)?.logs ?? [])]
  }

  /** CreateTopics. `validateOnly` checks everything and changes nothing. */
  createTopic(
    request: {name: string; partitions: number; topicId?: string; configs?: Record<string, string>},
    options: {validateOnly?: boolean} = {},
  ): TopicOutcome {
    const nameProblem = topicNameProblem(request.name)
    if (nameProblem) return {ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: nameProblem}
    if (this.topicStates.has(request.name)) {
      return {ok: false, error: 'TOPIC_ALREADY_EXISTS', message: `topic ${request.name} already exists`}
    }
    // Kafka refuses names that differ only in '.' versus '_': they map to the same metric names.
    const metricName = request.name.replaceAll('.', '_')
    const collision = [...this.topicStates.keys()].find((name) => name.replaceAll('.', '_') === metricName)
    if (collision) {
      return {ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: `topic ${request.name} collides with existing topic ${collision} ('.' and '_' are interchangeable in metric names)`}
    }
    if (!Number.isInteger(request.partitions) || request.partitions < 1) {
      return {ok: false, error: 'INVALID_PARTITIONS', message: `partitions must be at least 1, got ${request.partitions}`}
    }
    if (request.partitions > MAX_PARTITIONS_PER_REQUEST) {
      return {ok: false, error: 'INVALID_PARTITIONS', message: `Excessively large number of partitions per request: ${request.partitions} (at most ${MAX_PARTITIONS_PER_REQUEST})`}
    }
    const configs = {...request.configs}
    const resolved = resolveTopicConfig(this.defaults, configs)
    if (!resolved.ok) return resolved
    const info: TopicInfo = {name: request.name, topicId: request.topicId ?? newTopicId(), partitions: request.partitions, configs}
    if (options.validateOnly) return {ok: true, topic: info}
    const logs: PartitionLog[] = []
    for (let p = 0; p < info.partitions; p++) logs.push(this.createPartition(info, p, resolved.config))
    this.storage.writeTextAtomic(this.topicFile(info.name), JSON.stringify(info, null, 2))
    this.topicStates.set(info.name, {info, config: resolved.config, logs})
    return {ok: true, topic: info}
  }

  /** DeleteTopics: forgets the topic, then removes its partition directories. */
  deleteTopic(name: string): TopicOutcome {
    const state = this.topicStates.get(name)
    if (!state) return {ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `topic ${name} does not exist`}
    this.storage.remove(this.topicFile(name))
    this.topicStates.delete(name)
    state.logs.forEach((log, p) => {
      log.close()
      this.storage.remove(this.partitionDir(name, p))
    })
    return {ok: true, topic: state.info}
  }

  /** CreatePartitions: grows the topic to `totalCount` partitions (it can never shrink). */
  createPartitions(name: string, totalCount: number, options: {validateOnly?: boolean} = {}): TopicOutcome {
    const state = this.topicStates.get(name)
    if (!state) return {ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `topic ${name} does not exist`}
    if (!Number.isInteger(totalCount) || totalCount <= state.info.partitions) {
      return {
        ok: false,
        error: 'INVALID_PARTITIONS',
        message: `topic ${name} has ${state.info.partitions} partitions; the new count ${totalCount} must be larger`,
      }
    }
    if (totalCount - state.info.partitions > MAX_PARTITIONS_PER_REQUEST) {
      return {ok: false, error: 'INVALID_PARTITIONS', message: `Excessively large number of partitions per request: ${totalCount - state.info.partitions} new (at most ${MAX_PARTITIONS_PER_REQUEST})`}
    }
    const info = {...state.info, partitions: totalCount}
    if (options.validateOnly) return {ok: true, topic: info}
    for (let p = state.info.partitions; p < totalCount; p++) state.logs.push(this.createPartition(info, p, state.config))
    this.storage.writeTextAtomic(this.topicFile(name), JSON.stringify(info, null, 2))
    state.info = info
    return {ok: true, topic: info}
  }

  /**
   * Replaces a topic's config overrides (AlterConfigs semantics; IncrementalAlterConfigs
   * computes the new full set and calls this). Applies to the open logs at once.
   */
  setTopicConfigs(name: string, configs: Record<string, string>, options: {validateOnly?: boolean} = {}): TopicOutcome {
    const state = this.topicStates.get(name)
    if (!state) return {ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `topic ${name} does not exist`}
    const resolved = resolveTopicConfig(this.defaults, configs)
    if (!resolved.ok) return resolved
    const info = {...state.info, configs: {...configs}}
    if (options.validateOnly) return {ok: true, topic: info}
    this.storage.writeTextAtomic(this.topicFile(name), JSON.stringify(info, null, 2))
    state.info = info
    state.config = resolved.config
    for (const log of state.logs) log.setConfig(resolved.config)
    return {ok: true, topic: info}
  }

  /** Runs retention on every partition (the timer does this every log.retention.check.interval.ms). */
  enforceRetention(nowMs = Date.now()): number {
    let deleted = 0
    for (const state of this.topicStates.values()) for (const log of state.logs) deleted += log.enforceRetention(nowMs)
    return deleted
  }

  /** Forces unflushed writes to disk off the event loop (the timer does this every flushIntervalMs with fsync 'interval'). */
  async flush(): Promise<void> {
    const logs = [...this.topicStates.values()].flatMap((state) => state.logs)
    await Promise.all(logs.map((log) => log.flush()))
  }

  /** Bytes of record batches stored, all topics. */
  sizeBytes(): number {
    let total = 0
    for (const state of this.topicStates.values()) for (const log of state.logs) total += log.sizeBytes
    return total
  }

  /** Stops the timers, closes every log, marks the shutdown clean and releases the lock. Idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.cleaner.stop()
    for (const timer of this.timers) clearInterval(timer)
    for (const state of this.topicStates.values()) for (const log of state.logs) log.close()
    this.storage.writeTextAtomic(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), '')
    this.storage.unlock(this.dataDir)
  }
}
