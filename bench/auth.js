// Cost of an authenticated connection to the bundled broker on kctl's client: connect, ApiVersions, SaslHandshake v1,
// SaslAuthenticate round(s), close, one after another, for PLAIN, SCRAM-SHA-256 and
// SCRAM-SHA-512 on SASL_PLAINTEXT, SCRAM-SHA-256 on SASL_SSL, and a PLAINTEXT connect +
// ApiVersions as the baseline. Client and broker share this process.
//
// SCRAM puts the expensive step (PBKDF2, 4096 iterations) on the client; the broker keeps
// StoredKey/ServerKey and only computes HMACs. So SCRAM is measured twice: "cold", the client
// stretching the password on every connection (kafkajs, librdkafka), and "cached", the client
// reusing its salted password (RFC 5802 §5.1), which leaves the connection and the broker's
// work. PLAIN always pays PBKDF2 on the broker (passwords are checked against the SCRAM
// credential). Target: < 5 ms per authenticated connection. Prints one JSON object.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {BrokerConnection} from '../dist/src/kafka/client/index.js'
import {addBrokerUser} from '../dist/src/broker/auth/index.js'
import {tlsFiles} from '../dist/src/broker/auth/certs.js'
import {startBroker} from '../dist/src/broker/index.js'

const WARMUP = 30
const MIN_RUN_MS = 1500
const TARGET_MS = 5

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-auth-'))
addBrokerUser(dataDir, 'bench', 'bench-secret')
const broker = await startBroker({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  config: {listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0'},
})
const address = (protocol) => `127.0.0.1:${broker.listeners.find((listener) => listener.securityProtocol === protocol).port}`
const ca = readFileSync(tlsFiles(dataDir).caFile, 'utf8')

function connection(protocol, mechanism) {
  return {
    port: Number(address(protocol).split(':')[1]),
    tls: protocol.endsWith('SSL') ? {ca, checkHostname: true} : undefined,
    sasl: mechanism ? {mechanism, username: 'bench', password: 'bench-secret'} : undefined,
    connectTimeoutMs: 5000,
    requestTimeoutMs: 10_000,
    clientId: 'bench-auth',
  }
}

/** kctl's client connection: connect, ApiVersions, then the SASL rounds (the baseline stops after ApiVersions). */
async function once(settings, cache) {
  const client = await BrokerConnection.open('127.0.0.1', settings.port, {...settings, saltedPasswordCache: cache})
  client.close()
}

/** Sequential connections for at least MIN_RUN_MS; ms per connection and connections per second. */
async function measure(protocol, mechanism, cached = false) {
  const settings = connection(protocol, mechanism)
  const cache = cached ? new Map() : undefined
  for (let i = 0; i < WARMUP; i++) await once(settings, cache)
  let count = 0
  const started = performance.now()
  while (performance.now() - started < MIN_RUN_MS) {
    await once(settings, cache)
    count++
  }
  const elapsedMs = performance.now() - started
  return {connections: count, msPerConnection: Number((elapsedMs / count).toFixed(3)), connectionsPerSecond: Math.round((count * 1000) / elapsedMs)}
}

try {
  const baseline = await measure('PLAINTEXT')
  const plain = await measure('SASL_PLAINTEXT', 'PLAIN')
  const scram256 = await measure('SASL_PLAINTEXT', 'SCRAM-SHA-256')
  const scram512 = await measure('SASL_PLAINTEXT', 'SCRAM-SHA-512')
  const scram256Cached = await measure('SASL_PLAINTEXT', 'SCRAM-SHA-256', true)
  const scram512Cached = await measure('SASL_PLAINTEXT', 'SCRAM-SHA-512', true)
  const scram256Tls = await measure('SASL_SSL', 'SCRAM-SHA-256', true)
  const brokerWorst = Math.max(plain.msPerConnection, scram256Cached.msPerConnection, scram512Cached.msPerConnection)
  console.log(
    JSON.stringify({
      plaintextBaselineMsPerConnection: baseline.msPerConnection,
      plainMsPerConnection: plain.msPerConnection,
      scramSha256ColdMsPerConnection: scram256.msPerConnection,
      scramSha512ColdMsPerConnection: scram512.msPerConnection,
      scramSha256CachedMsPerConnection: scram256Cached.msPerConnection,
      scramSha512CachedMsPerConnection: scram512Cached.msPerConnection,
      saslSslScramSha256CachedMsPerConnection: scram256Tls.msPerConnection,
      plainConnectionsPerSecond: plain.connectionsPerSecond,
      scramSha256CachedConnectionsPerSecond: scram256Cached.connectionsPerSecond,
      scramSha512CachedConnectionsPerSecond: scram512Cached.connectionsPerSecond,
      // What SASL adds over a bare connection (same run, so machine load cancels out).
      scramSha512CachedOverBaselineRatio: Number((scram512Cached.msPerConnection / baseline.msPerConnection).toFixed(2)),
      targetMsPerConnection: TARGET_MS,
      // PLAIN and cached SCRAM: the connection plus all the broker's authentication work.
      meetsTarget: brokerWorst < TARGET_MS,
    }),
  )
} finally {
  await broker.close()
  rmSync(dataDir, {recursive: true, force: true})
}
