// Configuration: the live broker configs against `kctl config lint`'s rules, against each
// other (drift), and against what `kctl init` writes for a cluster of this size.
//
// Lint: each broker's explicitly set configs (DescribeConfigs entries not at Kafka's default,
// sensitive values left out), plus the effective values of the keys the cluster rules read,
// become one server.properties text, and lintFiles checks them as one cluster. Only the rules
// that can catch something on a running broker are kept: the ones Kafka enforces at start-up
// (listeners, KRaft keys, node ids) a running broker has passed, and a few have a dedicated
// doctor check, reported once there.
import {lintFiles, type LintFinding} from '../../../config/lint.js'
import {formatProperty} from '../../../config/properties.js'
import {buildNodes} from '../../../plan/cluster.js'
import {planCapacity} from '../../../plan/model.js'
import {type Check, finding, type Finding} from '../findings.js'
import {brokersObject, listItems} from '../queries.js'
import type {ClusterSnapshot, SnapshotBroker} from '../snapshot.js'
import {observedPlanInput} from './capacity.js'

// Lint rules kept, with why each matters on a live cluster. Left out: parse-error and
// duplicate-key (DescribeConfigs has one value per key), the start-up rules, and
// ha-unclean-election, ha-auto-create, plaintext-listener, no-authorizer (availability.unclean-
// leader-election, data.auto-create-topics, security.*); voter-count only while DescribeQuorum
// is not available (availability.quorum-size judges the real quorum).
const lintRuleWhy: Record<string, string> = {
  'inline-comment': 'Kafka reads the "# comment" as part of the value.',
  'unknown-key': 'Kafka 4.0 does not know the key, so the setting has no effect.',
  'removed-key': 'Kafka 4.0 refuses to start with this key: it blocks the upgrade.',
  'invalid-value': 'Kafka 4.0 refuses this value: it blocks the upgrade.',
  'advertised-listener-unroutable': 'Clients are told to connect to 0.0.0.0, which they cannot reach.',
  'quorum-mismatch': 'Brokers that disagree on the controller quorum do not all reach the active controller.',
  'voter-count': 'A quorum of fewer than 3, or an even number of, voters stops metadata changes sooner than it needs to.',
  'internal-topic-rf': 'The internal topic cannot be created with more replicas than there are brokers.',
  'ha-replication-factor': 'Topics created without an explicit replication factor get fewer than 3 copies.',
  'ha-min-insync': 'Topics created with the defaults get an acks=all guarantee that is too weak, or that no write can meet.',
  'log-dirs-tmp': 'The OS may wipe /tmp on reboot, and the broker\'s data with it.',
}
// Rules that stop Kafka 4.0 from starting: on a broker that runs (Kafka 3.x), an upgrade blocker.
const upgradeRules = new Set(['removed-key', 'invalid-value'])

// The keys lint's cluster rules read, with the internal topic each replication factor is for.
// Given at their effective value even when it is Kafka's default: lint would otherwise assume
// Kafka 4.0's default, which a 3.x broker (no share coordinator) may not even have.
const internalTopicOfKey: Record<string, string> = {
  'offsets.topic.replication.factor': '__consumer_offsets',
  'transaction.state.log.replication.factor': '__transaction_state',
  'share.coordinator.state.topic.replication.factor': '__share_group_state',
}
const effectiveKeys = new Set([...Object.keys(internalTopicOfKey), 'default.replication.factor', 'min.insync.replicas'])

/** The broker's configs as server.properties text (see the file header), and the key on each line. */
export function brokerProperties(broker: SnapshotBroker): {text: string; keyOnLine: string[]} {
  const entries = Object.entries(broker.configs)
    .filter(([key, entry]) => entry.value !== null && entry.source !== 'DYNAMIC_BROKER_LOGGER_CONFIG' && (entry.source !== 'DEFAULT_CONFIG' || effectiveKeys.has(key)))
    .sort(([a], [b]) => a.localeCompare(b))
  return {text: entries.map(([key, entry]) => formatProperty(key, entry.value!)).join('\n'), keyOnLine: entries.map(([key]) => key)}
}

/**
 * internal-topic-rf matters only while the internal topic does not exist (Kafka creates it on
 * first use) and only for a key the broker has: at line 0 lint assumed a default for a key the
 * broker did not report.
 */
function internalTopicRfApplies(snapshot: ClusterSnapshot, item: LintFinding, keyOnLine: string[]): boolean {
  if (item.line === 0) return false
  const topic = internalTopicOfKey[keyOnLine[item.line - 1]]
  return topic !== undefined && !snapshot.topics.some((candidate) => candidate.name === topic)
}

export const lint: Check = (snapshot) => {
  const files = new Map(snapshot.brokers.map((broker) => [`broker ${broker.id}`, {id: broker.id, ...brokerProperties(broker)}]))
  const report = lintFiles([...files].map(([path, file]) => ({path, text: file.text})))
  // The same message on several brokers is one finding naming them all.
  const merged = new Map<string, Pick<LintFinding, 'rule' | 'severity' | 'message' | 'hint'> & {brokers: number[]}>()
  for (const item of report.findings) {
    if (!(item.rule in lintRuleWhy)) continue
    if (item.rule === 'voter-count' && snapshot.quorum !== undefined) continue
    const file = files.get(item.file)!
    if (item.rule === 'internal-topic-rf' && !internalTopicRfApplies(snapshot, item, file.keyOnLine)) continue
    const mergeKey = `${item.rule}\u0000${item.message}`
    const entry = merged.get(mergeKey) ?? {rule: item.rule, severity: item.severity, message: item.message, hint: item.hint, brokers: []}
    entry.brokers.push(file.id)
    merged.set(mergeKey, entry)
  }
  return [...merged.values()].map((entry) => finding('configuration.lint', upgradeRules.has(entry.rule) ? 'warning' : entry.severity, brokersObject(snapshot, entry.brokers), {
    problem: `${entry.message} [config lint ${entry.rule}]`,
    why: lintRuleWhy[entry.rule],
    fix: `${entry.hint} (broker${entry.brokers.length > 1 ? 's' : ''} ${listItems(entry.brokers)})`,
  }))
}

// Keys that differ between brokers by design: identity, placement, addresses, key stores.
const perNodeKeys = new Set(['node.id', 'broker.id', 'broker.rack', 'process.roles', 'listeners', 'advertised.listeners'])
const perNodePattern = /(keystore|truststore)\.(location|password)$|\.sasl\.jaas\.config$/

export const drift: Check = (snapshot) => {
  if (snapshot.brokers.length < 2) return []
  const keys = new Set(snapshot.brokers.flatMap((broker) => Object.keys(broker.configs)))
  const findings: Finding[] = []
  for (const key of [...keys].sort()) {
    if (perNodeKeys.has(key) || perNodePattern.test(key)) continue
    const brokersByValue = new Map<string, number[]>()
    for (const broker of snapshot.brokers) {
      const value = broker.configs[key]?.value
      if (value === undefined || value === null) continue
      brokersByValue.set(value, [...(brokersByValue.get(value) ?? []), broker.id])
    }
    if (brokersByValue.size < 2) continue
    const variants = [...brokersByValue].sort((a, b) => b[1].length - a[1].length)
    findings.push(finding('configuration.drift', 'warning', {kind: 'config', name: key}, {
      problem: `${key} differs between brokers: ${variants.map(([value, ids]) => `${listItems(ids)} → ${JSON.stringify(value)}`).join('; ')}`,
      why: 'Brokers behave differently depending on which one leads a partition, which makes failures hard to predict.',
      fix: `${key}=${variants[0][0]} on every broker (server.properties, or kafka-configs.sh --alter --entity-type brokers --entity-default --add-config for a dynamic key)`,
    }))
  }
  return findings
}

// What init writes that depends on the cluster's size. default.replication.factor,
// min.insync.replicas, unclean.leader.election.enable and auto.create.topics.enable are judged
// by their own checks (configuration.lint ha-*, availability.unclean-leader-election,
// data.auto-create-topics). Thread counts follow the cores, so they count only with --cores.
const sizeKeys = [
  'offsets.topic.replication.factor',
  'transaction.state.log.replication.factor',
  'transaction.state.log.min.isr',
  'share.coordinator.state.topic.replication.factor',
  'share.coordinator.state.topic.min.isr',
  'group.initial.rebalance.delay.ms',
  'log.segment.bytes',
]
const threadKeys = ['num.network.threads', 'num.io.threads', 'num.replica.fetchers']

/** The values `kctl init` writes for a cluster of this many brokers (HA from 3), for the size-dependent keys. */
export function initValues(snapshot: ClusterSnapshot, options: Parameters<Check>[1]): Map<string, string> {
  const {input} = observedPlanInput(snapshot, options)
  const ha = snapshot.brokers.length >= 3
  // init's own defaults for HA: RF 3, min.insync.replicas 2 (src/plan/input.ts).
  const initInput = {...input, ha, replicationFactor: ha ? 3 : 1, minInsyncReplicas: ha ? 2 : 1}
  const nodes = buildNodes(planCapacity(initInput), initInput, {
    nodes: snapshot.brokers.length,
    dedicatedControllers: false,
    // None of the compared keys depends on the security mode, the secrets or the paths.
    security: 'plaintext',
    clusterId: snapshot.clusterId,
    adminPassword: '',
    storePassword: '',
    logDirs: '/var/lib/kafka/data',
  })
  const broker = nodes.find((node) => node.roles.includes('broker'))!
  const written = new Map(broker.properties.flatMap((section) => section.entries))
  const compared = options.hardware?.cores === undefined ? sizeKeys : [...sizeKeys, ...threadKeys]
  return new Map(compared.filter((key) => written.has(key)).map((key) => [key, written.get(key)!]))
}

export const initDefaults: Check = (snapshot, options) => {
  // init writes one node or 3+; two brokers match neither.
  if (snapshot.brokers.length === 2 || snapshot.brokers.length === 0) return []
  const findings: Finding[] = []
  for (const [key, expected] of initValues(snapshot, options)) {
    // Only keys the broker reports: a 3.x broker has no share coordinator to configure.
    const differing = snapshot.brokers.filter((broker) => {
      const actual = broker.configs[key]?.value
      return actual !== undefined && actual !== null && actual !== expected
    })
    if (differing.length === 0) continue
    const actual = [...new Set(differing.map((broker) => broker.configs[key]!.value))].join(' / ')
    findings.push(finding('configuration.init-defaults', 'info', brokersObject(snapshot, differing.map((broker) => broker.id)), {
      problem: `${key}=${actual}; kctl init writes ${expected} for ${snapshot.brokers.length} broker(s)`,
      why: 'kctl init sizes this setting for the cluster; a different value is either deliberate or left over.',
      fix: `${key}=${expected} in server.properties`,
    }))
  }
  return findings
}
