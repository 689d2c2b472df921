// A bundled broker with security settings for one suite: SCRAM users seeded in its data dir
// before it starts (as `kctl broker start --sasl-user` does), listeners on ephemeral ports, and
// small helpers to reach a listener by its security protocol.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll} from 'vitest'
import {addBrokerUser} from '../../../src/broker/auth/index.js'
import {tlsFiles} from '../../../src/broker/auth/certs.js'
import {startBroker} from '../../../src/broker/index.js'

export type RunningBroker = Awaited<ReturnType<typeof startBroker>>

export interface SecureBroker {
  broker: RunningBroker
  dataDir: string
  /** host:port of the first listener with this security protocol. */
  address(protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'): string
  /** The generated CA certificate file (after an SSL listener started). */
  caFile: string
}

export const authorizerClass = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'

export function useSecureBroker(options: {config: Record<string, string>; users?: Record<string, string>}): () => SecureBroker {
  let secure: SecureBroker | undefined
  let dataDir = ''
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-secure-'))
    for (const [user, password] of Object.entries(options.users ?? {})) addBrokerUser(dataDir, user, password)
    const broker = await startBroker({port: 0, host: '127.0.0.1', dataDir, config: options.config})
    secure = {
      broker,
      dataDir,
      address: (protocol) => {
        const listener = broker.listeners.find((candidate) => candidate.securityProtocol === protocol)
        if (!listener) throw new Error(`no ${protocol} listener`)
        return `127.0.0.1:${listener.port}`
      },
      caFile: tlsFiles(dataDir).caFile,
    }
  })
  afterAll(async () => {
    await secure?.broker.close()
    rmSync(dataDir, {recursive: true, force: true})
  })
  return () => {
    if (!secure) throw new Error('broker not started: call useSecureBroker() at suite level')
    return secure
  }
}
