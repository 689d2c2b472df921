// The one state object of a running broker, owned by server.ts and handed to every handler
// in its context (kfake's Cluster). Handlers reach state only through it, never through
// module singletons. The event loop is the only thread: keep read-modify-write synchronous
// and re-check after every await.
import {randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {KctlError} from '../errors.js'
import type {Security} from './auth/index.js'
import type {GroupCoordinator} from './groups/coordinator.js'
import type {BrokerLog} from './log-adapter.js'
import type {BrokerMetrics} from './metrics.js'
import type {BrokerSettings} from './settings.js'
import type {TransactionCoordinator} from './txn/index.js'
import type {AclOperation, AclResourceType, ApiRange, ConnectionInfo, ListenerSpec, Logger} from './types.js'

/** The parts a broker is made of, built once by startBroker (index.ts) and never replaced. */
export interface BrokerParts {
  settings: BrokerSettings
  dataDir: string
  log: BrokerLog
  logger: Logger
  metrics: BrokerMetrics
  /** SASL, TLS listeners and the authorizer (which allows everything when none is configured). */
  security: Security
  groups: GroupCoordinator
  /** Transactional ids, their transactions and pending transactional offsets. */
  txn: TransactionCoordinator
  /** Every API this broker serves, by key, for ApiVersions (the server dispatches on apis/index.ts). */
  apis: ReadonlyMap<number, ApiRange>
}

/** Producer ids are handed out in blocks; the next block start is written before a block is
 *  used, so a restart never hands out an id again (Kafka's ProducerIdManager does the same). */
const PRODUCER_ID_BLOCK = 1000

export class BrokerState {
  readonly nodeId: number
  readonly clusterId: string
  readonly settings: BrokerSettings
  readonly dataDir: string
  readonly log: BrokerLog
  readonly logger: Logger
  readonly metrics: BrokerMetrics
  readonly security: Security
  readonly groups: GroupCoordinator
  readonly txn: TransactionCoordinator
  readonly apis: ReadonlyMap<number, ApiRange>
  readonly startedAtMs = Date.now()
  /** Listeners as bound (real ports) and as advertised to clients, by listener name. */
  listeners: ListenerSpec[] = []
  advertised = new Map<string, {host: string; port: number}>()

  private nextProducerId: number
  private producerIdBlockEnd: number
  /** Long-polling fetches by "topic:partition"; one log subscription serves them all. */
  private readonly appendWaiters = new Map<string, Set<() => void>>()
  private readonly unsubscribeAppends: () => void
  private readonly shutdownWaiters = new Set<() => void>()
  /** Set on shutdown: long polls stop waiting. */
  closed = false

  constructor(parts: BrokerParts) {
    const {settings, dataDir, log} = parts
    this.settings = settings
    this.dataDir = dataDir
    this.log = log
    this.logger = parts.logger
    this.metrics = parts.metrics
    this.security = parts.security
    this.groups = parts.groups
    this.txn = parts.txn
    this.apis = parts.apis
    this.nodeId = settings.nodeId
    const meta = loadOrCreateMeta(dataDir, this.nodeId)
    this.clusterId = meta.clusterId
    this.nextProducerId = meta.nextProducerIdBlock
    this.producerIdBlockEnd = meta.nextProducerIdBlock
    this.metrics.addGauge({name: 'kctl_broker_topics', help: 'Topics', samples: () => [{labels: {}, value: log.topicNames().length}]})
    this.metrics.addGauge({
      name: 'kctl_broker_partitions',
      help: 'Partitions (this node leads them all)',
      samples: () => [{labels: {}, value: log.topicNames().reduce((sum, name) => sum + (log.topic(name)?.partitions ?? 0), 0)}],
    })
    this.metrics.addGauge({
      name: 'kctl_broker_log_size_bytes',
      help: 'Bytes of record batches on disk, by partition',
      samples: () =>
        log.topicNames().flatMap((topic) =>
          Array.from({length: log.topic(topic)?.partitions ?? 0}, (_, p) => ({labels: {topic, partition: String(p)}, value: log.sizeBytes(topic, p)})),
        ),
    })
    this.unsubscribeAppends = log.onAppend((topic, partition) => {
      const waiters = this.appendWaiters.get(`${topic}:${partition}`)
      if (waiters) for (const wake of [...waiters]) wake()
    })
  }

  /**
   * Resolves on the first append to any of `partitions` ("topic:partition") or after
   * `timeoutMs`, whichever comes first; never polls. Callers re-read state afterwards.
   */
  waitForAppend(partitions: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        for (const key of partitions) {
          const waiters = this.appendWaiters.get(key)
          waiters?.delete(wake)
          if (waiters?.size === 0) this.appendWaiters.delete(key)
        }
        this.shutdownWaiters.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, timeoutMs)
      for (const key of partitions) {
        let waiters = this.appendWaiters.get(key)
        if (!waiters) this.appendWaiters.set(key, (waiters = new Set()))
        waiters.add(wake)
      }
      this.shutdownWaiters.add(wake)
    })
  }

  /** Answers every waiting fetch now (shutdown) and stops listening to the log. */
  close(): void {
    this.closed = true
    for (const wake of [...this.shutdownWaiters]) wake()
    this.unsubscribeAppends()
  }

  /** A fresh producer id for InitProducerId; never reused across restarts. */
  allocateProducerId(): number {
    if (this.nextProducerId >= this.producerIdBlockEnd) {
      this.producerIdBlockEnd = this.nextProducerId + PRODUCER_ID_BLOCK
      writeMeta(this.dataDir, {clusterId: this.clusterId, nodeId: this.nodeId, nextProducerIdBlock: this.producerIdBlockEnd})
    }
    return this.nextProducerId++
  }

  /** The advertised endpoint of the listener a connection came in on (Kafka answers
   *  Metadata with the endpoints of the request's own listener). */
  advertisedFor(listenerName: string): {host: string; port: number} {
    const endpoint = this.advertised.get(listenerName) ?? this.advertised.values().next().value
    if (!endpoint) throw new KctlError('unable to answer: the broker has no advertised listener')
    return endpoint
  }

  allowed(connection: ConnectionInfo, operation: AclOperation, resourceType: AclResourceType, resourceName: string): boolean {
    return this.security.allowed(connection, operation, resourceType, resourceName)
  }
}

interface Meta {
  clusterId: string
  nodeId: number
  nextProducerIdBlock: number
}

/** `<dataDir>/meta.properties`, as Kafka keeps it (cluster.id, node.id, version), plus the
 *  producer id block. The cluster id is made once and kept, so restarts keep it. */
function loadOrCreateMeta(dataDir: string, nodeId: number): Meta {
  const file = path.join(dataDir, 'meta.properties')
  let text: string | undefined
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text === undefined) {
    const meta = {clusterId: newClusterId(), nodeId, nextProducerIdBlock: 0}
    writeMeta(dataDir, meta)
    return meta
  }
  const values = new Map(
    text
      .split('\n')
      .filter((line) => line.includes('=') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()] as const),
  )
  const clusterId = values.get('cluster.id')
  if (!clusterId) throw new KctlError(`unable to start the broker: ${file} has no cluster.id`, {hint: 'restore the file or start with an empty --data-dir'})
  const storedNodeId = Number(values.get('node.id'))
  if (values.has('node.id') && storedNodeId !== nodeId)
    throw new KctlError(`unable to start the broker: ${dataDir} belongs to node.id=${storedNodeId}, not ${nodeId}`, {
      hint: `start with --config node.id=${storedNodeId} or another --data-dir`,
    })
  return {clusterId, nodeId, nextProducerIdBlock: Number(values.get('kctl.next.producer.id.block') ?? 0)}
}

function writeMeta(dataDir: string, meta: Meta): void {
  mkdirSync(dataDir, {recursive: true})
  const file = path.join(dataDir, 'meta.properties')
  const text = [
    '# Written by the kctl bundled broker',
    'version=1',
    `cluster.id=${meta.clusterId}`,
    `node.id=${meta.nodeId}`,
    `kctl.next.producer.id.block=${meta.nextProducerIdBlock}`,
    '',
  ].join('\n')
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

/** Kafka's cluster ids are a random UUID printed as base64url without padding (22 chars). */
function newClusterId(): string {
  return randomBytes(16).toString('base64url')
}
