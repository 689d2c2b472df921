import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {clientOptions, kafkaConfig, resolveConnection} from '../../src/admin/connection.js'
import {addContext} from '../../src/config/context.js'

describe('resolveConnection', () => {
  const saved = {...process.env}
  let dir = ''
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-conn-'))
    process.env.XDG_CONFIG_HOME = path.join(dir, 'config')
    process.env.KCTL_BROKER_DATA_DIR = path.join(dir, 'broker')
    delete process.env.KCTL_BOOTSTRAP_SERVER
    delete process.env.KCTL_CONTEXT
  })
  afterEach(() => {
    process.env = {...saved}
  })

  const runningBundledBroker = () => {
    mkdirSync(process.env.KCTL_BROKER_DATA_DIR as string, {recursive: true})
    // This test process's own pid is certainly alive.
    writeFileSync(path.join(process.env.KCTL_BROKER_DATA_DIR as string, 'broker.json'), JSON.stringify({pid: process.pid, host: '127.0.0.1', port: 19092}))
  }

  it('falls back to an error that says how to start the bundled broker', () => {
    expect(() => resolveConnection({action: 'list topics'})).toThrow(/unable to list topics: no cluster given and the bundled broker is not running/)
    try {
      resolveConnection()
    } catch (error) {
      expect((error as {hint: string}).hint).toContain('kctl broker start --detach')
    }
  })

  it('follows the connection order: flag, command-config, --context, env, current context, bundled broker', () => {
    runningBundledBroker()
    expect(resolveConnection()).toMatchObject({brokers: ['127.0.0.1:19092'], source: 'bundled-broker'})
    addContext('current', {bootstrapServers: ['ctx:1']}, {overwrite: false, use: true})
    addContext('other', {bootstrapServers: ['other:1'], sasl: {mechanism: 'PLAIN', username: 'u', passwordEnv: 'OTHER_PW'}}, {overwrite: false, use: false})
    expect(resolveConnection()).toMatchObject({brokers: ['ctx:1'], source: 'context', contextName: 'current'})
    process.env.KCTL_BOOTSTRAP_SERVER = 'env:1,env:2'
    expect(resolveConnection()).toMatchObject({brokers: ['env:1', 'env:2'], source: 'env', sasl: undefined})
    process.env.OTHER_PW = 'secret'
    expect(resolveConnection({context: 'other'})).toMatchObject({brokers: ['other:1'], source: 'context', sasl: {mechanism: 'PLAIN', username: 'u', password: 'secret'}})
    const commandConfig = path.join(dir, 'client.properties')
    writeFileSync(commandConfig, 'bootstrap.servers=cc:1\nsecurity.protocol=SSL\n')
    expect(resolveConnection({context: 'other', commandConfig})).toMatchObject({brokers: ['cc:1'], source: 'command-config', tls: {checkHostname: true}, sasl: undefined})
    expect(resolveConnection({bootstrapServer: 'flag:1', context: 'other', commandConfig})).toMatchObject({brokers: ['flag:1'], source: 'flag', tls: {checkHostname: true}})
    // -b alone does not borrow the current context's credentials: it may be another cluster.
    expect(resolveConnection({bootstrapServer: 'flag:1'})).toMatchObject({brokers: ['flag:1'], source: 'flag', sasl: undefined, contextName: undefined})
  })

  it('rejects malformed addresses as usage errors when they come from -b', () => {
    expect(() => resolveConnection({bootstrapServer: 'localhost'})).toThrow(/invalid bootstrap servers "localhost" \(from --bootstrap-server\)/)
  })

  it('maps settings to a kafkajs config with bounded retries and silent logs', () => {
    const config = kafkaConfig({
      ...resolveConnection({bootstrapServer: 'h:1'}),
      tls: {ca: 'CA', checkHostname: false},
      sasl: {mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p'},
    })
    expect(config.brokers).toEqual(['h:1'])
    expect(config.sasl).toEqual({mechanism: 'scram-sha-256', username: 'u', password: 'p'})
    const ssl = config.ssl as {ca: string; checkServerIdentity: () => undefined}
    expect(ssl.ca).toBe('CA')
    expect(ssl.checkServerIdentity()).toBeUndefined()
    expect(config.retry?.retries).toBeLessThanOrEqual(5)
    expect(config.connectionTimeout).toBeLessThanOrEqual(5000)
    expect(config.logLevel).toBe(0)
  })

  it("hands kctl's client the same addresses, TLS and SASL settings and the 5 s connect budget", () => {
    const options = clientOptions({
      ...resolveConnection({bootstrapServer: 'h:1,h:2'}),
      tls: {ca: 'CA', checkHostname: false},
      sasl: {mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p'},
    })
    expect(options).toMatchObject({bootstrap: ['h:1', 'h:2'], clientId: 'kctl', tls: {ca: 'CA', checkHostname: false}, sasl: {mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p'}})
    expect(options.connectTimeoutMs).toBe(5000)
    expect(options.requestTimeoutMs).toBeGreaterThanOrEqual(options.connectTimeoutMs)
  })
})
