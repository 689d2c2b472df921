// The SASL state of one connection on a SASL_PLAINTEXT or SASL_SSL listener, as Kafka's
// SaslServerAuthenticator runs it:
//
//   SaslHandshake(mechanism) ─► SaslAuthenticate(token)* ─► authenticated
//
// SaslHandshake v1 means tokens arrive wrapped in SaslAuthenticate requests (KIP-152).
// SaslHandshake v0 means the following frames are raw SASL tokens, length-prefixed but with
// no request header, answered by raw length-prefixed tokens: kafka-python 2.0.x always does
// this. Before authentication only ApiVersions, SaslHandshake and SaslAuthenticate are served;
// anything else closes the connection (Kafka's "unexpected Kafka request ... during SASL
// handshake"). A failed authentication is answered with SASL_AUTHENTICATION_FAILED and the
// connection closed; there is no re-authentication (KIP-368 session lifetime 0).
import {parsePlainMessage, PlainError} from '../../kafka/sasl/plain.js'
import {isScramMechanism, type CredentialLookup, ScramError, ScramServer} from '../../kafka/sasl/scram.js'

export const supportedSaslMechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const
export type SaslMechanism = (typeof supportedSaslMechanisms)[number]

export const saslApiKeys = {apiVersions: 18, saslHandshake: 17, saslAuthenticate: 36} as const

/** Checks a PLAIN user's password; true when it is right. */
export type PasswordCheck = (user: string, password: string) => boolean

export interface SaslVerifiers {
  enabledMechanisms: readonly string[]
  scramCredential: CredentialLookup
  plainPassword: PasswordCheck
}

/** Why authentication failed: Kafka's error code name plus the message the client sees. */
export class SaslFailure extends Error {
  constructor(
    readonly errorName: 'SASL_AUTHENTICATION_FAILED' | 'UNSUPPORTED_SASL_MECHANISM' | 'ILLEGAL_SASL_STATE',
    message: string,
  ) {
    super(message)
    this.name = 'SaslFailure'
  }
}

export class SaslSession {
  private phase: 'handshake' | 'authenticate' | 'done' = 'handshake'
  /** True after SaslHandshake v0: tokens then come as raw frames. */
  private rawTokens = false
  private mechanism: SaslMechanism | undefined
  private scram: ScramServer | undefined
  private user: string | undefined

  constructor(private readonly verifiers: SaslVerifiers) {}

  get authenticated(): boolean {
    return this.phase === 'done'
  }

  /** The principal after authentication, e.g. User:alice. */
  get principal(): string | undefined {
    return this.user === undefined ? undefined : `User:${this.user}`
  }

  /** True when the next frame on the connection is a raw SASL token, not a request. */
  get expectsRawToken(): boolean {
    return this.rawTokens && this.phase === 'authenticate'
  }

  /**
   * May a request with this API key be served now? After authentication everything is; a
   * second SaslHandshake or SaslAuthenticate then gets ILLEGAL_SASL_STATE from its handler.
   */
  allows(apiKey: number): boolean {
    if (this.phase === 'done') return true
    if (this.rawTokens) return false
    return apiKey === saslApiKeys.apiVersions || apiKey === saslApiKeys.saslHandshake || apiKey === saslApiKeys.saslAuthenticate
  }

  get enabledMechanisms(): readonly string[] {
    return this.verifiers.enabledMechanisms
  }

  /** Handles SaslHandshake; throws SaslFailure(UNSUPPORTED_SASL_MECHANISM) for one not enabled. */
  handshake(mechanism: string, apiVersion: number): void {
    if (this.phase !== 'handshake') throw new SaslFailure('ILLEGAL_SASL_STATE', 'SaslHandshake was already done on this connection')
    if (!this.verifiers.enabledMechanisms.includes(mechanism)) {
      throw new SaslFailure(
        'UNSUPPORTED_SASL_MECHANISM',
        `Unsupported SASL mechanism ${mechanism}; enabled: ${this.verifiers.enabledMechanisms.join(', ')}`,
      )
    }
    this.mechanism = mechanism as SaslMechanism
    if (isScramMechanism(mechanism)) this.scram = new ScramServer(mechanism, this.verifiers.scramCredential)
    this.rawTokens = apiVersion === 0
    this.phase = 'authenticate'
  }

  /**
   * Takes one client token (from SaslAuthenticate or a raw frame) and returns the reply token;
   * throws SaslFailure when authentication fails or the token comes out of turn.
   */
  authenticate(token: Buffer): Buffer {
    if (this.phase !== 'authenticate' || !this.mechanism) {
      throw new SaslFailure('ILLEGAL_SASL_STATE', 'SaslAuthenticate must follow a successful SaslHandshake')
    }
    try {
      if (this.mechanism === 'PLAIN') {
        const {user, password} = parsePlainMessage(token)
        if (!this.verifiers.plainPassword(user, password)) throw new PlainError('invalid credentials')
        this.user = user
        this.phase = 'done'
        return Buffer.alloc(0)
      }
      const reply = this.scram!.respond(token)
      const user = this.scram!.authenticatedUser
      if (user !== undefined) {
        this.user = user
        this.phase = 'done'
      }
      return reply
    } catch (error) {
      if (error instanceof ScramError || error instanceof PlainError) {
        // Kafka's wording; the cause stays on the broker so a client cannot probe user names.
        throw new SaslFailure(
          'SASL_AUTHENTICATION_FAILED',
          `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`,
        )
      }
      throw error
    }
  }
}
