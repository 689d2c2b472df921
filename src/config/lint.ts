// `kctl config lint`: checks Kafka 4.x server.properties files, alone and as one cluster.
// Pure: takes file texts, returns findings with file:line, severity, rule id and a fix hint.
// Rule ids (README and tests use them):
//   parse-error, duplicate-key, inline-comment, broker-id-conflict, unknown-key, removed-key,
//   invalid-value, missing-kraft-key, listener-malformed, listener-duplicate,
//   controller-listener-missing, controller-listener-on-broker, broker-listener-on-controller,
//   advertised-listener-undeclared, advertised-listener-unroutable, security-map-gap,
//   inter-broker-listener-not-advertised, sasl-mechanism-not-enabled, voters-missing-node, voters-contain-broker,
//   quorum-mismatch, node-id-duplicate, voter-count, internal-topic-rf, ha-replication-factor,
//   ha-min-insync, ha-unclean-election, ha-auto-create, plaintext-listener, no-authorizer, log-dirs-tmp
import {checkValue, lookupKey} from './catalogue.js'
import {parseProperties, type PropertyEntry} from './properties.js'

export type Severity = 'error' | 'warning'

export interface LintFinding {
  file: string
  /** 1-based; 0 when the finding is about the file as a whole. */
  line: number
  severity: Severity
  rule: string
  message: string
  hint: string
}

export interface LintReport {
  files: string[]
  errors: number
  warnings: number
  findings: LintFinding[]
}

interface ParsedFile {
  path: string
  entries: PropertyEntry[]
  /** Last value wins, as java.util.Properties.load. */
  values: Map<string, string>
  lineOf: (key: string) => number
}

interface Listener {
  name: string
  host: string
  port: number
}

// Names Kafka maps without listener.security.protocol.map (SecurityProtocol values).
const defaultSecurityProtocols = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']

export function lintFiles(files: {path: string; text: string}[]): LintReport {
  const findings: LintFinding[] = []
  const parsed: ParsedFile[] = []
  for (const file of files) {
    let entries: PropertyEntry[]
    try {
      entries = parseProperties(file.text)
    } catch (error) {
      findings.push({file: file.path, line: 0, severity: 'error', rule: 'parse-error', message: `cannot be read as .properties: ${(error as Error).message}`, hint: 'fix the escape sequence; a literal backslash is written \\\\'})
      continue
    }
    const values = new Map(entries.map((entry) => [entry.key, entry.value]))
    const lastLine = new Map(entries.map((entry) => [entry.key, entry.line]))
    const one = {path: file.path, entries, values, lineOf: (key: string) => lastLine.get(key) ?? 0}
    parsed.push(one)
    findings.push(...lintOne(one))
  }
  findings.push(...lintCluster(parsed))
  findings.sort((a, b) => (a.file === b.file ? a.line - b.line : files.findIndex((f) => f.path === a.file) - files.findIndex((f) => f.path === b.file)))
  return {
    files: files.map((file) => file.path),
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
    findings,
  }
}

function lintOne(file: ParsedFile): LintFinding[] {
  const findings: LintFinding[] = []
  const add = (line: number, severity: Severity, rule: string, message: string, hint: string) => findings.push({file: file.path, line, severity, rule, message, hint})
  const {values, lineOf} = file

  const firstLine = new Map<string, number>()
  for (const entry of file.entries) {
    const earlier = firstLine.get(entry.key)
    if (earlier === undefined) firstLine.set(entry.key, entry.line)
    else add(entry.line, 'error', 'duplicate-key', `${entry.key} is set again (first on line ${earlier}); Kafka silently keeps this last value`, `keep one ${entry.key} line`)

    // .properties has no trailing comments: "x=1 # note" sets x to "1 # note".
    const inline = /\s+#.*$/.exec(entry.value)
    if (inline && !entry.value.trimStart().startsWith('#')) {
      add(entry.line, 'error', 'inline-comment', `${entry.key} value "${entry.value}" includes the comment "${inline[0].trim()}"`, `put the comment on its own line above: ${entry.key}=${entry.value.slice(0, inline.index).trim()}`)
    }

    const status = lookupKey(entry.key)
    if (status.kind === 'removed') add(entry.line, 'error', 'removed-key', `${entry.key} is not accepted by Kafka 4: ${status.reason}`, `delete ${entry.key}`)
    else if (status.kind === 'unknown') {
      add(entry.line, 'warning', 'unknown-key', `${entry.key} is not a Kafka 4.0 broker or controller setting`, status.suggestion ? `did you mean ${status.suggestion}?` : 'check the spelling against the Kafka 4.0 broker configs')
    } else if (status.kind === 'known' || status.kind === 'listener-override') {
      const problem = checkValue(status.definition, entry.value)
      if (problem) add(entry.line, 'error', 'invalid-value', `${entry.key}: ${problem}`, describeValid(status.definition))
    }
  }

  const roles = (values.get('process.roles') ?? '').split(',').map((role) => role.trim()).filter(Boolean)
  const isBroker = roles.includes('broker')
  const isController = roles.includes('controller')
  // Compared without a trailing " # comment", which inline-comment and invalid-value report.
  const withoutComment = (key: string) => values.get(key)?.replace(/\s+#.*$/, '').trim()
  const nodeId = withoutComment('node.id')
  const brokerId = withoutComment('broker.id')
  if (brokerId !== undefined && nodeId !== undefined) {
    if (brokerId !== nodeId) {
      add(lineOf('broker.id'), 'error', 'broker-id-conflict', `broker.id=${brokerId} differs from node.id=${nodeId} (line ${lineOf('node.id')}): Kafka refuses to start`, 'delete broker.id; KRaft uses node.id')
    } else {
      add(lineOf('broker.id'), 'warning', 'broker-id-conflict', 'broker.id repeats node.id; in KRaft it is redundant', 'delete broker.id')
    }
  }

  for (const [key, hint] of [
    ['process.roles', 'set process.roles=broker,controller (combined), broker or controller'],
    ['node.id', 'set node.id to a number unique in the cluster'],
    ['controller.listener.names', 'set controller.listener.names=CONTROLLER and add CONTROLLER://:9093 to listeners on controllers'],
  ] as const) {
    if (!values.has(key)) add(0, 'error', 'missing-kraft-key', `${key} is not set; Kafka 4 runs only in KRaft mode`, hint)
  }
  const voters = values.get('controller.quorum.voters')?.trim() ?? ''
  const bootstrap = values.get('controller.quorum.bootstrap.servers')?.trim() ?? ''
  if (voters === '' && bootstrap === '') {
    add(0, 'error', 'missing-kraft-key', 'neither controller.quorum.voters nor controller.quorum.bootstrap.servers is set', 'set controller.quorum.voters=1@host1:9093,2@host2:9093,3@host3:9093 in every file')
  }
  if (!values.has('log.dirs') && !values.has('log.dir')) {
    add(0, 'warning', 'missing-kraft-key', 'log.dirs is not set; Kafka uses /tmp/kafka-logs', 'set log.dirs=/var/lib/kafka/data')
  }

  // Listeners.
  const listeners = parseListeners(values.get('listeners') ?? 'PLAINTEXT://:9092')
  const listenerNames = new Set(listeners.map((listener) => listener.name))
  const controllerNames = (values.get('controller.listener.names') ?? '').split(',').map((name) => name.trim().toUpperCase()).filter(Boolean)
  const map = parseSecurityMap(values.get('listener.security.protocol.map'), listeners, controllerNames)
  const listenersLine = lineOf('listeners')
  // SocketServer refuses malformed endpoints and a name or port used twice.
  const seenNames = new Set<string>()
  const seenPorts = new Set<number>()
  for (const listener of listeners) {
    if (listener.port === 0 && listener.host === '') {
      add(listenersLine, 'error', 'listener-malformed', `listener "${listener.name}" is not NAME://host:port`, 'write listeners as NAME://host:port, e.g. PLAINTEXT://:9092')
      continue
    }
    if (seenNames.has(listener.name) || seenPorts.has(listener.port)) {
      add(listenersLine, 'error', 'listener-duplicate', `listeners use ${seenNames.has(listener.name) ? `the name ${listener.name}` : `port ${listener.port}`} twice`, 'give every listener its own name and port')
    }
    seenNames.add(listener.name)
    seenPorts.add(listener.port)
  }
  if (isController) {
    for (const name of controllerNames.slice(0, 1)) {
      if (!listenerNames.has(name)) add(listenersLine, 'error', 'controller-listener-missing', `controller listener ${name} is not in listeners (${values.get('listeners') ?? 'unset'})`, `add ${name}://:9093 to listeners`)
    }
  }
  if (isController && !isBroker) {
    for (const listener of listeners) {
      if (!controllerNames.includes(listener.name)) add(listenersLine, 'error', 'broker-listener-on-controller', `a controller-only node may listen only on controller listeners, not ${listener.name}`, `remove ${listener.name}://... from listeners`)
    }
  }
  if (isBroker && !isController) {
    for (const name of controllerNames) {
      if (listenerNames.has(name)) add(listenersLine, 'error', 'controller-listener-on-broker', `a broker-only node must not listen on controller listener ${name}`, `remove ${name}://... from listeners`)
    }
  }
  for (const listener of listeners) {
    if (!map.has(listener.name)) {
      add(lineOf('listener.security.protocol.map') || listenersLine, 'error', 'security-map-gap', `listener ${listener.name} has no security protocol in listener.security.protocol.map`, `add ${listener.name}:PLAINTEXT (or SSL, SASL_PLAINTEXT, SASL_SSL) to listener.security.protocol.map`)
    }
  }
  for (const name of controllerNames) {
    if (!map.has(name) && !listenerNames.has(name)) {
      add(lineOf('controller.listener.names'), 'error', 'security-map-gap', `controller listener ${name} has no security protocol in listener.security.protocol.map`, `add ${name}:PLAINTEXT (or the protocol the controllers use) to listener.security.protocol.map`)
    }
  }
  if (isBroker) {
    const advertisedText = values.get('advertised.listeners')
    const advertised = advertisedText === undefined ? listeners.filter((listener) => !controllerNames.includes(listener.name)) : parseListeners(advertisedText)
    for (const listener of advertised) {
      if (!listenerNames.has(listener.name)) {
        add(lineOf('advertised.listeners'), 'error', 'advertised-listener-undeclared', `advertised listener ${listener.name} is not declared in listeners`, `add ${listener.name}://:${listener.port} to listeners or drop it from advertised.listeners`)
      }
      if (listener.host === '0.0.0.0') {
        add(lineOf('advertised.listeners') || listenersLine, 'error', 'advertised-listener-unroutable', `advertised listener ${listener.name} uses 0.0.0.0`, 'advertise the host name clients use to reach this broker')
      }
    }
    const interBroker = (values.get('inter.broker.listener.name') ?? securityProtocolListener(values.get('security.inter.broker.protocol'))).toUpperCase()
    // KafkaConfig: with SASL between brokers, the inter-broker mechanism must be enabled on that listener.
    if ((map.get(interBroker) ?? '').startsWith('SASL_')) {
      const mechanism = (values.get('sasl.mechanism.inter.broker.protocol') ?? 'GSSAPI').trim()
      const enabledKey = values.has(`listener.name.${interBroker.toLowerCase()}.sasl.enabled.mechanisms`) ? `listener.name.${interBroker.toLowerCase()}.sasl.enabled.mechanisms` : 'sasl.enabled.mechanisms'
      const enabled = (values.get(enabledKey) ?? 'GSSAPI').split(',').map((item) => item.trim())
      if (!enabled.includes(mechanism)) {
        add(lineOf('sasl.mechanism.inter.broker.protocol') || lineOf(enabledKey), 'error', 'sasl-mechanism-not-enabled', `inter-broker SASL mechanism ${mechanism} is not in ${enabledKey} (${enabled.join(',')})`, `add ${mechanism} to ${enabledKey} or change sasl.mechanism.inter.broker.protocol`)
      }
    }
    if (!advertised.some((listener) => listener.name === interBroker)) {
      add(lineOf('inter.broker.listener.name') || lineOf('advertised.listeners') || listenersLine, 'error', 'inter-broker-listener-not-advertised', `inter-broker listener ${interBroker} is not among the advertised listeners`, 'set inter.broker.listener.name to one of the advertised listener names')
    }
  }

  // Quorum membership of this node.
  if (voters !== '' && nodeId !== undefined) {
    const voterIds = parseVoters(voters).map((voter) => voter.id)
    if (isController && !voterIds.includes(nodeId)) {
      add(lineOf('controller.quorum.voters'), 'error', 'voters-missing-node', `node.id ${nodeId} is a controller but not in controller.quorum.voters`, `add ${nodeId}@<host>:9093 to controller.quorum.voters in every file`)
    }
    if (isBroker && !isController && voterIds.includes(nodeId)) {
      add(lineOf('controller.quorum.voters'), 'error', 'voters-contain-broker', `node.id ${nodeId} is broker-only but listed in controller.quorum.voters`, 'give broker-only nodes ids that are not voters, or add controller to process.roles')
    }
  }

  // Security.
  const plaintext = listeners.filter((listener) => map.get(listener.name) === 'PLAINTEXT')
  if (plaintext.length > 0) {
    add(listenersLine, 'warning', 'plaintext-listener', `listener(s) ${plaintext.map((listener) => listener.name).join(', ')} use PLAINTEXT: no authentication, no encryption`, 'use SASL_SSL (kctl init --security sasl_ssl) outside a trusted network')
  }
  if (!values.get('authorizer.class.name')) {
    add(0, 'warning', 'no-authorizer', 'no authorizer: every client may do everything', 'set authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer and super.users')
  }
  const logDirs = values.get('log.dirs') ?? values.get('log.dir') ?? '/tmp/kafka-logs'
  if (logDirs.split(',').some((dir) => dir.trim().startsWith('/tmp'))) {
    add(lineOf('log.dirs') || lineOf('log.dir'), 'warning', 'log-dirs-tmp', `log.dirs ${logDirs} is under /tmp, which the OS may wipe`, 'use a persistent disk, e.g. log.dirs=/var/lib/kafka/data')
  }
  return findings
}

function lintCluster(files: ParsedFile[]): LintFinding[] {
  const findings: LintFinding[] = []
  if (files.length === 0) return findings
  const add = (file: ParsedFile, key: string, severity: Severity, rule: string, message: string, hint: string) =>
    findings.push({file: file.path, line: file.lineOf(key), severity, rule, message, hint})

  // Node ids unique across files.
  const seen = new Map<string, ParsedFile>()
  for (const file of files) {
    const id = file.values.get('node.id')?.trim()
    if (id === undefined) continue
    const other = seen.get(id)
    if (other) add(file, 'node.id', 'error', 'node-id-duplicate', `node.id ${id} is also used by ${other.path}`, 'give every node its own node.id')
    else seen.set(id, file)
  }

  // One quorum everywhere.
  const withVoters = files.filter((file) => (file.values.get('controller.quorum.voters') ?? '').trim() !== '')
  const canonical = (text: string) => parseVoters(text).map((voter) => `${voter.id}@${voter.host}:${voter.port}`).sort().join(',')
  if (withVoters.length > 1) {
    const reference = canonical(withVoters[0].values.get('controller.quorum.voters')!)
    for (const file of withVoters.slice(1)) {
      if (canonical(file.values.get('controller.quorum.voters')!) !== reference) {
        add(file, 'controller.quorum.voters', 'error', 'quorum-mismatch', `controller.quorum.voters differs from ${withVoters[0].path}`, 'use the same controller.quorum.voters in every file')
      }
    }
  }
  const ha = files.length > 1 || withVoters.some((file) => parseVoters(file.values.get('controller.quorum.voters')!).length > 1)
  if (ha && withVoters.length > 0) {
    const count = parseVoters(withVoters[0].values.get('controller.quorum.voters')!).length
    if (count < 3 || count % 2 === 0) {
      add(withVoters[0], 'controller.quorum.voters', 'warning', 'voter-count', `${count} controller voter(s): a quorum needs an odd count ≥ 3 to survive losing one`, 'use 3 (or 5) controllers')
    }
  }

  // Internal topics need as many brokers as their replication factor. Several files are taken
  // as the whole cluster; one HA file stands for a cluster with at least as many brokers as voters.
  const brokerCount = files.filter((file) => (file.values.get('process.roles') ?? '').includes('broker')).length
  const voterCount = withVoters.length > 0 ? parseVoters(withVoters[0].values.get('controller.quorum.voters')!).length : 1
  const clusterBrokers = files.length > 1 ? brokerCount : Math.max(brokerCount, ha ? voterCount : 1)
  for (const file of files) {
    if (!(file.values.get('process.roles') ?? '').includes('broker')) continue
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'share.coordinator.state.topic.replication.factor']) {
      const rf = Number(file.values.get(key) ?? 3)
      if (clusterBrokers > 0 && rf > clusterBrokers) {
        add(file, key, 'error', 'internal-topic-rf', `${key}=${rf}${file.values.has(key) ? '' : ' (default)'} but the cluster has ${clusterBrokers} broker(s): the internal topic cannot be created`, `set ${key}=${clusterBrokers}`)
      }
    }
    if (!ha) continue
    const rf = Number(file.values.get('default.replication.factor') ?? 1)
    const minIsr = Number(file.values.get('min.insync.replicas') ?? 1)
    if (rf < 3) add(file, 'default.replication.factor', 'warning', 'ha-replication-factor', `default.replication.factor=${rf}: a lost broker can lose acknowledged data`, 'set default.replication.factor=3')
    if (minIsr > rf) add(file, 'min.insync.replicas', 'error', 'ha-min-insync', `min.insync.replicas=${minIsr} exceeds default.replication.factor=${rf}: acks=all writes always fail`, `set min.insync.replicas=${Math.max(1, rf - 1)}`)
    else if (minIsr < 2 || minIsr > rf - 1) add(file, 'min.insync.replicas', 'warning', 'ha-min-insync', `min.insync.replicas=${minIsr} with RF ${rf}: want 2 ≤ min.insync.replicas ≤ RF − 1`, 'set min.insync.replicas=2 with RF 3')
    if ((file.values.get('unclean.leader.election.enable') ?? 'false').trim() === 'true') {
      add(file, 'unclean.leader.election.enable', 'warning', 'ha-unclean-election', 'unclean leader election can lose acknowledged writes', 'set unclean.leader.election.enable=false')
    }
    if ((file.values.get('auto.create.topics.enable') ?? 'true').trim() !== 'false') {
      add(file, 'auto.create.topics.enable', 'warning', 'ha-auto-create', 'topics are auto-created with default settings on first use', 'set auto.create.topics.enable=false and create topics deliberately')
    }
  }
  return findings
}

/** "PLAINTEXT://host:9092,CONTROLLER://:9093" → name, host, port. */
export function parseListeners(text: string): Listener[] {
  return text.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
    const match = /^([A-Za-z0-9_-]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(item)
    return match ? {name: match[1].toUpperCase(), host: match[2], port: Number(match[3])} : {name: item, host: '', port: 0}
  })
}

// KafkaConfig.effectiveListenerSecurityProtocolMap: without an explicit map, the default one
// applies, plus PLAINTEXT for the controller listeners unless any listener or controller
// listener name is SSL or SASL_*.
export function parseSecurityMap(text: string | undefined, listeners: Listener[], controllerNames: string[]): Map<string, string> {
  if (text === undefined) {
    const map = new Map(defaultSecurityProtocols.map((protocol) => [protocol, protocol]))
    const secure = (name: string) => ['SSL', 'SASL_SSL', 'SASL_PLAINTEXT'].includes(name)
    if (!controllerNames.some(secure) && !listeners.some((listener) => secure(listener.name))) {
      for (const name of controllerNames) if (!map.has(name)) map.set(name, 'PLAINTEXT')
    }
    return map
  }
  return new Map(text.split(',').map((pair) => pair.trim()).filter(Boolean).map((pair) => {
    const [name, protocol = ''] = pair.split(':')
    return [name.trim().toUpperCase(), protocol.trim().toUpperCase()]
  }))
}

function securityProtocolListener(protocol: string | undefined): string {
  return protocol ?? 'PLAINTEXT'
}

/** "1@host:9093,2@host2:9093" → id, host, port. */
export function parseVoters(text: string): {id: string; host: string; port: string}[] {
  return text.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
    const match = /^(\d+)@(.*):(\d+)$/.exec(item)
    return match ? {id: match[1], host: match[2], port: match[3]} : {id: item, host: '', port: ''}
  })
}

function describeValid(definition: {type: string; min?: number; max?: number; values?: (string | number)[]}): string {
  if (definition.values) return `use one of: ${definition.values.join(', ')}`
  const kind = {int: 'a whole number', short: 'a whole number', long: 'a whole number', double: 'a number', boolean: 'true or false'}[definition.type] ?? `a ${definition.type} value`
  if (definition.min !== undefined && definition.max !== undefined) return `use ${kind} from ${definition.min} to ${definition.max}`
  if (definition.min !== undefined) return `use ${kind} ≥ ${definition.min}`
  return `use ${kind}`
}
