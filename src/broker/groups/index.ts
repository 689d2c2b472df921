// The group coordinator of a running broker: made once by startBroker from the broker's
// settings (its committed offsets and consumer groups load then, so offset expiry, sessions and
// the lag gauges run from the start) and kept in BrokerState.groups, so handlers reach it only
// through their context.
import {usageError} from '../../errors.js'
import {type LogBounds, partitionLag} from '../../kafka/lag.js'
import type {BrokerLog} from '../log-adapter.js'
import type {BrokerMetrics, GaugeSample} from '../metrics.js'
import type {BrokerSettings} from '../settings.js'
import {GroupCoordinator} from './coordinator.js'
import {FileGroupStore} from './group-store.js'
import {FileOffsetStore} from './offset-store.js'

export {GroupCoordinator} from './coordinator.js'
export type {Assignment, GroupErrorName, GroupState, GroupSummary, ListedGroup} from './coordinator.js'

/** What the coordinator is made from: settings, where offsets live, the log (for lag gauges). */
export interface GroupCoordinatorParts {
  settings: BrokerSettings
  dataDir: string
  log: BrokerLog
  metrics: BrokerMetrics
}

export function createGroupCoordinator(parts: GroupCoordinatorParts): GroupCoordinator {
  const {settings, metrics} = parts
  // Kafka refuses to start with these outside their bounds; so does the bundled broker.
  for (const [key, min, max] of [
    ['group.consumer.session.timeout.ms', 'group.consumer.min.session.timeout.ms', 'group.consumer.max.session.timeout.ms'],
    ['group.consumer.heartbeat.interval.ms', 'group.consumer.min.heartbeat.interval.ms', 'group.consumer.max.heartbeat.interval.ms'],
  ]) {
    const value = settings.int(key)
    if (value < settings.int(min) || value > settings.int(max)) {
      throw usageError(`unable to configure the broker: ${key}=${value} is outside ${min}=${settings.int(min)} .. ${max}=${settings.int(max)}`, `set ${min} and ${max} around it`)
    }
  }
  const coordinator = new GroupCoordinator({
    store: new FileOffsetStore(parts.dataDir),
    initialRebalanceDelayMs: settings.int('group.initial.rebalance.delay.ms'),
    minSessionTimeoutMs: settings.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: settings.int('group.max.session.timeout.ms'),
    maxGroupSize: settings.int('group.max.size'),
    offsetsRetentionMs: settings.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: settings.int('offsets.retention.check.interval.ms'),
    classicStore: new FileGroupStore(parts.dataDir, 'classic-groups'),
    consumer: {
      heartbeatIntervalMs: settings.int('group.consumer.heartbeat.interval.ms'),
      sessionTimeoutMs: settings.int('group.consumer.session.timeout.ms'),
      assignors: (settings.get('group.consumer.assignors') ?? 'uniform,range').split(',').map((name) => name.trim()),
      maxGroupSize: settings.int('group.consumer.max.size'),
      topics: parts.log,
      store: new FileGroupStore(parts.dataDir, 'consumer-groups'),
    },
  })
  metrics.addGauge({
    name: 'kctl_broker_consumergroup_lag',
    help: 'Records between the committed offset and the high watermark, by group, topic and partition',
    samples: () => committedSamples(parts.log, coordinator, (committed, bounds) => partitionLag(committed, bounds)),
  })
  metrics.addGauge({
    name: 'kctl_broker_consumergroup_committed_offset',
    help: 'Committed offset, by group, topic and partition',
    samples: () => committedSamples(parts.log, coordinator, (committed) => committed),
  })
  return coordinator
}

/** One sample per committed partition that still exists in the log. */
function committedSamples(log: BrokerLog, coordinator: GroupCoordinator, value: (committed: number, bounds: LogBounds) => number): GaugeSample[] {
  const samples: GaugeSample[] = []
  for (const [group, topics] of coordinator.allOffsets()) {
    for (const [topic, partitions] of topics) {
      for (const [partition, committed] of partitions) {
        const offsets = log.offsets(topic, partition)
        if (!offsets) continue
        const bounds = {logStartOffset: offsets.logStartOffset, logEndOffset: offsets.highWatermark}
        samples.push({labels: {group, topic, partition: String(partition)}, value: value(committed.offset, bounds)})
      }
    }
  }
  return samples
}
