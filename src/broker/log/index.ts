// The broker's durable log: public surface of src/broker/log.
//
// Layout on disk (Kafka's, per partition):
//   <dataDir>/<topic>-<partition>/00000000000000000000.log        record batches as clients sent them
//                                 00000000000000000000.index      sparse offset index (8-byte entries)
//                                 00000000000000000000.timeindex  sparse time index (12-byte entries)
//                                 00000000000000000000.txnindex   aborted transactions whose ABORT marker is in this segment
//                                 <offset>.snapshot               idempotent producer state, open transactions (JSON)
//                                 partition.metadata, log-start-offset
//                                 cleaner-checkpoint.json        compacted topics: first dirty offset, last cleaning, earliest delete horizon
//                                 <offset>.log.cleaned|.swap|.swap.range   a cleaning under way (cleaner.ts)
//   <dataDir>/.topics/<topic>.json, .lock (pid), .kafka_cleanshutdown
//
// Topic layer — LogManager (log-manager.ts):
//   LogManager.open({dataDir, storage?: LogStorage, defaults?: Partial<LogDefaults>}): LogManager
//     takes <dataDir>/.lock (KctlError when another live broker holds it), loads every topic,
//     recovers partition tails after an unclean shutdown, starts the retention timer
//     (defaults.retentionCheckIntervalMs) and, with fsync 'interval', the flush timer.
//   .createTopic({name, partitions, topicId?, configs?}, {validateOnly?}): TopicOutcome
//   .deleteTopic(name): TopicOutcome
//   .createPartitions(name, totalCount, {validateOnly?}): TopicOutcome
//   .setTopicConfigs(name, overrides, {validateOnly?}): TopicOutcome   (replaces all overrides)
//   .topics(): TopicInfo[]    .topic(name)    .topicById(topicId)    .topicConfig(name): LogConfig
//   .partition(topic, p): PartitionLog | undefined    .partitions(topic): PartitionLog[]
//   .enforceRetention(nowMs?): number    .flush(): Promise<void>    .sizeBytes(): number    .close()
//   .recoveredUncleanShutdown: boolean    .defaults: LogDefaults
//   TopicOutcome = {ok: true, topic: TopicInfo} | {ok: false, error: TopicError, message}
//   TopicError = 'TOPIC_ALREADY_EXISTS' | 'INVALID_TOPIC_EXCEPTION' | 'INVALID_PARTITIONS'
//              | 'INVALID_CONFIG' | 'UNKNOWN_TOPIC_OR_PARTITION'   (Kafka error names)
//   Honoured topic configs: segment.bytes, segment.ms, retention.ms, retention.bytes,
//   max.message.bytes, message.timestamp.type, message.timestamp.before.max.ms,
//   message.timestamp.after.max.ms (Kafka 4.0 default 1 h), index.interval.bytes,
//   cleanup.policy (delete, compact, or both), delete.retention.ms, min.cleanable.dirty.ratio,
//   min.compaction.lag.ms, max.compaction.lag.ms. Other keys are stored and returned as
//   given; the caller decides which it accepts.
//   .setDefaults(LogDefaults)   dynamic broker configs: recomputes and applies every topic's config
//   .cleaner: LogCleaner   .cleanerStats(topic, p): {dirtyRatio, lastCleanedMs} | undefined
//
// Compaction — LogCleaner (cleaner.ts): a timer-driven background cleaner for topics whose
//   cleanup.policy has compact; works in slices between which the event loop runs; swaps
//   cleaned segments in with .cleaned -> .swap -> .log renames, and LogManager.open finishes or
//   drops an interrupted swap (recoverInterruptedCleaning). See cleaner.ts for what it keeps.
//
// Partition layer — PartitionLog (partition-log.ts); all calls synchronous:
//   .append(records: Buffer, {nowMs?}): AppendResult
//      checks framing/magic/CRC-32C, max.message.bytes, offset range vs record count and
//      producer sequences; assigns offsets IN PLACE in `records`; one positional write.
//      {ok: true, baseOffset, lastOffset, logAppendTimeMs (-1 unless LogAppendTime),
//       logStartOffset, duplicate} | {ok: false, error: AppendError, message}
//      AppendError = 'CORRUPT_MESSAGE' | 'UNSUPPORTED_FOR_MESSAGE_FORMAT' | 'INVALID_RECORD' | 'INVALID_TIMESTAMP'
//        | 'MESSAGE_TOO_LARGE' | 'RECORD_BATCH_TOO_LARGE' | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
//        | 'INVALID_PRODUCER_EPOCH' | 'KAFKA_STORAGE_ERROR'
//   .read(fetchOffset, maxBytes, {maxOffset?}): ReadResult   (maxOffset: read_committed stops at the LSO)
//      whole batches from the one holding fetchOffset, as Buffer chunks (first batch whole
//      even if larger than maxBytes); [] at the log end; OFFSET_OUT_OF_RANGE outside
//      [logStartOffset, logEndOffset]. {ok, chunks, sizeBytes, logStartOffset, logEndOffset}
//   .logStartOffset  .logEndOffset (= high watermark on one node)
//   .lastStableOffset   first offset of the earliest open transaction, else the log end
//   .appendMarker({producerId, producerEpoch, type: 'COMMIT' | 'ABORT', coordinatorEpoch}): AppendResult
//      the transaction coordinator's control batch; an ABORT is also indexed (txn-index.ts)
//   .abortedTransactions(fetchOffset, upperBoundOffset): AbortedTxn[]   for read_committed Fetch
//   .producerEntries(): ProducerEntry[]   (DescribeProducers)
//   .offsetForTimestamp(ms): {offset, timestampMs} | undefined      ListOffsets by time
//   .maxTimestampOffset(): {offset, timestampMs} | undefined        ListOffsets -3
//   .deleteRecordsBefore(offset | -1, nowMs?): {ok, lowWatermark} | {ok: false, 'OFFSET_OUT_OF_RANGE'}
//   .enforceRetention(nowMs?): number   .setConfig(LogConfig)   .flush(): Promise<void>   .close()
//   .onAppend(listener: (logEndOffset) => void): unsubscribe   (synchronous, after each write)
//   .sizeBytes  .segmentCount  .segmentBaseOffsets  .producerEntry(producerId)  .truncatedBytesOnOpen
//
// Durability: acks=1 is answered after write() returned (the bytes are in the OS, so a kill -9
// loses nothing acknowledged). fsync 'always' adds fdatasync per append; the DEFAULT is
// 'interval': every flushIntervalMs = 1000 ms the segments written since the last flush
// (rolled ones included) are fdatasync'ed off the event loop; close() flushes everything.
// Recovery after an unclean shutdown checks every batch of each partition's last segment and
// truncates a torn or CRC-failing tail; offsets already acknowledged are never reassigned.
//
// Storage: LogStorage with DiskStorage (files) and MemoryStorage (tests, diskless brokers).
export {LogCleaner, OffsetMap, recoverInterruptedCleaning} from './cleaner.js'
export type {CleanableLog, CleanerStats, PassResult} from './cleaner.js'
export {honouredTopicConfigKeys, kafkaLogDefaults, resolveTopicConfig, topicConfigValues} from './config.js'
export type {ConfigOutcome, FsyncPolicy, LogConfig, LogDefaults} from './config.js'
export {DiskStorage} from './disk-storage.js'
export {LogManager} from './log-manager.js'
export type {LogManagerOptions, TopicError, TopicInfo, TopicOutcome} from './log-manager.js'
export {MemoryStorage} from './memory-storage.js'
export {PartitionLog} from './partition-log.js'
export {keylessRecordIndexes, readBatchRecords, rebuildBatch} from './records.js'
export type {AppendError, AppendResult, DeleteRecordsResult, PartitionLogOptions, ReadResult, TimestampOffset} from './partition-log.js'
export type {ProducerBatch, ProducerEntry} from './producer-state.js'
export type {LogFile, LogStorage} from './storage.js'
