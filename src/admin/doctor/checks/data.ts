// Data and consumers: topics that grow forever, topics that appear by accident, and consumer
// groups in trouble, classified as `kctl lag --watch` does (src/admin/lag/watch.ts) and
// measured against --max-lag / --max-time-lag as `kctl lag` does (src/admin/lag/compute.ts).
import {formatBytes, formatDurationMs} from '../../../config/units.js'
import {thresholdBreaches} from '../../lag/compute.js'
import type {LagStatus} from '../../lag/watch.js'
import {type Check, type CheckId, finding, type Severity} from '../findings.js'
import {brokerSetting, brokersObject, formatRate, listItems, partitionKey, partitionSizes, topicNumber, topicSetting, topicWriteBytesPerSec} from '../queries.js'

export const infiniteRetention: Check = (snapshot) => {
  const sizes = partitionSizes(snapshot)
  return snapshot.topics.flatMap((topic) => {
    const deletes = topicSetting(topic, 'cleanup.policy').split(',').map((item) => item.trim()).includes('delete')
    if (!deletes || topicNumber(topic, 'retention.ms') >= 0 || topicNumber(topic, 'retention.bytes') >= 0) return []
    const bytes = topic.partitions.reduce((sum, partition) => sum + (sizes.get(partitionKey(topic.name, partition.partition)) ?? 0), 0)
    const rate = topicWriteBytesPerSec(topic)
    return [finding('data.infinite-retention', rate > 0 ? 'warning' : 'info', {kind: 'topic', name: topic.name}, {
      problem: `retention.ms=-1 and retention.bytes=-1: ${formatBytes(bytes)} kept forever${rate > 0 ? `, growing ${formatRate(rate)} (before replication)` : ', not growing now'}`,
      why: 'Nothing is ever deleted, so the topic alone eventually fills its brokers\' disks.',
      fix: `kctl topics alter ${topic.name} -c retention.ms=604800000 --yes (7 days), or a retention.bytes cap per partition`,
    })]
  })
}

export const autoCreateTopics: Check = (snapshot) => {
  if (snapshot.brokers.length < 2) return []
  const enabled = snapshot.brokers.filter((broker) => brokerSetting(broker, 'auto.create.topics.enable') !== 'false').map((broker) => broker.id)
  if (enabled.length === 0) return []
  return [finding('data.auto-create-topics', 'warning', brokersObject(snapshot, enabled), {
    problem: `auto.create.topics.enable=true on broker(s) ${listItems(enabled)}`,
    why: 'A typo in a client\'s topic name creates a topic with the broker defaults (partitions, RF) instead of failing.',
    fix: 'auto.create.topics.enable=false in server.properties; create topics with kctl topics create',
  })]
}

// The lag --watch classes doctor reports, their check and severity. STALL is an error: the
// group's consumers are up and stuck now. OK is not reported.
const trendChecks: Record<Exclude<LagStatus, 'OK'>, {id: CheckId; severity: Severity; why: string; fix: (group: string) => string}> = {
  STALL: {
    id: 'data.group-stalled', severity: 'error',
    why: 'Its consumers are connected but not committing: records pile up unprocessed.',
    fix: (group) => `kctl groups describe ${group} (which members own the stuck partitions), then restart those consumers`,
  },
  STOP: {
    id: 'data.group-stopped', severity: 'warning',
    why: 'No consumer is running while records wait; once retention deletes them they are never processed.',
    fix: (group) => `start the group's consumers, or, if it is retired, kctl groups delete ${group}`,
  },
  WARN: {
    id: 'data.group-falling-behind', severity: 'warning',
    why: 'Consumers read slower than producers write: the lag, and the delay, keep growing.',
    fix: (group) => `add consumers to ${group} (up to one per partition) or speed them up; kctl lag -g ${group} --watch 5s shows the trend`,
  },
  ERR: {
    id: 'data.group-error', severity: 'warning',
    why: 'The group\'s offsets could not be read or went backwards: records may be skipped or processed twice.',
    fix: (group) => `kctl groups describe ${group}`,
  },
}

function trendCheck(status: Exclude<LagStatus, 'OK'>): Check {
  return (snapshot) => {
    const spec = trendChecks[status]
    return (snapshot.consumers?.trends ?? [])
      .filter((trend) => trend.complete && trend.status === status)
      .map((trend) => finding(spec.id, spec.severity, {kind: 'group', name: trend.group}, {
        problem: `${status}: ${trend.reason}; lag ${trend.lag} record(s)${trend.lagPerSec > 0 ? `, growing ${Math.round(trend.lagPerSec)}/s` : ''}`,
        why: spec.why,
        fix: spec.fix(trend.group),
      }))
  }
}

export const groupStalled = trendCheck('STALL')
export const groupStopped = trendCheck('STOP')
export const groupFallingBehind = trendCheck('WARN')
export const groupError = trendCheck('ERR')

export const groupOverLagLimit: Check = (snapshot, options) => {
  if (!snapshot.consumers || (options.maxLag === undefined && options.maxTimeLagMs === undefined)) return []
  const breaches = thresholdBreaches(snapshot.consumers.report, {maxLag: options.maxLag, maxTimeLagMs: options.maxTimeLagMs})
  const groups = [...new Set(breaches.map((breach) => breach.group))].sort()
  return groups.map((group) => {
    const mine = breaches.filter((breach) => breach.group === group)
    const describe = (what: 'lag' | 'time-lag') => {
      const rows = mine.filter((breach) => breach.what === what)
      if (rows.length === 0) return []
      const worst = what === 'lag'
        ? `${Math.max(...rows.map((row) => row.value ?? 0))} > --max-lag ${rows[0].limit}`
        : `${rows.some((row) => row.value === null) ? 'unknown' : formatDurationMs(Math.max(...rows.map((row) => row.value!)))} > --max-time-lag ${formatDurationMs(rows[0].limit)}`
      return [`${what} ${worst} on ${listItems(rows.map((row) => `${row.topic}:${row.partition}`), 5)}`]
    }
    return finding('data.group-over-lag-limit', 'error', {kind: 'group', name: group}, {
      problem: [...describe('lag'), ...describe('time-lag')].join('; '),
      why: 'The group is further behind than the limit you set for it.',
      fix: `kctl lag -g ${group} for the partitions; add consumers or fix the slow ones`,
    })
  })
}
