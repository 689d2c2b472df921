// `kctl doctor`'s judging half: runChecks(snapshot, options) runs the selected checks on one
// ClusterSnapshot and returns the findings, the measured figures and a summary. Pure.
//
// What the gatherer (the network half) must fill, read-only, for ClusterSnapshot:
//   - DescribeCluster (v0+; Metadata when absent): cluster id, controller id, brokers with
//     host, port and rack.
//   - Metadata (v5+ for offline replicas): every topic, internal ones included, with
//     leader, replicas, ISR and offline replicas per partition.
//   - DescribeConfigs (v1+, which reports each value's source): every broker resource
//     (one request per broker, by its id) and every topic resource, all keys, defaults
//     included. Broker listeners as clients see them: advertised.listeners (listeners when
//     unset) mapped through listener.security.protocol.map.
//   - DescribeLogDirs (v4+ for totalBytes/usableBytes, KIP-827; older versions leave them
//     undefined and --disk stands in): per broker, each dir's error and replica sizes.
//   - DescribeQuorum (v1+ for lastCaughtUpTimestamp; Kafka 3.3+): leave quorum undefined when
//     the cluster answers UNSUPPORTED_VERSION or CLUSTER_AUTHORIZATION_FAILED.
//   - ListGroups, DescribeGroups, OffsetFetch and ListOffsets as `kctl lag` does
//     (src/admin/lag), sampled at the start and the end of --window: the end sample is
//     consumers.report, and both through LagWindow (minSamples 2) give consumers.trends.
//   - DescribeAcls with a match-any filter; acls undefined on SECURITY_DISABLED or when
//     kctl may not describe them.
//   - Write rates: ListOffsets (latest) and DescribeLogDirs at the start and the end of
//     --window; per partition, writeRecordsPerSec = Δ log end offset / window and
//     writeBytesPerSec = Δ leader log size / window, or, when retention moved the log start
//     offset meanwhile, Δ log end offset × the log's bytes per record. takenAtMs and windowMs
//     are the end sample's time and the window actually measured.
// The command passes its flags as DoctorOptions (--checks, --skip, --max-lag, --max-time-lag,
// --disk and the hardware flags), prints renderDoctorReport (render.ts) or the DoctorReport
// as json/yaml, and exits with doctorExitCode(report.summary, --strict).
import {ExitCode, type ExitCodeValue, usageError} from '../../errors.js'
import {closest} from '../../config/suggest.js'
import {allowEveryone, noAuthorizer, plaintextListener, superUsersCheck, topicOpenWrite} from './checks/security.js'
import {
  lowReplicationFactor, logDirOffline, minIsrTooHigh, minIsrTooLow, offlinePartitions, preferredLeader, quorumSize, quorumVoterLagging, replicasInOneRack,
  uncleanLeaderElection, underMinIsr, underReplicated,
} from './checks/availability.js'
import {brokerLoss, type CapacityFigures, capacityFigures, diskUsage, leaderSkew, partitionSkew, planLimits, rackLoss, timeUntilFull} from './checks/capacity.js'
import {drift, initDefaults, lint} from './checks/configuration.js'
import {autoCreateTopics, groupError, groupFallingBehind, groupOverLagLimit, groupStalled, groupStopped, infiniteRetention} from './checks/data.js'
import {areas, type Check, checkCatalogue, type CheckId, type DoctorOptions, type Finding, severities, type Severity} from './findings.js'
import type {ClusterSnapshot} from './snapshot.js'

export type {ClusterSnapshot} from './snapshot.js'
export {checkCatalogue, type CheckId, type DoctorOptions, type Finding} from './findings.js'

/** Every check by id; the type makes a catalogue id without a check a compile error. */
const checks: Record<CheckId, Check> = {
  'availability.offline-partitions': offlinePartitions,
  'availability.under-min-isr': underMinIsr,
  'availability.under-replicated': underReplicated,
  'availability.log-dir-offline': logDirOffline,
  'availability.min-isr-too-high': minIsrTooHigh,
  'availability.min-isr-too-low': minIsrTooLow,
  'availability.low-replication-factor': lowReplicationFactor,
  'availability.unclean-leader-election': uncleanLeaderElection,
  'availability.quorum-size': quorumSize,
  'availability.quorum-voter-lagging': quorumVoterLagging,
  'availability.preferred-leader': preferredLeader,
  'availability.replicas-in-one-rack': replicasInOneRack,
  'capacity.partition-skew': partitionSkew,
  'capacity.leader-skew': leaderSkew,
  'capacity.disk-usage': diskUsage,
  'capacity.time-until-full': timeUntilFull,
  'capacity.plan-limits': planLimits,
  'capacity.broker-loss': brokerLoss,
  'capacity.rack-loss': rackLoss,
  'configuration.lint': lint,
  'configuration.drift': drift,
  'configuration.init-defaults': initDefaults,
  'security.plaintext-listener': plaintextListener,
  'security.no-authorizer': noAuthorizer,
  'security.allow-everyone': allowEveryone,
  'security.super-users': superUsersCheck,
  'security.topic-open-write': topicOpenWrite,
  'data.infinite-retention': infiniteRetention,
  'data.auto-create-topics': autoCreateTopics,
  'data.group-stalled': groupStalled,
  'data.group-stopped': groupStopped,
  'data.group-falling-behind': groupFallingBehind,
  'data.group-error': groupError,
  'data.group-over-lag-limit': groupOverLagLimit,
}

export type Summary = Record<Severity, number>

export interface DoctorReport {
  clusterId: string
  brokers: number
  windowMs: number
  summary: Summary
  /** Check ids that ran. */
  checks: CheckId[]
  /** By area (catalogue order), then errors before warnings before info. */
  findings: Finding[]
  figures: CapacityFigures
}

/** The check ids `--checks` and `--skip` select; each name is a check id or an area. */
export function selectChecks(options: Pick<DoctorOptions, 'checks' | 'skip'>): CheckId[] {
  const ids = checkCatalogue.map((entry) => entry.id)
  const expand = (name: string, flag: string): CheckId[] => {
    if ((areas as readonly string[]).includes(name)) return ids.filter((id) => id.startsWith(`${name}.`))
    if ((ids as string[]).includes(name)) return [name as CheckId]
    const suggestion = closest(name, [...areas, ...ids], 3)
    throw usageError(`unknown check "${name}" in ${flag}`, suggestion ? `did you mean ${suggestion}?` : `use an area (${areas.join(', ')}) or a check id from kctl doctor --help`)
  }
  const chosen = options.checks === undefined || options.checks.length === 0 ? ids : options.checks.flatMap((name) => expand(name, '--checks'))
  const skipped = new Set((options.skip ?? []).flatMap((name) => expand(name, '--skip')))
  return ids.filter((id) => chosen.includes(id) && !skipped.has(id))
}

export function summarise(findings: readonly Finding[]): Summary {
  return Object.fromEntries(severities.map((severity) => [severity, findings.filter((item) => item.severity === severity).length])) as Summary
}

export function runChecks(snapshot: ClusterSnapshot, options: DoctorOptions = {}): DoctorReport {
  const selected = selectChecks(options)
  const findings = selected.flatMap((id) => checks[id](snapshot, options))
  const areaRank = (item: Finding) => areas.indexOf(item.area)
  const severityRank = (item: Finding) => severities.indexOf(item.severity)
  findings.sort((a, b) => areaRank(a) - areaRank(b) || severityRank(a) - severityRank(b) || selected.indexOf(a.id) - selected.indexOf(b.id) || a.object.name.localeCompare(b.object.name))
  return {
    clusterId: snapshot.clusterId,
    brokers: snapshot.brokers.length,
    windowMs: snapshot.windowMs,
    summary: summarise(findings),
    checks: selected,
    findings,
    figures: capacityFigures(snapshot, options),
  }
}

/** Exit 3 (threshold) when there are errors, or warnings with --strict; else 0. */
export function doctorExitCode(summary: Summary, strict: boolean): ExitCodeValue {
  return summary.error > 0 || (strict && summary.warning > 0) ? ExitCode.threshold : ExitCode.ok
}
