// What `kctl doctor` reports: findings, and the catalogue of every check by id. `--checks` and
// `--skip` take these ids or an area name; the README's list of checks is this catalogue.
import type {Hardware} from '../../plan/tiers.js'
import type {ClusterSnapshot} from './snapshot.js'

export const severities = ['error', 'warning', 'info'] as const
export type Severity = (typeof severities)[number]

export const areas = ['availability', 'capacity', 'configuration', 'security', 'data'] as const
export type Area = (typeof areas)[number]

export const checkCatalogue = [
  {id: 'availability.offline-partitions', description: 'partitions without a leader: neither readable nor writable'},
  {id: 'availability.under-min-isr', description: 'partitions whose ISR is below min.insync.replicas: acks=all producers fail now'},
  {id: 'availability.under-replicated', description: 'partitions whose ISR is smaller than their replica set (still at or above min.insync.replicas)'},
  {id: 'availability.log-dir-offline', description: 'log dirs a broker reports with an error: their replicas are offline'},
  {id: 'availability.min-isr-too-high', description: 'min.insync.replicas ≥ replication factor: unwritable with acks=all once one replica is down'},
  {id: 'availability.min-isr-too-low', description: 'min.insync.replicas = 1 with replication factor ≥ 3: acks=all acknowledges a single copy'},
  {id: 'availability.low-replication-factor', description: 'replication factor below 3 on a cluster of 3 or more brokers'},
  {id: 'availability.unclean-leader-election', description: 'unclean.leader.election.enable=true on a broker or topic'},
  {id: 'availability.quorum-size', description: 'fewer than 3 (or an even number of) KRaft controller voters'},
  {id: 'availability.quorum-voter-lagging', description: 'a controller voter behind the quorum leader'},
  {id: 'availability.preferred-leader', description: 'partitions not led by their preferred (first) replica'},
  {id: 'availability.replicas-in-one-rack', description: 'partitions that losing one rack would take offline or below min.insync.replicas'},
  {id: 'capacity.partition-skew', description: 'partition replicas spread unevenly over the brokers'},
  {id: 'capacity.leader-skew', description: 'partition leaders spread unevenly over the brokers'},
  {id: 'capacity.disk-usage', description: 'log dirs 75% full or more (per reported total/usable bytes)'},
  {id: 'capacity.time-until-full', description: 'brokers whose disks fill within 7 days at the measured write rate and the topics\' retention'},
  {id: 'capacity.plan-limits', description: 'the planner\'s limits (network, disk, memory, CPU, replicas) at the measured traffic'},
  {id: 'capacity.broker-loss', description: 'whether the cluster at the measured traffic survives losing one broker (planner\'s model)'},
  {id: 'capacity.rack-loss', description: 'whether the cluster at the measured traffic survives losing one rack/AZ (planner\'s model)'},
  {id: 'configuration.lint', description: '`kctl config lint` rules applied to each broker\'s live configuration'},
  {id: 'configuration.drift', description: 'a setting with different values on different brokers'},
  {id: 'configuration.init-defaults', description: 'settings that differ from what `kctl init` writes for a cluster of this size'},
  {id: 'security.plaintext-listener', description: 'PLAINTEXT listeners advertised to clients'},
  {id: 'security.no-authorizer', description: 'brokers without an authorizer: every client may do everything'},
  {id: 'security.allow-everyone', description: 'allow.everyone.if.no.acl.found=true: resources without ACLs are open to all'},
  {id: 'security.super-users', description: 'super users, and wildcard or anonymous ones'},
  {id: 'security.topic-open-write', description: 'topics any principal may write to'},
  {id: 'data.infinite-retention', description: 'delete-policy topics kept forever, with their size and growth'},
  {id: 'data.auto-create-topics', description: 'auto.create.topics.enable=true on a multi-broker cluster'},
  {id: 'data.group-stalled', description: 'consumer groups with members whose committed offsets do not move while lag exists'},
  {id: 'data.group-stopped', description: 'consumer groups without members that still have lag'},
  {id: 'data.group-falling-behind', description: 'consumer groups whose lag grew over the whole window'},
  {id: 'data.group-error', description: 'consumer groups whose offsets could not be read or went backwards'},
  {id: 'data.group-over-lag-limit', description: 'consumer groups beyond --max-lag or --max-time-lag'},
] as const satisfies readonly {id: `${Area}.${string}`; description: string}[]

export type CheckId = (typeof checkCatalogue)[number]['id']

export type ObjectKind = 'cluster' | 'broker' | 'log-dir' | 'topic' | 'group' | 'controller-quorum' | 'principal' | 'config' | 'limit'

export interface Finding {
  /** The check that found it, e.g. availability.under-min-isr. */
  id: CheckId
  severity: Severity
  area: Area
  /** What it is about: a broker ("1" or "1,3"), a log dir ("1:/var/lib/kafka"), a topic, a group, a config key, a planner limit, the cluster. */
  object: {kind: ObjectKind; name: string}
  /** What is wrong, with the figures. */
  problem: string
  /** Why it matters, in one sentence. */
  why: string
  /** The fix: a command or a config line. */
  fix: string
}

export function areaOf(id: CheckId): Area {
  return id.slice(0, id.indexOf('.')) as Area
}

/** A finding of check `id`; the area comes from the id. */
export function finding(id: CheckId, severity: Severity, object: Finding['object'], text: {problem: string; why: string; fix: string}): Finding {
  return {id, severity, area: areaOf(id), object, ...text}
}

/** What the checks take besides the snapshot (the command's flags). */
export interface DoctorOptions {
  /** Only these check ids or areas. */
  checks?: string[]
  /** Not these check ids or areas. */
  skip?: string[]
  /** --max-lag: records a group may lag on a partition (as `kctl lag`). */
  maxLag?: number
  /** --max-time-lag: how old the first unconsumed record may be (as `kctl lag`). */
  maxTimeLagMs?: number
  /** Disk per broker, for brokers whose log dirs report no total/usable bytes (Kafka before 3.3, the bundled broker). */
  diskBytes?: number
  /** Broker hardware the capacity model needs and Kafka cannot report; figures not given come from the seed's recommended HA tier. */
  hardware?: Partial<Hardware>
}

/** A check: a pure function of the snapshot. */
export type Check = (snapshot: ClusterSnapshot, options: DoctorOptions) => Finding[]
