// Tables for `kctl lag`: the per-partition rows, totals per group and per group+topic, and the
// --watch view (one line per group with its Burrow-style status and trends).
import {formatDurationMs} from '../../config/units.js'
import {colour, renderLongTable, renderTable} from '../../ui/output.js'
import type {LagReport, ThresholdBreach} from './compute.js'
import type {GroupTrend, LagStatus} from './watch.js'

function timeLag(ms: number | null): string {
  return ms === null ? '?' : formatDurationMs(ms)
}

export function renderLagReport(report: LagReport): string {
  if (report.groups.length === 0) return colour.dim('no consumer groups')
  const parts: string[] = []
  if (report.rows.length > 0) {
    parts.push(renderLongTable(
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'TIME-LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      report.rows.map((row) => [row.group, row.topic, row.partition, row.currentOffset, row.logEndOffset, row.lag, timeLag(row.timeLagMs), row.consumerId, row.host, row.clientId]),
      {alignRight: [2, 3, 4, 5, 6]},
    ))
  }
  parts.push(renderTable(
    ['GROUP', 'TYPE', 'STATE', 'MEMBERS', 'PARTITIONS', 'TOTAL-LAG', 'MAX-TIME-LAG'],
    report.groups.map((group) => [group.group, group.type, group.error ? colour.red(`ERR ${group.error}`) : group.state, group.members, group.partitions, group.lag, timeLag(group.maxTimeLagMs)]),
    {alignRight: [3, 4, 5, 6]},
  ))
  if (report.topics.length > 0) {
    parts.push(renderLongTable(
      ['GROUP', 'TOPIC', 'PARTITIONS', 'TOTAL-LAG', 'MAX-TIME-LAG'],
      report.topics.map((total) => [total.group, total.topic, total.partitions, total.lag, timeLag(total.maxTimeLagMs)]),
      {alignRight: [2, 3, 4]},
    ))
  }
  return parts.join('\n\n')
}

const statusColour: Record<LagStatus, (text: string) => string> = {
  OK: colour.green,
  WARN: colour.yellow,
  STALL: colour.magenta,
  STOP: colour.red,
  ERR: colour.red,
}

function rate(perSec: number): string {
  const rounded = Math.abs(perSec) >= 10 ? Math.round(perSec) : Math.round(perSec * 10) / 10
  return `${rounded > 0 ? '+' : ''}${rounded}/s`
}

function trendArrow(trend: GroupTrend): string {
  if (trend.samples < 2) return ' '
  if (trend.lagPerSec > 0) return '↑'
  if (trend.lagPerSec < 0) return '↓'
  return '→'
}

/** The --watch screen: groups with status and trends, then the most lagging partitions. */
export function renderWatch(report: LagReport, trends: readonly GroupTrend[], options: {intervalMs: number; sample: number; topRows?: number; breaches?: readonly ThresholdBreach[]}): string {
  const maxTimeLag = new Map(report.groups.map((group) => [group.group, group.maxTimeLagMs]))
  const header = colour.dim(`every ${formatDurationMs(options.intervalMs)} · sample ${options.sample} · ${new Date(report.sampledAtMs).toISOString()} · Ctrl-C to stop`)
  const groups = renderTable(
    ['GROUP', 'STATUS', 'LAG', 'TREND', 'LAG-RATE', 'CONSUMED', 'PRODUCED', 'MAX-TIME-LAG', 'REASON'],
    trends.map((trend) => [
      trend.group,
      statusColour[trend.status](trend.status),
      trend.lag,
      trendArrow(trend),
      rate(trend.lagPerSec),
      rate(trend.consumedPerSec),
      rate(trend.producedPerSec),
      timeLag(maxTimeLag.get(trend.group) ?? null),
      trend.reason,
    ]),
    {alignRight: [2, 4, 5, 6, 7]},
  )
  const top = report.rows.filter((row) => row.lag > 0).slice(0, options.topRows ?? 10)
  const parts = [header, trends.length === 0 ? colour.dim('no consumer groups (yet): watching') : groups]
  if (top.length > 0) {
    parts.push(renderTable(
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'TIME-LAG', 'CONSUMER-ID'],
      top.map((row) => [row.group, row.topic, row.partition, row.currentOffset, row.logEndOffset, row.lag, timeLag(row.timeLagMs), row.consumerId]),
      {alignRight: [2, 3, 4, 5, 6]},
    ))
  }
  if (options.breaches && options.breaches.length > 0) parts.push(colour.red(describeBreaches(options.breaches)))
  return parts.join('\n\n')
}

/** One line for the threshold error: how many partitions crossed, and the worst. */
export function describeBreaches(breaches: readonly ThresholdBreach[]): string {
  const worst = [...breaches].sort((a, b) => (b.value ?? Infinity) / b.limit - (a.value ?? Infinity) / a.limit)[0]
  const value = worst.what === 'lag' ? String(worst.value) : worst.value === null ? 'unknown' : formatDurationMs(worst.value)
  const limit = worst.what === 'lag' ? String(worst.limit) : formatDurationMs(worst.limit)
  const partitions = new Set(breaches.map((breach) => `${breach.group}/${breach.topic}-${breach.partition}`)).size
  return `${partitions} partition${partitions === 1 ? '' : 's'} over the limit; worst ${worst.group} ${worst.topic}-${worst.partition}: ${worst.what} ${value} > ${limit}`
}
