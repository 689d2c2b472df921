// The kafkajs side of a connection, for `kctl consume --group` only (kafkajs's consumer joins
// and heartbeats a consumer group through its public API). Loaded on demand, so every other
// command, and consume without --group, starts without kafkajs.
import net, {type Socket} from 'node:net'
import tls from 'node:tls'
import {Kafka} from 'kafkajs'
import {registerKafkajsCodecs} from '../compression/index.js'
import {KctlError} from '../errors.js'
import {errorContext, kafkaConfig, type ResolvedConnection} from './connection.js'
import {toKctlError} from './errors.js'

export interface KafkaSession {
  kafka: Kafka
  connection: ResolvedConnection
  /** Maps anything a kafkajs call threw to a KctlError about `action`. */
  fail(error: unknown, action: string): KctlError
  /**
   * Closes every socket the session opened and any it opens later: after a failed connect,
   * kafkajs keeps retrying (and its timers keep the process alive) until its retries run out.
   */
  abandon(): void
}

type SocketFactory = (options: {host: string; port: number; ssl: tls.ConnectionOptions | null | undefined; onConnect: () => void}) => Socket

export function createSession(connection: ResolvedConnection): KafkaSession {
  registerKafkajsCodecs() // kafkajs ships gzip only; snappy, lz4 and zstd batches need kctl's codecs
  const sockets = new Set<Socket>()
  let abandoned = false
  const socketFactory: SocketFactory = ({host, port, ssl, onConnect}) => {
    // kafkajs's documented socketFactory contract: TLS when `ssl` holds options, onConnect once connected.
    const socket = ssl ? tls.connect({host, port, servername: net.isIP(host) ? undefined : host, ...ssl}, onConnect) : net.connect({host, port}, onConnect)
    socket.setKeepAlive(true, 60_000)
    if (abandoned) {
      socket.destroy(new Error('connection abandoned'))
      return socket
    }
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    return socket
  }
  return {
    kafka: new Kafka({...kafkaConfig(connection), socketFactory}),
    connection,
    fail: (error, action) => toKctlError(error, errorContext(connection, action)),
    abandon: () => {
      abandoned = true
      for (const socket of sockets) socket.destroy()
    },
  }
}

/**
 * Connects any kafkajs client (admin, producer, consumer) within the connect budget; on failure
 * or timeout it disconnects the client and throws a one-line KctlError.
 */
export async function connectWithin(
  client: {connect(): Promise<void>; disconnect(): Promise<void>},
  session: KafkaSession,
  action: string,
): Promise<void> {
  const {connection} = session
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new KctlError(`unable to ${action}: cannot connect to ${connection.brokers.join(',')} within ${connection.connectTimeoutMs} ms`, {
          hint: `check the address (from ${connection.sourceDescription}), firewalls, and that security.protocol matches the listener`,
        }),
      )
    }, connection.connectTimeoutMs)
  })
  try {
    await Promise.race([client.connect(), timeout])
  } catch (error) {
    // A broker that accepts the connection but never answers leaves kafkajs waiting out its
    // request timeout (30 s), and its disconnect() waits for that too: close the sockets
    // instead, so the command can report and exit now.
    session.abandon()
    void client.disconnect().catch(() => undefined)
    throw session.fail(error, action)
  } finally {
    clearTimeout(timer)
  }
}
