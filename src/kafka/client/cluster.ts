// The client's view of a cluster: bootstrap, the broker list and partition leaders from
// Metadata, one pooled connection per broker, and routing of a request to the broker that
// must answer it (a partition's leader, a group or transaction coordinator, any broker).
//
// A multi-node cluster moves under a command: metadata reaches brokers at different moments
// (a topic just created may be unknown to the broker answering Metadata), leaders and
// coordinators move, brokers go down. `retry` runs an operation again on a retriable error
// with exponential backoff inside a time budget and, before each retry, forgets what the
// error says is stale: partition leaders for NOT_LEADER_OR_FOLLOWER / LEADER_NOT_AVAILABLE /
// UNKNOWN_TOPIC_OR_PARTITION, coordinators for NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE,
// the controller for NOT_CONTROLLER, the connection for a broken or timed-out one.
// Operations are written to look up their target inside the retried function, so a retry
// goes to the new leader or coordinator.
import {ErrorCode, type ResponseBody} from '../protocol/index.js'
import {BrokerConnection, type ConnectionOptions} from './connection.js'
import {KafkaClientError} from './errors.js'

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number
  initialBackoffMs: number
  maxBackoffMs: number
  /** Give up once this much time has passed since the first attempt. */
  budgetMs: number
}

export interface ClientOptions extends ConnectionOptions {
  /** "host:port" entries; the first reachable one bootstraps. */
  bootstrap: string[]
  retry?: Partial<RetryOptions>
}

export interface BrokerNode {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionMetadata {
  partition: number
  /** Kafka error code for this partition (LEADER_NOT_AVAILABLE while an election runs). */
  errorCode: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offline: number[]
}

export interface TopicMetadata {
  name: string
  topicId: string
  errorCode: number
  isInternal: boolean
  partitions: PartitionMetadata[]
}

export interface ClusterMetadata {
  clusterId: string | null
  controllerId: number
  brokers: BrokerNode[]
  topics: TopicMetadata[]
}

export type CoordinatorType = 'group' | 'transaction'
const COORDINATOR_KEY_TYPE: Record<CoordinatorType, number> = {group: 0, transaction: 1}

const defaultRetry: RetryOptions = {retries: 8, initialBackoffMs: 100, maxBackoffMs: 1000, budgetMs: 15_000}

/** Errors after which cached partition leaders are stale. */
const STALE_LEADER = new Set(['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'REPLICA_NOT_AVAILABLE'])
/** Errors after which cached coordinators are stale. */
const STALE_COORDINATOR = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE'])

export class KafkaClient {
  private readonly pool = new Map<number, Promise<BrokerConnection>>()
  private nodes = new Map<number, BrokerNode>()
  private leaders = new Map<string, number>()
  /** The controller Metadata last named (-1: unknown). */
  private controllerId = -1
  private readonly coordinatorCache = new Map<string, number>()
  private readonly retryOptions: RetryOptions
  private closed = false

  private constructor(
    private readonly options: ClientOptions,
    /** The bootstrap connection: used until the broker list is known, then pooled under its node id when it matches one. */
    private bootstrapConnection: BrokerConnection | null,
    /** The bootstrap server bootstrapConnection reaches. */
    private bootstrapServer: {host: string; port: number},
  ) {
    this.retryOptions = {...defaultRetry, ...options.retry}
  }

  /** Connects to the first reachable bootstrap server and reads the broker list. */
  static async connect(options: ClientOptions): Promise<KafkaClient> {
    let lastError: unknown
    for (const server of options.bootstrap) {
      const {host, port} = parseHostPort(server)
      try {
        const client = new KafkaClient(options, await BrokerConnection.open(host, port, options), {host, port})
        await client.metadata([])
        return client
      } catch (error) {
        lastError = error
        // Authentication failures and protocol mismatches will not get better on the next server.
        if (error instanceof KafkaClientError && error.kind !== 'connection' && error.kind !== 'timeout') throw error
      }
    }
    throw lastError ?? new KafkaClientError('connection', 'no bootstrap server given', {retriable: false})
  }

  get clientOptions(): ClientOptions {
    return this.options
  }

  /** Brokers as the last Metadata response listed them. */
  brokers(): BrokerNode[] {
    return [...this.nodes.values()]
  }

  /**
   * Metadata for `topics` (null = every topic, [] = none: brokers and controller only), sent
   * to any broker. Refreshes the broker list and the leaders of the topics it returns.
   */
  async metadata(topics: string[] | null, options: {includeAuthorizedOperations?: boolean} = {}): Promise<ClusterMetadata> {
    const connection = await this.anyBroker()
    const version = connection.version(3) ?? 0
    const response = await connection.send(3, {
      // v0 has no "all topics" null: an empty list meant all there.
      topics: topics === null ? (version >= 1 ? null : []) : topics.map((name) => ({name})),
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: options.includeAuthorizedOperations ?? false,
    })
    return this.remember(response)
  }

  /** The pooled connection to a broker of the cluster, opened on first use and reopened after a failure. */
  broker(nodeId: number): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new KafkaClientError('connection', 'the client is closed', {retriable: false}))
    const pooled = this.pool.get(nodeId)
    if (pooled) {
      return pooled.then((connection) => {
        if (!connection.closed) return connection
        this.pool.delete(nodeId)
        return this.broker(nodeId)
      })
    }
    const node = this.nodes.get(nodeId)
    if (!node) return Promise.reject(new KafkaClientError('kafka', `broker ${nodeId} is not in the cluster metadata`, {type: 'BROKER_NOT_AVAILABLE', retriable: true}))
    // The bootstrap connection already reaches this broker: no second connection (and no
    // second ApiVersions and SASL exchange) to the same address.
    if (this.bootstrapConnection && !this.bootstrapConnection.closed && this.bootstrapServer.host === node.host && this.bootstrapServer.port === node.port) {
      const pooled = Promise.resolve(this.bootstrapConnection)
      this.pool.set(nodeId, pooled)
      return pooled
    }
    const opening = BrokerConnection.open(node.host, node.port, this.options)
    this.pool.set(nodeId, opening)
    opening.catch(() => this.pool.delete(nodeId))
    return opening
  }

  /** A new connection of its own to a broker, outside the pool (load generators do not share sockets); the caller closes it. */
  openConnection(nodeId: number): Promise<BrokerConnection> {
    const node = this.nodes.get(nodeId)
    if (!node) return Promise.reject(new KafkaClientError('kafka', `broker ${nodeId} is not in the cluster metadata`, {type: 'BROKER_NOT_AVAILABLE', retriable: true}))
    return BrokerConnection.open(node.host, node.port, this.options)
  }

  /** Some live connection: the bootstrap one, any pooled one, else each known broker in turn. */
  async anyBroker(): Promise<BrokerConnection> {
    if (this.bootstrapConnection && !this.bootstrapConnection.closed) return this.bootstrapConnection
    for (const pooled of this.pool.values()) {
      const connection = await pooled.catch(() => undefined)
      if (connection && !connection.closed) return connection
    }
    let lastError: unknown
    for (const nodeId of this.nodes.keys()) {
      try {
        return await this.broker(nodeId)
      } catch (error) {
        lastError = error
      }
    }
    // Every known broker is down: start again from the bootstrap list.
    for (const server of this.options.bootstrap) {
      const {host, port} = parseHostPort(server)
      try {
        this.bootstrapConnection = await BrokerConnection.open(host, port, this.options)
        this.bootstrapServer = {host, port}
        return this.bootstrapConnection
      } catch (error) {
        lastError = error
      }
    }
    throw lastError ?? new KafkaClientError('connection', 'no broker is reachable', {})
  }

  /**
   * A connection for requests that change the cluster (CreateTopics, CreatePartitions,
   * DeleteTopics, configs, ACLs, SCRAM credentials). Kafka 4 (KRaft) brokers forward these to
   * the active controller, so any broker will do: the broker Metadata names as controller is
   * asked first (older ZooKeeper clusters need it), any other when it is down, and
   * NOT_CONTROLLER makes `retry` ask Metadata again.
   */
  async controller(): Promise<BrokerConnection> {
    if (this.controllerId < 0) await this.metadata([])
    if (this.nodes.has(this.controllerId)) {
      try {
        return await this.broker(this.controllerId)
      } catch (error) {
        if (!(error instanceof KafkaClientError) || (error.kind !== 'connection' && error.kind !== 'timeout')) throw error
      }
    }
    return this.anyBroker()
  }

  /** The leader of a partition (from cached metadata, refreshed when unknown). Throws LEADER_NOT_AVAILABLE / UNKNOWN_TOPIC_OR_PARTITION (retriable). */
  async leaderOf(topic: string, partition: number): Promise<number> {
    const key = `${topic}\0${partition}`
    if (!this.leaders.has(key)) {
      const metadata = await this.metadata([topic])
      const found = metadata.topics.find((candidate) => candidate.name === topic)
      if (!found || found.errorCode !== 0)
        throw KafkaClientError.fromCode(found?.errorCode || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${topic} is not known to the cluster (yet)`)
    }
    const leader = this.leaders.get(key)
    if (leader === undefined) throw KafkaClientError.fromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${topic}-${partition} does not exist`)
    if (leader < 0) throw KafkaClientError.fromCode(ErrorCode.LEADER_NOT_AVAILABLE, `partition ${topic}-${partition} has no leader yet`)
    return leader
  }

  /** Groups partitions by their leader's node id (one request per broker). */
  async byLeader<P extends {topic: string; partition: number}>(partitions: P[]): Promise<Map<number, P[]>> {
    const unknown = [...new Set(partitions.filter((p) => !this.leaders.has(`${p.topic}\0${p.partition}`)).map((p) => p.topic))]
    if (unknown.length > 0) await this.metadata(unknown)
    const grouped = new Map<number, P[]>()
    for (const p of partitions) {
      // Known leaders straight from the cache (no await per partition: there may be 50,000);
      // leaderOf asks again or throws the retriable error for the rest.
      const cached = this.leaders.get(`${p.topic}\0${p.partition}`)
      const leader = cached !== undefined && cached >= 0 ? cached : await this.leaderOf(p.topic, p.partition)
      let list = grouped.get(leader)
      if (!list) grouped.set(leader, (list = []))
      list.push(p)
    }
    return grouped
  }

  /** The node id of the coordinator of a group or transactional id (FindCoordinator, cached). */
  async coordinatorOf(type: CoordinatorType, key: string): Promise<number> {
    const cacheKey = `${type}\0${key}`
    const cached = this.coordinatorCache.get(cacheKey)
    if (cached !== undefined) return cached
    const found = await this.findCoordinators(type, [key])
    const result = found.get(key)!
    if (result instanceof KafkaClientError) throw result
    return result
  }

  /**
   * Coordinators of many keys: the cached ones, the rest looked up with findCoordinators. A
   * cached coordinator that moved answers NOT_COORDINATOR, after which `retry` forgets the cache.
   */
  async coordinatorsOf(type: CoordinatorType, keys: readonly string[]): Promise<Map<string, number | KafkaClientError>> {
    const results = new Map<string, number | KafkaClientError>()
    const missing: string[] = []
    for (const key of keys) {
      const cached = this.coordinatorCache.get(`${type}\0${key}`)
      if (cached === undefined) missing.push(key)
      else results.set(key, cached)
    }
    if (missing.length > 0) for (const [key, found] of await this.findCoordinators(type, missing)) results.set(key, found)
    return results
  }

  /**
   * Coordinators of many keys: one FindCoordinator v4+ (KIP-699) where the broker supports it,
   * else one request per key. A key whose lookup failed maps to its error.
   */
  async findCoordinators(type: CoordinatorType, keys: string[]): Promise<Map<string, number | KafkaClientError>> {
    const connection = await this.anyBroker()
    const results = new Map<string, number | KafkaClientError>()
    const keyType = COORDINATOR_KEY_TYPE[type]
    const record = (key: string, nodeId: number, host: string, port: number, errorCode: number, message: string | null | undefined) => {
      if (errorCode !== 0) {
        results.set(key, KafkaClientError.fromCode(errorCode, message, connection.address))
        return
      }
      // A coordinator the cached broker list does not know yet (a broker just joined).
      if (!this.nodes.has(nodeId)) this.nodes.set(nodeId, {nodeId, host, port, rack: null})
      this.coordinatorCache.set(`${type}\0${key}`, nodeId)
      results.set(key, nodeId)
    }
    if (connection.supports(10, 4)) {
      const response = await connection.send(10, {keyType, coordinatorKeys: keys})
      for (const coordinator of response.coordinators) record(coordinator.key, coordinator.nodeId, coordinator.host, coordinator.port, coordinator.errorCode, coordinator.errorMessage)
    } else {
      for (const key of keys) {
        const response = await connection.send(10, {key, keyType})
        record(key, response.nodeId, response.host, response.port, response.errorCode, response.errorMessage)
      }
    }
    return results
  }

  /** The connection to a group's or transactional id's coordinator. */
  async coordinator(type: CoordinatorType, key: string): Promise<BrokerConnection> {
    return this.broker(await this.coordinatorOf(type, key))
  }

  /**
   * Runs `operation` until it succeeds, a non-retriable error is thrown, or the retry budget
   * runs out; stale leaders, coordinators and connections are forgotten between attempts.
   */
  async retry<T>(operation: (attempt: number) => Promise<T>, overrides: Partial<RetryOptions> = {}): Promise<T> {
    const options = {...this.retryOptions, ...overrides}
    const startedMs = Date.now()
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation(attempt)
      } catch (error) {
        if (!(error instanceof KafkaClientError) || !error.retriable || attempt >= options.retries) throw error
        const backoffMs = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** attempt) * (0.8 + Math.random() * 0.4)
        if (Date.now() - startedMs + backoffMs > options.budgetMs) throw error
        this.forgetStale(error)
        await new Promise((resolve) => setTimeout(resolve, backoffMs))
      }
    }
  }

  /** Forgets cached leaders and coordinators (next use asks the cluster again). */
  invalidate(): void {
    this.leaders.clear()
    this.coordinatorCache.clear()
  }

  close(): void {
    this.closed = true
    this.bootstrapConnection?.close()
    for (const pooled of this.pool.values()) void pooled.then((connection) => connection.close(), () => undefined)
    this.pool.clear()
  }

  private forgetStale(error: KafkaClientError): void {
    if (STALE_LEADER.has(error.type)) this.leaders.clear()
    if (STALE_COORDINATOR.has(error.type)) this.coordinatorCache.clear()
    if (error.type === 'NOT_CONTROLLER') this.controllerId = -1
    if (error.kind === 'connection' || error.kind === 'timeout') {
      // The broker may be gone: ask again where things are.
      this.invalidate()
      for (const [nodeId, pooled] of this.pool) {
        void pooled.then(
          (connection) => {
            if (connection.closed && this.pool.get(nodeId) === pooled) this.pool.delete(nodeId)
          },
          () => undefined,
        )
      }
    }
  }

  private remember(response: ResponseBody<3>): ClusterMetadata {
    const brokers = response.brokers.map((broker) => ({nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack ?? null}))
    if (brokers.length > 0) this.nodes = new Map(brokers.map((broker) => [broker.nodeId, broker]))
    this.controllerId = response.controllerId
    const topics: TopicMetadata[] = response.topics.map((topic) => ({
      name: topic.name ?? '',
      topicId: topic.topicId,
      errorCode: topic.errorCode,
      isInternal: topic.isInternal,
      partitions: topic.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: [...p.replicaNodes],
          isr: [...p.isrNodes],
          offline: [...(p.offlineReplicas ?? [])],
        }))
        .sort((a, b) => a.partition - b.partition),
    }))
    for (const topic of topics) {
      for (const key of [...this.leaders.keys()]) if (key.startsWith(`${topic.name}\0`)) this.leaders.delete(key)
      if (topic.errorCode === 0) for (const p of topic.partitions) this.leaders.set(`${topic.name}\0${p.partition}`, p.leader)
    }
    return {clusterId: response.clusterId ?? null, controllerId: response.controllerId, brokers, topics}
  }
}

/** "host:port" or "[v6]:port"; throws a usage-style error naming the entry. */
export function parseHostPort(server: string): {host: string; port: number} {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(server.trim())
  if (!match || Number(match[2]) > 65535)
    throw new KafkaClientError('connection', `invalid bootstrap server "${server}": use host:port, e.g. 127.0.0.1:9092`, {type: 'INVALID_ADDRESS', retriable: false})
  return {host: match[1], port: Number(match[2])}
}
