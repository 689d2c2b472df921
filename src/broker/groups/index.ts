// The group coordinator of a running broker: made from the broker's settings on first use
// and kept in BrokerState.groups, so handlers reach it only through their context.
import type {BrokerState} from '../state.js'
import {GroupCoordinator} from './coordinator.js'
import type {GaugeSample} from '../metrics.js'
import {type LogBounds, partitionLag} from '../../kafka/lag.js'
import {FileOffsetStore} from './offset-store.js'

export {GroupCoordinator} from './coordinator.js'
export type {GroupErrorName, GroupState, GroupSummary} from './coordinator.js'

export function createGroupCoordinator(state: BrokerState): GroupCoordinator {
  const {settings} = state
  const coordinator = new GroupCoordinator({
    store: new FileOffsetStore(state.dataDir),
    initialRebalanceDelayMs: settings.int('group.initial.rebalance.delay.ms'),
    minSessionTimeoutMs: settings.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: settings.int('group.max.session.timeout.ms'),
    maxGroupSize: settings.int('group.max.size'),
    offsetsRetentionMs: settings.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: settings.int('offsets.retention.check.interval.ms'),
  })
  state.metrics.addGauge({
    name: 'kctl_broker_consumergroup_lag',
    help: 'Records between the committed offset and the high watermark, by group, topic and partition',
    samples: () => committedSamples(state, coordinator, (committed, bounds) => partitionLag(committed, bounds)),
  })
  state.metrics.addGauge({
    name: 'kctl_broker_consumergroup_committed_offset',
    help: 'Committed offset, by group, topic and partition',
    samples: () => committedSamples(state, coordinator, (committed) => committed),
  })
  return coordinator
}

/** One sample per committed partition that still exists in the log. */
function committedSamples(state: BrokerState, coordinator: GroupCoordinator, value: (committed: number, bounds: LogBounds) => number): GaugeSample[] {
  const samples: GaugeSample[] = []
  for (const [group, topics] of coordinator.allOffsets()) {
    for (const [topic, partitions] of topics) {
      for (const [partition, committed] of partitions) {
        const offsets = state.log.offsets(topic, partition)
        if (!offsets) continue
        const bounds = {logStartOffset: offsets.logStartOffset, logEndOffset: offsets.highWatermark}
        samples.push({labels: {group, topic, partition: String(partition)}, value: value(committed.offset, bounds)})
      }
    }
  }
  return samples
}

/** The broker's coordinator, created (and its offsets loaded) on first use. */
export function groupCoordinator(state: BrokerState): GroupCoordinator {
  if (!(state.groups instanceof GroupCoordinator)) state.groups = createGroupCoordinator(state)
  return state.groups
}
