// The cluster layout `kctl init` writes: nodes, their roles, hosts, racks and each node's
// server.properties as an ordered list of sections. Pure: the caller supplies the cluster id
// and secrets, so the same input always gives the same files.
import {isIP} from 'node:net'
import {formatProperty} from '../config/properties.js'
import type {Plan, PlanInput} from './model.js'

export type SecurityMode = 'plaintext' | 'sasl_plaintext' | 'sasl_ssl'
export const securityModes: SecurityMode[] = ['plaintext', 'sasl_plaintext', 'sasl_ssl']

/**
 * One node's host as --hosts gives it: a name, an IP address, or name=ip. Kafka only ever sees
 * `host` (listeners, quorum voters, keystore file); `address` is the IP of a name=ip entry,
 * which only the node's certificate carries, so clients may also dial the IP.
 */
export interface HostEntry {
  host: string
  address?: string
}

export interface ClusterOptions {
  /** Broker (or combined) node count; ignored when hosts are given. */
  nodes: number
  hosts?: HostEntry[]
  dedicatedControllers: boolean
  controllerHosts?: HostEntry[]
  security: SecurityMode
  /** 16 random bytes, base64url (Kafka's Uuid.toString). */
  clusterId: string
  /** Password of the `admin` super user (SASL modes). */
  adminPassword: string
  /** Keystore password (sasl_ssl). */
  storePassword: string
  logDirs: string
}

export interface NodeSpec {
  nodeId: number
  host: string
  /** The IP of a name=ip host; only the node's certificate uses it. */
  address?: string
  roles: ('broker' | 'controller')[]
  rack: string
  properties: PropertySection[]
}

export interface PropertySection {
  title: string
  entries: [key: string, value: string][]
}

export const clientPort = 9092
export const controllerPort = 9093
export const controllerListener = 'CONTROLLER'
export const adminUser = 'admin'
export const standardAuthorizer = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'
// Dedicated controllers get ids from 101 so they never collide with brokers 1..N.
export const firstDedicatedControllerId = 101

/** Controller quorum size: 1 for a single node, else 3, or 5 once there are 5+ combined nodes. */
export function voterCount(ha: boolean, nodes: number, dedicated: boolean): number {
  if (!ha) return 1
  if (dedicated) return 3
  return nodes >= 5 ? 5 : 3
}

type NodeLayout = Omit<NodeSpec, 'properties'>

export function layoutNodes(ha: boolean, azs: number, options: ClusterOptions): {nodes: NodeLayout[]} {
  const brokerCount = options.hosts?.length ?? options.nodes
  const hosts = options.hosts ?? Array.from({length: brokerCount}, (_, index) => ({host: ha ? `kafka-${index + 1}` : 'localhost'}))
  const rackOf = (index: number) => `az-${(index % azs) + 1}`
  const voters = voterCount(ha, brokerCount, options.dedicatedControllers)
  const nodes: NodeLayout[] = []
  if (options.dedicatedControllers) {
    const controllerHosts = options.controllerHosts ?? Array.from({length: voters}, (_, index) => ({host: `controller-${index + 1}`}))
    controllerHosts.forEach((entry, index) => nodes.push({nodeId: firstDedicatedControllerId + index, ...entry, roles: ['controller'], rack: rackOf(index)}))
    hosts.forEach((entry, index) => nodes.push({nodeId: index + 1, ...entry, roles: ['broker'], rack: rackOf(index)}))
  } else {
    // The first `voters` nodes are combined broker+controller; the rest are brokers only.
    hosts.forEach((entry, index) => nodes.push({nodeId: index + 1, ...entry, roles: index < voters ? ['broker', 'controller'] : ['broker'], rack: rackOf(index)}))
  }
  return {nodes}
}

/** host:port, with an IPv6 address in brackets as Kafka's listener and voter parsers expect. */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`
}

/** controller.quorum.voters: id@host:port for every controller, in node-id order. */
export function quorumVoters(nodes: {nodeId: number; host: string; roles: NodeSpec['roles']}[]): string {
  return nodes.filter((node) => node.roles.includes('controller')).map((node) => `${node.nodeId}@${hostPort(node.host, controllerPort)}`).join(',')
}

/**
 * The node certificate's subjectAltName entries. Java, librdkafka and Node match a dialled IP
 * only against IP: entries and a dialled name only against DNS: entries, so an IP host needs
 * IP:, a name DNS:, and a name=ip host both.
 */
export function certificateNames(node: HostEntry): string[] {
  const names = [isIP(node.host) === 0 ? `DNS:${node.host}` : `IP:${node.host}`]
  if (node.address !== undefined) names.push(`IP:${node.address}`)
  return names
}

function brokerListenerName(security: SecurityMode): string {
  return security.toUpperCase()
}

function jaasPlain(password: string): string {
  return `org.apache.kafka.common.security.plain.PlainLoginModule required username="${adminUser}" password="${password}" user_${adminUser}="${password}";`
}

export function buildNodes(plan: Plan, input: PlanInput, options: ClusterOptions): NodeSpec[] {
  const {nodes} = layoutNodes(input.ha, input.azs, options)
  const voters = quorumVoters(nodes)
  return nodes.map((node) => ({...node, properties: nodeProperties(node, voters, plan, input, options)}))
}

function nodeProperties(
  node: NodeLayout,
  voters: string,
  plan: Plan,
  input: PlanInput,
  options: ClusterOptions,
): PropertySection[] {
  const isBroker = node.roles.includes('broker')
  const isController = node.roles.includes('controller')
  const listener = brokerListenerName(options.security)
  const protocol = options.security === 'plaintext' ? 'PLAINTEXT' : options.security.toUpperCase()
  const sections: PropertySection[] = []

  // Static voters: every node lists the same quorum, and `kafka-storage.sh format` needs no
  // --initial-controllers (StorageTool rejects it when controller.quorum.voters is set).
  sections.push({
    title: 'KRaft',
    entries: [
      ['process.roles', node.roles.join(',')],
      ['node.id', String(node.nodeId)],
      ['controller.quorum.voters', voters],
      ['controller.listener.names', controllerListener],
    ],
  })

  const listeners: string[] = []
  if (isBroker) listeners.push(`${listener}://:${clientPort}`)
  if (isController) listeners.push(`${controllerListener}://:${controllerPort}`)
  const listenerEntries: [string, string][] = [['listeners', listeners.join(',')]]
  if (isBroker) listenerEntries.push(['advertised.listeners', `${listener}://${hostPort(node.host, clientPort)}`])
  listenerEntries.push(['listener.security.protocol.map', isBroker ? `${listener}:${protocol},${controllerListener}:${protocol}` : `${controllerListener}:${protocol}`])
  if (isBroker) {
    listenerEntries.push(['inter.broker.listener.name', listener])
    listenerEntries.push(['broker.rack', node.rack])
  }
  sections.push({title: 'Listeners', entries: listenerEntries})

  if (options.security !== 'plaintext') {
    const security: [string, string][] = []
    // Controllers authenticate with PLAIN: SCRAM credentials live in the metadata log, which a
    // controller cannot read before the quorum is up. Brokers use PLAIN between themselves too,
    // so the cluster starts without any bootstrapped credential; clients use SCRAM-SHA-512.
    security.push(['sasl.mechanism.controller.protocol', 'PLAIN'])
    security.push([`listener.name.${controllerListener.toLowerCase()}.sasl.enabled.mechanisms`, 'PLAIN'])
    security.push([`listener.name.${controllerListener.toLowerCase()}.plain.sasl.jaas.config`, jaasPlain(options.adminPassword)])
    if (isBroker) {
      const prefix = `listener.name.${listener.toLowerCase()}`
      security.push(['sasl.enabled.mechanisms', 'SCRAM-SHA-512,PLAIN'])
      security.push(['sasl.mechanism.inter.broker.protocol', 'PLAIN'])
      security.push([`${prefix}.plain.sasl.jaas.config`, jaasPlain(options.adminPassword)])
      security.push([`${prefix}.scram-sha-512.sasl.jaas.config`, 'org.apache.kafka.common.security.scram.ScramLoginModule required;'])
    }
    security.push(['authorizer.class.name', standardAuthorizer])
    security.push(['super.users', `User:${adminUser}`])
    security.push(['allow.everyone.if.no.acl.found', 'false'])
    if (options.security === 'sasl_ssl') {
      security.push(['ssl.keystore.type', 'PKCS12'])
      security.push(['ssl.keystore.location', `/etc/kafka/ssl/${node.host}.keystore.p12`])
      security.push(['ssl.keystore.password', options.storePassword])
      // A PEM truststore (KIP-651) takes no password; make-certs.sh writes ca.pem with openssl alone.
      security.push(['ssl.truststore.type', 'PEM'])
      security.push(['ssl.truststore.location', '/etc/kafka/ssl/ca.pem'])
    }
    sections.push({title: `Security (${options.security}: SCRAM-SHA-512 for clients, StandardAuthorizer)`, entries: security})
  }

  if (isBroker) {
    sections.push({
      title: `Threads and sockets (sized for ${input.hardware.cores} cores)`,
      entries: [
        ['num.network.threads', String(plan.sizing.numNetworkThreads)],
        ['num.io.threads', String(plan.sizing.numIoThreads)],
        ['num.replica.fetchers', String(plan.sizing.numReplicaFetchers)],
        ['socket.send.buffer.bytes', '102400'],
        ['socket.receive.buffer.bytes', '102400'],
        ['socket.request.max.bytes', '104857600'],
      ],
    })
  }

  const logEntries: [string, string][] = [['log.dirs', options.logDirs]]
  if (isBroker) {
    const retentionHours = input.retentionHours
    if (Number.isInteger(retentionHours)) logEntries.push(['log.retention.hours', String(retentionHours)])
    else logEntries.push(['log.retention.ms', String(Math.round(retentionHours * 3_600_000))])
    if (input.retentionBytesPerPartition !== undefined) logEntries.push(['log.retention.bytes', String(Math.round(input.retentionBytesPerPartition))])
    logEntries.push(['log.segment.bytes', '1073741824'])
    logEntries.push(['log.retention.check.interval.ms', '300000'])
  }
  sections.push({title: 'Logs', entries: logEntries})

  // Controllers create topics in KRaft, so they carry the replication defaults too.
  const internalRf = input.ha ? 3 : 1
  const internalMinIsr = input.ha ? 2 : 1
  const durability: [string, string][] = [
    ['default.replication.factor', String(input.ha ? input.replicationFactor : 1)],
    ['min.insync.replicas', String(input.ha ? input.minInsyncReplicas : 1)],
    ['unclean.leader.election.enable', 'false'],
    ['auto.create.topics.enable', input.ha ? 'false' : 'true'],
    // Internal topics: RF 3 / min ISR 2 with HA; RF 1 on a single node, or it cannot create them.
    ['offsets.topic.replication.factor', String(internalRf)],
    ['transaction.state.log.replication.factor', String(internalRf)],
    ['transaction.state.log.min.isr', String(internalMinIsr)],
    ['share.coordinator.state.topic.replication.factor', String(internalRf)],
    ['share.coordinator.state.topic.min.isr', String(internalMinIsr)],
  ]
  if (!input.ha) durability.push(['group.initial.rebalance.delay.ms', '0'])
  sections.push({title: input.ha ? 'Replication and durability (HA)' : 'Replication (single node: internal topics RF 1)', entries: durability})
  return sections
}

/** server.properties text: one `key=value` per line, comments on lines of their own. */
export function renderProperties(node: NodeSpec, header: string[]): string {
  const lines = header.map((line) => `# ${line}`)
  for (const section of node.properties) {
    lines.push('', `# ${section.title}`)
    for (const [key, value] of section.entries) lines.push(formatProperty(key, value))
  }
  return `${lines.join('\n')}\n`
}

/** apache/kafka image mapping (KafkaDockerWrapper): KAFKA_ + key, "_"→"__", "-"→"___", "."→"_", upper case. */
export function dockerEnvName(key: string): string {
  return `KAFKA_${key.replaceAll('_', '__').replaceAll('-', '___').replaceAll('.', '_').toUpperCase()}`
}
