// The generated CA and server certificate: created once, reused, and good enough for a real
// TLS handshake that verifies the chain and the host name 127.0.0.1 / localhost.
import {mkdtempSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import {once} from 'node:events'
import {afterAll, describe, expect, it} from 'vitest'
import {brokerCa, ensureBrokerCertificates, issueCertificate} from '../../../src/broker/auth/certs.js'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-certs-'))
afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

async function handshake(
  host: string,
  serverOptions: tls.TlsOptions,
  clientOptions: tls.ConnectionOptions,
): Promise<{authorized: boolean; error?: string; peerSubject?: string}> {
  const server = tls.createServer(serverOptions, (socket) => socket.end())
  server.on('tlsClientError', () => {})
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as {port: number}).port
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({port, host: '127.0.0.1', servername: host === '127.0.0.1' ? undefined : host, ...clientOptions})
      socket.on('secureConnect', () => {
        resolve({authorized: socket.authorized})
        socket.destroy()
      })
      socket.on('error', (error) => resolve({authorized: false, error: error.message}))
    })
  } finally {
    server.close()
  }
}

describe('broker certificates', () => {
  it('creates a CA and server certificate once and reuses them', () => {
    const first = ensureBrokerCertificates(dataDir)
    const second = ensureBrokerCertificates(dataDir)
    expect(second.cert).toBe(first.cert)
    expect(first.ca).toMatch(/BEGIN CERTIFICATE/)
    expect(statSync(first.keyFile).mode & 0o777).toBe(0o600)
  })

  it('verifies against the CA for 127.0.0.1 and localhost, not for another name', async () => {
    const {ca, cert, key} = ensureBrokerCertificates(dataDir)
    expect(await handshake('127.0.0.1', {cert, key}, {ca})).toEqual({authorized: true})
    expect(await handshake('localhost', {cert, key}, {ca})).toEqual({authorized: true})
    const wrong = await handshake('example.com', {cert, key}, {ca})
    expect(wrong.error).toMatch(/altnames|Hostname/i)
    const untrusted = await handshake('127.0.0.1', {cert, key}, {})
    expect(untrusted.error).toMatch(/self.signed|unable to verify/i)
  })

  it('issues client certificates the server accepts with requestCert', async () => {
    const {ca, cert, key} = ensureBrokerCertificates(dataDir)
    const client = issueCertificate(brokerCa(dataDir), 'alice', {client: true})
    const result = await handshake('127.0.0.1', {cert, key, ca, requestCert: true, rejectUnauthorized: true}, {ca, cert: client.cert, key: client.key})
    expect(result).toEqual({authorized: true})
  })
})
