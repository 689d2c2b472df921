// TLS material from settings instead of generated certificates: a PEM keystore file (key and
// chain together) or inline PEMs, and a clear refusal of JKS/PKCS12 stores.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import {once} from 'node:events'
import {afterAll, describe, expect, it} from 'vitest'
import {brokerCa, ensureBrokerCertificates, issueCertificate} from '../../../src/broker/auth/certs.js'
import {startBroker} from '../../../src/broker/index.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-tls-config-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** A CA of our own (made with the same helpers) and a server certificate it signed. */
function ownCertificates(): {ca: string; cert: string; key: string} {
  ensureBrokerCertificates(path.join(dir, 'own-ca'))
  return issueCertificate(brokerCa(path.join(dir, 'own-ca')), 'localhost', {hosts: ['localhost', '127.0.0.1']})
}

async function handshake(port: number, ca: string): Promise<boolean> {
  const socket = tls.connect({host: '127.0.0.1', port, ca})
  try {
    await once(socket, 'secureConnect')
    return socket.authorized
  } finally {
    socket.destroy()
  }
}

describe('TLS settings', () => {
  it('serves the certificate of a PEM keystore file and of inline PEM settings', async () => {
    const own = ownCertificates()
    const keystore = path.join(dir, 'keystore.pem')
    writeFileSync(keystore, `${own.key}\n${own.cert}`, {mode: 0o600})
    for (const [name, settings] of [
      ['file', {'ssl.keystore.type': 'PEM', 'ssl.keystore.location': keystore}],
      ['inline', {'ssl.keystore.type': 'PEM', 'ssl.keystore.key': own.key, 'ssl.keystore.certificate.chain': own.cert}],
    ] as const) {
      const dataDir = path.join(dir, `broker-${name}`)
      const broker = await startBroker({port: 0, host: '127.0.0.1', dataDir, config: {listeners: 'SSL://127.0.0.1:0', ...settings}})
      try {
        expect(await handshake(broker.port, own.ca)).toBe(true)
      } finally {
        await broker.close()
      }
    }
  })

  it('refuses a JKS keystore or truststore with a hint to use PEM', async () => {
    const dataDir = path.join(dir, 'broker-jks')
    await expect(
      startBroker({port: 0, host: '127.0.0.1', dataDir, config: {listeners: 'SSL://127.0.0.1:0', 'ssl.keystore.location': '/nonexistent.jks'}}),
    ).rejects.toThrow('unable to open the TLS listener: ssl.keystore.type must be PEM for /nonexistent.jks')
    await expect(
      startBroker({port: 0, host: '127.0.0.1', dataDir, config: {listeners: 'SSL://127.0.0.1:0', 'ssl.truststore.location': '/x.jks'}}),
    ).rejects.toThrow('ssl.truststore.type must be PEM')
  })
})
