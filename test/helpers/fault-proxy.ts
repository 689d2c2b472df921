// A fault-injecting TCP proxy in front of the bundled broker, for tests of what a multi-node
// cluster does to a client: metadata that lags behind, leaders that are not elected yet or
// moved, coordinators and controllers that moved, brokers that are down, slow answers. It is
// a test tool, never a broker feature.
//
// Frames pass through unchanged unless something must be rewritten. The proxy remembers each
// request's (correlation id → api key, version) and decodes only the responses it rewrites,
// with the project's codec, re-encoding header and body at the same version (flexible
// versions' tagged header included). Broker addresses in Metadata, DescribeCluster and
// FindCoordinator answers point back at the proxy, so clients keep going through it.
//
// Posing as a cluster: with `nodes`, every node id listens on its own proxy port (all served
// by the one broker behind), Metadata lists those nodes with their racks, every partition
// gets all of them as replicas (the live ones as ISR) and a leader chosen by `leaderOf`. A
// node marked down is listed but its port refuses connections.
//
// Faults come from a script: `proxy.fail({apiKey: 3, times: 5, topicError:
// 'UNKNOWN_TOPIC_OR_PARTITION', topics: ['sec']})`. Read-only APIs (Metadata, ListOffsets,
// FindCoordinator, OffsetFetch) are forwarded and their answer rewritten; Produce and
// CreateTopics are answered by the proxy itself without forwarding, so a retried request is
// not applied twice.
import net from 'node:net'
import {
  type ApiKey,
  decodeRequest,
  decodeResponse,
  encodeResponse,
  errorByName,
  readRequestHeader,
  type ResponseInput,
} from '../../src/kafka/protocol/index.js'

export interface ProxyNode {
  nodeId: number
  rack?: string | null
  /** Listed in Metadata, but its port refuses connections. */
  down?: boolean
}

export interface FaultProxyOptions {
  /** The broker behind the proxy. */
  target: {host: string; port: number}
  /** Pose as these nodes (default: the broker's own single node, addresses rewritten only). */
  nodes?: ProxyNode[]
  /** The leader of a partition when posing as nodes (default: live nodes in turn). */
  leaderOf?: (topic: string, partition: number) => number
  /** The controller id to report when posing as nodes (default: the first live node). */
  controllerId?: number
  /** Pose as an older Kafka: ApiVersions answers cap each listed key at this version, and a
   *  key capped below its minimum (e.g. -1) is not advertised at all. */
  maxVersions?: Record<number, number>
}

export interface Fault {
  apiKey: number
  /** How many matching responses to spoil (default 1; Infinity for all). */
  times?: number
  /** Only requests naming one of these topics (default: any). */
  topics?: string[]
  /** Topic-level error: Metadata (partitions emptied), CreateTopics. */
  topicError?: string
  /** Partition-level error: Produce, ListOffsets, Metadata. */
  partitionError?: string
  /** Metadata partitions without a leader (-1), as during an election. */
  leaderless?: boolean
  /** Top-level or per-key error: FindCoordinator, OffsetFetch (per group), DescribeCluster. */
  error?: string
  /** Close the client's connection instead of answering. */
  drop?: boolean
  /** Answer this much later. */
  delayMs?: number
}

interface Pending {
  apiKey: number
  apiVersion: number
  correlationId: number
  fault: Fault | undefined
  /** Set when the proxy answers by itself. */
  synthesized?: Buffer[]
}

export interface SeenRequest {
  apiKey: number
  apiVersion: number
  /** The node id whose port received it (the broker's own id without `nodes`). */
  nodeId: number
  /** Whether a fault spoiled it. */
  faulted: boolean
  /** The decoded request (undefined for a key or version the codec does not know). */
  body?: Record<string, unknown>
}

/** Topics named in a request body, for matching faults. */
function requestTopics(apiKey: number, body: Record<string, unknown>): string[] {
  if (apiKey === 10) return []
  const topics = (apiKey === 0 ? body.topicData : body.topics) as {name?: string | null}[] | null | undefined
  return (topics ?? []).map((topic) => topic.name ?? '').filter(Boolean)
}

export class FaultProxy {
  readonly requests: SeenRequest[] = []
  private readonly faults: (Fault & {left: number})[] = []
  private readonly servers: net.Server[] = []
  private readonly sockets = new Set<net.Socket>()
  private readonly ports = new Map<number, number>()

  private constructor(
    private readonly options: FaultProxyOptions,
    private readonly nodes: ProxyNode[],
  ) {}

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options, options.nodes ?? [])
    if (proxy.nodes.length === 0) {
      proxy.ports.set(-1, await proxy.listen(-1))
      return proxy
    }
    for (const node of proxy.nodes) proxy.ports.set(node.nodeId, node.down ? await refusedPort() : await proxy.listen(node.nodeId))
    return proxy
  }

  /** "127.0.0.1:port" of the first node that is up (or of the single proxy port). */
  get bootstrap(): string {
    const up = this.nodes.find((node) => !node.down)
    return this.address(up ? up.nodeId : -1)
  }

  /** "127.0.0.1:port" of a node's proxy port. */
  address(nodeId: number): string {
    return `127.0.0.1:${this.ports.get(nodeId)}`
  }

  /** Spoils the next matching responses (see Fault). */
  fail(fault: Fault): void {
    this.faults.push({...fault, left: fault.times ?? 1})
  }

  /** Drops every scripted fault not used yet. */
  clearFaults(): void {
    this.faults.length = 0
  }

  /** How many requests of an API the proxy saw (faulted ones included). */
  count(apiKey: number): number {
    return this.requests.filter((request) => request.apiKey === apiKey).length
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))))
  }

  private listen(nodeId: number): Promise<number> {
    const server = net.createServer((client) => this.serve(client, nodeId))
    this.servers.push(server)
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)))
  }

  private takeFault(apiKey: number, topics: string[]): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.apiKey === apiKey && fault.left > 0 && (!fault.topics || fault.topics.some((topic) => topics.includes(topic))))
    if (index < 0) return undefined
    const fault = this.faults[index]
    fault.left--
    if (fault.left <= 0) this.faults.splice(index, 1)
    return fault
  }

  private serve(client: net.Socket, nodeId: number): void {
    const upstream = net.connect(this.options.target.port, this.options.target.host)
    this.sockets.add(client)
    this.sockets.add(upstream)
    const pending: Pending[] = []
    // Answers leave in request order even when one is delayed or synthesized.
    let writing: Promise<void> = Promise.resolve()
    const send = (chunks: Buffer[] | Buffer, delayMs = 0) => {
      writing = writing.then(async () => {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
        if (!client.destroyed) for (const chunk of Array.isArray(chunks) ? chunks : [chunks]) client.write(chunk)
      })
    }
    const close = () => {
      client.destroy()
      upstream.destroy()
      this.sockets.delete(client)
      this.sockets.delete(upstream)
    }
    client.on('error', close)
    upstream.on('error', close)
    client.on('close', close)
    upstream.on('close', close)

    frames(client, (frame) => {
      const header = readRequestHeader(frame)
      let topics: string[] = []
      let body: Record<string, unknown> | undefined
      try {
        body = decodeRequest(frame).body as Record<string, unknown>
        topics = requestTopics(header.apiKey, body)
      } catch {
        // A key or version the codec does not know passes through untouched.
      }
      const fault = body ? this.takeFault(header.apiKey, topics) : undefined
      this.requests.push({apiKey: header.apiKey, apiVersion: header.apiVersion, nodeId, faulted: fault !== undefined, body})
      const entry: Pending = {apiKey: header.apiKey, apiVersion: header.apiVersion, correlationId: header.correlationId, fault}
      if (fault?.drop) return close()
      const answer = fault && body ? this.synthesize(entry, body, fault) : undefined
      if (answer) {
        // Answered here: queue it behind the answers still expected from the broker.
        entry.synthesized = answer
        if (pending.length === 0) send(answer, fault?.delayMs)
        else pending.push(entry)
        return
      }
      pending.push(entry)
      const size = Buffer.alloc(4)
      size.writeInt32BE(frame.length)
      upstream.write(Buffer.concat([size, frame]))
    })

    frames(upstream, (frame) => {
      const entry = pending.shift()
      if (!entry) return close()
      send(this.rewrite(entry, frame, nodeId), entry.fault?.delayMs)
      // Synthesized answers that waited for this one.
      while (pending.length > 0 && pending[0].synthesized) {
        const next = pending.shift()!
        send(next.synthesized!, next.fault?.delayMs)
      }
    })
  }

  /** An answer made by the proxy for APIs whose request must not reach the broker when faulted. */
  private synthesize(entry: Pending, body: Record<string, unknown>, fault: Fault): Buffer[] | undefined {
    if (entry.apiKey === 0 && fault.partitionError) {
      const code = errorByName(fault.partitionError).code
      const topicData = body.topicData as {name: string; partitionData: {index: number}[]}[]
      return this.encode(0, entry, {
        responses: topicData.map((topic) => ({
          name: topic.name,
          partitionResponses: topic.partitionData.map((p) => ({index: p.index, errorCode: fault.topics && !fault.topics.includes(topic.name) ? 0 : code, baseOffset: -1, logStartOffset: -1, recordErrors: []})),
        })),
        throttleTimeMs: 0,
      })
    }
    if (entry.apiKey === 19 && fault.topicError) {
      const code = errorByName(fault.topicError).code
      const topics = body.topics as {name: string}[]
      return this.encode(19, entry, {topics: topics.map((topic) => ({name: topic.name, errorCode: code, errorMessage: null}))})
    }
    return undefined
  }

  private encode<K extends ApiKey>(apiKey: K, entry: Pending, body: ResponseInput<K>): Buffer[] {
    return encodeResponse(apiKey, entry.apiVersion, entry.correlationId, body)
  }

  private rewrite(entry: Pending, frame: Buffer, nodeId: number): Buffer[] | Buffer {
    const rewritesAddresses = entry.apiKey === 3 || entry.apiKey === 10 || entry.apiKey === 60 || (entry.apiKey === 18 && this.options.maxVersions !== undefined)
    const framed = () => {
      const size = Buffer.alloc(4)
      size.writeInt32BE(frame.length)
      return [size, frame]
    }
    if (!rewritesAddresses && !entry.fault) return framed()
    let decoded: Record<string, unknown>
    try {
      decoded = decodeResponse(entry.apiKey as ApiKey, entry.apiVersion, frame).body as Record<string, unknown>
    } catch {
      return framed()
    }
    const fault = entry.fault
    if (entry.apiKey === 3) this.rewriteMetadata(decoded, fault)
    if (entry.apiKey === 60) this.rewriteDescribeCluster(decoded, fault)
    if (entry.apiKey === 10) this.rewriteFindCoordinator(decoded, fault, nodeId)
    if (entry.apiKey === 18 && this.options.maxVersions) {
      const caps = this.options.maxVersions
      type Range = {apiKey: number; minVersion: number; maxVersion: number}
      decoded.apiKeys = (decoded.apiKeys as Range[])
        .map((range) => (caps[range.apiKey] === undefined ? range : {...range, maxVersion: Math.min(range.maxVersion, caps[range.apiKey])}))
        .filter((range) => range.maxVersion >= range.minVersion)
    }
    if (entry.apiKey === 2 && fault?.partitionError) {
      const code = errorByName(fault.partitionError).code
      for (const topic of decoded.topics as {name: string; partitions: {errorCode: number; offset: number}[]}[]) {
        if (fault.topics && !fault.topics.includes(topic.name)) continue
        for (const p of topic.partitions) Object.assign(p, {errorCode: code, offset: -1})
      }
    }
    if (entry.apiKey === 9 && fault?.error) {
      const code = errorByName(fault.error).code
      if (Array.isArray(decoded.groups)) for (const group of decoded.groups as {errorCode: number}[]) group.errorCode = code
      else decoded.errorCode = code
    }
    return encodeResponse(entry.apiKey as ApiKey, entry.apiVersion, entry.correlationId, decoded as never)
  }

  private brokerList(): {nodeId: number; host: string; port: number; rack: string | null}[] {
    return this.nodes.map((node) => ({nodeId: node.nodeId, host: '127.0.0.1', port: this.ports.get(node.nodeId)!, rack: node.rack ?? null}))
  }

  private controllerId(): number {
    return this.options.controllerId ?? this.nodes.find((node) => !node.down)!.nodeId
  }

  private rewriteMetadata(body: Record<string, unknown>, fault: Fault | undefined): void {
    type Broker = {nodeId: number; host: string; port: number; rack: string | null}
    type Partition = {partitionIndex: number; errorCode: number; leaderId: number; replicaNodes: number[]; isrNodes: number[]; offlineReplicas: number[]}
    const brokers = body.brokers as Broker[]
    if (this.nodes.length === 0) {
      for (const broker of brokers) Object.assign(broker, {host: '127.0.0.1', port: this.ports.get(-1)})
    } else {
      body.brokers = this.brokerList()
      body.controllerId = this.controllerId()
      const ids = this.nodes.map((node) => node.nodeId)
      const live = this.nodes.filter((node) => !node.down).map((node) => node.nodeId)
      for (const topic of body.topics as {name: string; partitions: Partition[]}[]) {
        for (const p of topic.partitions) {
          p.leaderId = this.options.leaderOf?.(topic.name, p.partitionIndex) ?? live[p.partitionIndex % live.length]
          p.replicaNodes = [...ids]
          p.isrNodes = [...live]
          p.offlineReplicas = ids.filter((id) => !live.includes(id))
        }
      }
    }
    if (!fault) return
    for (const topic of body.topics as {name: string; errorCode: number; partitions: Partition[]}[]) {
      if (fault.topics && !fault.topics.includes(topic.name)) continue
      if (fault.topicError) {
        topic.errorCode = errorByName(fault.topicError).code
        topic.partitions = []
      }
      for (const p of topic.partitions) {
        if (fault.leaderless) Object.assign(p, {leaderId: -1, errorCode: errorByName('LEADER_NOT_AVAILABLE').code})
        if (fault.partitionError) p.errorCode = errorByName(fault.partitionError).code
      }
    }
  }

  private rewriteDescribeCluster(body: Record<string, unknown>, fault: Fault | undefined): void {
    if (fault?.error) body.errorCode = errorByName(fault.error).code
    if (this.nodes.length === 0) {
      for (const broker of body.brokers as {host: string; port: number}[]) Object.assign(broker, {host: '127.0.0.1', port: this.ports.get(-1)})
      return
    }
    body.controllerId = this.controllerId()
    body.brokers = this.brokerList().map((broker) => ({brokerId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack, isFenced: false}))
  }

  private rewriteFindCoordinator(body: Record<string, unknown>, fault: Fault | undefined, nodeId: number): void {
    type Coordinator = {nodeId: number; host: string; port: number; errorCode: number}
    const entries: Coordinator[] = Array.isArray(body.coordinators) ? (body.coordinators as Coordinator[]) : [body as unknown as Coordinator]
    for (const entry of entries) {
      if (fault?.error) {
        Object.assign(entry, {errorCode: errorByName(fault.error).code, nodeId: -1, host: '', port: -1})
        continue
      }
      if (entry.errorCode !== 0) continue
      // Posing as nodes: the coordinator is the node whose port was asked, when it is one of them.
      const id = this.nodes.length === 0 ? -1 : this.nodes.some((node) => node.nodeId === nodeId) ? nodeId : this.controllerId()
      Object.assign(entry, {host: '127.0.0.1', port: this.ports.get(id)}, this.nodes.length === 0 ? {} : {nodeId: id})
    }
  }
}

/** Calls `onFrame` with each size-delimited Kafka frame (without its size prefix) read from a socket. */
function frames(socket: net.Socket, onFrame: (frame: Buffer) => void): void {
  let buffered: Buffer = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0)
      if (buffered.length < 4 + size) break
      const frame = buffered.subarray(4, 4 + size)
      buffered = buffered.subarray(4 + size)
      onFrame(frame)
    }
  })
}

/** A port nothing listens on (taken and released), for a node that is down. */
function refusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
