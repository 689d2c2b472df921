// The security layer's own decisions, without sockets: PLAIN password checks (and their
// cache), sasl.enabled.mechanisms, and the listener that --tls / --sasl-user ask for.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {addBrokerUser, Security, startSecurityConfig} from '../../../src/broker/auth/index.js'
import {newCredential} from '../../../src/kafka/sasl/scram.js'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-security-'))
afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

describe('Security', () => {
  it('checks PLAIN passwords against SCRAM credentials, and forgets a cached one when the password changes', () => {
    addBrokerUser(dataDir, 'alice', 'first')
    const security = new Security(new Map(), dataDir)
    expect(security.checkPassword('alice', 'first')).toBe(true)
    expect(security.checkPassword('alice', 'first')).toBe(true)
    expect(security.checkPassword('alice', 'wrong')).toBe(false)
    expect(security.checkPassword('nobody', 'first')).toBe(false)
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      security.credentials.set('alice', mechanism, newCredential(mechanism, 'second'))
    }
    expect(security.checkPassword('alice', 'first')).toBe(false)
    expect(security.checkPassword('alice', 'second')).toBe(true)
  })

  it("enables every supported mechanism while sasl.enabled.mechanisms is Kafka's default GSSAPI", () => {
    expect(new Security(new Map([['sasl.enabled.mechanisms', 'GSSAPI']]), dataDir).enabledMechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    expect(new Security(new Map([['sasl.enabled.mechanisms', 'SCRAM-SHA-512']]), dataDir).enabledMechanisms).toEqual(['SCRAM-SHA-512'])
    expect(() => new Security(new Map([['sasl.enabled.mechanisms', 'SCRAM-SHA-512,OAUTHBEARER']]), dataDir)).toThrow(/unsupported OAUTHBEARER/)
  })

  it('reads super.users and the authorizer switch as Kafka does', () => {
    const security = new Security(new Map([['super.users', 'User:admin; User:ops'], ['authorizer.class.name', 'x']]), dataDir)
    expect([...security.policy.superUsers]).toEqual(['User:admin', 'User:ops'])
    expect(security.authorizerEnabled).toBe(true)
    expect(security.policy.allowEveryoneIfNoAclFound).toBe(false)
    expect(new Security(new Map(), dataDir).authorizerEnabled).toBe(false)
  })

  it('refuses an empty bootstrap user or password', () => {
    expect(() => addBrokerUser(dataDir, '', 'x')).toThrow(/must not be empty/)
    expect(() => addBrokerUser(dataDir, 'x', '')).toThrow(/must not be empty/)
  })

  it('maps --tls and --sasl-user to one listener and a super user', () => {
    const at = {host: '127.0.0.1', port: 9093}
    expect(startSecurityConfig({}, {...at, tls: false})).toEqual({})
    expect(startSecurityConfig({}, {...at, tls: true})).toEqual({listeners: 'SSL://127.0.0.1:9093'})
    expect(startSecurityConfig({}, {...at, tls: false, saslUser: 'admin'})).toEqual({listeners: 'SASL_PLAINTEXT://127.0.0.1:9093', 'super.users': 'User:admin'})
    expect(startSecurityConfig({'super.users': 'User:ops'}, {...at, tls: true, saslUser: 'admin'})).toEqual({
      listeners: 'SASL_SSL://127.0.0.1:9093',
      'super.users': 'User:ops;User:admin',
    })
    // Explicit listeners win.
    expect(startSecurityConfig({listeners: 'PLAINTEXT://:9092'}, {...at, tls: true})).toEqual({})
  })
})
