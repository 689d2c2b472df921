// The broker's security layer, in one object on BrokerState (`state.auth`): SCRAM credentials,
// ACLs, the authorizer policy, TLS material and the SASL state of each connection. The server
// calls four hooks (onConnect, takeRawSaslFrame, gate, and the TLS options when it opens an SSL
// listener); handlers call `authorize`.
//
// Deliberate differences from Kafka, kept small:
// - sasl.enabled.mechanisms left at Kafka's default (GSSAPI, which the bundled broker lacks)
//   enables PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; set it to narrow the list.
// - PLAIN checks passwords against the user's SCRAM credential (SHA-256 if present, else
//   SHA-512): one store of users, created with AlterUserScramCredentials, instead of JAAS
//   user_NAME entries.
// - The bootstrap admin (`kctl broker start --sasl-user`) gets SCRAM credentials for both
//   mechanisms and is a super user.
import {ensureBrokerCertificates, type TlsMaterial} from './certs.js'
import {
  type Action,
  type AuthorizerPolicy,
  clusterResourceName,
  isAllowed,
  type Operation,
  type ResourceType,
} from './acl.js'
import {SaslSession, supportedSaslMechanisms} from './sasl.js'
import {newCredential, passwordMatches, scramMechanisms} from './scram.js'
import {AclStore, CredentialStore} from './store.js'
import path from 'node:path'
import {readFileSync} from 'node:fs'
import {KctlError, usageError} from '../../errors.js'

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'
export const securityProtocols: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']

export const anonymousPrincipal = 'User:ANONYMOUS'

export type ClientAuth = 'none' | 'requested' | 'required'

/** What the security layer needs of a connection; the server's connection object has these. */
export interface SecuredConnection {
  principal: string
  remoteAddress: string
  securityProtocol: string
}

export interface AuthOptions {
  /** Where credentials, ACLs and generated certificates live; none keeps them in memory. */
  dataDir?: string
  /** Resolved broker settings by Kafka's names (super.users, sasl.enabled.mechanisms, ssl.* ...). */
  settings: ReadonlyMap<string, string>
  /** Users created (or whose password is reset) at start, each a super user. */
  bootstrapUsers?: readonly {user: string; password: string}[]
  /** Extra host names for the generated server certificate (the advertised host). */
  tlsHosts?: readonly string[]
}

export interface TlsServerOptions {
  ca: string
  cert: string
  key: string
  requestCert: boolean
  rejectUnauthorized: boolean
}

export class AuthState {
  readonly credentials: CredentialStore
  readonly acls: AclStore
  readonly authorizerEnabled: boolean
  readonly policy: AuthorizerPolicy
  readonly enabledMechanisms: readonly string[]
  readonly clientAuth: ClientAuth
  private readonly sessions = new WeakMap<object, SaslSession>()
  private tls: TlsMaterial | undefined

  constructor(private readonly options: AuthOptions) {
    const securityDir = options.dataDir ? path.join(options.dataDir, 'security') : undefined
    this.credentials = new CredentialStore(securityDir && path.join(securityDir, 'scram-credentials.json'))
    this.acls = new AclStore(securityDir && path.join(securityDir, 'acls.json'))
    const settings = options.settings
    this.authorizerEnabled = (settings.get('authorizer.class.name') ?? '').trim() !== ''
    const superUsers = new Set(
      (settings.get('super.users') ?? '').split(';').map((entry) => entry.trim()).filter((entry) => entry !== ''),
    )
    for (const {user, password} of options.bootstrapUsers ?? []) {
      if (user === '' || password === '') throw usageError('unable to create the bootstrap user: user name and password must not be empty')
      for (const mechanism of scramMechanisms) this.credentials.set(user, mechanism, newCredential(mechanism, password))
      superUsers.add(`User:${user}`)
    }
    this.policy = {superUsers, allowEveryoneIfNoAclFound: settings.get('allow.everyone.if.no.acl.found')?.toLowerCase() === 'true'}
    this.enabledMechanisms = enabledMechanisms(settings.get('sasl.enabled.mechanisms'))
    this.clientAuth = (settings.get('ssl.client.auth') ?? 'none') as ClientAuth
  }

  /** TLS options for an SSL or SASL_SSL listener: configured PEMs, else generated ones. */
  tlsServerOptions(): TlsServerOptions {
    this.tls ??= this.loadTlsMaterial()
    return {
      ...this.tls,
      requestCert: this.clientAuth !== 'none',
      rejectUnauthorized: this.clientAuth === 'required',
    }
  }

  private loadTlsMaterial(): TlsMaterial {
    const settings = this.options.settings
    const chain = settings.get('ssl.keystore.certificate.chain')
    const key = settings.get('ssl.keystore.key')
    const location = settings.get('ssl.keystore.location')
    const truststore = settings.get('ssl.truststore.certificates') ??
      (settings.get('ssl.truststore.location') ? readPem(settings.get('ssl.truststore.location')!, 'ssl.truststore.location') : undefined)
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
    if (!this.options.dataDir) {
      throw new KctlError('unable to open the TLS listener: no data dir to keep the generated certificates in', {
        hint: 'start the broker with --data-dir, or set ssl.keystore.certificate.chain and ssl.keystore.key',
      })
    }
    const generated = ensureBrokerCertificates(this.options.dataDir, [...(this.options.tlsHosts ?? [])])
    return {cert: generated.cert, key: generated.key, ca: truststore ?? generated.ca}
  }

  /**
   * Sets the connection's principal from its listener: User:ANONYMOUS on PLAINTEXT (and on SSL
   * without a client certificate), User:<subject DN> for an SSL client certificate, and none
   * yet on SASL listeners, where a SaslSession starts.
   */
  onConnect(connection: SecuredConnection, peerSubject?: Record<string, string | string[]>): void {
    if (connection.securityProtocol === 'SASL_PLAINTEXT' || connection.securityProtocol === 'SASL_SSL') {
      connection.principal = ''
      this.sessions.set(connection, new SaslSession({
        enabledMechanisms: this.enabledMechanisms,
        scramCredential: (user, mechanism) => this.credentials.get(user, mechanism),
        plainPassword: (user, password) => this.checkPassword(user, password),
      }))
      return
    }
    const dn = peerSubject ? distinguishedName(peerSubject) : ''
    connection.principal = dn === '' ? anonymousPrincipal : `User:${dn}`
  }

  session(connection: object): SaslSession | undefined {
    return this.sessions.get(connection)
  }

  /** May this request be served on this connection now? False means close the connection. */
  gate(connection: object, apiKey: number): boolean {
    // Without a SASL session (PLAINTEXT, SSL) every request is served; SaslHandshake and
    // SaslAuthenticate there get ILLEGAL_SASL_STATE from their handlers, as in Kafka.
    return this.sessions.get(connection)?.allows(apiKey) ?? true
  }

  /**
   * For a connection that did SaslHandshake v0: the frame is a raw SASL token. Returns the
   * reply token to write back length-prefixed, or undefined when the frame is a normal request.
   * `close` is set when authentication failed: close without replying, as Kafka does.
   */
  takeRawSaslFrame(connection: SecuredConnection, frame: Buffer): {reply?: Buffer; close: boolean} | undefined {
    const session = this.sessions.get(connection)
    if (!session?.expectsRawToken) return undefined
    try {
      const reply = session.authenticate(frame)
      if (session.authenticated) connection.principal = session.principal!
      return {reply, close: false}
    } catch {
      return {close: true}
    }
  }

  checkPassword(user: string, password: string): boolean {
    for (const mechanism of scramMechanisms) {
      const credential = this.credentials.get(user, mechanism)
      if (credential) return passwordMatches(mechanism, credential, password)
    }
    return false
  }

  isAllowed(action: Action): boolean {
    return !this.authorizerEnabled || isAllowed(this.acls.list(), this.policy, action)
  }
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

/** RFC 2253 order, most specific first, as Kafka's default principal builder prints it. */
function distinguishedName(subject: Record<string, string | string[]>): string {
  const order = ['CN', 'OU', 'O', 'L', 'ST', 'C']
  const parts: string[] = []
  for (const key of order) {
    const value = subject[key]
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) parts.push(`${key}=${item.replace(/([,+"\\<>;=])/g, '\\$1')}`)
  }
  return parts.join(',')
}

/** Where a handler's context keeps what `authorize` needs. */
export interface AuthorizeContext {
  state: {auth?: AuthState}
  connection: {principal: string; remoteAddress: string}
}

/** The client's IP as Kafka prints it: IPv4-mapped IPv6 addresses lose their ::ffff: prefix. */
function clientHost(remoteAddress: string): string {
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress
}

/**
 * Is the request's principal allowed this operation on this resource? Always true when no
 * authorizer is configured (authorizer.class.name empty), as in Kafka.
 */
export function authorize(
  ctx: AuthorizeContext,
  operation: Operation,
  resourceType: ResourceType,
  resourceName: string = clusterResourceName,
): boolean {
  const auth = ctx.state.auth
  if (!auth) return true
  return auth.isAllowed({
    principal: ctx.connection.principal,
    host: clientHost(ctx.connection.remoteAddress),
    operation,
    resourceType,
    resourceName,
  })
}

export type {Operation, ResourceType} from './acl.js'
