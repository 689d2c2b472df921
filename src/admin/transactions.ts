// `kctl transactions list|describe`, as kafka-transactions.sh shows them: ListTransactions
// goes to every broker (each lists the transactional ids it coordinates), DescribeTransactions
// to each id's transaction coordinator (FindCoordinator key type 1).
import {ExitCode, KctlError, usageError} from '../errors.js'
import {type KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {errorByName} from '../kafka/protocol/index.js'
import {colour, renderKeyValues, renderTable} from '../ui/output.js'

/** Kafka's transaction states (TransactionState), as the coordinator reports them. */
export const transactionStates = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'] as const

export interface TransactionListRow {
  transactionalId: string
  coordinator: number
  producerId: number
  state: string
}

export interface TransactionDescription {
  transactionalId: string
  coordinator: number
  state: string
  producerId: number
  producerEpoch: number
  timeoutMs: number
  /** When the open transaction began (ISO 8601), null when none is open. */
  startTime: string | null
  /** How long the open transaction has run, null when none is open. */
  durationMs: number | null
  /** "topic-partition" of the open transaction, sorted. */
  partitions: string[]
}

export async function listTransactions(
  client: KafkaClient,
  filters: {states?: readonly string[]; producerIds?: readonly number[]; minDurationMs?: number} = {},
): Promise<TransactionListRow[]> {
  const states = (filters.states ?? []).map((wanted) => {
    const known = transactionStates.find((state) => state.toLowerCase() === wanted.toLowerCase())
    if (!known) throw usageError(`invalid --state "${wanted}"`, `use one of ${transactionStates.join(', ')}`)
    return known
  })
  const lists = await Promise.all(
    client.brokers().map((node) =>
      client.retry(async () => {
        const connection = await client.broker(node.nodeId)
        if (filters.minDurationMs !== undefined && !connection.supports(66, 1))
          throw new KctlError(`unable to list transactions: broker ${node.nodeId} cannot filter by duration (ListTransactions v1, Kafka 3.8+)`, {hint: 'leave out --duration'})
        const response = await connection.send(66, {stateFilters: states, producerIdFilters: [...(filters.producerIds ?? [])], durationFilter: filters.minDurationMs ?? -1})
        if (response.errorCode !== 0) throw KafkaClientError.fromCode(response.errorCode, null, connection.address)
        return response.transactionStates.map((txn) => ({transactionalId: txn.transactionalId, coordinator: node.nodeId, producerId: txn.producerId, state: txn.transactionState}))
      }),
    ),
  )
  return lists.flat().sort((a, b) => a.transactionalId.localeCompare(b.transactionalId))
}

export async function describeTransaction(client: KafkaClient, transactionalId: string): Promise<TransactionDescription> {
  return client.retry(async () => {
    const coordinator = await client.coordinatorOf('transaction', transactionalId)
    const connection = await client.coordinator('transaction', transactionalId)
    const response = await connection.send(65, {transactionalIds: [transactionalId]})
    const txn = response.transactionStates[0]
    if (txn.errorCode === errorByName('TRANSACTIONAL_ID_NOT_FOUND').code)
      throw new KctlError(`unable to describe transaction ${transactionalId}: the transactional id does not exist`, {
        exitCode: ExitCode.notFound,
        hint: 'list the transactional ids with `kctl transactions list`',
      })
    if (txn.errorCode !== 0) throw KafkaClientError.fromCode(txn.errorCode, null, connection.address)
    const open = txn.transactionStartTimeMs >= 0
    return {
      transactionalId,
      coordinator,
      state: txn.transactionState,
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      timeoutMs: txn.transactionTimeoutMs,
      startTime: open ? new Date(txn.transactionStartTimeMs).toISOString() : null,
      durationMs: open ? Math.max(0, Date.now() - txn.transactionStartTimeMs) : null,
      partitions: txn.topics.flatMap(({topic, partitions}) => partitions.map((partition) => `${topic}-${partition}`)).sort(),
    }
  })
}

export function renderTransactionList(rows: TransactionListRow[]): string {
  if (rows.length === 0) return colour.dim('no transactional ids')
  return renderTable(
    ['TRANSACTIONAL-ID', 'COORDINATOR', 'PRODUCER-ID', 'STATE'],
    rows.map((row) => [row.transactionalId, row.coordinator, row.producerId, row.state]),
    {alignRight: [1, 2]},
  )
}

export function renderTransactionDescription(view: TransactionDescription): string {
  return renderKeyValues([
    ['TRANSACTIONAL-ID', view.transactionalId],
    ['COORDINATOR', view.coordinator],
    ['STATE', view.state],
    ['PRODUCER-ID', view.producerId],
    ['PRODUCER-EPOCH', view.producerEpoch],
    ['TIMEOUT-MS', view.timeoutMs],
    ['START-TIME', view.startTime],
    ['DURATION-MS', view.durationMs],
    ['PARTITIONS', view.partitions.length === 0 ? null : view.partitions.join(', ')],
  ])
}
