// Idempotent producer state per partition, after Kafka's ProducerStateManager (KIP-98):
// for each producer id, its epoch and the sequence ranges and offsets of its last five
// batches. A retry of one of those five is answered with the original offsets and not
// written again; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch is
// INVALID_PRODUCER_EPOCH; a newer epoch starts over at sequence 0. Producer id -1 skips
// it all. The state is rebuilt on open from a snapshot (taken at each roll and at close)
// plus the batch headers after it, so an acknowledged batch is recognised after a crash too.
// Transactions (KIP-98): an entry also holds the first offset of its producer's open
// transaction on this partition (Kafka's currentTxnFirstOffset), set by the first
// transactional batch and cleared by the COMMIT/ABORT marker; the smallest of them is the
// partition's first unstable offset, which bounds the last stable offset.
import {lastSequenceOf, type RecordBatchHeader} from '../../kafka/protocol/record-batch.js'

/** Kafka keeps five: max.in.flight.requests.per.connection may not exceed it with idempotence. */
export const PRODUCER_BATCHES_KEPT = 5

export interface ProducerBatch {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
  timestampMs: number
}

export interface ProducerEntry {
  producerId: number
  epoch: number
  /** Oldest first, at most PRODUCER_BATCHES_KEPT. */
  batches: ProducerBatch[]
  lastTimestampMs: number
  /** First offset of this producer's open transaction here; absent when none is open. */
  txnFirstOffset?: number
  /** Coordinator epoch of the last marker written for this producer (0 on one node). */
  coordinatorEpoch?: number
}

export type ProducerCheck =
  | {kind: 'ok'}
  | {kind: 'duplicate'; batch: ProducerBatch}
  | {kind: 'error'; error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH'; message: string}

type BatchIdentity = Pick<RecordBatchHeader, 'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta' | 'isTransactional'>

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === 2147483647)
}

export class ProducerState {
  private readonly producers = new Map<number, ProducerEntry>()

  get size(): number {
    return this.producers.size
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId)
  }

  /**
   * Checks one batch from a client against the state, or against `staged` (entries already
   * updated by earlier batches of the same append). Mirrors Kafka's order: duplicate first,
   * then epoch, then sequence.
   */
  check(batch: BatchIdentity, staged?: ProducerEntry): ProducerCheck {
    const current = staged ?? this.producers.get(batch.producerId)
    if (current === undefined) return {kind: 'ok'} // unknown producer: any sequence starts it (Kafka 2.5+)
    const firstSeq = batch.baseSequence
    const lastSeq = lastSequenceOf(firstSeq, batch.lastOffsetDelta)
    if (batch.producerEpoch === current.epoch) {
      const duplicate = current.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq)
      if (duplicate) return {kind: 'duplicate', batch: duplicate}
    }
    if (batch.producerEpoch < current.epoch) {
      return {
        kind: 'error',
        error: 'INVALID_PRODUCER_EPOCH',
        message: `producer ${batch.producerId} has epoch ${batch.producerEpoch}, older than the last seen epoch ${current.epoch}`,
      }
    }
    if (batch.producerEpoch > current.epoch) {
      if (firstSeq !== 0) {
        return {
          kind: 'error',
          error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
          message: `producer ${batch.producerId} starts epoch ${batch.producerEpoch} at sequence ${firstSeq}; a new epoch starts at 0`,
        }
      }
      return {kind: 'ok'}
    }
    const last = current.batches.at(-1)
    if (last !== undefined && !inSequence(last.lastSeq, firstSeq)) {
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `producer ${batch.producerId} sent sequence ${firstSeq} but ${last.lastSeq + 1} was expected`,
      }
    }
    return {kind: 'ok'}
  }

  /** The entry after applying `batch` to `base` (not stored): commit it with `put`. */
  next(base: ProducerEntry | undefined, batch: BatchIdentity, firstOffset: number, timestampMs: number): ProducerEntry {
    const kept = base !== undefined && base.epoch === batch.producerEpoch ? base.batches : []
    const added: ProducerBatch = {
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
      firstOffset,
      lastOffset: firstOffset + batch.lastOffsetDelta,
      timestampMs,
    }
    const txnFirstOffset = batch.isTransactional ? (base?.txnFirstOffset ?? firstOffset) : undefined
    return {
      producerId: batch.producerId,
      epoch: batch.producerEpoch,
      batches: [...kept, added].slice(-PRODUCER_BATCHES_KEPT),
      lastTimestampMs: timestampMs,
      ...(txnFirstOffset !== undefined && {txnFirstOffset}),
      ...(base?.coordinatorEpoch !== undefined && {coordinatorEpoch: base.coordinatorEpoch}),
    }
  }

  /** The entry after a COMMIT/ABORT marker written with `epoch` (not stored): the open
   *  transaction is over; a newer epoch (a fenced producer) starts its sequences over. */
  afterMarker(producerId: number, epoch: number, coordinatorEpoch: number, timestampMs: number): ProducerEntry {
    const base = this.producers.get(producerId)
    const sameEpoch = base !== undefined && base.epoch === epoch
    return {
      producerId,
      epoch: Math.max(epoch, base?.epoch ?? epoch),
      batches: sameEpoch ? base.batches : [],
      lastTimestampMs: timestampMs,
      coordinatorEpoch,
    }
  }

  put(entry: ProducerEntry): void {
    this.producers.set(entry.producerId, entry)
  }

  /** Replays a stored data batch header (no checks: it was accepted when written). */
  replay(header: RecordBatchHeader): void {
    if (header.producerId < 0) return
    const timestampMs = header.maxTimestamp
    this.put(this.next(this.producers.get(header.producerId), header, header.baseOffset, timestampMs))
  }

  /** The smallest first offset of an open transaction, or undefined when none is open. */
  firstUnstableOffset(): number | undefined {
    let first: number | undefined
    for (const entry of this.producers.values()) {
      if (entry.txnFirstOffset !== undefined && (first === undefined || entry.txnFirstOffset < first)) first = entry.txnFirstOffset
    }
    return first
  }

  /** Every entry (DescribeProducers). */
  entries(): ProducerEntry[] {
    return [...this.producers.values()]
  }

  /** Forgets producers whose last write is below the log start (Kafka's truncateHead). */
  truncateHead(logStartOffset: number): void {
    for (const [id, entry] of this.producers) {
      const last = entry.batches.at(-1)
      // An open transaction keeps its producer: its marker must still clear it.
      if (entry.txnFirstOffset === undefined && (last === undefined || last.lastOffset < logStartOffset)) this.producers.delete(id)
    }
  }

  /** Drops producers idle for longer than producer.id.expiration.ms (Kafka default 1 day). */
  expire(nowMs: number, expirationMs: number): void {
    for (const [id, entry] of this.producers) {
      if (entry.txnFirstOffset === undefined && nowMs - entry.lastTimestampMs > expirationMs) this.producers.delete(id)
    }
  }

  toJSON(): ProducerEntry[] {
    return [...this.producers.values()]
  }

  static fromJSON(entries: ProducerEntry[]): ProducerState {
    const state = new ProducerState()
    for (const entry of entries) state.put(entry)
    return state
  }
}
