// The per-connection SASL state machine: which requests pass before authentication, the two
// token flows (KIP-152 SaslAuthenticate and the raw frames after SaslHandshake v0), failures.
import {describe, expect, it} from 'vitest'
import {plainMessage} from '../../../src/kafka/sasl/plain.js'
import {SaslFailure, SaslSession} from '../../../src/broker/auth/sasl.js'
import {newCredential, ScramClient} from '../../../src/kafka/sasl/scram.js'

const credential256 = newCredential('SCRAM-SHA-256', 'secret')
function session(enabledMechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']): SaslSession {
  return new SaslSession({
    enabledMechanisms,
    scramCredential: (user, mechanism) => (user === 'alice' && mechanism === 'SCRAM-SHA-256' ? credential256 : undefined),
    plainPassword: (user, password) => user === 'alice' && password === 'secret',
  })
}

const apiVersions = 18
const handshake = 17
const authenticate = 36
const metadata = 3

describe('SaslSession', () => {
  it('serves only ApiVersions, SaslHandshake and SaslAuthenticate before authentication', () => {
    const s = session()
    expect([apiVersions, handshake, authenticate, metadata, 0].map((key) => s.allows(key))).toEqual([true, true, true, false, false])
  })

  it('authenticates PLAIN through SaslAuthenticate and then serves every request', () => {
    const s = session()
    s.handshake('PLAIN', 1)
    expect(s.expectsRawToken).toBe(false)
    expect(s.authenticate(plainMessage('alice', 'secret'))).toEqual(Buffer.alloc(0))
    expect(s.authenticated).toBe(true)
    expect(s.principal).toBe('User:alice')
    expect([metadata, apiVersions, handshake, authenticate].map((key) => s.allows(key))).toEqual([true, true, true, true])
    expect(() => s.handshake('PLAIN', 1)).toThrow(expect.objectContaining({errorName: 'ILLEGAL_SASL_STATE'}))
  })

  it('expects raw tokens after SaslHandshake v0 and serves no request meanwhile', () => {
    const s = session()
    s.handshake('SCRAM-SHA-256', 0)
    expect(s.expectsRawToken).toBe(true)
    expect(s.allows(apiVersions)).toBe(false)
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'secret')
    const serverFinal = s.authenticate(client.final(s.authenticate(client.first())))
    client.verify(serverFinal)
    expect(s.expectsRawToken).toBe(false)
    expect(s.principal).toBe('User:alice')
  })

  it('fails a wrong password with SASL_AUTHENTICATION_FAILED and Kafka\'s message', () => {
    const s = session()
    s.handshake('SCRAM-SHA-256', 1)
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'wrong')
    const first = s.authenticate(client.first())
    expect(() => s.authenticate(client.final(first))).toThrow(
      new SaslFailure(
        'SASL_AUTHENTICATION_FAILED',
        'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
      ),
    )
    expect(s.authenticated).toBe(false)
    const plain = session()
    plain.handshake('PLAIN', 1)
    expect(() => plain.authenticate(plainMessage('alice', 'nope'))).toThrow(SaslFailure)
    expect(plain.principal).toBeUndefined()
  })

  it('refuses a mechanism that is not enabled with UNSUPPORTED_SASL_MECHANISM', () => {
    const s = session(['SCRAM-SHA-512'])
    let failure: SaslFailure | undefined
    try {
      s.handshake('PLAIN', 1)
    } catch (error) {
      failure = error as SaslFailure
    }
    expect(failure?.errorName).toBe('UNSUPPORTED_SASL_MECHANISM')
    expect(s.enabledMechanisms).toEqual(['SCRAM-SHA-512'])
    expect(() => session().handshake('GSSAPI', 1)).toThrow(/Unsupported SASL mechanism GSSAPI/)
  })

  it('answers SaslAuthenticate before SaslHandshake, or a second handshake, with ILLEGAL_SASL_STATE', () => {
    const s = session()
    expect(() => s.authenticate(plainMessage('alice', 'secret'))).toThrow(expect.objectContaining({errorName: 'ILLEGAL_SASL_STATE'}))
    s.handshake('PLAIN', 1)
    expect(() => s.handshake('PLAIN', 1)).toThrow(expect.objectContaining({errorName: 'ILLEGAL_SASL_STATE'}))
  })
})
