// The types that the broker's parts share: the server (sockets), the security layer (auth/),
// the group coordinator and the handlers. A leaf: it imports nothing of the broker, so no
// part has to import another part to name a connection, a listener or a logger.
import type net from 'node:net'
import type {RequestHeaderInfo} from '../kafka/protocol/index.js'

export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  debug(message: string): void
}

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'

export interface ListenerSpec {
  /** Kafka's listener name (PLAINTEXT, SASL_SSL, EXTERNAL ...). */
  name: string
  host: string
  port: number
  securityProtocol: SecurityProtocol
}

/** The fixed part of a request header, as the server read it before decoding the body. */
export type RequestHeader = RequestHeaderInfo

/** What a handler knows about the connection a request came on. The auth fields are the
 *  security layer's: the server only reads `rawFrameHandler` and never sets them. */
export interface ConnectionInfo {
  readonly id: number
  clientId: string | null
  readonly remoteAddress: string
  readonly remotePort: number
  /** Kafka principal, 'User:ANONYMOUS' until SASL or a TLS client certificate says otherwise. */
  principal: string
  readonly listenerName: string
  readonly securityProtocol: SecurityProtocol
  /** False on SASL listeners until the exchange completes. */
  authenticated: boolean
  saslMechanism: string | null
  /** Security layer's per-connection scratch (SASL exchange state, session lifetime). */
  security: Record<string, unknown>
  /** When set, the next frames are raw tokens, not Kafka requests (SaslHandshake v0
   *  without SaslAuthenticate, as kafka-python does); the result is written as is
   *  (chunks including the size prefix), null = nothing to write. */
  rawFrameHandler: ((frame: Buffer) => Buffer[] | null | Promise<Buffer[] | null>) | null
  /** The underlying socket (a tls.TLSSocket on SSL listeners). */
  readonly socket: net.Socket
  /** Stops reading; with `afterPending`, ends once the responses already queued are written. */
  close(reason: string, afterPending?: boolean): void
}

/** ACL operation and resource type names as the security layer spells them (kafka/acl). */
export type AclOperation =
  | 'READ'
  | 'WRITE'
  | 'CREATE'
  | 'DELETE'
  | 'ALTER'
  | 'DESCRIBE'
  | 'CLUSTER_ACTION'
  | 'DESCRIBE_CONFIGS'
  | 'ALTER_CONFIGS'
  | 'IDEMPOTENT_WRITE'
export type AclResourceType = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID'

/** An API the broker serves, as ApiVersions advertises it (apis/define-api.ts adds the handler). */
export interface ApiRange {
  readonly key: number
  readonly name: string
  /** Inclusive [min, max]: the schema's validVersions, Kafka 4.0's range. */
  readonly versions: readonly [number, number]
}
