// Capacity: how evenly the load sits, how full the disks are, when they fill, and whether the
// cluster carries its measured traffic after losing a broker or a rack.
//
// Time until full, per log dir (and per broker: its first dir to fill).
//   Every replica of a partition appends the partition's write rate w (bytes/s). Retention
//   caps what a replica keeps: Kafka deletes closed segments older than retention.ms (R) or
//   beyond retention.bytes (B), never the segment being written, so a replica levels off at
//       cap = min(w·R, B) + min(segment.bytes, w·segment.ms)
//   (the second term: the open segment, rolled at segment.bytes or segment.ms). With R and B
//   both -1 (infinite) there is no cap. Compacted-only topics keep one record per key; their
//   size is taken as their cap. A replica holding s bytes grows at w until it reaches its cap,
//   i.e. for (cap − s)/w seconds, then stops. With F usable bytes left in the dir, the time
//   until full is the t where
//       Σ over replicas min(w_r·t, cap_r − s_r) = F,
//   a sum of ramps that each level off: walk the replicas in the order they level off, and the
//   dir fills while the still-growing ones add up to F — or never, when every replica levels
//   off first (Infinity, "not filling"). Summed over a topic's replicas, the cluster keeps
//   about W·R·RF bytes of a topic written at W bytes/s.
//   Free space is the log dir's usableBytes (DescribeLogDirs v4+); without it, --disk minus
//   the data in the broker's only log dir.
//
// Survive-a-loss: the planner's own model (src/plan/model.ts assessCluster) on the observed
// workload, so `kctl plan` and `kctl doctor` agree:
//   W (write MiB/s)   = Σ measured partition write rates
//   fanout            = consumer groups reading each topic, weighted by the topic's writes,
//                       rounded (plan takes whole groups)
//   RF, min ISR       = those of the topics carrying most of the writes
//   retention         = the data the cluster keeps before replication at steady state, S, as
//                       hours of W: S / W. S = Σ over partitions of the cap above, or the
//                       current size for topics without a cap (infinite retention)
//   record size       = Σ bytes/s / Σ records/s (1 KiB when nothing was written)
//   partitions        = every partition, internal topics included
//   AZs               = distinct broker.rack values (1 when any broker has none)
//   hardware          = --cores/--memory/--network/--disk-mbps (else the seed's recommended HA
//                       tier) and the disk from the log dirs' total bytes (else --disk).
import {formatBytes, formatDurationMs} from '../../../config/units.js'
import {defaultPartitionMiBps} from '../../../plan/input.js'
import {assessCluster, type ClusterAssessment, formatNumber, type PlanInput} from '../../../plan/model.js'
import {type Hardware, seedTiers} from '../../../plan/tiers.js'
import {type Check, type DoctorOptions, finding, type Finding} from '../findings.js'
import {
  formatRate, minInsyncReplicas, partitionKey, partitionsByKey, partitionSizes, racks, replicationFactor, topicNumber, topicSetting,
  topicWriteBytesPerSec,
} from '../queries.js'
import type {ClusterSnapshot, SnapshotBroker, SnapshotLogDir, SnapshotTopic} from '../snapshot.js'

// Disk thresholds: init's Prometheus alert fires at 75% (the model keeps 25% free); at 90%
// a burst or a reassignment fills the rest.
const diskWarnFraction = 0.75
const diskErrorFraction = 0.9
const timeUntilFullWarnMs = 7 * 86_400_000
const timeUntilFullErrorMs = 86_400_000
// Skew: the busiest and idlest brokers differ by at least 2 and by more than 20% of the mean.
const skewMinSpread = 2
const skewMaxFraction = 0.2

/** One replica as the fill model sees it: its size now, its growth rate, and the size it levels off at. */
export interface ReplicaGrowth {
  sizeBytes: number
  writeBytesPerSec: number
  /** Infinity when retention never caps it. */
  capBytes: number
}

/** The size a replica of `topic` written at `writeBytesPerSec` levels off at (see the file header); Infinity without a cap. */
export function replicaCapBytes(topic: SnapshotTopic, writeBytesPerSec: number, sizeBytes: number): number {
  const policy = topicSetting(topic, 'cleanup.policy').split(',').map((item) => item.trim())
  if (!policy.includes('delete')) return sizeBytes
  const retentionMs = topicNumber(topic, 'retention.ms')
  const retentionBytes = topicNumber(topic, 'retention.bytes')
  const byTime = retentionMs < 0 ? Number.POSITIVE_INFINITY : (writeBytesPerSec * retentionMs) / 1000
  const bySize = retentionBytes < 0 ? Number.POSITIVE_INFINITY : retentionBytes
  const kept = Math.min(byTime, bySize)
  if (!Number.isFinite(kept)) return Number.POSITIVE_INFINITY
  const openSegment = Math.min(topicNumber(topic, 'segment.bytes'), (writeBytesPerSec * topicNumber(topic, 'segment.ms')) / 1000)
  return kept + openSegment
}

/**
 * Seconds until `freeBytes` are used by replicas that each grow at their rate until their cap:
 * the t with Σ min(w·t, cap − size) = free. Infinity when they all level off first.
 */
export function secondsUntilFull(freeBytes: number, replicas: readonly ReplicaGrowth[]): number {
  if (freeBytes <= 0) return 0
  const growing = replicas
    .map((replica) => ({rate: replica.writeBytesPerSec, headroom: replica.capBytes - replica.sizeBytes}))
    .filter((replica) => replica.rate > 0 && replica.headroom > 0)
    .map((replica) => ({rate: replica.rate, levelsOffAt: replica.headroom / replica.rate}))
    .sort((a, b) => a.levelsOffAt - b.levelsOffAt)
  let rate = growing.reduce((sum, replica) => sum + replica.rate, 0)
  let at = 0
  let filled = 0
  for (const replica of growing) {
    if (rate <= 0) break
    const untilFull = at + (freeBytes - filled) / rate
    if (untilFull <= replica.levelsOffAt) return untilFull
    filled += rate * (replica.levelsOffAt - at)
    at = replica.levelsOffAt
    rate -= replica.rate
  }
  return Number.POSITIVE_INFINITY
}

export interface LogDirFigures {
  path: string
  error?: string
  /** Where the free space comes from: DescribeLogDirs, --disk, or unknown. */
  spaceFrom: 'reported' | 'disk-flag' | 'unknown'
  totalBytes?: number
  usableBytes?: number
  /** 1 − usable/total; undefined when the space is unknown. */
  usedFraction?: number
  /** Bytes of the replicas in the dir. */
  dataBytes: number
  /** Bytes/s the dir's replicas append (leaders and followers alike). */
  writeBytesPerSec: number
  /** Of that, the replicas still below their retention cap. */
  growthBytesPerSec: number
  /** ms until full at the measured rate; null: never (growth stops at the retention caps first); undefined: free space unknown. */
  timeUntilFullMs?: number | null
}

export interface BrokerFigures {
  id: number
  rack?: string
  replicas: number
  leaders: number
  dataBytes: number
  writeBytesPerSec: number
  growthBytesPerSec: number
  /** The first of its log dirs to fill: ms, null for never, undefined when no dir's space is known. */
  timeUntilFullMs?: number | null
  logDirs: LogDirFigures[]
}

export interface TopicFigures {
  topic: string
  partitions: number
  replicationFactor: number
  /** Producer writes, before replication. */
  writeBytesPerSec: number
  /** Data held, before replication (each partition's largest replica). */
  dataBytes: number
  /** What it levels off at, before replication; null when retention never caps it. */
  steadyStateBytes: number | null
}

export type HardwareSource = 'given' | 'reported' | 'assumed'

export interface ModelFigures {
  /** The workload as the planner sees it (see the file header). */
  input: PlanInput
  partitions: number
  brokers: number
  /** Where each hardware figure comes from; "assumed" = the seed's recommended HA tier. */
  hardwareSource: Record<keyof Hardware, HardwareSource>
  assessment: ClusterAssessment
}

export interface CapacityFigures {
  /** Σ of every partition's producer write rate, before replication. */
  writeBytesPerSec: number
  topics: TopicFigures[]
  brokers: BrokerFigures[]
  /** undefined when there are no brokers or no partitions to model. */
  model?: ModelFigures
}

type PartitionIndex = ReturnType<typeof partitionsByKey>

function replicaGrowth(partitions: PartitionIndex, dir: SnapshotLogDir): ReplicaGrowth[] {
  return dir.replicas.filter((replica) => !replica.isFuture).map((replica) => {
    const found = partitions.get(partitionKey(replica.topic, replica.partition))
    const rate = found?.partition.writeBytesPerSec ?? 0
    return {sizeBytes: replica.sizeBytes, writeBytesPerSec: rate, capBytes: found ? replicaCapBytes(found.topic, rate, replica.sizeBytes) : replica.sizeBytes}
  })
}

function dirSpace(broker: SnapshotBroker, dir: SnapshotLogDir, dataBytes: number, options: DoctorOptions): Pick<LogDirFigures, 'spaceFrom' | 'totalBytes' | 'usableBytes'> {
  if (dir.totalBytes !== undefined && dir.usableBytes !== undefined) return {spaceFrom: 'reported', totalBytes: dir.totalBytes, usableBytes: dir.usableBytes}
  // --disk is per broker: it says nothing about how several dirs share it.
  if (options.diskBytes !== undefined && broker.logDirs.length === 1) return {spaceFrom: 'disk-flag', totalBytes: options.diskBytes, usableBytes: Math.max(0, options.diskBytes - dataBytes)}
  return {spaceFrom: 'unknown'}
}

function logDirFigures(partitions: PartitionIndex, broker: SnapshotBroker, dir: SnapshotLogDir, options: DoctorOptions): LogDirFigures {
  const replicas = replicaGrowth(partitions, dir)
  const dataBytes = replicas.reduce((sum, replica) => sum + replica.sizeBytes, 0)
  const space = dirSpace(broker, dir, dataBytes, options)
  const figures: LogDirFigures = {
    path: dir.path,
    ...(dir.error === undefined ? {} : {error: dir.error}),
    ...space,
    dataBytes,
    writeBytesPerSec: replicas.reduce((sum, replica) => sum + replica.writeBytesPerSec, 0),
    growthBytesPerSec: replicas.filter((replica) => replica.capBytes > replica.sizeBytes).reduce((sum, replica) => sum + replica.writeBytesPerSec, 0),
  }
  if (space.totalBytes !== undefined && space.usableBytes !== undefined) {
    figures.usedFraction = space.totalBytes > 0 ? 1 - space.usableBytes / space.totalBytes : 1
    const seconds = secondsUntilFull(space.usableBytes, replicas)
    figures.timeUntilFullMs = Number.isFinite(seconds) ? seconds * 1000 : null
  }
  return figures
}

/** The earliest of the known fill times; null when every known one is never; undefined when none is known. */
function earliest(times: (number | null | undefined)[]): number | null | undefined {
  const known = times.filter((time) => time !== undefined)
  if (known.length === 0) return undefined
  const finite = known.filter((time): time is number => time !== null)
  return finite.length === 0 ? null : Math.min(...finite)
}

/** Partition replicas and leaders per broker id. */
function placementCounts(snapshot: ClusterSnapshot): {replicas: Map<number, number>; leaders: Map<number, number>} {
  const replicas = new Map<number, number>()
  const leaders = new Map<number, number>()
  for (const topic of snapshot.topics) {
    for (const partition of topic.partitions) {
      for (const id of partition.replicas) replicas.set(id, (replicas.get(id) ?? 0) + 1)
      leaders.set(partition.leader, (leaders.get(partition.leader) ?? 0) + 1)
    }
  }
  return {replicas, leaders}
}

function brokerFigures(snapshot: ClusterSnapshot, options: DoctorOptions): BrokerFigures[] {
  const partitions = partitionsByKey(snapshot)
  const {replicas, leaders} = placementCounts(snapshot)
  return snapshot.brokers.map((broker) => {
    const logDirs = broker.logDirs.map((dir) => logDirFigures(partitions, broker, dir, options))
    return {
      id: broker.id,
      ...(broker.rack === undefined ? {} : {rack: broker.rack}),
      replicas: replicas.get(broker.id) ?? 0,
      leaders: leaders.get(broker.id) ?? 0,
      dataBytes: logDirs.reduce((sum, dir) => sum + dir.dataBytes, 0),
      writeBytesPerSec: logDirs.reduce((sum, dir) => sum + dir.writeBytesPerSec, 0),
      growthBytesPerSec: logDirs.reduce((sum, dir) => sum + dir.growthBytesPerSec, 0),
      timeUntilFullMs: earliest(logDirs.map((dir) => dir.timeUntilFullMs)),
      logDirs,
    }
  })
}

function topicFigures(snapshot: ClusterSnapshot): TopicFigures[] {
  const sizes = partitionSizes(snapshot)
  return snapshot.topics.map((topic) => {
    let dataBytes = 0
    let steadyStateBytes: number | null = 0
    for (const partition of topic.partitions) {
      const size = sizes.get(partitionKey(topic.name, partition.partition)) ?? 0
      dataBytes += size
      const cap = replicaCapBytes(topic, partition.writeBytesPerSec, size)
      steadyStateBytes = steadyStateBytes === null || !Number.isFinite(cap) ? null : steadyStateBytes + cap
    }
    return {topic: topic.name, partitions: topic.partitions.length, replicationFactor: replicationFactor(topic), writeBytesPerSec: topicWriteBytesPerSec(topic), dataBytes, steadyStateBytes}
  })
}

/** The heaviest (RF, min.insync.replicas) pair: by write rate, or by partition count when nothing is written. */
function dominantReplication(snapshot: ClusterSnapshot, byWrites: boolean): {replicationFactor: number; minInsyncReplicas: number} {
  const weights = new Map<string, {replicationFactor: number; minInsyncReplicas: number; weight: number}>()
  for (const topic of snapshot.topics) {
    if (topic.partitions.length === 0) continue
    const pair = {replicationFactor: replicationFactor(topic), minInsyncReplicas: minInsyncReplicas(topic)}
    const key = `${pair.replicationFactor}/${pair.minInsyncReplicas}`
    const entry = weights.get(key) ?? {...pair, weight: 0}
    entry.weight += byWrites ? topicWriteBytesPerSec(topic) : topic.partitions.length
    weights.set(key, entry)
  }
  const heaviest = [...weights.values()].sort((a, b) => b.weight - a.weight || a.replicationFactor - b.replicationFactor)[0]
  if (!heaviest) return {replicationFactor: Math.min(3, snapshot.brokers.length), minInsyncReplicas: 1}
  return {replicationFactor: heaviest.replicationFactor, minInsyncReplicas: heaviest.minInsyncReplicas}
}

function modelHardware(snapshot: ClusterSnapshot, options: DoctorOptions): {hardware: Hardware; hardwareSource: Record<keyof Hardware, HardwareSource>} {
  const seed = seedTiers.ha.recommended
  const hardware = {...seed}
  const hardwareSource = Object.fromEntries(Object.keys(seed).map((key) => [key, 'assumed'])) as Record<keyof Hardware, HardwareSource>
  for (const key of Object.keys(seed) as (keyof Hardware)[]) {
    const given = options.hardware?.[key]
    if (given !== undefined) [hardware[key], hardwareSource[key]] = [given, 'given']
  }
  if (hardwareSource.diskGiB !== 'given') {
    // The smallest broker's disk: the storage limit must hold on every broker.
    const reported = snapshot.brokers.map((broker) => (broker.logDirs.length > 0 && broker.logDirs.every((dir) => dir.totalBytes !== undefined) ? broker.logDirs.reduce((sum, dir) => sum + dir.totalBytes!, 0) : undefined))
    if (reported.length > 0 && reported.every((bytes) => bytes !== undefined)) [hardware.diskGiB, hardwareSource.diskGiB] = [Math.min(...(reported as number[])) / 2 ** 30, 'reported']
    else if (options.diskBytes !== undefined) [hardware.diskGiB, hardwareSource.diskGiB] = [options.diskBytes / 2 ** 30, 'given']
  }
  return {hardware, hardwareSource}
}

/** The observed workload as the planner's input (see the file header for each figure). */
export function observedPlanInput(snapshot: ClusterSnapshot, options: DoctorOptions, topics: TopicFigures[] = topicFigures(snapshot)): {input: PlanInput; hardwareSource: Record<keyof Hardware, HardwareSource>} {
  const writeBytesPerSec = topics.reduce((sum, topic) => sum + topic.writeBytesPerSec, 0)
  const recordsPerSec = snapshot.topics.reduce((sum, topic) => sum + topic.partitions.reduce((inner, partition) => inner + partition.writeRecordsPerSec, 0), 0)
  const groupsByTopic = new Map<string, Set<string>>()
  for (const total of snapshot.consumers?.report.topics ?? []) {
    const groups = groupsByTopic.get(total.topic) ?? new Set<string>()
    groups.add(total.group)
    groupsByTopic.set(total.topic, groups)
  }
  // plan takes whole consumer groups: the write-weighted mean is rounded.
  const fanout = snapshot.consumers === undefined || writeBytesPerSec === 0
    ? 1
    : Math.round(topics.reduce((sum, topic) => sum + topic.writeBytesPerSec * (groupsByTopic.get(topic.topic)?.size ?? 0), 0) / writeBytesPerSec)
  const storedBytes = topics.reduce((sum, topic) => sum + (topic.steadyStateBytes ?? topic.dataBytes), 0)
  const {hardware, hardwareSource} = modelHardware(snapshot, options)
  const azs = racks(snapshot).length
  const input: PlanInput = {
    ha: snapshot.brokers.length > 1,
    writeMiBps: writeBytesPerSec / 2 ** 20,
    fanout,
    retentionHours: writeBytesPerSec > 0 ? storedBytes / writeBytesPerSec / 3600 : 0,
    ...dominantReplication(snapshot, writeBytesPerSec > 0),
    recordBytes: recordsPerSec > 0 ? writeBytesPerSec / recordsPerSec : 1024,
    partitions: topics.reduce((sum, topic) => sum + topic.partitions, 0),
    producerPartitionMiBps: defaultPartitionMiBps,
    consumerPartitionMiBps: defaultPartitionMiBps,
    azs: azs === 0 ? 1 : azs,
    hardware,
  }
  return {input, hardwareSource}
}

/** The planner's verdict on the observed workload; undefined without brokers or partitions to model. */
export function modelFigures(snapshot: ClusterSnapshot, options: DoctorOptions, topics: TopicFigures[] = topicFigures(snapshot)): ModelFigures | undefined {
  const {input, hardwareSource} = observedPlanInput(snapshot, options, topics)
  const partitions = input.partitions ?? 0
  if (snapshot.brokers.length === 0 || partitions === 0) return undefined
  return {input, partitions, brokers: snapshot.brokers.length, hardwareSource, assessment: assessCluster(input, partitions, snapshot.brokers.length)}
}

/** Every measured and derived capacity figure: what the capacity checks judge and `-o json` prints. */
export function capacityFigures(snapshot: ClusterSnapshot, options: DoctorOptions): CapacityFigures {
  const topics = topicFigures(snapshot)
  const model = modelFigures(snapshot, options, topics)
  return {writeBytesPerSec: topics.reduce((sum, topic) => sum + topic.writeBytesPerSec, 0), topics, brokers: brokerFigures(snapshot, options), ...(model ? {model} : {})}
}

/**
 * The `kctl plan` command for the observed workload and hardware: it prints the broker count
 * this traffic needs, by the same model (retention to the second, record size to the byte).
 */
export function planCommand(model: ModelFigures): string {
  const {input} = model
  const flags = [
    ...(input.ha ? ['--ha'] : []),
    `--write-mbps ${formatNumber(input.writeMiBps)}`,
    `--fanout ${input.fanout}`,
    `--retention ${Math.max(1, Math.round(input.retentionHours * 3600))}s`,
    `--replication-factor ${input.replicationFactor}`,
    `--min-insync-replicas ${input.minInsyncReplicas}`,
    `--record-size ${Math.round(input.recordBytes)}`,
    `--partitions ${model.partitions}`,
    `--azs ${input.azs}`,
    `--cores ${input.hardware.cores}`,
    `--memory ${formatNumber(input.hardware.memoryGiB)}GiB`,
    `--disk ${formatNumber(input.hardware.diskGiB)}GiB`,
    `--disk-mbps ${formatNumber(input.hardware.diskMiBps)}`,
    `--network ${input.hardware.networkMbps}Mbps`,
  ]
  return `kctl plan ${flags.join(' ')}`
}

function skew(snapshot: ClusterSnapshot, what: 'replicas' | 'leaders'): Finding[] {
  if (snapshot.brokers.length < 2) return []
  const byBroker = placementCounts(snapshot)[what]
  const brokers = snapshot.brokers.map((broker) => ({id: broker.id, count: byBroker.get(broker.id) ?? 0}))
  const mean = brokers.reduce((sum, broker) => sum + broker.count, 0) / brokers.length
  const busiest = brokers.reduce((best, broker) => (broker.count > best.count ? broker : best))
  const idlest = brokers.reduce((best, broker) => (broker.count < best.count ? broker : best))
  const spread = busiest.count - idlest.count
  if (spread < skewMinSpread || spread <= skewMaxFraction * mean) return []
  const noun = what === 'replicas' ? 'partition replicas' : 'partition leaders'
  return [finding(what === 'replicas' ? 'capacity.partition-skew' : 'capacity.leader-skew', 'warning', {kind: 'cluster', name: snapshot.clusterId}, {
    problem: `${noun} per broker range from ${idlest.count} (broker ${idlest.id}) to ${busiest.count} (broker ${busiest.id}), mean ${formatNumber(mean)}`,
    why: `Broker ${busiest.id} carries more ${what === 'replicas' ? 'data and replication' : 'produce and fetch'} traffic than the others and runs out of headroom first.`,
    fix: what === 'replicas'
      ? 'rebalance replicas: kafka-reassign-partitions.sh --generate for the busiest topics, then --execute'
      : 'kafka-leader-election.sh --bootstrap-server <host:port> --election-type PREFERRED --all-topic-partitions (reassign if the preferred replicas are themselves uneven)',
  })]
}

export const partitionSkew: Check = (snapshot) => skew(snapshot, 'replicas')
export const leaderSkew: Check = (snapshot) => skew(snapshot, 'leaders')

export const diskUsage: Check = (snapshot, options) => brokerFigures(snapshot, options).flatMap((broker) =>
  broker.logDirs.flatMap((dir) => {
    if (dir.usedFraction === undefined || dir.usedFraction < diskWarnFraction) return []
    return [finding('capacity.disk-usage', dir.usedFraction >= diskErrorFraction ? 'error' : 'warning', {kind: 'log-dir', name: `${broker.id}:${dir.path}`}, {
      problem: `${formatNumber(dir.usedFraction * 100)}% used: ${formatBytes(dir.usableBytes!)} free of ${formatBytes(dir.totalBytes!)}${dir.spaceFrom === 'disk-flag' ? ' (--disk)' : ''}`,
      why: 'A full log dir goes offline and takes every replica in it down with it.',
      fix: 'lower retention on the largest topics (kctl topics alter <topic> -c retention.ms=<ms> --yes), add disk, or move partitions to other brokers',
    })]
  }))

/** The topics growing fastest on a broker: what its time-until-full fix should name. */
function fastestGrowing(snapshot: ClusterSnapshot, brokerId: number): string[] {
  const growth = new Map<string, number>()
  const sizes = partitionSizes(snapshot)
  for (const topic of snapshot.topics) {
    for (const partition of topic.partitions) {
      if (!partition.replicas.includes(brokerId)) continue
      const size = sizes.get(partitionKey(topic.name, partition.partition)) ?? 0
      if (replicaCapBytes(topic, partition.writeBytesPerSec, size) > size) growth.set(topic.name, (growth.get(topic.name) ?? 0) + partition.writeBytesPerSec)
    }
  }
  return [...growth].filter(([, rate]) => rate > 0).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([topic]) => topic)
}

export const timeUntilFull: Check = (snapshot, options) => brokerFigures(snapshot, options).flatMap((broker) => {
  const ms = broker.timeUntilFullMs
  if (ms === undefined || ms === null || ms >= timeUntilFullWarnMs) return []
  const dir = broker.logDirs.find((candidate) => candidate.timeUntilFullMs === ms)!
  const topics = fastestGrowing(snapshot, broker.id)
  return [finding('capacity.time-until-full', ms < timeUntilFullErrorMs ? 'error' : 'warning', {kind: 'broker', name: String(broker.id)}, {
    problem: `log dir ${dir.path} is full in ${formatDurationMs(ms)}: ${formatBytes(dir.usableBytes!)} free, growing ${formatRate(dir.growthBytesPerSec)}`,
    why: 'When the dir fills, the broker takes it offline with every replica in it.',
    fix: topics.length > 0
      ? `cap the growing topics (${topics.join(', ')}): kctl topics alter ${topics[0]} -c retention.ms=<ms> --yes, or add disk`
      : 'add disk or move partitions to other brokers',
  })]
})

// Rows whose HAVE comes from hardware: a row on assumed hardware is a warning at most.
const rowHardware: Record<string, keyof Hardware | undefined> = {
  'network-in': 'networkMbps', 'network-out': 'networkMbps', 'disk-throughput': 'diskMiBps', storage: 'diskGiB', 'page-cache': 'memoryGiB', cpu: 'cores', partitions: 'cores',
}

export const planLimits: Check = (snapshot, options) => {
  const model = modelFigures(snapshot, options)
  if (!model) return []
  return model.assessment.limits.flatMap((row) => {
    const key = rowHardware[row.id]
    const assumed = key !== undefined && model.hardwareSource[key] === 'assumed'
    if (row.status === 'ok' || (row.status === 'below-minimum' && assumed)) return []
    const severity = row.status === 'over' && !assumed ? 'error' : 'warning'
    const problem = row.status === 'below-minimum'
      ? `${row.description}: the hardware is below the seed's HA minimum (${formatNumber(row.have)} ${row.unit} per broker)`
      : `${row.description}: need ${formatNumber(row.need)} of ${formatNumber(row.have)} ${row.unit} per broker (${formatNumber(row.utilisation * 100)}%, budget ${formatNumber(row.budget * 100)}%)`
    return [finding('capacity.plan-limits', severity, {kind: 'limit', name: row.id}, {
      problem: `${problem}${assumed ? ` — HAVE assumed from the seed's recommended tier (give the real figure, e.g. --${flagFor(key!)})` : ''}`,
      why: `At the measured traffic the brokers run past the headroom kctl plan keeps for ${row.id} (${row.formula}).`,
      fix: `${planCommand(model)} (the brokers this traffic needs; ${row.id} alone needs ${formatNumber(row.minBrokers)})`,
    })]
  })
}

function flagFor(key: keyof Hardware): string {
  return {cores: 'cores', memoryGiB: 'memory', diskGiB: 'disk', diskMiBps: 'disk-mbps', networkMbps: 'network'}[key]
}

export const brokerLoss: Check = (snapshot, options) => {
  const model = modelFigures(snapshot, options)
  if (!model) return []
  const verdict = model.assessment.faultTolerance
  if (verdict.survivesBrokerLoss) return []
  // A single broker has nothing to fail over to by design (a development node): say so once.
  const single = snapshot.brokers.length === 1
  return [finding('capacity.broker-loss', single ? 'info' : 'error', {kind: 'cluster', name: snapshot.clusterId}, {
    problem: `losing one broker: ${verdict.brokerLoss}`,
    why: single ? 'A single broker is a development setup: any restart is an outage.' : 'A routine broker restart or failure leaves the cluster unable to carry its traffic or its acks=all writes.',
    fix: single ? 'for production run 3+ brokers: kctl init --ha' : `${planCommand(model)} (the brokers this traffic needs)`,
  })]
}

export const rackLoss: Check = (snapshot, options) => {
  const model = modelFigures(snapshot, options)
  if (!model || snapshot.brokers.length === 1) return []
  const verdict = model.assessment.faultTolerance
  if (verdict.survivesAzLoss) return []
  return [finding('capacity.rack-loss', 'warning', {kind: 'cluster', name: snapshot.clusterId}, {
    problem: `losing one rack/AZ: ${verdict.azLoss}`,
    why: 'An AZ outage takes down every broker in it at once.',
    fix: model.input.azs === 1 ? 'set broker.rack on every broker and spread the brokers over 3 racks/AZs' : `${planCommand(model)} (the brokers per AZ this traffic needs)`,
  })]
}
