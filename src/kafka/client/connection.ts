// One connection to one broker: TCP or TLS, SASL (PLAIN, SCRAM-SHA-256/512 through
// SaslHandshake v1 + SaslAuthenticate), ApiVersions negotiation, then pipelined requests.
//
// Kafka answers the requests of one connection in the order they were sent, so a FIFO of
// pending requests matches responses without a map; the correlation id is still checked. One
// timer per connection, not per request: when the oldest request has waited the request
// timeout, every pending request fails and the socket closes (a half-open broker must not
// leave a command hanging). Request bodies are the codec's chunks, written corked, so record
// batches reach the socket without being copied.
import net from 'node:net'
import tls from 'node:tls'
import {
  type ApiKey,
  decodeResponse,
  encodeRequest,
  type RequestInput,
  type ResponseBody,
  readResponseCorrelationId,
  schemasByKey,
  versionRange,
} from '../protocol/index.js'
import {plainMessage} from '../sasl/plain.js'
import {isScramMechanism, ScramClient, ScramError} from '../sasl/scram.js'
import {KafkaClientError} from './errors.js'

export interface TlsOptions {
  /** PEM CA certificates; the system's when absent. */
  ca?: string
  cert?: string
  key?: string
  passphrase?: string
  /** false = Kafka's `ssl.endpoint.identification.algorithm=` (empty): chain checked, name not. */
  checkHostname: boolean
}

export interface SaslOptions {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
  username: string
  password: string
}

export interface ConnectionOptions {
  clientId: string
  tls?: TlsOptions
  sasl?: SaslOptions
  /** Budget for TCP + TLS + SASL + ApiVersions. */
  connectTimeoutMs: number
  /** How long the oldest request may wait for its answer (Kafka's request.timeout.ms). */
  requestTimeoutMs: number
  /** Highest version to use per API key, below what both sides support. */
  versionCaps?: Partial<Record<number, number>>
  /** SCRAM salted-password cache (RFC 5802 §5.1) shared by connections that log in often. */
  saltedPasswordCache?: Map<string, Buffer>
}

interface Pending {
  correlationId: number
  sentMs: number
  resolve(frame: Buffer): void
  reject(error: Error): void
}

const API_VERSIONS = 18

export class BrokerConnection {
  private correlationId = 0
  private readonly pending: Pending[] = []
  private pendingHead = 0
  private readonly chunks: Buffer[] = []
  private bufferedBytes = 0
  private failure: KafkaClientError | null = null
  private readonly versions = new Map<number, {min: number; max: number}>()
  /** Every API the broker advertised in ApiVersions, with its own range (kctl may not speak them all). */
  readonly brokerVersions = new Map<number, {minVersion: number; maxVersion: number}>()
  private readonly watchdog: NodeJS.Timeout

  private constructor(
    private readonly socket: net.Socket,
    /** "host:port", for messages. */
    readonly address: string,
    private readonly options: ConnectionOptions,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.received(chunk))
    socket.on('error', (error) => this.fail(new KafkaClientError('connection', `connection to ${address} failed: ${error.message}`, {broker: address, cause: error})))
    socket.on('close', () => this.fail(new KafkaClientError('connection', `connection to ${address} closed by the broker`, {broker: address})))
    this.watchdog = setInterval(() => {
      const oldest = this.pending[this.pendingHead]
      if (oldest && performance.now() - oldest.sentMs > options.requestTimeoutMs) {
        this.fail(new KafkaClientError('timeout', `no response from ${address} within ${options.requestTimeoutMs} ms`, {broker: address}))
        this.socket.destroy()
      }
    }, Math.min(1000, Math.max(50, options.requestTimeoutMs / 4)))
    this.watchdog.unref()
  }

  /** Connects, authenticates and negotiates versions within `connectTimeoutMs`. */
  static async open(host: string, port: number, options: ConnectionOptions): Promise<BrokerConnection> {
    const address = `${host.includes(':') ? `[${host}]` : host}:${port}`
    const socket = await openSocket(host, port, address, options)
    const connection = new BrokerConnection(socket, address, options)
    const timer = setTimeout(() => {
      // TCP (and TLS) connected, but the broker did not answer ApiVersions or SASL in time.
      connection.fail(new KafkaClientError('timeout', `no answer from ${address} within ${options.connectTimeoutMs} ms`, {broker: address}))
      socket.destroy()
    }, options.connectTimeoutMs)
    try {
      await connection.negotiateVersions()
      if (options.sasl) await connection.authenticate(options.sasl)
      return connection
    } catch (error) {
      connection.close()
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  get closed(): boolean {
    return this.failure !== null
  }

  /** The version to use for an API: the highest both sides speak (and under the cap), or undefined. */
  version(apiKey: ApiKey): number | undefined {
    return this.versions.get(apiKey)?.max
  }

  /** True when the broker speaks `apiKey` at `version` or higher. */
  supports(apiKey: ApiKey, version = 0): boolean {
    return (this.versions.get(apiKey)?.max ?? -1) >= version
  }

  /** Sends a request at the negotiated version (or `version`); resolves with the decoded response body. */
  async send<K extends ApiKey>(apiKey: K, body: RequestInput<K>, version?: number): Promise<ResponseBody<K>> {
    const chosen = version ?? this.requireVersion(apiKey)
    const correlationId = this.nextCorrelationId()
    const frame = await this.exchange(encodeRequest(apiKey, chosen, correlationId, this.options.clientId, body), correlationId)
    try {
      return decodeResponse(apiKey, chosen, frame).body
    } catch (error) {
      throw new KafkaClientError('protocol', `unreadable ${schemasByKey[apiKey].name} v${chosen} response from ${this.address}: ${(error as Error).message}`, {
        broker: this.address,
        cause: error,
      })
    }
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  sendOnly<K extends ApiKey>(apiKey: K, body: RequestInput<K>, version?: number): void {
    if (this.failure) throw this.failure
    this.write(encodeRequest(apiKey, version ?? this.requireVersion(apiKey), this.nextCorrelationId(), this.options.clientId, body))
  }

  close(): void {
    clearInterval(this.watchdog)
    this.fail(new KafkaClientError('connection', `connection to ${this.address} closed by the client`, {broker: this.address, retriable: false}))
    this.socket.destroy()
  }

  private requireVersion(apiKey: ApiKey): number {
    const version = this.version(apiKey)
    if (version === undefined) {
      const ours = versionRange(apiKey)!
      const theirs = this.versions.get(apiKey)
      throw new KafkaClientError(
        'kafka',
        theirs
          ? `broker ${this.address} speaks ${schemasByKey[apiKey].name} v${theirs.min}-${theirs.max}, kctl v${ours.minVersion}-${ours.maxVersion}`
          : `broker ${this.address} does not support ${schemasByKey[apiKey].name}`,
        {type: 'UNSUPPORTED_VERSION', retriable: false, broker: this.address},
      )
    }
    return version
  }

  private async negotiateVersions(): Promise<void> {
    // ApiVersions v3 first as Java does; a broker that does not know v3 answers with
    // UNSUPPORTED_VERSION and its own range, so retry at the highest it lists (KIP-511).
    // Brokers before 2.4 know no v3 and answer in the v0 layout, which v3 cannot decode.
    let response = await this.send(API_VERSIONS, {clientSoftwareName: 'kctl', clientSoftwareVersion: '1'}, 3).catch((error: KafkaClientError) => {
      if (error.kind !== 'protocol' || this.failure) throw error
      return this.send(API_VERSIONS, {}, 0)
    })
    if (response.errorCode === 35) {
      const theirs = response.apiKeys.find((api) => api.apiKey === API_VERSIONS)
      response = await this.send(API_VERSIONS, {}, Math.min(theirs?.maxVersion ?? 0, 2))
    }
    if (response.errorCode !== 0) throw KafkaClientError.fromCode(response.errorCode, null, this.address)
    for (const api of response.apiKeys) {
      this.brokerVersions.set(api.apiKey, {minVersion: api.minVersion, maxVersion: api.maxVersion})
      const ours = versionRange(api.apiKey)
      if (!ours) continue
      const max = Math.min(api.maxVersion, ours.maxVersion, this.options.versionCaps?.[api.apiKey] ?? Number.MAX_SAFE_INTEGER)
      const min = Math.max(api.minVersion, ours.minVersion)
      if (max >= min) this.versions.set(api.apiKey, {min, max})
    }
  }

  private async authenticate(sasl: SaslOptions): Promise<void> {
    const handshake = await this.send(17, {mechanism: sasl.mechanism}, 1)
    if (handshake.errorCode !== 0) {
      throw KafkaClientError.fromCode(handshake.errorCode, `the broker enables ${handshake.mechanisms.join(', ') || 'no SASL mechanism'}, not ${sasl.mechanism}`, this.address)
    }
    const version = Math.min(this.version(36) ?? 1, 2)
    const round = async (token: Buffer): Promise<Buffer> => {
      const response = await this.send(36, {authBytes: token}, version)
      if (response.errorCode !== 0) throw KafkaClientError.fromCode(response.errorCode, response.errorMessage, this.address)
      return Buffer.from(response.authBytes)
    }
    if (sasl.mechanism === 'PLAIN') {
      await round(plainMessage(sasl.username, sasl.password))
      return
    }
    if (!isScramMechanism(sasl.mechanism)) throw new KafkaClientError('kafka', `SASL mechanism ${sasl.mechanism} is not supported`, {type: 'UNSUPPORTED_SASL_MECHANISM', retriable: false})
    const scram = new ScramClient(sasl.mechanism, sasl.username, sasl.password, undefined, this.options.saltedPasswordCache)
    try {
      scram.verify(await round(scram.final(await round(scram.first()))))
    } catch (error) {
      if (error instanceof ScramError) throw new KafkaClientError('kafka', error.message, {type: 'SASL_AUTHENTICATION_FAILED', retriable: false, broker: this.address})
      throw error
    }
  }

  private nextCorrelationId(): number {
    this.correlationId = (this.correlationId + 1) | 0
    return this.correlationId
  }

  private exchange(chunks: Buffer[], correlationId: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.push({correlationId, sentMs: performance.now(), resolve, reject})
      this.write(chunks)
    })
  }

  private write(chunks: Buffer[]): void {
    this.socket.cork()
    for (const chunk of chunks) this.socket.write(chunk)
    this.socket.uncork()
  }

  private received(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.bufferedBytes += chunk.length
    while (this.bufferedBytes >= 4) {
      const size = (this.chunks[0].length >= 4 ? this.chunks[0] : this.take(4, false)).readInt32BE(0)
      if (size < 4) return this.protocolFailure(`a response frame of ${size} bytes`)
      if (this.bufferedBytes < 4 + size) return
      const frame = this.take(4 + size, true).subarray(4)
      const request = this.pending[this.pendingHead]
      if (request === undefined) return this.protocolFailure('a response without a request')
      if (readResponseCorrelationId(frame) !== request.correlationId)
        return this.protocolFailure(`response correlation id ${readResponseCorrelationId(frame)}, expected ${request.correlationId}`)
      this.pending[this.pendingHead++] = undefined as unknown as Pending
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending.splice(0, this.pendingHead)
        this.pendingHead = 0
      }
      request.resolve(frame)
    }
  }

  private protocolFailure(what: string): void {
    this.fail(new KafkaClientError('protocol', `${this.address} sent ${what}: is it a Kafka listener of this security protocol?`, {broker: this.address, retriable: false}))
    this.socket.destroy()
  }

  /** The first `bytes` buffered bytes as one Buffer (a subarray when one chunk holds them); consumed when `consume`. */
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

  private fail(error: KafkaClientError): void {
    if (this.failure) return
    this.failure = error
    clearInterval(this.watchdog)
    for (let index = this.pendingHead; index < this.pending.length; index++) this.pending[index].reject(error)
    this.pending.length = 0
    this.pendingHead = 0
  }
}

function openSocket(host: string, port: number, address: string, options: ConnectionOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const settings = options.tls
    const socket = settings
      ? tls.connect({
          host,
          port,
          ca: settings.ca,
          cert: settings.cert,
          key: settings.key,
          passphrase: settings.passphrase,
          servername: net.isIP(host) ? undefined : host,
          ...(settings.checkHostname ? {} : {checkServerIdentity: () => undefined}),
        })
      : net.connect({host, port})
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new KafkaClientError('timeout', `connect to ${address} timed out after ${options.connectTimeoutMs} ms`, {broker: address}))
    }, options.connectTimeoutMs)
    socket.once(settings ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      // A socket error (ECONNREFUSED, ECONNRESET: it has a syscall) may pass; a certificate
      // the client refused or a TLS protocol mismatch will not, so retrying it only delays the error.
      reject(new KafkaClientError('connection', `cannot connect to ${address} (${error.code ?? error.message})`, {broker: address, cause: error, retriable: error.syscall !== undefined}))
    })
  })
}
