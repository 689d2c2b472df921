// The broker's security layer: SCRAM credentials, ACLs, the authorizer, TLS listeners and the
// SASL state of each connection. startBroker makes one and hands it to BrokerState.security;
// the server asks it for listeners (`createListener`) and lets every request header through
// its `gate`; handlers ask `ctx.state.allowed(connection, operation, resourceType, name)`, and
// the SASL and ACL handlers (apis/17, 29-31, 36, 50, 51) use `ctx.state.security`.
//
// Deliberate differences from Kafka, kept small:
// - sasl.enabled.mechanisms left at Kafka's default (GSSAPI, which the bundled broker lacks)
//   enables PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; set it to narrow the list.
// - PLAIN checks passwords against the user's SCRAM credential (SHA-256 if present, else
//   SHA-512): one store of users, created with AlterUserScramCredentials, instead of JAAS
//   user_NAME entries.
// - The first admin comes from `kctl broker start --sasl-user NAME`: `addBrokerUser` writes its
//   SCRAM credentials (both mechanisms) into the data dir before the broker starts, so the
//   password never reaches the broker process's arguments, and NAME joins super.users.
// - No delay before answering a failed authentication (Kafka waits
//   connection.failed.authentication.delay.ms, 100 ms) and no re-authentication (KIP-368).
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import {readFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import tls from 'node:tls'
import {usageError} from '../../errors.js'
import type {AclOperation, AclResourceType, ConnectionInfo, ListenerSpec, RequestHeader} from '../types.js'
import {type AuthorizerPolicy, isAllowed} from '../../kafka/acl/model.js'
import {ensureBrokerCertificates, type TlsMaterial} from './certs.js'
import {SaslFailure, SaslSession, supportedSaslMechanisms} from './sasl.js'
import {newCredential, passwordMatches, type ScramCredential, scramMechanisms} from '../../kafka/sasl/scram.js'
import {AclStore, CredentialStore} from './store.js'

export type ClientAuth = 'none' | 'requested' | 'required'

function isSaslListener(protocol: string): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL'
}

function isTlsListener(protocol: string): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL'
}

export class Security {
  readonly credentials: CredentialStore
  readonly acls: AclStore
  readonly authorizerEnabled: boolean
  readonly policy: AuthorizerPolicy
  readonly enabledMechanisms: readonly string[]
  readonly clientAuth: ClientAuth
  private tlsMaterial: TlsMaterial | undefined
  private readonly plainCacheKey = randomBytes(32)
  private readonly verifiedPlain = new Map<string, {credential: ScramCredential; digest: Buffer}>()

  constructor(
    private readonly settings: ReadonlyMap<string, string>,
    private readonly dataDir: string,
    /** Extra host names for a generated server certificate (the advertised host). */
    private readonly tlsHosts: readonly string[] = [],
  ) {
    const securityDir = path.join(dataDir, 'security')
    this.credentials = new CredentialStore(path.join(securityDir, 'scram-credentials.json'))
    this.acls = new AclStore(path.join(securityDir, 'acls.json'))
    this.authorizerEnabled = (settings.get('authorizer.class.name') ?? '').trim() !== ''
    const superUsers = new Set(
      (settings.get('super.users') ?? '').split(';').map((entry) => entry.trim()).filter((entry) => entry !== ''),
    )
    this.policy = {
      superUsers,
      allowEveryoneIfNoAclFound: settings.get('allow.everyone.if.no.acl.found')?.toLowerCase() === 'true',
    }
    this.enabledMechanisms = enabledMechanisms(settings.get('sasl.enabled.mechanisms'))
    this.clientAuth = (settings.get('ssl.client.auth') ?? 'none') as ClientAuth
  }

  /** Nothing to release: the stores write through on every change. */
  close(): void {}

  allowed(connection: ConnectionInfo, operation: AclOperation, resourceType: AclResourceType, resourceName: string): boolean {
    if (!this.authorizerEnabled) return true
    return isAllowed(this.acls.list(), this.policy, {
      principal: connection.principal,
      host: clientHost(connection.remoteAddress),
      operation,
      resourceType,
      resourceName,
    })
  }

  /**
   * Before authentication on a SASL listener only ApiVersions, SaslHandshake and
   * SaslAuthenticate pass; anything else closes the connection, as Kafka does. On SSL
   * listeners the first request also fixes the principal from the client certificate.
   */
  gate(header: RequestHeader, connection: ConnectionInfo): void {
    if (isSaslListener(connection.securityProtocol)) {
      if (!this.session(connection).allows(header.apiKey)) {
        throw new Error(`unexpected request ${header.apiKey} during SASL authentication`)
      }
      return
    }
    if (connection.securityProtocol === 'SSL' && connection.security.certificateChecked === undefined) {
      connection.security.certificateChecked = true
      // With ssl.client.auth=requested a certificate the CA did not sign still gets through
      // the handshake; only a verified one may name the principal.
      const socket = connection.socket as tls.TLSSocket
      const subject = socket.authorized ? socket.getPeerCertificate().subject : undefined
      const dn = subject ? distinguishedName(subject as unknown as Record<string, string | string[]>) : ''
      if (dn !== '') connection.principal = `User:${dn}`
    }
  }

  /** The connection's SASL state, made on first use (only SASL listeners ask for it). */
  session(connection: ConnectionInfo): SaslSession {
    let session = connection.security.sasl as SaslSession | undefined
    if (!session) {
      session = new SaslSession({
        enabledMechanisms: this.enabledMechanisms,
        scramCredential: (user, mechanism) => this.credentials.get(user, mechanism),
        plainPassword: (user, password) => this.checkPassword(user, password),
      })
      connection.security.sasl = session
    }
    return session
  }

  /**
   * SaslHandshake: starts the exchange. With v0 the next frames are raw tokens (kafka-python),
   * so the connection's raw frame handler takes them until the exchange ends.
   * Throws SaslFailure (UNSUPPORTED_SASL_MECHANISM, ILLEGAL_SASL_STATE).
   */
  handshake(connection: ConnectionInfo, mechanism: string, apiVersion: number): void {
    if (!isSaslListener(connection.securityProtocol)) {
      throw new SaslFailure('ILLEGAL_SASL_STATE', `SASL is not enabled on listener ${connection.listenerName}`)
    }
    const session = this.session(connection)
    session.handshake(mechanism, apiVersion)
    connection.saslMechanism = mechanism
    if (session.expectsRawToken) {
      connection.rawFrameHandler = (frame) => {
        try {
          const reply = this.authenticate(connection, frame)
          const size = Buffer.alloc(4)
          size.writeInt32BE(reply.length)
          return [size, reply]
        } catch {
          // Raw tokens have no error field: Kafka just closes the connection.
          connection.close('SASL authentication failed')
          return null
        }
      }
    }
  }

  /** One SASL token; marks the connection authenticated when the exchange completes. Throws SaslFailure. */
  authenticate(connection: ConnectionInfo, token: Buffer): Buffer {
    if (!isSaslListener(connection.securityProtocol)) {
      throw new SaslFailure('ILLEGAL_SASL_STATE', `SASL is not enabled on listener ${connection.listenerName}`)
    }
    const session = this.session(connection)
    const reply = session.authenticate(token)
    if (session.authenticated) {
      connection.principal = session.principal!
      connection.authenticated = true
      connection.rawFrameHandler = null
    }
    return reply
  }

  /**
   * PLAIN's check against the user's SCRAM credential. PBKDF2 (4096 iterations) costs 1-4 ms,
   * so a password once verified is remembered as an HMAC under a key that lives only in this
   * process, tied to the credential object: a new password (a new object) forgets it.
   */
  checkPassword(user: string, password: string): boolean {
    for (const mechanism of scramMechanisms) {
      const credential = this.credentials.get(user, mechanism)
      if (!credential) continue
      const digest = createHmac('sha256', this.plainCacheKey).update(`${user}\0${password}`).digest()
      const cached = this.verifiedPlain.get(user)
      if (cached?.credential === credential && timingSafeEqual(cached.digest, digest)) return true
      if (!passwordMatches(mechanism, credential, password)) return false
      this.verifiedPlain.set(user, {credential, digest})
      return true
    }
    return false
  }

  /** A plain TCP server, or a TLS one for SSL and SASL_SSL listeners. */
  createListener(listener: ListenerSpec, onConnection: (socket: net.Socket) => void): net.Server {
    if (!isTlsListener(listener.securityProtocol)) return net.createServer({noDelay: true}, onConnection)
    const material = this.tls()
    const server = tls.createServer(
      {
        ...material,
        requestCert: this.clientAuth !== 'none',
        rejectUnauthorized: this.clientAuth === 'required',
        minVersion: 'TLSv1.2',
      },
      onConnection,
    )
    // A failed handshake (wrong CA, plain TCP client) only concerns that client.
    server.on('tlsClientError', () => {})
    return server
  }

  /** Configured PEMs, else certificates generated once in <dataDir>/tls/. */
  private tls(): TlsMaterial {
    this.tlsMaterial ??= this.loadTlsMaterial()
    return this.tlsMaterial
  }

  private loadTlsMaterial(): TlsMaterial {
    const settings = this.settings
    const chain = settings.get('ssl.keystore.certificate.chain')
    const key = settings.get('ssl.keystore.key')
    const location = settings.get('ssl.keystore.location')
    const trustLocation = settings.get('ssl.truststore.location')
    if (trustLocation && (settings.get('ssl.truststore.type') ?? '').toUpperCase() !== 'PEM') {
      throw usageError(
        `unable to open the TLS listener: ssl.truststore.type must be PEM for ${trustLocation}`,
        'give a PEM file of the CA certificates that sign client certificates, with ssl.truststore.type=PEM',
      )
    }
    const truststore = settings.get('ssl.truststore.certificates') ?? (trustLocation ? readPem(trustLocation, 'ssl.truststore.location') : undefined)
    if (chain && key) return {cert: chain, key, ca: truststore ?? chain}
    if (location) {
      if ((settings.get('ssl.keystore.type') ?? '').toUpperCase() !== 'PEM') {
        throw usageError(
          `unable to open the TLS listener: ssl.keystore.type must be PEM for ${location}`,
          'give a PEM file holding the private key and certificate chain, or leave ssl.keystore.* unset to use generated certificates',
        )
      }
      const pem = readPem(location, 'ssl.keystore.location')
      return {cert: pem, key: pem, ca: truststore ?? pem}
    }
    const generated = ensureBrokerCertificates(this.dataDir, [...this.tlsHosts])
    return {cert: generated.cert, key: generated.key, ca: truststore ?? generated.ca}
  }
}

/**
 * Creates or resets a user's SCRAM-SHA-256 and SCRAM-SHA-512 credentials in a broker data dir
 * (the broker reads them at start). For the first admin, before any user can log in to send
 * AlterUserScramCredentials.
 */
export function addBrokerUser(dataDir: string, user: string, password: string): void {
  if (user === '' || password === '') {
    throw usageError('unable to create the broker user: user name and password must not be empty', 'give --sasl-user NAME and a non-empty password')
  }
  const store = new CredentialStore(path.join(dataDir, 'security', 'scram-credentials.json'))
  for (const mechanism of scramMechanisms) store.set(user, mechanism, newCredential(mechanism, password))
}

function readPem(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw usageError(`unable to read ${setting} ${file}: ${(error as Error).message}`, 'give a readable PEM file')
  }
}

function enabledMechanisms(setting: string | undefined): string[] {
  const listed = (setting ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '')
  if (listed.length === 0 || (listed.length === 1 && listed[0] === 'GSSAPI')) return [...supportedSaslMechanisms]
  const unsupported = listed.filter((name) => !(supportedSaslMechanisms as readonly string[]).includes(name))
  if (unsupported.length > 0) {
    throw usageError(
      `unable to configure the broker: sasl.enabled.mechanisms has unsupported ${unsupported.join(', ')}`,
      `the bundled broker supports ${supportedSaslMechanisms.join(', ')}`,
    )
  }
  return listed
}

/** RFC 2253 order, most specific first, as Kafka's default principal builder prints a DN. */
function distinguishedName(subject: Record<string, string | string[]>): string {
  const parts: string[] = []
  for (const key of ['CN', 'OU', 'O', 'L', 'ST', 'C']) {
    const value = subject[key]
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) parts.push(`${key}=${item.replace(/([,+"\\<>;=])/g, '\\$1')}`)
  }
  return parts.join(',')
}

/** The client's IP as Kafka prints it: IPv4-mapped IPv6 addresses lose their ::ffff: prefix. */
function clientHost(remoteAddress: string): string {
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress
}

/**
 * The settings `kctl broker start --tls` and `--sasl-user NAME` add: one listener on host:port
 * whose protocol follows the flags (SSL, SASL_PLAINTEXT or SASL_SSL) unless `listeners` is set
 * already, and NAME appended to super.users. Returns the settings to merge.
 */
export function startSecurityConfig(
  config: Readonly<Record<string, string>>,
  options: {tls: boolean; saslUser?: string; host: string; port: number},
): Record<string, string> {
  const added: Record<string, string> = {}
  const sasl = options.saslUser !== undefined
  if ((options.tls || sasl) && config.listeners === undefined) {
    const protocol = sasl ? (options.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT') : 'SSL'
    added.listeners = `${protocol}://${options.host}:${options.port}`
  }
  if (sasl) added['super.users'] = [config['super.users'], `User:${options.saslUser}`].filter((entry) => entry && entry.trim() !== '').join(';')
  return added
}
