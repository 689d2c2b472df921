// Sockets and the request pipeline. One net.Server per listener; per connection a frame
// reader (4-byte size prefix), the security layer's gate (SASL/TLS), the dispatcher
// (one switch: the registry's handler for the key) and an ordered response queue.
//
// Ordering: every request is handed to its handler as soon as its frame is complete, in
// arrival order, so the synchronous part of each handler (offset assignment, topic
// creation) runs in request order; responses are written strictly in request order even
// when a later handler finishes first (a long-poll Fetch followed by a Metadata). A
// handler that returns null (Produce acks=0) holds its place and writes nothing.
//
// Only a malformed frame closes a connection: a size above socket.request.max.bytes, a
// header or body that does not decode, an unknown API key or a version outside the
// broker's range (Kafka's SocketServer does the same). ApiVersions is the exception:
// an unknown version is answered with UNSUPPORTED_VERSION, the broker's ranges and a v0
// header (KIP-511), and the client retries lower.
import net from 'node:net'
import {type ApiKey, decodeRequest, encodeResponse, readRequestHeader} from '../kafka/protocol/index.js'
import {ErrorCode} from '../kafka/protocol/errors.js'
import {type ApiRegistry, apiVersionsBody} from './apis/registry.js'
import type {HandlerContext} from './apis/define-api.js'
import {fetchReadBuffers} from './log/read-buffers.js'
import type {BrokerState} from './state.js'
import type {ConnectionInfo, ListenerSpec, RequestHeader, SecurityProtocol} from './types.js'

interface Pending {
  apiName: string
  startedAt: bigint
  done: boolean
  chunks: Buffer[] | null
}

/** Pause reading when this many responses are waiting to be written (Kafka mutes a busy channel).
 *  Reading also pauses while the peer is not taking what was written (the socket wants a
 *  drain), so a slow reader that pipelines Fetches holds at most this many responses here. */
const MAX_QUEUED_REQUESTS = 100
const RESUME_QUEUED_REQUESTS = 20
/** The smallest request header: apiKey int16, apiVersion int16, correlationId int32. */
const MIN_FRAME_BYTES = 8

let nextConnectionId = 1

export class BrokerServer {
  private readonly servers: net.Server[] = []
  private readonly connections = new Set<Connection>()
  private readonly connectionsPerIp = new Map<string, number>()

  constructor(
    readonly state: BrokerState,
    private readonly apis: ApiRegistry,
  ) {}

  /** Binds every listener; resolves with the ports bound (port 0 = an ephemeral one). */
  async listen(listeners: ListenerSpec[]): Promise<ListenerSpec[]> {
    const bound: ListenerSpec[] = []
    for (const listener of listeners) {
      const onConnection = (socket: net.Socket) => this.accept(socket, listener)
      const server = this.state.security.createListener(listener, onConnection)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen({port: listener.port, host: listener.host, backlog: 511}, () => {
          server.off('error', reject)
          resolve()
        })
      })
      this.servers.push(server)
      const address = server.address() as net.AddressInfo
      bound.push({...listener, port: address.port})
    }
    return bound
  }

  private accept(socket: net.Socket, listener: ListenerSpec): void {
    // Kafka's connection quotas: a connection beyond max.connections or max.connections.per.ip
    // is closed at once, before a byte of it is read; the ones already open are not touched.
    const ip = socket.remoteAddress ?? ''
    const fromIp = this.connectionsPerIp.get(ip) ?? 0
    const settings = this.state.settings
    if (this.connections.size >= settings.int('max.connections') || fromIp >= settings.int('max.connections.per.ip')) {
      this.state.logger.debug(`connection from ${ip} refused: max.connections or max.connections.per.ip reached`)
      socket.destroy()
      return
    }
    this.connectionsPerIp.set(ip, fromIp + 1)
    socket.setNoDelay(true)
    const connection = new Connection(socket, listener, this.state, this.apis, () => {
      this.connections.delete(connection)
      const left = (this.connectionsPerIp.get(ip) ?? 1) - 1
      if (left > 0) this.connectionsPerIp.set(ip, left)
      else this.connectionsPerIp.delete(ip)
    })
    this.connections.add(connection)
  }

  /** Stops accepting, then closes every connection once its queued responses are written
   *  (call state.close() first so that long-polling fetches answer now). */
  async close(): Promise<void> {
    const closed = this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))
    for (const connection of this.connections) connection.close('broker shutting down', true)
    await Promise.all(closed)
  }
}

class Connection implements ConnectionInfo {
  readonly id = nextConnectionId++
  clientId: string | null = null
  readonly remoteAddress: string
  readonly remotePort: number
  principal = 'User:ANONYMOUS'
  readonly listenerName: string
  readonly securityProtocol: SecurityProtocol
  authenticated: boolean
  saslMechanism: string | null = null
  security: Record<string, unknown> = {}
  rawFrameHandler: ConnectionInfo['rawFrameHandler'] = null

  private chunks: Buffer[] = []
  private bufferedBytes = 0
  private readonly queue: Pending[] = []
  private closed = false
  private finished = false
  private endWhenFlushed = false
  private paused = false
  private waitingForDrain = false

  constructor(
    readonly socket: net.Socket,
    listener: ListenerSpec,
    private readonly state: BrokerState,
    private readonly apis: ApiRegistry,
    private readonly onClosed: () => void,
  ) {
    this.remoteAddress = socket.remoteAddress ?? ''
    this.remotePort = socket.remotePort ?? 0
    this.listenerName = listener.name
    this.securityProtocol = listener.securityProtocol
    this.authenticated = !listener.securityProtocol.startsWith('SASL')
    state.metrics.connectionsAccepted.inc()
    state.metrics.openConnections++
    socket.on('data', (data: Buffer) => {
      // A bug in one request must not take the broker down: drop that connection instead.
      try {
        this.onData(data)
      } catch (err) {
        this.handlerFailed('request', err)
      }
    })
    socket.on('drain', () => {
      this.waitingForDrain = false
      this.flush()
    })
    socket.on('error', () => this.close('socket error'))
    socket.on('close', () => this.finish())
    const idleMs = state.settings.int('connections.max.idle.ms')
    if (idleMs > 0) {
      socket.setTimeout(idleMs, () => this.close('idle'))
    }
  }

  /** Stops reading; with `afterPending`, ends the socket once the queued responses are
   *  written (shutdown), else at once (a malformed frame: Kafka drops the connection). */
  close(reason: string, afterPending = false): void {
    if (this.closed) return
    this.closed = true
    this.state.logger.debug(`connection ${this.id} from ${this.remoteAddress}:${this.remotePort} closed: ${reason}`)
    // A peer that never reads would keep the socket half-open; give it a moment, then drop it.
    setTimeout(() => this.socket.destroy(), afterPending ? 3000 : 1000).unref()
    if (afterPending && this.queue.length > 0) {
      this.endWhenFlushed = true
      return
    }
    this.socket.end()
  }

  private finish(): void {
    if (this.finished) return
    this.finished = true
    this.closed = true
    this.state.metrics.openConnections--
    this.queue.length = 0
    this.chunks = []
    this.onClosed()
  }

  private onData(data: Buffer): void {
    if (this.closed) return
    this.chunks.push(data)
    this.bufferedBytes += data.length
    this.handleFrames()
  }

  /** Handles the complete frames buffered so far; frames left while paused wait for the resume. */
  private handleFrames(): void {
    const maxBytes = this.state.settings.int('socket.request.max.bytes')
    while (this.bufferedBytes >= 4 && !this.closed && !this.paused) {
      const size = this.peekSize()
      // A raw SASL token (after SaslHandshake v0) has no request header: PLAIN "\0a\0b" is 4 bytes.
      if (size < (this.rawFrameHandler ? 1 : MIN_FRAME_BYTES) || size > maxBytes) {
        this.close(`frame of ${size} bytes is outside 8..socket.request.max.bytes (${maxBytes})`)
        return
      }
      if (this.bufferedBytes < 4 + size) return
      this.handleFrame(this.take(4 + size).subarray(4))
    }
  }

  private peekSize(): number {
    const first = this.chunks[0]
    if (first.length >= 4) return first.readInt32BE(0)
    return Buffer.concat(this.chunks, 4).readInt32BE(0)
  }

  /** Removes `length` bytes from the front; a frame inside one chunk is a subarray, not a copy. */
  private take(length: number): Buffer {
    this.bufferedBytes -= length
    const first = this.chunks[0]
    if (first.length >= length) {
      if (first.length === length) this.chunks.shift()
      else this.chunks[0] = first.subarray(length)
      return first.subarray(0, length)
    }
    const out = Buffer.allocUnsafe(length)
    let filled = 0
    while (filled < length) {
      const chunk = this.chunks[0]
      const n = Math.min(chunk.length, length - filled)
      chunk.copy(out, filled, 0, n)
      filled += n
      if (n === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(n)
    }
    return out
  }

  private handleFrame(frame: Buffer): void {
    const startedAt = process.hrtime.bigint()
    if (this.rawFrameHandler) {
      this.enqueue('SaslToken', startedAt, this.rawFrameHandler(frame))
      return
    }
    let header: RequestHeader
    try {
      header = readRequestHeader(frame)
    } catch (err) {
      this.close(`unreadable request header: ${(err as Error).message}`)
      return
    }
    this.clientId = header.clientId
    const api = this.apis.get(header.apiKey)
    if (!api) {
      this.close(`unknown API key ${header.apiKey}`)
      return
    }
    const [minVersion, maxVersion] = api.versions
    if (header.apiVersion < minVersion || header.apiVersion > maxVersion) {
      if (header.apiKey === 18) {
        // KIP-511: answer in v0 so any client can read the broker's ranges and retry lower.
        this.enqueue(api.name, startedAt, encodeResponse(18, 0, header.correlationId, apiVersionsBody(this.state.apis, ErrorCode.UNSUPPORTED_VERSION)))
        return
      }
      this.state.metrics.requestErrors.inc({api: api.name})
      this.close(`${api.name} v${header.apiVersion} is outside the supported ${minVersion}-${maxVersion}`)
      return
    }
    try {
      this.state.security.gate(header, this)
    } catch (err) {
      this.close(`${api.name} refused: ${(err as Error).message}`)
      return
    }
    let body: unknown
    try {
      body = decodeRequest(frame).body
    } catch (err) {
      this.state.metrics.requestErrors.inc({api: api.name})
      this.close(`unable to decode ${api.name} v${header.apiVersion}: ${(err as Error).message}`)
      return
    }
    const ctx: HandlerContext = {state: this.state, connection: this, apiVersion: header.apiVersion, header}
    let result: unknown
    try {
      result = api.handle(body, ctx)
    } catch (err) {
      this.handlerFailed(api.name, err)
      return
    }
    const toChunks = (response: unknown): Buffer[] | null =>
      response === null ? null : encodeResponse(header.apiKey as ApiKey, header.apiVersion, header.correlationId, response as never)
    if (result instanceof Promise) {
      this.enqueue(
        api.name,
        startedAt,
        result.then(toChunks, (err) => {
          this.handlerFailed(api.name, err)
          return null
        }),
      )
    } else {
      let chunks: Buffer[] | null
      try {
        chunks = toChunks(result)
      } catch (err) {
        this.handlerFailed(api.name, err)
        return
      }
      this.enqueue(api.name, startedAt, chunks)
    }
  }

  /** A handler bug: Kafka answers UNKNOWN_SERVER_ERROR where it can; without a generic body
   *  here the only safe move is to close, and to say why in the broker log. */
  private handlerFailed(apiName: string, err: unknown): void {
    this.state.metrics.requestErrors.inc({api: apiName})
    this.state.logger.error(`${apiName} handler failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    this.close(`${apiName} handler failed`)
  }

  private enqueue(apiName: string, startedAt: bigint, result: Buffer[] | null | Promise<Buffer[] | null>): void {
    const pending: Pending = {apiName, startedAt, done: false, chunks: null}
    this.queue.push(pending)
    if (result instanceof Promise) {
      result.then(
        (chunks) => {
          pending.done = true
          pending.chunks = chunks
          this.flush()
        },
        (err) => {
          this.handlerFailed(apiName, err)
        },
      )
    } else {
      pending.done = true
      pending.chunks = result
    }
    if (this.queue.length >= MAX_QUEUED_REQUESTS) this.pauseReading()
    this.flush()
  }

  /** Writes every finished response at the head of the queue, in request order. */
  private flush(): void {
    if (this.waitingForDrain || this.finished) return
    let wrote = false
    while (this.queue.length > 0 && this.queue[0].done) {
      const pending = this.queue.shift()!
      const metrics = this.state.metrics
      metrics.requests.inc({api: pending.apiName})
      metrics.requestLatency.observe({api: pending.apiName}, Number(process.hrtime.bigint() - pending.startedAt) / 1e9)
      if (!pending.chunks || pending.chunks.length === 0) continue
      if (!wrote) {
        this.socket.cork()
        wrote = true
      }
      let ok = true
      const chunks = pending.chunks
      const last = chunks.length - 1
      for (let i = 0; i < last; i++) ok = this.socket.write(chunks[i])
      // Once the kernel has the bytes, Fetch's pooled read buffers can serve the next read.
      ok = this.socket.write(chunks[last], (err) => {
        if (!err) fetchReadBuffers.release(chunks)
      })
      if (!ok) {
        this.waitingForDrain = true
        this.pauseReading()
        break
      }
    }
    if (wrote) this.socket.uncork()
    if (this.endWhenFlushed && this.queue.length === 0) {
      this.endWhenFlushed = false
      this.socket.end()
    }
    if (this.paused && !this.waitingForDrain && this.queue.length <= RESUME_QUEUED_REQUESTS && !this.closed) {
      this.paused = false
      this.socket.resume()
      this.handleFrames()
    }
  }

  private pauseReading(): void {
    if (this.paused) return
    this.paused = true
    this.socket.pause()
  }
}
