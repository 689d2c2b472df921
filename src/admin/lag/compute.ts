// Consumer lag from raw observations: pure, so every rule is unit-tested on its own.
//
// - Log end is the high watermark (ListOffsets latest, read_uncommitted), never the last
//   stable offset, which stops at the first open transaction and would hide lag.
// - A partition with no committed offset counts its whole backlog (log end - log start),
//   which is what a new consumer with auto.offset.reset=earliest has to read.
// - The lag rule itself (log start, never negative) and the PartitionOffsets shape live in
//   src/kafka/lag.ts, shared with the broker's /metrics.
// - Time lag = now - timestamp of the first unconsumed record; 0 when caught up, null when
//   that record could not be read.
import {firstUnconsumedOffset, partitionLag, type PartitionOffsets} from '../../kafka/lag.js'

export {firstUnconsumedOffset, partitionLag, type PartitionOffsets} from '../../kafka/lag.js'

export interface GroupMemberView {
  readonly memberId: string
  readonly clientId: string
  readonly host: string
  readonly assignment: readonly {topic: string; partitions: readonly number[]}[]
}

export interface GroupObservation {
  readonly groupId: string
  /** classic, consumer (KIP-848), ... as ListGroups v5 says. */
  readonly type: string
  readonly state: string
  readonly members: readonly GroupMemberView[]
  /** topic -> partition -> committed offset */
  readonly committed: ReadonlyMap<string, ReadonlyMap<number, number>>
  /** Set when the group's offsets could not be read. */
  readonly error?: string
}

export interface LagRow {
  group: string
  topic: string
  partition: number
  /** null: nothing committed. */
  currentOffset: number | null
  logStartOffset: number
  logEndOffset: number
  lag: number
  /** null: unknown (the first unconsumed record could not be read). */
  timeLagMs: number | null
  consumerId: string | null
  host: string | null
  clientId: string | null
}

export interface GroupTotal {
  group: string
  type: string
  state: string
  members: number
  partitions: number
  lag: number
  maxTimeLagMs: number | null
  error?: string
}

export interface TopicTotal {
  group: string
  topic: string
  partitions: number
  lag: number
  maxTimeLagMs: number | null
}

export interface LagReport {
  sampledAtMs: number
  rows: LagRow[]
  groups: GroupTotal[]
  topics: TopicTotal[]
}

export function timestampKey(topic: string, partition: number, offset: number): string {
  return `${topic}\u0000${partition}\u0000${offset}`
}

/** topic -> partition -> offset -> timestamp from timestampKey()-keyed timestamps: a report
 *  looks up 50,000 rows, and a key string built and hashed for each cost more than the rest. */
function timestampIndex(timestamps: ReadonlyMap<string, number>): Map<string, Map<number, Map<number, number>>> {
  const index = new Map<string, Map<number, Map<number, number>>>()
  for (const [key, timestamp] of timestamps) {
    const [topic, partition, offset] = key.split('\u0000')
    let partitions = index.get(topic)
    if (!partitions) index.set(topic, (partitions = new Map()))
    let offsets = partitions.get(Number(partition))
    if (!offsets) partitions.set(Number(partition), (offsets = new Map()))
    offsets.set(Number(offset), timestamp)
  }
  return index
}

/** The partitions a group's lag covers: every partition of each topic it has committed on or
 *  is assigned (an uncommitted partition of a consumed topic is backlog too). */
export function groupPartitions(group: GroupObservation, partitionsByTopic: ReadonlyMap<string, readonly PartitionOffsets[]>, topicFilter?: ReadonlySet<string>): PartitionOffsets[] {
  const topics = new Set<string>(group.committed.keys())
  for (const member of group.members) for (const {topic} of member.assignment) topics.add(topic)
  const result: PartitionOffsets[] = []
  for (const topic of [...topics].sort()) {
    if (topicFilter && !topicFilter.has(topic)) continue
    result.push(...(partitionsByTopic.get(topic) ?? []))
  }
  return result
}

export function buildLagReport(input: {
  groups: readonly GroupObservation[]
  partitionsByTopic: ReadonlyMap<string, readonly PartitionOffsets[]>
  /** timestampKey(topic, partition, offset) -> record timestamp (ms), for partitions with lag. */
  timestamps: ReadonlyMap<string, number>
  nowMs: number
  topicFilter?: ReadonlySet<string>
}): LagReport {
  const rows: LagRow[] = []
  const groups: GroupTotal[] = []
  const topicTotals = new Map<string, TopicTotal>()
  const timestampOf = timestampIndex(input.timestamps)
  for (const group of input.groups) {
    const owner = new Map<string, GroupMemberView>()
    for (const member of group.members) {
      for (const {topic, partitions} of member.assignment) for (const partition of partitions) owner.set(`${topic}:${partition}`, member)
    }
    const total: GroupTotal = {group: group.groupId, type: group.type, state: group.state, members: group.members.length, partitions: 0, lag: 0, maxTimeLagMs: 0, ...(group.error ? {error: group.error} : {})}
    groups.push(total)
    if (group.error) {
      total.maxTimeLagMs = null
      continue
    }
    let topicTotal: TopicTotal | undefined
    for (const offsets of groupPartitions(group, input.partitionsByTopic, input.topicFilter)) {
      const {topic, partition} = offsets
      const committed = group.committed.get(topic)?.get(partition) ?? null
      const lag = partitionLag(committed, offsets)
      let timeLagMs: number | null = 0
      if (lag > 0) {
        const timestamp = timestampOf.get(topic)?.get(partition)?.get(firstUnconsumedOffset(committed, offsets))
        timeLagMs = timestamp === undefined ? null : Math.max(0, input.nowMs - timestamp)
      }
      const member = owner.size > 0 ? owner.get(`${topic}:${partition}`) : undefined
      rows.push({
        group: group.groupId,
        topic,
        partition,
        currentOffset: committed,
        logStartOffset: offsets.logStartOffset,
        logEndOffset: offsets.logEndOffset,
        lag,
        timeLagMs,
        consumerId: member?.memberId ?? null,
        host: member?.host ?? null,
        clientId: member?.clientId ?? null,
      })
      total.partitions++
      total.lag += lag
      total.maxTimeLagMs = maxNullable(total.maxTimeLagMs, timeLagMs)
      // groupPartitions lists a group's partitions topic by topic: one look-up per topic.
      if (topicTotal?.topic !== topic) {
        const key = `${group.groupId}\u0000${topic}`
        topicTotal = topicTotals.get(key)
        if (!topicTotal) topicTotals.set(key, (topicTotal = {group: group.groupId, topic, partitions: 0, lag: 0, maxTimeLagMs: 0}))
      }
      topicTotal.partitions++
      topicTotal.lag += lag
      topicTotal.maxTimeLagMs = maxNullable(topicTotal.maxTimeLagMs, timeLagMs)
    }
  }
  const byLag = <T extends {lag: number}>(compareRest: (a: T, b: T) => number) => (a: T, b: T) => b.lag - a.lag || compareRest(a, b)
  rows.sort(byLag((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition))
  groups.sort(byLag((a, b) => a.group.localeCompare(b.group)))
  const topics = [...topicTotals.values()].sort(byLag((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic)))
  return {sampledAtMs: input.nowMs, rows, groups, topics}
}

/**
 * The records whose timestamps give the time lag: for each partition with lag, of each group
 * whose offsets were read, its first unconsumed offset. Each (topic, partition, offset) once,
 * however many groups stand there.
 */
export function timeLagReads(
  groups: readonly GroupObservation[],
  partitionsByTopic: ReadonlyMap<string, readonly PartitionOffsets[]>,
  topicFilter?: ReadonlySet<string>,
): {topic: string; partition: number; offset: number}[] {
  const reads: {topic: string; partition: number; offset: number}[] = []
  // Keyed by the partition's own PartitionOffsets object, which every group's rows share.
  const seen = new Map<PartitionOffsets, Set<number>>()
  for (const group of groups) {
    if (group.error) continue
    for (const offsets of groupPartitions(group, partitionsByTopic, topicFilter)) {
      const committed = group.committed.get(offsets.topic)?.get(offsets.partition) ?? null
      if (partitionLag(committed, offsets) === 0) continue
      const offset = firstUnconsumedOffset(committed, offsets)
      let seenOffsets = seen.get(offsets)
      if (!seenOffsets) seen.set(offsets, (seenOffsets = new Set()))
      if (seenOffsets.has(offset)) continue
      seenOffsets.add(offset)
      reads.push({topic: offsets.topic, partition: offsets.partition, offset})
    }
  }
  return reads
}

/** null (unknown) wins over numbers: an unknown time lag must not look like a small one. */
function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null || b === null) return null
  return Math.max(a, b)
}

export interface ThresholdBreach {
  group: string
  topic: string
  partition: number
  what: 'lag' | 'time-lag'
  value: number | null
  limit: number
}

/** Rows crossing --max-lag / --max-time-lag; an unknown time lag crosses a time limit. */
export function thresholdBreaches(report: LagReport, limits: {maxLag?: number; maxTimeLagMs?: number}): ThresholdBreach[] {
  const breaches: ThresholdBreach[] = []
  for (const row of report.rows) {
    if (limits.maxLag !== undefined && row.lag > limits.maxLag) {
      breaches.push({group: row.group, topic: row.topic, partition: row.partition, what: 'lag', value: row.lag, limit: limits.maxLag})
    }
    if (limits.maxTimeLagMs !== undefined && row.lag > 0 && (row.timeLagMs === null || row.timeLagMs > limits.maxTimeLagMs)) {
      breaches.push({group: row.group, topic: row.topic, partition: row.partition, what: 'time-lag', value: row.timeLagMs, limit: limits.maxTimeLagMs})
    }
  }
  return breaches
}
