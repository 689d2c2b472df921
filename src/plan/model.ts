// The capacity model: numbers in, a plan with reasons out. Pure: no I/O, no UI.
// Every formula is stated beside its code and, through each limit row's `formula` text, in
// the Formulas section of the generated PLAN.md (generate.ts). Units are in the names: MiB/s
// for throughput (Kafka's tools print MB meaning MiB), GiB for memory and disk, Mbit/s for
// network links.
import {type Hardware, seedTiers, type TierName, type TierPosition, tierPosition} from './tiers.js'

export interface PlanInput {
  ha: boolean
  /** Producer write throughput into the cluster, before replication. */
  writeMiBps: number
  /** Consumer groups reading each byte. */
  fanout: number
  retentionHours: number
  /** Per-partition size cap, as Kafka's retention.bytes; undefined = time only. */
  retentionBytesPerPartition?: number
  replicationFactor: number
  minInsyncReplicas: number
  recordBytes: number
  /** Given partition count, or undefined to derive it from the per-partition throughputs. */
  partitions?: number
  producerPartitionMiBps: number
  consumerPartitionMiBps: number
  azs: number
  hardware: Hardware
  /** Set when the hardware came from a seed tier. */
  tier?: TierName
}

export type LimitStatus = 'ok' | 'warn' | 'over' | 'below-minimum'

export interface LimitRow {
  id: string
  description: string
  unit: string
  /** Demand per broker at the planned broker count. */
  need: number
  /** Capacity of one broker. */
  have: number
  /** need / have. */
  utilisation: number
  /** Highest utilisation the plan accepts (headroom). */
  budget: number
  status: LimitStatus
  /** Brokers this limit alone needs. */
  minBrokers: number
  /** Where the backing hardware sits against the seed's tiers, if hardware backs this limit. */
  tier?: TierPosition
  formula: string
}

export interface Plan {
  mode: 'single' | 'ha'
  brokers: number
  azs: number
  brokersPerAz: number
  decidingLimit: string
  decidingReason: string
  partitions: number
  replicasPerBroker: number
  hardware: Hardware & {tier?: TierName; position: Record<keyof Hardware, TierPosition>}
  sizing: {
    heapGiB: number
    pageCacheGiB: number
    numIoThreads: number
    numNetworkThreads: number
    numReplicaFetchers: number
  }
  limits: LimitRow[]
  faultTolerance: {
    survivesBrokerLoss: boolean
    survivesAzLoss: boolean
    brokerLoss: string
    azLoss: string
  }
  warnings: string[]
}

// Headroom: the share of each resource a plan may use at the stated load.
export const networkBudget = 0.7 // keep NIC use at or below 70%
export const diskThroughputBudget = 0.7 // same headroom for the disk's sequential MiB/s
export const storageHeadroom = 0.75 // storage need is divided by 0.75: 25% free disk
export const cpuBudget = 0.7
export const pageCacheSeconds = 30 // page cache holds at least 30 s of writes
// Warn when a row is above 80% of its budget.
const warnFraction = 0.8
// kctl's rule of thumb for CPU (not from the seed): one core per 50 MiB/s of network traffic
// (in + out), or per 100,000 records/s appended (leader and follower writes), whichever is larger.
export const cpuMiBpsPerCore = 50
export const cpuRecordsPerSecondPerCore = 100_000
// Replicas per broker: ~4000 at most even on large brokers (the common operating guidance);
// far less on small ones, so kctl allows 500 per core up to 4000.
export const maxReplicasPerBroker = 4000
export const replicasPerCore = 500

/** 1 Mbit/s = 10^6 bits/s; 1 MiB = 2^20 bytes. */
export function mbpsToMiBps(mbps: number): number {
  return (mbps * 1e6) / 8 / 2 ** 20
}

/** heap = clamp(25% of RAM, 1 GiB, 6 GiB); the rest of memory is page cache. */
export function heapGiB(memoryGiB: number): number {
  return Math.min(6, Math.max(1, memoryGiB * 0.25))
}

/** num.io.threads = max(8, cores), num.network.threads = max(3, cores/2), num.replica.fetchers = max(1, cores/4). */
export function threadCounts(cores: number): {numIoThreads: number; numNetworkThreads: number; numReplicaFetchers: number} {
  return {
    numIoThreads: Math.max(8, cores),
    numNetworkThreads: Math.max(3, Math.floor(cores / 2)),
    numReplicaFetchers: Math.max(1, Math.floor(cores / 4)),
  }
}

/** partitions = ceil(max(W / producer-per-partition, W / consumer-per-partition)). */
export function derivePartitions(writeMiBps: number, producerPartitionMiBps: number, consumerPartitionMiBps: number): number {
  return Math.max(1, Math.ceil(Math.max(writeMiBps / producerPartitionMiBps, writeMiBps / consumerPartitionMiBps)))
}

/** Replicas one broker may host: min(4000, 500 · cores). */
export function replicaCapacity(cores: number): number {
  return Math.min(maxReplicasPerBroker, replicasPerCore * cores)
}

/** Bytes the cluster stores before replication: W · retention, capped by retention.bytes · partitions. */
export function storedGiB(input: Pick<PlanInput, 'writeMiBps' | 'retentionHours' | 'retentionBytesPerPartition'>, partitions: number): number {
  const byTimeGiB = (input.writeMiBps * input.retentionHours * 3600) / 1024
  if (input.retentionBytesPerPartition === undefined) return byTimeGiB
  return Math.min(byTimeGiB, (input.retentionBytesPerPartition * partitions) / 2 ** 30)
}

interface LimitSpec {
  id: string
  description: string
  unit: string
  budget: number
  /** Cluster-wide demand; per-broker need = total / brokers. */
  total: number
  have: number
  tier?: TierPosition
  formula: string
  /** Traffic limits must still fit after a broker or an AZ is lost. */
  traffic: boolean
}

function limitSpecs(input: PlanInput, partitions: number, position: Record<keyof Hardware, TierPosition>): LimitSpec[] {
  const {writeMiBps: w, replicationFactor: rf, fanout: c, hardware} = input
  const nicMiBps = mbpsToMiBps(hardware.networkMbps)
  const cacheGiB = hardware.memoryGiB - heapGiB(hardware.memoryGiB)
  const trafficMiBps = w * rf + w * (c + rf - 1)
  const recordsPerSecond = (w * rf * 2 ** 20) / input.recordBytes
  return [
    {
      id: 'network-in', description: 'NIC inbound (producers + replication)', unit: 'MiB/s', budget: networkBudget,
      total: w * rf, have: nicMiBps, tier: position.networkMbps, traffic: true,
      formula: 'in = W·RF/N ≤ 70% of NIC',
    },
    {
      id: 'network-out', description: 'NIC outbound (consumers + replication)', unit: 'MiB/s', budget: networkBudget,
      total: w * (c + rf - 1), have: nicMiBps, tier: position.networkMbps, traffic: true,
      formula: 'out = W·(C + RF − 1)/N ≤ 70% of NIC',
    },
    {
      id: 'disk-throughput', description: 'disk writes (leaders + followers)', unit: 'MiB/s', budget: diskThroughputBudget,
      total: w * rf, have: hardware.diskMiBps, tier: position.diskMiBps, traffic: true,
      formula: 'write = W·RF/N ≤ 70% of disk MiB/s',
    },
    {
      id: 'storage', description: 'retained data with 25% free', unit: 'GiB', budget: 1,
      total: (storedGiB(input, partitions) * rf) / storageHeadroom, have: hardware.diskGiB, tier: position.diskGiB, traffic: false,
      formula: 'storage = W·retention·RF/N/0.75 ≤ disk',
    },
    {
      id: 'page-cache', description: `page cache for ${pageCacheSeconds} s of writes`, unit: 'GiB', budget: 1,
      total: (pageCacheSeconds * w * rf) / 1024, have: Math.max(0, cacheGiB), tier: position.memoryGiB, traffic: true,
      formula: 'cache = 30 s·W·RF/N ≤ memory − heap',
    },
    {
      id: 'cpu', description: 'cores for traffic and record appends', unit: 'cores', budget: cpuBudget,
      total: Math.max(trafficMiBps / cpuMiBpsPerCore, recordsPerSecond / cpuRecordsPerSecondPerCore), have: hardware.cores,
      tier: position.cores, traffic: true,
      formula: 'cpu = max((in + out)/50 MiB/s, W·RF/record size/100k rec/s)/N ≤ 70% of cores',
    },
    {
      id: 'partitions', description: 'partition replicas per broker', unit: 'replicas', budget: 1,
      total: partitions * rf, have: replicaCapacity(hardware.cores), tier: position.cores, traffic: false,
      formula: 'replicas = partitions·RF/N ≤ min(4000, 500·cores)',
    },
  ]
}

/** Brokers a limit alone needs: ceil(total / (have · budget)); Infinity when have is 0. */
export function brokersFor(total: number, have: number, budget: number): number {
  if (total <= 0) return 1
  if (have <= 0) return Number.POSITIVE_INFINITY
  // Round before ceil so 3.0000000001 from float division stays 3.
  return Math.max(1, Math.ceil(Number((total / (have * budget)).toFixed(9))))
}

export function roundUpToMultiple(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple
}

/** Greatest common divisor, for spreading partition replicas evenly. */
function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/**
 * Partitions whose replicas spread evenly over the brokers: the smallest multiple of
 * brokers / gcd(brokers, RF) that is at least the given count, so partitions·RF is a multiple
 * of the broker count and no broker holds more replicas (and bytes) than another.
 */
export function spreadPartitions(partitions: number, brokers: number, replicationFactor: number): number {
  const step = brokers / gcd(brokers, replicationFactor)
  return Math.ceil(partitions / step) * step
}

/**
 * A partition replica lives whole on one broker, so the fullest broker holds
 * ceil(partitions·RF/N) replicas of (stored / partitions) each; with an even spread this is
 * the average W·retention·RF/N.
 */
export function fullestBrokerReplicas(partitions: number, brokers: number, replicationFactor: number): number {
  return Math.ceil(Number(((partitions * replicationFactor) / brokers).toFixed(9)))
}

/** The largest finite broker count, at least 1 (a limit with no capacity cannot be met by brokers). */
function finiteMax(values: number[]): number {
  return Math.max(1, ...values.filter((value) => Number.isFinite(value)))
}

/** Brokers the traffic limits need: what must remain after a broker or an AZ is lost. */
function trafficBrokersOf(specs: LimitSpec[], minBrokers: number[]): number {
  return finiteMax(specs.map((spec, index) => (spec.traffic ? minBrokers[index] : 1)))
}

function hardwarePosition(input: PlanInput): Record<keyof Hardware, TierPosition> {
  const tiers = seedTiers[input.ha ? 'ha' : 'single']
  return Object.fromEntries(
    (Object.keys(input.hardware) as (keyof Hardware)[]).map((key) => [key, tierPosition(input.hardware[key], tiers.minimum[key], tiers.recommended[key])]),
  ) as Record<keyof Hardware, TierPosition>
}

/** NEED and HAVE per broker for `brokers` brokers holding `partitions` partitions. */
function limitRows(input: PlanInput, specs: LimitSpec[], minBrokers: number[], partitions: number, brokers: number): LimitRow[] {
  // Storage and replicas sit whole on a broker: the fullest broker is the one that must fit.
  const fullestReplicas = fullestBrokerReplicas(partitions, brokers, input.replicationFactor)
  const perBrokerTotal = (spec: LimitSpec) => {
    if (spec.id === 'storage') return (spec.total / (partitions * input.replicationFactor)) * fullestReplicas
    if (spec.id === 'partitions') return fullestReplicas
    return spec.total / brokers
  }
  return specs.map((spec, index) => {
    const need = perBrokerTotal(spec)
    const utilisation = spec.have > 0 ? need / spec.have : Number.POSITIVE_INFINITY
    let status: LimitStatus = 'ok'
    if (utilisation > spec.budget) status = 'over'
    else if (utilisation > spec.budget * warnFraction) status = 'warn'
    if (spec.tier === 'below-minimum') status = 'below-minimum'
    return {
      id: spec.id, description: spec.description, unit: spec.unit, need, have: spec.have, utilisation, budget: spec.budget,
      status, minBrokers: minBrokers[index], tier: spec.tier, formula: spec.formula,
    }
  })
}

interface Sizing {
  specs: LimitSpec[]
  minBrokers: number[]
  trafficBrokers: number
  brokers: number
  decidingLimit: string
  decidingReason: string
}

function sizeCluster(input: PlanInput, partitions: number, position: Record<keyof Hardware, TierPosition>): Sizing {
  const specs = limitSpecs(input, partitions, position)
  const minBrokers = specs.map((spec) => brokersFor(spec.total, spec.have, spec.budget))
  const capacityBrokers = finiteMax(minBrokers)
  const trafficBrokers = trafficBrokersOf(specs, minBrokers)

  // brokers = max over limits, ≥ RF (and ≥ 3 for HA), rounded up to a multiple of the AZ count.
  const floor = Math.max(input.replicationFactor, input.ha ? 3 : 1)
  // Among the limits that need the most brokers (often several need just 1), the tightest decides.
  const load = (spec: LimitSpec) => (spec.have > 0 ? spec.total / (spec.have * spec.budget) : Number.POSITIVE_INFINITY)
  const tightest = specs.reduce((best, spec, index) => (minBrokers[index] === capacityBrokers && (best < 0 || load(spec) > load(specs[best])) ? index : best), -1)
  let decidingLimit = specs[Math.max(0, tightest)].id
  let decidingReason = capacityBrokers === 1
    ? `every limit fits on one broker; ${decidingLimit} is the tightest`
    : `${decidingLimit} needs ${capacityBrokers} broker(s)`
  let brokers = capacityBrokers
  if (floor > brokers) {
    brokers = floor
    decidingLimit = 'replication-factor'
    decidingReason = input.replicationFactor >= floor
      ? `replication factor ${input.replicationFactor} needs ${floor} brokers`
      : `high availability needs at least ${floor} brokers`
  }
  const rounded = roundUpToMultiple(brokers, input.azs)
  if (rounded !== brokers) {
    decidingReason += `, rounded up from ${brokers} to a multiple of ${input.azs} AZs`
    brokers = rounded
  }
  // HA: grow by one broker per AZ until the traffic still fits after losing one broker and one AZ.
  if (input.ha) {
    const afterAzLoss = (count: number) => count - count / input.azs
    const survives = (count: number) => count - 1 >= trafficBrokers && (input.azs === 1 || afterAzLoss(count) >= trafficBrokers)
    if (!survives(brokers)) {
      const before = brokers
      while (!survives(brokers)) brokers += input.azs
      decidingLimit = 'fault-tolerance'
      decidingReason = `${before} brokers carry the load, ${brokers} still carry it after losing one broker${input.azs > 1 ? ' or one AZ' : ''}`
    }
  }
  return {specs, minBrokers, trafficBrokers, brokers, decidingLimit, decidingReason}
}

export function planCapacity(input: PlanInput): Plan {
  const mode = input.ha ? 'ha' : 'single'
  const tiers = seedTiers[mode]
  const position = hardwarePosition(input)
  const warnings: string[] = []
  let partitions = input.partitions ?? derivePartitions(input.writeMiBps, input.producerPartitionMiBps, input.consumerPartitionMiBps)
  let sizing = sizeCluster(input, partitions, position)
  // Derived partitions also spread the replicas evenly over the brokers: 20 partitions at RF 3
  // on 129 brokers would leave 69 brokers empty and overfill the other 60. More partitions can
  // raise the retention.bytes cap (and so the broker count), hence the few rounds.
  if (input.partitions === undefined) {
    for (let round = 0; round < 5; round++) {
      const spread = spreadPartitions(partitions, sizing.brokers, input.replicationFactor)
      if (spread === partitions) break
      partitions = spread
      sizing = sizeCluster(input, partitions, position)
    }
  }
  const {specs, minBrokers, trafficBrokers, brokers, decidingLimit, decidingReason} = sizing
  // A limit with no capacity per broker (memory all heap) cannot be met by adding brokers: say
  // so, and size the cluster by the limits that can.
  specs.forEach((spec, index) => {
    if (!Number.isFinite(minBrokers[index])) warnings.push(`${spec.id} cannot be met by adding brokers: each broker has 0 ${spec.unit} for it`)
  })

  const limits = limitRows(input, specs, minBrokers, partitions, brokers)
  const fullestReplicas = fullestBrokerReplicas(partitions, brokers, input.replicationFactor)
  const storageRow = limits.find((row) => row.id === 'storage')!
  if (input.partitions !== undefined && storageRow.utilisation > storageRow.budget && partitions * input.replicationFactor < brokers * fullestReplicas) {
    warnings.push(`storage: ${partitions} partition(s) × RF ${input.replicationFactor} do not spread over ${brokers} brokers; the fullest holds ${fullestReplicas} replica(s) = ${formatNumber(storageRow.need)} GiB: use --partitions ${spreadPartitions(partitions, brokers, input.replicationFactor)}`)
  }

  const hardwareNames = {cores: 'cores', memoryGiB: 'memory', diskGiB: 'disk', diskMiBps: 'disk throughput', networkMbps: 'network'}
  for (const [key, where] of Object.entries(position)) {
    if (where === 'below-minimum') {
      const unit = {cores: 'cores', memoryGiB: 'GiB', diskGiB: 'GiB', diskMiBps: 'MiB/s', networkMbps: 'Mbit/s'}[key as keyof Hardware]
      warnings.push(`${hardwareNames[key as keyof Hardware]} ${formatNumber(input.hardware[key as keyof Hardware])} ${unit} is below the seed's ${mode} minimum of ${tiers.minimum[key as keyof Hardware]} ${unit}`)
    }
  }
  for (const row of limits) {
    if (row.utilisation > row.budget && Number.isFinite(row.utilisation)) warnings.push(`${row.id} is over budget: ${formatNumber(row.need)} of ${formatNumber(row.have)} ${row.unit} per broker`)
  }
  if (input.replicationFactor > brokers) warnings.push(`replication factor ${input.replicationFactor} exceeds ${brokers} brokers`)
  // The seed's non-HA setup is one broker: say plainly when the workload does not fit on one.
  if (!input.ha && brokers > 1) {
    const storage = specs.find((spec) => spec.id === 'storage')!
    const oneBrokerHours = (storage.have * storageHeadroom * 1024) / (input.writeMiBps * input.replicationFactor * 3600)
    const retentionHint = oneBrokerHours >= 1 ? ` (--retention ${Math.floor(oneBrokerHours)}h)` : ''
    const storageHint = decidingLimit === 'storage' ? `; one broker of this disk holds ${formatNumber(oneBrokerHours)} h at ${formatNumber(input.writeMiBps)} MiB/s${retentionHint}, or give a bigger --disk` : ''
    warnings.push(`one broker cannot carry this workload: ${decidingLimit} needs ${brokers} brokers${storageHint}; for a cluster use --ha`)
  }

  const storageBrokers = minBrokers[specs.findIndex((spec) => spec.id === 'storage')]
  const faultTolerance = faultToleranceOf(input, brokers, trafficBrokers, storageBrokers)
  const heap = {heapGiB: heapGiB(input.hardware.memoryGiB), pageCacheGiB: Math.max(0, input.hardware.memoryGiB - heapGiB(input.hardware.memoryGiB)), ...threadCounts(input.hardware.cores)}
  return {
    mode, brokers, azs: input.azs, brokersPerAz: brokers / input.azs, decidingLimit, decidingReason, partitions,
    replicasPerBroker: (partitions * input.replicationFactor) / brokers,
    hardware: {...input.hardware, tier: input.tier, position}, sizing: heap, limits, faultTolerance, warnings,
  }
}

/** The plan's limits and fault tolerance for a cluster that exists, rather than the one it would build. */
export interface ClusterAssessment {
  /** NEED and HAVE per broker at the given broker count. */
  limits: LimitRow[]
  /** Brokers the traffic limits need; what must remain after a loss. */
  trafficBrokers: number
  /** Brokers the storage limit needs. */
  storageBrokers: number
  faultTolerance: Plan['faultTolerance']
}

/**
 * The same limits and loss verdicts as planCapacity, for `brokers` brokers (over input.azs
 * AZs) holding `partitions` partitions, without choosing a broker count: `kctl doctor` feeds
 * it the workload it measured so `plan` and `doctor` give one answer.
 */
export function assessCluster(input: PlanInput, partitions: number, brokers: number): ClusterAssessment {
  const specs = limitSpecs(input, partitions, hardwarePosition(input))
  const minBrokers = specs.map((spec) => brokersFor(spec.total, spec.have, spec.budget))
  const trafficBrokers = trafficBrokersOf(specs, minBrokers)
  const storageBrokers = minBrokers[specs.findIndex((spec) => spec.id === 'storage')]
  return {
    limits: limitRows(input, specs, minBrokers, partitions, brokers),
    trafficBrokers,
    storageBrokers,
    faultTolerance: faultToleranceOf(input, brokers, trafficBrokers, storageBrokers),
  }
}

// Losing brokers costs capacity (the survivors must still carry the traffic limits) and
// durability: acks=all writes stop when fewer than min.insync.replicas replicas remain. With
// rack-aware placement a partition loses at most ceil(RF/AZs) replicas when one AZ goes.
// Storage is reported apart: Kafka does not move a lost broker's replicas by itself, so the
// survivors keep serving from the data they hold; re-creating the lost replicas elsewhere (to
// restore RF before the broker is replaced) needs room for the storage limit's broker count.
function faultToleranceOf(input: PlanInput, brokers: number, trafficBrokers: number, storageBrokers: number): Plan['faultTolerance'] {
  const rf = input.replicationFactor
  const minIsr = input.minInsyncReplicas
  const lostReplicas = Math.ceil(rf / input.azs)
  const storageNote = (remaining: number, lost: 'broker' | 'AZ') => remaining >= storageBrokers
    ? `storage needs ${storageBrokers}, so the survivors have room to re-replicate the lost ${lost}'s replicas`
    : `but storage needs ${storageBrokers} brokers: the ${remaining} survivors keep serving their own data and cannot re-create the lost ${lost}'s replicas, so partitions stay at RF ${rf - (lost === 'broker' ? 1 : lostReplicas)} until the ${lost} is back`
  let brokerLoss: string
  let survivesBrokerLoss = false
  if (brokers === 1) brokerLoss = 'no: the only broker holds every partition; HA needs at least 3 brokers (--ha)'
  else if (rf - 1 < minIsr) brokerLoss = `no: RF ${rf} leaves ${rf - 1} replica(s), below min.insync.replicas ${minIsr}; raise RF to ${minIsr + 1}`
  else if (brokers - 1 < trafficBrokers) brokerLoss = `no: ${brokers - 1} brokers remain, the traffic needs ${trafficBrokers}; short by ${trafficBrokers - brokers + 1}`
  else {
    survivesBrokerLoss = true
    brokerLoss = `yes: ${brokers - 1} brokers carry the traffic (needs ${trafficBrokers}), ${rf - 1} replicas ≥ min.insync.replicas ${minIsr}; ${storageNote(brokers - 1, 'broker')}`
  }
  let azLoss: string
  let survivesAzLoss = false
  const remainingBrokers = brokers - brokers / input.azs
  if (input.azs === 1) azLoss = 'no: a single AZ; spread brokers over 3 AZs (--azs 3)'
  else if (rf - lostReplicas < minIsr) {
    azLoss = `no: one AZ takes ${lostReplicas} of ${rf} replicas, leaving ${rf - lostReplicas} < min.insync.replicas ${minIsr}; short by ${minIsr - rf + lostReplicas} replica(s)`
  } else if (remainingBrokers < trafficBrokers) {
    azLoss = `no: ${remainingBrokers} brokers remain, the traffic needs ${trafficBrokers}; short by ${trafficBrokers - remainingBrokers}`
  } else {
    survivesAzLoss = true
    azLoss = `yes: ${remainingBrokers} brokers remain (traffic needs ${trafficBrokers}), ${rf - lostReplicas} replicas ≥ min.insync.replicas ${minIsr}; ${storageNote(remainingBrokers, 'AZ')}`
  }
  return {survivesBrokerLoss, survivesAzLoss, brokerLoss, azLoss}
}

/** Up to 2 decimals, no trailing zeros: 12, 12.5, 0.03. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '∞'
  return String(Number(value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 4 : 2)))
}
