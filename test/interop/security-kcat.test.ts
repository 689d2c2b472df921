// librdkafka through kcat on secured listeners: SCRAM-SHA-256/512 and PLAIN (SaslHandshake v1 +
// SaslAuthenticate), TLS against the generated CA, SASL_SSL, and refusals. Secrets go in a
// -F config file, never on kcat's command line.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {useSecureBroker} from '../broker/auth/secure-broker.js'
import {kcat} from './clients.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-kcat-sec-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

let files = 0
function configFile(settings: Record<string, string>): string {
  const file = path.join(dir, `client-${++files}.properties`)
  writeFileSync(file, Object.entries(settings).map(([key, value]) => `${key}=${value}\n`).join(''), {mode: 0o600})
  return file
}

describe('kcat (librdkafka) on secured listeners', () => {
  const secure = useSecureBroker({
    config: {listeners: 'SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0'},
    users: {kc: 'kc-secret'},
  })

  async function roundtrip(address: string, config: string, topic: string): Promise<string[]> {
    const lines = Array.from({length: 20}, (_, i) => `${topic} record ${i}`)
    await kcat(['-F', config, '-b', address, '-P', '-t', topic], {input: lines.join('\n') + '\n'})
    const out = await kcat(['-F', config, '-b', address, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'])
    return out.trimEnd().split('\n')
  }

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']) {
    it(`produces and consumes with ${mechanism} over SASL_PLAINTEXT`, async () => {
      const config = configFile({'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': mechanism, 'sasl.username': 'kc', 'sasl.password': 'kc-secret'})
      const topic = `kcat-${mechanism.toLowerCase()}`
      expect(await roundtrip(secure().address('SASL_PLAINTEXT'), config, topic)).toEqual(Array.from({length: 20}, (_, i) => `${topic} record ${i}`))
    })
  }

  it('produces and consumes over TLS, verifying the broker certificate against the CA file', async () => {
    const config = configFile({'security.protocol': 'SSL', 'ssl.ca.location': secure().caFile})
    expect(await roundtrip(secure().address('SSL'), config, 'kcat-tls')).toHaveLength(20)
  })

  it('produces and consumes with SCRAM-SHA-512 over SASL_SSL', async () => {
    const config = configFile({
      'security.protocol': 'SASL_SSL',
      'ssl.ca.location': secure().caFile,
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'kc',
      'sasl.password': 'kc-secret',
    })
    expect(await roundtrip(secure().address('SASL_SSL'), config, 'kcat-sasl-ssl')).toHaveLength(20)
  })

  // An unknown mechanism is covered with raw requests in test/broker/auth/sasl-broker.test.ts:
  // librdkafka only reports it at debug level.
  it('is refused with a wrong password or a CA that did not sign the broker', async () => {
    const metadata = (address: string, config: string) => kcat(['-F', config, '-b', address, '-L', '-m', '3'])
    const wrong = configFile({'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'SCRAM-SHA-256', 'sasl.username': 'kc', 'sasl.password': 'nope'})
    await expect(metadata(secure().address('SASL_PLAINTEXT'), wrong)).rejects.toThrow(/SASL authentication error|Authentication failed/i)
    const otherCa = path.join(dir, 'other-ca.pem')
    const {ensureBrokerCertificates} = await import('../../src/broker/auth/certs.js')
    writeFileSync(otherCa, ensureBrokerCertificates(path.join(dir, 'other-broker')).ca)
    const untrusted = configFile({'security.protocol': 'SSL', 'ssl.ca.location': otherCa})
    await expect(metadata(secure().address('SSL'), untrusted)).rejects.toThrow(/certificate verify failed|SSL handshake failed/i)
  })
})
