// A lean Kafka client for the load tests, built on the project's protocol codec: one TCP
// connection per broker, requests pipelined (responses come back in request order, so a
// FIFO of pending requests matches them), record batches handed to the socket as their
// own chunks without copying. kafkajs tops out far below the load targets here, and a
// load tester must not be the bottleneck it measures. Plaintext only: SASL and TLS stay
// with kafkajs in the admin commands.
import net from 'node:net'
import {
  type ApiKey,
  type RequestInput,
  type ResponseBody,
  decodeResponse,
  encodeRequest,
  errorByCode,
  versionRange,
} from '../kafka/protocol/index.js'
import {KctlError} from '../errors.js'

/**
 * Highest versions this client asks for. Fetch v13+ and Metadata v13+ name topics by id
 * only or add nothing the load tests need; the rest is Kafka 4.0's range (the codec's).
 */
const versionCaps: Partial<Record<number, number>> = {1: 12, 3: 12}
const apiVersionsKey = 18

interface Pending {
  sentMs: number
  resolve: (frame: Buffer) => void
  reject: (error: Error) => void
}

export interface BrokerAddress {
  nodeId: number
  host: string
  port: number
}

export class KafkaConnection {
  private correlationId = 0
  private readonly pending: Pending[] = []
  private pendingHead = 0
  private readonly chunks: Buffer[] = []
  private bufferedBytes = 0
  private closedError: Error | null = null
  private readonly versions = new Map<number, number>()
  private readonly watchdog: NodeJS.Timeout

  private constructor(
    private readonly socket: net.Socket,
    readonly address: string,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.received(chunk))
    socket.on('error', (error) => this.fail(new KctlError(`unable to talk to broker ${address}: ${error.message}`)))
    socket.on('close', () => this.fail(new KctlError(`unable to talk to broker ${address}: connection closed`)))
    // One timer per connection, not per request: fails everything once the oldest request
    // has waited request.timeout.ms (Kafka's default 30 s).
    this.watchdog = setInterval(() => {
      const oldest = this.pending[this.pendingHead]
      if (oldest && performance.now() - oldest.sentMs > this.requestTimeoutMs) {
        this.fail(new KctlError(`unable to talk to broker ${address}: no response within ${this.requestTimeoutMs} ms`))
        this.socket.destroy()
      }
    }, 1000)
    this.watchdog.unref()
  }

  static async connect(broker: {host: string; port: number}, clientId: string, requestTimeoutMs = 30_000): Promise<KafkaConnection> {
    const address = `${broker.host}:${broker.port}`
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const candidate = net.connect({host: broker.host, port: broker.port})
      const timer = setTimeout(() => {
        candidate.destroy()
        reject(new KctlError(`unable to connect to broker ${address}: timed out`, {hint: 'check --bootstrap-server and that the broker is running'}))
      }, 10_000)
      candidate.once('connect', () => {
        clearTimeout(timer)
        candidate.removeAllListeners('error')
        resolve(candidate)
      })
      candidate.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(
          new KctlError(`unable to connect to broker ${address}: ${error.code ?? error.message}`, {
            hint: 'check --bootstrap-server, or start the bundled broker with `kctl broker start`',
          }),
        )
      })
    })
    const connection = new KafkaConnection(socket, address, clientId, requestTimeoutMs)
    await connection.negotiateVersions()
    return connection
  }

  /** The version used for an API: the highest both sides speak. */
  version(apiKey: ApiKey): number {
    const version = this.versions.get(apiKey)
    if (version === undefined) {
      throw new KctlError(`unable to use API ${apiKey} with broker ${this.address}: the broker does not support it`)
    }
    return version
  }

  /** Sends a request; resolves with the decoded response. */
  async request<K extends ApiKey>(apiKey: K, body: RequestInput<K>, version = this.version(apiKey)): Promise<ResponseBody<K>> {
    if (this.closedError) throw this.closedError
    const frame = await new Promise<Buffer>((resolve, reject) => {
      this.pending.push({sentMs: performance.now(), resolve, reject})
      this.write(encodeRequest(apiKey, version, this.nextCorrelationId(), this.clientId, body))
    })
    return decodeResponse(apiKey, version, frame).body
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  sendOnly<K extends ApiKey>(apiKey: K, body: RequestInput<K>): void {
    if (this.closedError) throw this.closedError
    this.write(encodeRequest(apiKey, this.version(apiKey), this.nextCorrelationId(), this.clientId, body))
  }

  close(): void {
    clearInterval(this.watchdog)
    this.fail(new KctlError(`unable to talk to broker ${this.address}: connection closed by the client`))
    this.socket.destroy()
  }

  private async negotiateVersions(): Promise<void> {
    // ApiVersions v3 first as Java does; a broker that does not know v3 answers v0-style,
    // so fall back to v0 on an error.
    let response = await this.request(apiVersionsKey, {clientSoftwareName: 'kctl-perf', clientSoftwareVersion: '1'}, 3)
    if (response.errorCode !== 0) response = await this.request(apiVersionsKey, {}, 0)
    if (response.errorCode !== 0) {
      throw new KctlError(`unable to negotiate versions with broker ${this.address}: ${errorByCode(response.errorCode).name}`)
    }
    for (const api of response.apiKeys) {
      const ours = versionRange(api.apiKey)
      if (!ours) continue
      const highest = Math.min(api.maxVersion, ours.maxVersion, versionCaps[api.apiKey] ?? Number.MAX_SAFE_INTEGER)
      if (highest >= Math.max(api.minVersion, ours.minVersion)) this.versions.set(api.apiKey, highest)
    }
  }

  private nextCorrelationId(): number {
    this.correlationId = (this.correlationId + 1) | 0
    return this.correlationId
  }

  private write(chunks: Buffer[]): void {
    this.socket.cork()
    for (const chunk of chunks) this.socket.write(chunk)
    this.socket.uncork()
  }

  private received(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.bufferedBytes += chunk.length
    for (;;) {
      if (this.bufferedBytes < 4) return
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.take(4, false)
      const frameBytes = head.readInt32BE(0)
      if (this.bufferedBytes < 4 + frameBytes) return
      const frame = this.take(4 + frameBytes, true).subarray(4)
      const request = this.pending[this.pendingHead]
      if (request === undefined) {
        this.fail(new KctlError(`unable to talk to broker ${this.address}: response without a request`))
        this.socket.destroy()
        return
      }
      this.pending[this.pendingHead++] = undefined as unknown as Pending
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending.splice(0, this.pendingHead)
        this.pendingHead = 0
      }
      request.resolve(frame)
    }
  }

  /** The first `bytes` buffered bytes as one Buffer; consumed when `consume`. */
  private take(bytes: number, consume: boolean): Buffer {
    const first = this.chunks[0]
    if (first.length >= bytes) {
      if (consume) {
        if (first.length === bytes) this.chunks.shift()
        else this.chunks[0] = first.subarray(bytes)
        this.bufferedBytes -= bytes
      }
      return first.subarray(0, bytes)
    }
    const joined = Buffer.concat(this.chunks, this.bufferedBytes)
    this.chunks.length = 0
    if (consume) {
      this.bufferedBytes -= bytes
      if (joined.length > bytes) this.chunks.push(joined.subarray(bytes))
    } else this.chunks.push(joined)
    return joined.subarray(0, bytes)
  }

  private fail(error: Error): void {
    if (this.closedError) return
    this.closedError = error
    clearInterval(this.watchdog)
    for (let index = this.pendingHead; index < this.pending.length; index++) this.pending[index].reject(error)
    this.pending.length = 0
    this.pendingHead = 0
  }
}

export interface TopicLayout {
  name: string
  /** Leader node id per partition index. */
  leaders: number[]
}

/** The bootstrap connection plus metadata: where each partition's leader is. */
export class Cluster {
  private readonly brokers = new Map<number, BrokerAddress>()

  private constructor(
    readonly bootstrap: KafkaConnection,
    private readonly clientId: string,
  ) {}

  static async open(bootstrapServers: string[], clientId: string): Promise<Cluster> {
    let lastError: unknown
    for (const server of bootstrapServers) {
      try {
        return new Cluster(await KafkaConnection.connect(parseHostPort(server), clientId), clientId)
      } catch (error) {
        lastError = error
      }
    }
    throw lastError
  }

  /** Partition leaders of a topic, or null when the topic does not exist. */
  async describeTopic(topic: string): Promise<TopicLayout | null> {
    const response = await this.bootstrap.request(3, {topics: [{name: topic}], allowAutoTopicCreation: false})
    for (const broker of response.brokers) this.brokers.set(broker.nodeId, {nodeId: broker.nodeId, host: broker.host, port: broker.port})
    const found = response.topics.find((candidate) => candidate.name === topic)
    if (!found || found.errorCode === 3) return null
    if (found.errorCode !== 0) {
      throw new KctlError(`unable to describe topic ${topic}: ${errorByCode(found.errorCode).name}`)
    }
    const leaders: number[] = []
    for (const partition of found.partitions) leaders[partition.partitionIndex] = partition.leaderId
    if (leaders.some((leader) => leader === undefined || leader < 0)) {
      throw new KctlError(`unable to describe topic ${topic}: a partition has no leader`, {hint: 'wait for the cluster to elect leaders and retry'})
    }
    return {name: topic, leaders}
  }

  /** Creates a topic (replication factor: the broker's default) and waits for its leaders. */
  async createTopic(topic: string, partitions: number): Promise<TopicLayout> {
    const response = await this.bootstrap.request(19, {
      topics: [{name: topic, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: []}],
      timeoutMs: 30_000,
    })
    const result = response.topics[0]
    // 36 = TOPIC_ALREADY_EXISTS: someone else created it meanwhile, which is fine.
    if (result && result.errorCode !== 0 && result.errorCode !== 36) {
      throw new KctlError(`unable to create topic ${topic}: ${errorByCode(result.errorCode).name}${result.errorMessage ? ` (${result.errorMessage})` : ''}`)
    }
    for (let attempt = 0; attempt < 50; attempt++) {
      const layout = await this.describeTopic(topic).catch(() => null)
      if (layout && layout.leaders.length > 0) return layout
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new KctlError(`unable to create topic ${topic}: it has no leaders after 5 s`)
  }

  /** The existing topic, or a new one with `createPartitions` partitions when it is missing. */
  async ensureTopic(topic: string, createPartitions: number | undefined): Promise<TopicLayout> {
    const layout = await this.describeTopic(topic)
    if (layout) return layout
    if (createPartitions === undefined) {
      throw new KctlError(`unable to load-test topic ${topic}: it does not exist`, {
        exitCode: 4,
        hint: `create it with \`kctl topics create ${topic}\` or pass --partitions N to create it`,
      })
    }
    return this.createTopic(topic, createPartitions)
  }

  /** A new dedicated connection to a broker (load generators do not share sockets). */
  async connect(nodeId: number): Promise<KafkaConnection> {
    const broker = this.brokers.get(nodeId)
    if (!broker) throw new KctlError(`unable to connect to broker ${nodeId}: not in the cluster metadata`)
    return KafkaConnection.connect(broker, this.clientId)
  }

  close(): void {
    this.bootstrap.close()
  }
}

export function parseHostPort(server: string): {host: string; port: number} {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(server.trim())
  if (!match) throw new KctlError(`invalid bootstrap server "${server}"`, {exitCode: 2, hint: 'use host:port, e.g. 127.0.0.1:9092'})
  return {host: match[1], port: Number(match[2])}
}
