// The transaction coordinator (KIP-98), after Kafka's TransactionCoordinator with
// transaction.version 0 (no KIP-890 part 2: the epoch is bumped by InitProducerId and by
// fencing, not by every EndTxn). One node owns every transactional id, so FindCoordinator
// answers this broker and the coordinator epoch is always 0.
//
// State per transactional id lives here (TxnMetadata) and in the store (store.ts), written
// before each change is acted on. Ending a transaction is synchronous: PrepareCommit or
// PrepareAbort is stored, a COMMIT/ABORT marker goes into every partition of the transaction,
// the pending TxnOffsetCommit offsets go to the group coordinator on commit, and
// CompleteCommit/CompleteAbort is stored, all before EndTxn is answered. So a client never
// sees the Prepare states (Kafka answers CONCURRENT_TRANSACTIONS while it writes markers);
// after a crash the restart completes any Prepare* state before serving, and an Ongoing
// transaction is aborted when its timeout passes, as any other.
//
// Errors are Kafka error names; the handlers turn PRODUCER_FENCED into INVALID_PRODUCER_EPOCH
// for request versions that predate it (KIP-588).
import type {ErrorName} from '../../kafka/protocol/errors.js'
import type {GroupCoordinator} from '../groups/index.js'
import type {BrokerLog} from '../log-adapter.js'
import type {Logger} from '../types.js'
import {type PendingOffset, type TxnMetadata, type TxnPartition, type TxnState, txnStates} from './metadata.js'
import type {TxnStore} from './store.js'

/** Kafka's limit: an epoch at Short.MaxValue - 1 gets a new producer id instead of a bump. */
const MAX_EPOCH = 32766

export interface TxnCoordinatorOptions {
  store: TxnStore
  log: BrokerLog
  groups: GroupCoordinator
  logger: Logger
  /** A fresh producer id (BrokerState's block allocator). */
  allocateProducerId: () => number
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number
  /** transactional.id.expiration.ms */
  idExpirationMs: number
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortIntervalMs: number
  /** transaction.remove.expired.transaction.cleanup.interval.ms */
  removeIntervalMs: number
  now?: () => number
}

export type InitResult = {error: 'NONE'; producerId: number; producerEpoch: number} | {error: ErrorName}

/** What a producer names itself by in every transactional request. */
export interface ProducerIdentity {
  transactionalId: string
  producerId: number
  producerEpoch: number
}

export interface TxnSummary {
  transactionalId: string
  producerId: number
  producerEpoch: number
  state: TxnState
  timeoutMs: number
  txnStartTimestampMs: number
  partitions: TxnPartition[]
}

export class TransactionCoordinator {
  private readonly txns: Map<string, TxnMetadata>
  private readonly timers: ReturnType<typeof setInterval>[]
  private readonly now: () => number
  private closed = false

  constructor(private readonly options: TxnCoordinatorOptions) {
    this.now = options.now ?? Date.now
    this.txns = options.store.load()
    for (const txn of this.txns.values()) {
      if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
        options.logger.info(`completing transaction ${txn.transactionalId} (${txn.state}) left by the previous run`)
        this.complete(txn)
      }
    }
    this.timers = [
      setInterval(() => this.abortTimedOut(), options.abortIntervalMs),
      setInterval(() => this.removeExpired(), options.removeIntervalMs),
    ]
    for (const timer of this.timers) timer.unref?.()
  }

  close(): void {
    this.closed = true
    for (const timer of this.timers) clearInterval(timer)
    this.options.store.close()
  }

  /**
   * InitProducerId with a transactional id: a new producer id, or the next epoch of the known
   * one (fencing every older producer); an open transaction of the old epoch is aborted first.
   * `expected` (InitProducerId v3+, KIP-360) must name a known id's current id and epoch (or
   * the one before a bump), else INVALID_PRODUCER_ID_MAPPING / PRODUCER_FENCED.
   */
  initProducerId(transactionalId: string, timeoutMs: number, expected: {producerId: number; producerEpoch: number}): InitResult {
    if (this.closed) return {error: 'COORDINATOR_NOT_AVAILABLE'}
    if (timeoutMs <= 0 || timeoutMs > this.options.maxTimeoutMs) return {error: 'INVALID_TRANSACTION_TIMEOUT'}
    const now = this.now()
    let txn = this.txns.get(transactionalId)
    if (!txn) {
      // A new transactional id takes any expected id and epoch (Kafka: metadata just created
      // has no epoch yet, so nothing can be fenced).
      txn = {
        transactionalId,
        producerId: this.options.allocateProducerId(),
        lastProducerId: -1,
        producerEpoch: 0,
        lastProducerEpoch: -1,
        timeoutMs,
        state: 'Empty',
        partitions: [],
        groups: {},
        txnStartTimestampMs: -1,
        lastUpdateTimestampMs: now,
      }
      this.save(txn)
      return {error: 'NONE', producerId: txn.producerId, producerEpoch: txn.producerEpoch}
    }
    if (expected.producerId !== -1) {
      if (expected.producerId !== txn.producerId && expected.producerId !== txn.lastProducerId) return {error: 'INVALID_PRODUCER_ID_MAPPING'}
      if (expected.producerEpoch !== txn.producerEpoch && expected.producerEpoch !== txn.lastProducerEpoch) return {error: 'PRODUCER_FENCED'}
    }
    if (txn.state === 'Ongoing') this.abortWithFence(txn, 'a new producer instance started')
    if (txn.producerEpoch >= MAX_EPOCH) {
      txn.lastProducerId = txn.producerId
      txn.producerId = this.options.allocateProducerId()
      txn.lastProducerEpoch = -1
      txn.producerEpoch = 0
    } else {
      txn.lastProducerEpoch = txn.producerEpoch
      txn.producerEpoch++
    }
    txn.timeoutMs = timeoutMs
    txn.state = 'Empty'
    txn.partitions = []
    txn.groups = {}
    txn.txnStartTimestampMs = -1
    txn.lastUpdateTimestampMs = now
    this.save(txn)
    return {error: 'NONE', producerId: txn.producerId, producerEpoch: txn.producerEpoch}
  }

  /** AddPartitionsToTxn: the partitions join the transaction, which begins if none is open. */
  addPartitions(who: ProducerIdentity, partitions: readonly TxnPartition[]): ErrorName {
    const txn = this.validate(who)
    if (typeof txn === 'string') return txn
    this.begin(txn)
    for (const p of partitions) if (!txn.partitions.some((q) => q.topic === p.topic && q.partition === p.partition)) txn.partitions.push({...p})
    this.save(txn)
    return 'NONE'
  }

  /** AddOffsetsToTxn: the group's offsets may be sent with TxnOffsetCommit. */
  addOffsets(who: ProducerIdentity, groupId: string): ErrorName {
    const txn = this.validate(who)
    if (typeof txn === 'string') return txn
    this.begin(txn)
    txn.groups[groupId] ??= []
    this.save(txn)
    return 'NONE'
  }

  /** TxnOffsetCommit: held until the transaction ends (applied on commit, dropped on abort). */
  commitOffsets(who: ProducerIdentity, groupId: string, offsets: readonly PendingOffset[]): ErrorName {
    const txn = this.validate(who)
    if (typeof txn === 'string') return txn === 'PRODUCER_FENCED' ? 'INVALID_PRODUCER_EPOCH' : txn
    const pending = txn.state === 'Ongoing' ? txn.groups[groupId] : undefined
    if (!pending) return 'INVALID_TXN_STATE'
    for (const offset of offsets) {
      const at = pending.findIndex((o) => o.topic === offset.topic && o.partition === offset.partition)
      if (at >= 0) pending[at] = {...offset}
      else pending.push({...offset})
    }
    txn.lastUpdateTimestampMs = this.now()
    this.save(txn)
    return 'NONE'
  }

  /** EndTxn: commit or abort the open transaction; a retry of a completed end is NONE. */
  endTransaction(who: ProducerIdentity, commit: boolean): ErrorName {
    const txn = this.validate(who)
    if (typeof txn === 'string') return txn
    if (txn.state === 'CompleteCommit' || txn.state === 'CompleteAbort') return (txn.state === 'CompleteCommit') === commit ? 'NONE' : 'INVALID_TXN_STATE'
    if (txn.state !== 'Ongoing') return 'INVALID_TXN_STATE'
    this.prepare(txn, commit ? 'PrepareCommit' : 'PrepareAbort')
    this.complete(txn)
    return 'NONE'
  }

  /**
   * Whether a transactional Produce may write to a partition (Kafka's verification, KIP-890
   * part 1): the producer must be the current one and the partition in its open transaction.
   */
  verifyPartition(who: ProducerIdentity, topic: string, partition: number): ErrorName {
    const txn = this.txns.get(who.transactionalId)
    if (!txn || txn.producerId !== who.producerId) return 'INVALID_PRODUCER_ID_MAPPING'
    if (who.producerEpoch !== txn.producerEpoch) return 'INVALID_PRODUCER_EPOCH'
    if (txn.state !== 'Ongoing' || !txn.partitions.some((p) => p.topic === topic && p.partition === partition)) return 'INVALID_TXN_STATE'
    return 'NONE'
  }

  /** Whether an open transaction holds an offset for this group's partition (OffsetFetch
   *  requireStable answers UNSTABLE_OFFSET_COMMIT then, KIP-447). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    for (const txn of this.txns.values()) {
      if (txn.state === 'Ongoing' && txn.groups[groupId]?.some((o) => o.topic === topic && o.partition === partition)) return true
    }
    return false
  }

  describe(transactionalId: string): TxnSummary | undefined {
    const txn = this.txns.get(transactionalId)
    return txn && summary(txn)
  }

  list(): TxnSummary[] {
    return [...this.txns.values()].map(summary)
  }

  /** Aborts (with an epoch bump that fences the producer) every transaction open longer than its timeout. */
  abortTimedOut(): void {
    const now = this.now()
    for (const txn of this.txns.values()) {
      if (txn.state === 'Ongoing' && now - txn.txnStartTimestampMs > txn.timeoutMs) {
        this.abortWithFence(txn, `it passed its timeout of ${txn.timeoutMs} ms`)
      }
    }
  }

  /** Forgets transactional ids idle for transactional.id.expiration.ms with no open transaction. */
  removeExpired(): void {
    const now = this.now()
    for (const txn of [...this.txns.values()]) {
      const idle = txn.state === 'Empty' || txn.state === 'CompleteCommit' || txn.state === 'CompleteAbort'
      if (idle && now - txn.lastUpdateTimestampMs > this.options.idExpirationMs) {
        this.txns.delete(txn.transactionalId)
        this.options.store.remove(txn.transactionalId)
      }
    }
  }

  // Kafka's epoch check: the producer id must map to the transactional id, and the epoch be
  // the current one; an older epoch is a fenced (zombie) producer.
  private validate(who: ProducerIdentity): TxnMetadata | ErrorName {
    if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
    const txn = this.txns.get(who.transactionalId)
    if (!txn || txn.producerId !== who.producerId) return 'INVALID_PRODUCER_ID_MAPPING'
    if (who.producerEpoch !== txn.producerEpoch) return 'PRODUCER_FENCED'
    return txn
  }

  private begin(txn: TxnMetadata): void {
    const now = this.now()
    if (txn.state !== 'Ongoing') {
      txn.state = 'Ongoing'
      txn.partitions = []
      txn.groups = {}
      txn.txnStartTimestampMs = now
    }
    txn.lastUpdateTimestampMs = now
  }

  // Aborts an open transaction for the coordinator's own reasons (timeout, a new producer):
  // the markers carry the next epoch, so the old producer's late writes and requests fail.
  private abortWithFence(txn: TxnMetadata, why: string): void {
    this.options.logger.info(`aborting transaction of ${txn.transactionalId} (producer ${txn.producerId}, epoch ${txn.producerEpoch}): ${why}`)
    if (txn.producerEpoch < MAX_EPOCH) {
      txn.lastProducerEpoch = txn.producerEpoch
      txn.producerEpoch++
    }
    this.prepare(txn, 'PrepareAbort')
    this.complete(txn)
  }

  private prepare(txn: TxnMetadata, state: 'PrepareCommit' | 'PrepareAbort'): void {
    txn.state = state
    txn.lastUpdateTimestampMs = this.now()
    this.save(txn)
  }

  // Markers into every partition, then (on commit) the offsets into the groups, then the
  // Complete state. Running it twice (a restart after a crash mid-way) writes a second
  // marker where one was written, which readers ignore, and the same offsets again.
  private complete(txn: TxnMetadata): void {
    const commit = txn.state === 'PrepareCommit'
    for (const {topic, partition} of txn.partitions) {
      const written = this.options.log.appendMarker(topic, partition, {producerId: txn.producerId, producerEpoch: txn.producerEpoch, type: commit ? 'COMMIT' : 'ABORT'})
      // A deleted topic needs no marker; anything else is a storage failure Kafka would retry.
      if (!written.ok && written.error !== 'UNKNOWN_TOPIC_OR_PARTITION') {
        this.options.logger.error(`unable to write the ${commit ? 'COMMIT' : 'ABORT'} marker of ${txn.transactionalId} to ${topic}-${partition}: ${written.message}`)
      }
    }
    if (commit) {
      for (const [groupId, offsets] of Object.entries(txn.groups)) {
        if (offsets.length > 0) this.options.groups.commitTransactionalOffsets(groupId, offsets)
      }
    }
    txn.state = commit ? 'CompleteCommit' : 'CompleteAbort'
    txn.partitions = []
    txn.groups = {}
    txn.txnStartTimestampMs = -1
    txn.lastUpdateTimestampMs = this.now()
    this.save(txn)
  }

  private save(txn: TxnMetadata): void {
    this.txns.set(txn.transactionalId, txn)
    this.options.store.put(txn)
  }
}

function summary(txn: TxnMetadata): TxnSummary {
  return {
    transactionalId: txn.transactionalId,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
    state: txn.state,
    timeoutMs: txn.timeoutMs,
    txnStartTimestampMs: txn.txnStartTimestampMs,
    partitions: txn.partitions.map((p) => ({...p})),
  }
}

export {txnStates}
export type {TxnState}
