// What the transaction coordinator knows of one transactional id: Kafka's TransactionMetadata,
// as plain data (it is written to the store as is). A leaf of txn/.

/** Kafka's TransactionState names, as DescribeTransactions and ListTransactions report them. */
export const txnStates = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'] as const
export type TxnState = (typeof txnStates)[number]

export interface TxnPartition {
  topic: string
  partition: number
}

/** An offset sent with TxnOffsetCommit, applied to the group when the transaction commits. */
export interface PendingOffset {
  topic: string
  partition: number
  offset: number
  leaderEpoch: number
  metadata: string | null
}

export interface TxnMetadata {
  transactionalId: string
  producerId: number
  /** The id before the last epoch exhaustion, else -1. */
  lastProducerId: number
  producerEpoch: number
  /** The epoch before the last bump (a fence or a new producer), else -1. */
  lastProducerEpoch: number
  timeoutMs: number
  state: TxnState
  /** Partitions in the current transaction (the ones still to get a marker when preparing). */
  partitions: TxnPartition[]
  /** Groups added with AddOffsetsToTxn, each with the offsets sent for it so far. */
  groups: Record<string, PendingOffset[]>
  /** When the transaction began (its first AddPartitionsToTxn/AddOffsetsToTxn), -1 when none is open. */
  txnStartTimestampMs: number
  lastUpdateTimestampMs: number
}
