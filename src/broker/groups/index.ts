// The group coordinator of a running broker: made from the broker's settings on first use
// and kept in BrokerState.groups, so handlers reach it only through their context.
import type {BrokerState} from '../state.js'
import {GroupCoordinator} from './coordinator.js'
import {FileOffsetStore} from './offset-store.js'

export {GroupCoordinator} from './coordinator.js'
export type {GroupErrorName, GroupState, GroupSummary} from './coordinator.js'

export function createGroupCoordinator(state: BrokerState): GroupCoordinator {
  const {settings} = state
  return new GroupCoordinator({
    store: new FileOffsetStore(state.dataDir),
    initialRebalanceDelayMs: settings.int('group.initial.rebalance.delay.ms'),
    minSessionTimeoutMs: settings.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: settings.int('group.max.session.timeout.ms'),
    maxGroupSize: settings.int('group.max.size'),
    offsetsRetentionMs: settings.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: settings.int('offsets.retention.check.interval.ms'),
  })
}

/** The broker's coordinator, created (and its offsets loaded) on first use. */
export function groupCoordinator(state: BrokerState): GroupCoordinator {
  if (!(state.groups instanceof GroupCoordinator)) state.groups = createGroupCoordinator(state)
  return state.groups
}
