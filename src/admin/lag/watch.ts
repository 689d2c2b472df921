// `kctl lag --watch`: a sliding window of lag samples per group, classified the way Burrow
// evaluates consumers (github.com/linkedin/Burrow, "Consumer Lag Evaluation Rules"), with one
// difference forced by the protocol: Burrow reads every commit from __consumer_offsets, kctl
// only sees the committed offset at each sample. So "is anyone committing?" is answered by the
// group's membership: members present but offsets frozen = STALL, nobody present = STOP.
//
// Per partition, over the window (oldest to newest), first rule that matches:
//   1. lag was 0 at some sample                               -> OK (caught up within the window)
//   2. the committed offset went backwards                    -> ERR (rewind, reset under a live group)
//   3. offset never moved, lag > 0, the group has members     -> STALL (consuming without progress)
//   4. offset never moved, lag > 0, the group has no members  -> STOP (no one commits)
//   5. lag grew or held at every step and ended higher        -> WARN (falling behind)
//   6. otherwise                                              -> OK
// A group takes its worst partition; ERR also when its offsets could not be read. Fewer than
// minSamples samples are not a trend: such groups are OK and marked incomplete.
import type {LagReport} from './compute.js'

export const lagStatuses = ['OK', 'WARN', 'STALL', 'STOP', 'ERR'] as const
export type LagStatus = (typeof lagStatuses)[number]
const severity: Record<LagStatus, number> = {OK: 0, WARN: 1, STALL: 2, STOP: 3, ERR: 4}

export interface PartitionSample {
  currentOffset: number | null
  lag: number
  logEndOffset: number
}

export interface GroupSample {
  atMs: number
  members: number
  error?: string
  /** "topic:partition" -> sample */
  partitions: ReadonlyMap<string, PartitionSample>
}

export interface GroupTrend {
  group: string
  status: LagStatus
  /** Why, in a few words; the partition that decided it when there is one. */
  reason: string
  /** False until the window holds minSamples samples. */
  complete: boolean
  samples: number
  lag: number
  /** Change of total lag per second over the window (positive = falling behind). */
  lagPerSec: number
  /** Committed offsets advanced per second over the window. */
  consumedPerSec: number
  /** Log end offsets advanced per second over the window. */
  producedPerSec: number
}

export function classifyPartition(samples: readonly (PartitionSample | undefined)[], members: number): {status: LagStatus; reason: string} {
  const present = samples.filter((sample): sample is PartitionSample => sample !== undefined)
  if (present.some((sample) => sample.lag === 0)) return {status: 'OK', reason: 'caught up'}
  for (let index = 1; index < present.length; index++) {
    const before = present[index - 1].currentOffset
    const after = present[index].currentOffset
    if (before !== null && after !== null && after < before) return {status: 'ERR', reason: `offset rewound ${before} -> ${after}`}
  }
  const first = present[0]
  const last = present[present.length - 1]
  if (first.currentOffset === last.currentOffset) {
    return members > 0 ? {status: 'STALL', reason: 'members present, offset not moving'} : {status: 'STOP', reason: 'no members, offset not moving'}
  }
  const growing = present.every((sample, index) => index === 0 || sample.lag >= present[index - 1].lag) && last.lag > first.lag
  if (growing) return {status: 'WARN', reason: `lag growing ${first.lag} -> ${last.lag}`}
  return {status: 'OK', reason: 'consuming'}
}

export function classifyGroup(group: string, window: readonly GroupSample[], minSamples: number): GroupTrend {
  const last = window[window.length - 1]
  const first = window[0]
  const totalLag = (sample: GroupSample) => [...sample.partitions.values()].reduce((sum, partition) => sum + partition.lag, 0)
  const elapsedSec = (last.atMs - first.atMs) / 1000
  let consumed = 0
  let produced = 0
  for (const [key, now] of last.partitions) {
    const then = first.partitions.get(key)
    if (!then) continue
    if (now.currentOffset !== null && then.currentOffset !== null) consumed += Math.max(0, now.currentOffset - then.currentOffset)
    produced += Math.max(0, now.logEndOffset - then.logEndOffset)
  }
  const trend: GroupTrend = {
    group,
    status: 'OK',
    reason: 'caught up',
    complete: window.length >= minSamples,
    samples: window.length,
    lag: totalLag(last),
    lagPerSec: elapsedSec > 0 ? (totalLag(last) - totalLag(first)) / elapsedSec : 0,
    consumedPerSec: elapsedSec > 0 ? consumed / elapsedSec : 0,
    producedPerSec: elapsedSec > 0 ? produced / elapsedSec : 0,
  }
  if (last.error) return {...trend, status: 'ERR', reason: last.error}
  if (!trend.complete) return {...trend, reason: `collecting samples (${window.length}/${minSamples})`}
  for (const key of [...last.partitions.keys()].sort()) {
    const verdict = classifyPartition(window.map((sample) => sample.partitions.get(key)), last.members)
    if (severity[verdict.status] > severity[trend.status] || (trend.reason === 'caught up' && verdict.status === 'OK')) {
      trend.status = verdict.status
      trend.reason = verdict.status === 'OK' ? verdict.reason : `${key}: ${verdict.reason}`
    }
  }
  return trend
}

/** The sliding window of the last `size` samples per group. */
export class LagWindow {
  private readonly samples = new Map<string, GroupSample[]>()

  constructor(
    private readonly size: number,
    private readonly minSamples = Math.min(3, size),
  ) {}

  add(report: LagReport): void {
    const seen = new Set<string>()
    for (const total of report.groups) {
      seen.add(total.group)
      const partitions = new Map<string, PartitionSample>()
      for (const row of report.rows) {
        if (row.group === total.group) partitions.set(`${row.topic}:${row.partition}`, {currentOffset: row.currentOffset, lag: row.lag, logEndOffset: row.logEndOffset})
      }
      const window = this.samples.get(total.group) ?? []
      window.push({atMs: report.sampledAtMs, members: total.members, error: total.error, partitions})
      if (window.length > this.size) window.shift()
      this.samples.set(total.group, window)
    }
    for (const group of [...this.samples.keys()]) if (!seen.has(group)) this.samples.delete(group)
  }

  classify(): GroupTrend[] {
    return [...this.samples].map(([group, window]) => classifyGroup(group, window, this.minSamples)).sort((a, b) => severity[b.status] - severity[a.status] || b.lag - a.lag || a.group.localeCompare(b.group))
  }
}
