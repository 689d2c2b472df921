// The transaction coordinator of a running broker: made once by startBroker (its state loads
// then, and any transaction a crash left half-ended is completed before the first request)
// and kept in BrokerState.txn, so handlers reach it only through their context.
import type {GroupCoordinator} from '../groups/index.js'
import type {BrokerLog} from '../log-adapter.js'
import type {BrokerSettings} from '../settings.js'
import type {Logger} from '../types.js'
import {TransactionCoordinator} from './coordinator.js'
import {FileTxnStore} from './store.js'

export {TransactionCoordinator, txnStates} from './coordinator.js'
export type {InitResult, ProducerIdentity, TxnState, TxnSummary} from './coordinator.js'
export type {PendingOffset, TxnPartition} from './metadata.js'

export interface TxnCoordinatorParts {
  settings: BrokerSettings
  dataDir: string
  log: BrokerLog
  groups: GroupCoordinator
  logger: Logger
  allocateProducerId: () => number
}

export function createTransactionCoordinator(parts: TxnCoordinatorParts): TransactionCoordinator {
  const {settings} = parts
  return new TransactionCoordinator({
    store: new FileTxnStore(parts.dataDir),
    log: parts.log,
    groups: parts.groups,
    logger: parts.logger,
    allocateProducerId: parts.allocateProducerId,
    maxTimeoutMs: settings.int('transaction.max.timeout.ms'),
    idExpirationMs: settings.int('transactional.id.expiration.ms'),
    abortIntervalMs: settings.int('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    removeIntervalMs: settings.int('transaction.remove.expired.transaction.cleanup.interval.ms'),
  })
}
