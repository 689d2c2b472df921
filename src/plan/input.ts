// Turns raw option values (flags or prompt answers, all strings or undefined) into a
// validated PlanInput. Defaults are documented in PLAN.md and `kctl plan --help`:
//   fanout 1; retention 7d (Kafka's log.retention.hours=168); record size 1 KiB;
//   RF 3 and min.insync 2 with --ha, else 1 and 1; AZs 3 with --ha, else 1;
//   10 MiB/s per partition for producers and consumers; hardware: --tier (default
//   recommended), each --cores/--memory/--disk/--disk-mbps/--network overriding one figure.
// The write throughput has no sensible default: plan asks for it on a TTY, else it is a usage error.
import {isIP} from 'node:net'
import {usageError} from '../errors.js'
import {parseBytes, parseDurationMs} from '../config/units.js'
import type {HostEntry} from './cluster.js'
import type {PlanInput} from './model.js'
import {seedTiers, type TierName, tierNames} from './tiers.js'

export interface RawPlanOptions {
  ha?: boolean
  writeMbps?: string
  fanout?: string
  retention?: string
  retentionBytes?: string
  replicationFactor?: string
  minInsyncReplicas?: string
  recordSize?: string
  partitions?: string
  partitionMbps?: string
  azs?: string
  tier?: string
  cores?: string
  memory?: string
  disk?: string
  diskMbps?: string
  network?: string
}

export const defaultPartitionMiBps = 10
const maxRetentionMs = 100 * 365 * 24 * 3_600_000

// Upper bounds far beyond any real cluster, so sums and products stay finite numbers.
const maxWriteMiBps = 10_000_000
const maxCount = 1_000_000

function positiveNumber(text: string, flag: string, options: {integer?: boolean; allowZero?: boolean; max?: number} = {}): number {
  const value = Number(text.trim())
  const ok = text.trim() !== '' && Number.isFinite(value) && (options.allowZero ? value >= 0 : value > 0) && (!options.integer || Number.isInteger(value))
  if (!ok) {
    const expected = `${options.integer ? 'a whole number' : 'a number'} ${options.allowZero ? '≥ 0' : '> 0'}`
    throw usageError(`invalid --${flag} "${text}": expected ${expected}`, `for example --${flag} ${options.integer ? 3 : 50}`)
  }
  const max = options.max ?? maxCount
  if (value > max) throw usageError(`invalid --${flag} "${text}": more than ${max.toLocaleString('en-US')}`, `give a realistic --${flag}`)
  return value
}

function positiveBytes(text: string, flag: string, example: string): number {
  const bytes = parseBytes(text, `--${flag}`)
  if (bytes <= 0) throw usageError(`invalid --${flag} "${text}": must be more than 0`, `for example --${flag} ${example}`)
  return bytes
}

/** "1Gbps", "10Gbps", "100Mbps" or a bare number of Mbit/s. */
export function parseNetworkMbps(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(gbps|gbit|g|mbps|mbit|m)?$/i.exec(text.trim())
  if (!match || Number(match[1]) <= 0) throw usageError(`invalid --network "${text}": expected a link speed`, 'for example --network 1Gbps, 10Gbps or 100Mbps')
  const unit = (match[2] ?? 'mbps').toLowerCase()
  return Number(match[1]) * (unit.startsWith('g') ? 1000 : 1)
}

function sizeGiB(text: string, flag: string): number {
  // A bare number would be bytes: "--memory 16" meant 16 GB, not 16 bytes.
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) throw usageError(`invalid --${flag} "${text}": give a unit`, `for example --${flag} ${text.trim()}GB or ${text.trim()}GiB`)
  return positiveBytes(text, flag, '500GB') / 2 ** 30
}

export function resolvePlanInput(raw: RawPlanOptions): PlanInput {
  const ha = Boolean(raw.ha)
  if (raw.writeMbps === undefined) throw usageError('missing --write-mbps', 'give the producers\' total write throughput in MiB/s, for example --write-mbps 50')
  const tierText = raw.tier ?? 'recommended'
  if (!tierNames.includes(tierText as TierName)) throw usageError(`unknown tier "${tierText}"`, `use --tier ${tierNames.join(' or --tier ')}`)
  const tier = tierText as TierName
  const base = seedTiers[ha ? 'ha' : 'single'][tier]
  const hardware = {
    cores: raw.cores === undefined ? base.cores : positiveNumber(raw.cores, 'cores', {integer: true}),
    memoryGiB: raw.memory === undefined ? base.memoryGiB : sizeGiB(raw.memory, 'memory'),
    diskGiB: raw.disk === undefined ? base.diskGiB : sizeGiB(raw.disk, 'disk'),
    diskMiBps: raw.diskMbps === undefined ? base.diskMiBps : positiveNumber(raw.diskMbps, 'disk-mbps'),
    networkMbps: raw.network === undefined ? base.networkMbps : parseNetworkMbps(raw.network),
  }
  const fromTier = [raw.cores, raw.memory, raw.disk, raw.diskMbps, raw.network].every((value) => value === undefined)
  const retentionMs = parseDurationMs(raw.retention ?? '7d', '--retention')
  if (retentionMs <= 0) throw usageError(`invalid --retention "${raw.retention}": must be more than 0`, 'for example --retention 7d')
  if (retentionMs > maxRetentionMs) throw usageError(`invalid --retention "${raw.retention}": more than 100 years`, 'for example --retention 7d')
  const replicationFactor = raw.replicationFactor === undefined ? (ha ? 3 : 1) : positiveNumber(raw.replicationFactor, 'replication-factor', {integer: true})
  const minInsyncReplicas = raw.minInsyncReplicas === undefined
    ? Math.max(1, Math.min(2, replicationFactor - 1))
    : positiveNumber(raw.minInsyncReplicas, 'min-insync-replicas', {integer: true})
  if (minInsyncReplicas > replicationFactor) {
    throw usageError(`--min-insync-replicas ${minInsyncReplicas} exceeds --replication-factor ${replicationFactor}`, 'min.insync.replicas must be at most the replication factor (RF − 1 to survive a broker loss)')
  }
  const partitionMiBps = raw.partitionMbps === undefined ? defaultPartitionMiBps : positiveNumber(raw.partitionMbps, 'partition-mbps')
  return {
    ha,
    writeMiBps: positiveNumber(raw.writeMbps, 'write-mbps', {max: maxWriteMiBps}),
    fanout: raw.fanout === undefined ? 1 : positiveNumber(raw.fanout, 'fanout', {integer: true, allowZero: true}),
    retentionHours: retentionMs / 3_600_000,
    // retention.bytes=-1 (no size limit) is Kafka's default: leave the flag out for it.
    retentionBytesPerPartition: raw.retentionBytes === undefined ? undefined : positiveBytes(raw.retentionBytes, 'retention-bytes', '50GB'),
    replicationFactor,
    minInsyncReplicas,
    recordBytes: raw.recordSize === undefined ? 1024 : positiveBytes(raw.recordSize, 'record-size', '1KB'),
    partitions: raw.partitions === undefined ? undefined : positiveNumber(raw.partitions, 'partitions', {integer: true, max: 10_000_000}),
    producerPartitionMiBps: partitionMiBps,
    consumerPartitionMiBps: partitionMiBps,
    azs: raw.azs === undefined ? (ha ? 3 : 1) : positiveNumber(raw.azs, 'azs', {integer: true}),
    hardware,
    tier: fromTier ? tier : undefined,
  }
}

// RFC 1123 host names. Anything else (a port, brackets, spaces, quotes) would end up in
// server.properties and in make-certs.sh, so it is refused here rather than half-working there.
const hostNamePattern = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/**
 * --hosts / --controller-hosts: comma-separated entries, each a host name, an IP address
 * (IPv6 without brackets), or name=ip. One node per entry; no name or IP may repeat, since two
 * nodes on one host would share its listener ports.
 */
export function parseHosts(text: string, flag: string): HostEntry[] {
  const example = `for example --${flag} kafka-1,kafka-2,kafka-3, --${flag} 10.0.0.1,10.0.0.2,10.0.0.3 or --${flag} kafka-1=10.0.0.1,kafka-2=10.0.0.2,kafka-3=10.0.0.3`
  const entries = text.split(',').map((item) => item.trim()).filter(Boolean).map((item): HostEntry => {
    const bad = (why: string) => usageError(`invalid --${flag} entry "${item}": ${why}`, example)
    const equals = item.indexOf('=')
    if (equals === -1) {
      if (isIP(item) !== 0) return {host: item}
      if (/^[\d.]+$/.test(item)) throw bad(`${item} is not an IP address`)
      if (!hostNamePattern.test(item)) throw bad('expected a host name, an IP address or name=ip (no port, no brackets)')
      return {host: item}
    }
    const name = item.slice(0, equals).trim()
    const address = item.slice(equals + 1).trim()
    if (name === '' || address === '') throw bad('expected name=ip with both parts')
    if (isIP(name) !== 0) throw bad(`the part before "=" is an address; give the host name there, or the IP alone`)
    if (!hostNamePattern.test(name)) throw bad(`"${name}" is not a host name`)
    if (isIP(address) === 0) throw bad(`"${address}" is not an IP address`)
    return {host: name, address}
  })
  if (entries.length === 0) throw usageError(`--${flag} is empty`, example)
  const seen = new Set<string>()
  for (const key of entries.flatMap((entry) => [entry.host, entry.address].filter((value) => value !== undefined))) {
    if (seen.has(key)) throw usageError(`--${flag} lists ${key} twice`, 'give every node its own host')
    seen.add(key)
  }
  return entries
}
