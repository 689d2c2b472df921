// SCRAM users: `kctl users list|create|delete` through DescribeUserScramCredentials and
// AlterUserScramCredentials (KIP-554, Kafka 2.7+), which kafkajs does not implement. They go
// over a small client on the project's own codec that speaks just enough Kafka: TLS when the
// connection asks for it, SASL (PLAIN or SCRAM through SaslHandshake v1 + SaslAuthenticate),
// then one request at a time. Any broker accepts these requests: a KRaft broker forwards them
// to the controller.
//
// The password never leaves this process: create sends a random salt, the iteration count and
// the salted password (Hi(password, salt, i)), as Kafka's own Admin client does.
import {randomBytes} from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'
import {plainMessage} from '../kafka/sasl/plain.js'
import {
  isScramMechanism,
  minIterations,
  maxIterations,
  ScramClient,
  ScramError,
  type ScramMechanism,
  scramMechanismCodes,
  scramMechanismFromCode,
  saltedPassword,
} from '../kafka/sasl/scram.js'
import {
  type ApiKey,
  decodeResponse,
  encodeRequest,
  errorByCode,
  type RequestInput,
  type ResponseBody,
} from '../kafka/protocol/index.js'
import {ExitCode, KctlError, usageError} from '../errors.js'
import {type ConnectionOptions, type ResolvedConnection, resolveConnection} from './connection.js'
import {connectionHint, toKctlError} from './errors.js'

const requestTimeoutMs = 30_000

/** A Kafka error code as an error that toKctlError maps (name, hint, exit code). */
function kafkaError(code: number, message: string | null | undefined): Error {
  const known = errorByCode(code)
  return Object.assign(new Error(message ?? known.message), {type: known.name})
}

const closedByBroker = 'connection closed by the broker'

/** One connection speaking Kafka's framing; requests are sent one at a time. */
export class KafkaWireClient {
  private buffered: Buffer = Buffer.alloc(0)
  private waiting: {resolve(frame: Buffer): void; reject(error: Error): void} | undefined
  private failure: Error | undefined
  private correlationId = 0

  private constructor(
    private readonly socket: net.Socket,
    private readonly clientId: string,
  ) {
    socket.on('data', (data: Buffer) => {
      this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data])
      this.deliver()
    })
    const fail = (error: Error) => {
      this.failure ??= error
      this.waiting?.reject(this.failure)
      this.waiting = undefined
    }
    socket.on('error', fail)
    socket.on('close', () => fail(new Error(closedByBroker)))
  }

  /** Connects to the first reachable bootstrap server, with TLS and SASL as the connection says. */
  static async connect(connection: ResolvedConnection, saltedPasswordCache?: Map<string, Buffer>): Promise<KafkaWireClient> {
    let lastError: Error | undefined
    for (const address of connection.brokers) {
      const at = address.lastIndexOf(':')
      const host = address.slice(0, at).replace(/^\[|\]$/g, '')
      const port = Number(address.slice(at + 1))
      let socket: net.Socket
      try {
        socket = await openSocket(host, port, connection)
      } catch (error) {
        lastError = error as Error
        continue
      }
      const client = new KafkaWireClient(socket, connection.clientId)
      try {
        if (connection.sasl) {
          await client.authenticate(connection.sasl.mechanism, connection.sasl.username, connection.sasl.password, saltedPasswordCache)
        }
        return client
      } catch (error) {
        client.close()
        throw error
      }
    }
    const message = lastError?.message ?? 'no bootstrap server'
    throw new KctlError(`cannot connect to ${connection.brokers.join(',')} (${message})`, {
      hint: connectionHint(message, {source: connection.sourceDescription}),
    })
  }

  async request<K extends ApiKey>(apiKey: K, apiVersion: number, body: RequestInput<K>): Promise<ResponseBody<K>> {
    const correlationId = ++this.correlationId
    const frame = await this.exchange(encodeRequest(apiKey, apiVersion, correlationId, this.clientId, body))
    const response = decodeResponse(apiKey, apiVersion, frame)
    if (response.header.correlationId !== correlationId) throw new Error(`response correlation id ${response.header.correlationId} is not ${correlationId}`)
    return response.body
  }

  /**
   * SaslHandshake v1 then SaslAuthenticate v2 rounds; throws errors toKctlError maps to exit 5.
   * `saltedPasswordCache` is ScramClient's (RFC 5802 §5.1), for callers that reconnect often.
   */
  async authenticate(mechanism: string, user: string, password: string, saltedPasswordCache?: Map<string, Buffer>): Promise<void> {
    const handshake = await this.request(17, 1, {mechanism})
    if (handshake.errorCode !== 0) {
      throw kafkaError(handshake.errorCode, `the broker enables ${handshake.mechanisms.join(', ') || 'no SASL mechanism'}, not ${mechanism}`)
    }
    const round = async (token: Buffer): Promise<Buffer> => {
      const response = await this.request(36, 2, {authBytes: token})
      if (response.errorCode !== 0) throw kafkaError(response.errorCode, response.errorMessage)
      return Buffer.from(response.authBytes)
    }
    if (mechanism === 'PLAIN') {
      await round(plainMessage(user, password))
      return
    }
    if (!isScramMechanism(mechanism)) throw usageError(`unable to authenticate: SASL mechanism ${mechanism} is not supported`)
    const scram = new ScramClient(mechanism, user, password, undefined, saltedPasswordCache)
    try {
      scram.verify(await round(scram.final(await round(scram.first()))))
    } catch (error) {
      if (error instanceof ScramError) throw Object.assign(new Error(error.message), {type: 'SASL_AUTHENTICATION_FAILED'})
      throw error
    }
  }

  close(): void {
    this.socket.destroy()
  }

  private exchange(chunks: Buffer[]): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response within ${requestTimeoutMs} ms`)), requestTimeoutMs)
      this.waiting = {
        resolve: (frame) => {
          clearTimeout(timer)
          resolve(frame)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      for (const chunk of chunks) this.socket.write(chunk)
      this.deliver()
    })
  }

  private deliver(): void {
    if (!this.waiting || this.buffered.length < 4) return
    const size = this.buffered.readInt32BE(0)
    if (this.buffered.length < 4 + size) return
    const frame = this.buffered.subarray(4, 4 + size)
    this.buffered = this.buffered.subarray(4 + size)
    const waiting = this.waiting
    this.waiting = undefined
    waiting.resolve(frame)
  }
}

function openSocket(host: string, port: number, connection: ResolvedConnection): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const settings = connection.tls
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
      reject(new Error(`connect to ${host}:${port} timed out after ${connection.connectTimeoutMs} ms`))
    }, connection.connectTimeoutMs)
    socket.once(settings ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

async function withWireClient<T>(options: ConnectionOptions, action: string, fn: (client: KafkaWireClient) => Promise<T>): Promise<T> {
  const connection = resolveConnection({...options, action})
  let client: KafkaWireClient | undefined
  try {
    client = await KafkaWireClient.connect(connection)
    return await fn(client)
  } catch (error) {
    if (error instanceof KctlError && error.message.startsWith('cannot connect')) {
      throw new KctlError(`unable to ${action}: ${error.message}`, {hint: error.hint})
    }
    // A TLS or SASL listener drops a client that speaks another protocol without a word.
    if (error instanceof Error && error.message === closedByBroker) {
      throw new KctlError(`unable to ${action}: ${connection.brokers.join(',')} closed the connection`, {
        hint: 'check that security.protocol (--command-config or the context) matches the listener: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL',
      })
    }
    throw toKctlError(error, {action, brokers: connection.brokers, source: connection.sourceDescription})
  } finally {
    client?.close()
  }
}

export interface UserCredentialRow {
  user: string
  mechanism: ScramMechanism | string
  iterations: number
}

/** Every user's SCRAM credentials (or only the named users'), one row per mechanism. */
export async function listUsers(options: ConnectionOptions, users: string[] = [], action = 'list users'): Promise<UserCredentialRow[]> {
  return withWireClient(options, action, async (client) => {
    const response = await client.request(50, 0, {users: users.length === 0 ? null : users.map((name) => ({name}))})
    if (response.errorCode !== 0) throw kafkaError(response.errorCode, response.errorMessage)
    const rows: UserCredentialRow[] = []
    for (const result of response.results) {
      if (result.errorCode !== 0) {
        const error = kafkaError(result.errorCode, result.errorMessage)
        if (errorByCode(result.errorCode).name === 'RESOURCE_NOT_FOUND') {
          throw new KctlError(`unable to ${action}: user ${result.user} has no SCRAM credentials`, {
            exitCode: ExitCode.notFound,
            hint: 'see every user with `kctl users list`',
          })
        }
        throw error
      }
      for (const info of result.credentialInfos) {
        rows.push({user: result.user, mechanism: scramMechanismFromCode(info.mechanism) ?? `UNKNOWN(${info.mechanism})`, iterations: info.iterations})
      }
    }
    return rows
  })
}

export interface CreateUserRequest {
  user: string
  password: string
  mechanisms: ScramMechanism[]
  iterations: number
}

/** The checks that need no password, so a command can make them before asking for one. */
export function checkNewUser(user: string, iterations: number): void {
  if (user.trim() === '') throw usageError('unable to create user: the user name must not be empty', 'for example kctl users create alice')
  if (!Number.isInteger(iterations) || iterations < minIterations || iterations > maxIterations) {
    throw usageError(
      `unable to create user ${user}: --iterations ${iterations} is outside ${minIterations}..${maxIterations}`,
      `Kafka accepts SCRAM iteration counts from ${minIterations} to ${maxIterations}`,
    )
  }
}

/** Creates the user's credentials, or replaces them (a new password) when they exist. */
export async function createUser(options: ConnectionOptions, request: CreateUserRequest): Promise<UserCredentialRow[]> {
  checkNewUser(request.user, request.iterations)
  if (request.password === '') throw usageError(`unable to create user ${request.user}: the password must not be empty`)
  const upsertions = request.mechanisms.map((mechanism) => {
    const salt = randomBytes(32)
    return {
      name: request.user,
      mechanism: scramMechanismCodes[mechanism],
      iterations: request.iterations,
      salt,
      saltedPassword: saltedPassword(mechanism, request.password, salt, request.iterations),
    }
  })
  await alter(options, `create user ${request.user}`, {deletions: [], upsertions})
  return request.mechanisms.map((mechanism) => ({user: request.user, mechanism, iterations: request.iterations}))
}

/** Deletes the user's credentials for the given mechanisms (all the user has when none are given). */
export async function deleteUser(options: ConnectionOptions, user: string, mechanisms: ScramMechanism[] = []): Promise<UserCredentialRow[]> {
  const existing = await listUsers(options, [user], `delete user ${user}`)
  const doomed = mechanisms.length === 0 ? existing : existing.filter((row) => mechanisms.includes(row.mechanism as ScramMechanism))
  const missing = mechanisms.filter((mechanism) => !existing.some((row) => row.mechanism === mechanism))
  if (missing.length > 0) {
    throw new KctlError(`unable to delete user ${user}: no ${missing.join(', ')} credential`, {
      exitCode: ExitCode.notFound,
      hint: `user ${user} has ${existing.map((row) => row.mechanism).join(', ')}`,
    })
  }
  const deletions = doomed.map((row) => ({name: user, mechanism: scramMechanismCodes[row.mechanism as ScramMechanism]}))
  await alter(options, `delete user ${user}`, {deletions, upsertions: []})
  return doomed
}

async function alter(options: ConnectionOptions, action: string, body: RequestInput<51>): Promise<void> {
  await withWireClient(options, action, async (client) => {
    const response = await client.request(51, 0, body)
    const failed = response.results.find((result) => result.errorCode !== 0)
    if (failed) throw kafkaError(failed.errorCode, failed.errorMessage)
  })
}
