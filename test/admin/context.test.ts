import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {addContext, contextListView, contextSettings, contextsFilePath, deleteContext, loadContexts, renderContextList, selectContext, useContext} from '../../src/config/context.js'
import {KctlError} from '../../src/errors.js'

describe('contexts', () => {
  const saved = {...process.env}
  beforeEach(() => {
    process.env.XDG_CONFIG_HOME = mkdtempSync(path.join(os.tmpdir(), 'kctl-ctx-'))
    delete process.env.KCTL_CONTEXT
  })
  afterEach(() => {
    process.env = {...saved}
  })

  it('adds, switches and deletes contexts in config.yaml, mode 0600, keeping other keys', () => {
    writeFileSync(path.join(process.env.XDG_CONFIG_HOME as string, 'kctl-placeholder'), '')
    addContext('local', {bootstrapServers: ['127.0.0.1:9092']}, {overwrite: false, use: false})
    const file = contextsFilePath()
    writeFileSync(file, `${readFileSync(file, 'utf8')}telemetry: false\n`)
    addContext('prod', {bootstrapServers: ['k1:9093'], sasl: {mechanism: 'SCRAM-SHA-512', username: 'ops', passwordEnv: 'PROD_PW'}}, {overwrite: false, use: false})
    expect(loadContexts().currentContext).toBe('local')
    useContext('prod')
    expect(selectContext()?.name).toBe('prod')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toContain('telemetry: false')
    deleteContext('prod')
    expect(loadContexts()).toEqual({currentContext: undefined, contexts: {local: {bootstrapServers: ['127.0.0.1:9092']}}})
  })

  it('refuses to overwrite without asking and names unknown contexts with exit 4', () => {
    addContext('a', {bootstrapServers: ['h:1']}, {overwrite: false, use: false})
    expect(() => addContext('a', {bootstrapServers: ['h:2']}, {overwrite: false, use: false})).toThrow(/already exists/)
    addContext('a', {bootstrapServers: ['h:2']}, {overwrite: true, use: false})
    expect(loadContexts().contexts.a.bootstrapServers).toEqual(['h:2'])
    try {
      useContext('nope')
      expect.unreachable()
    } catch (error) {
      expect((error as KctlError).exitCode).toBe(4)
      expect((error as KctlError).hint).toContain('known contexts: a')
    }
  })

  it('KCTL_CONTEXT overrides the current context, --context overrides both', () => {
    addContext('a', {bootstrapServers: ['h:1']}, {overwrite: false, use: false})
    addContext('b', {bootstrapServers: ['h:2']}, {overwrite: false, use: false})
    process.env.KCTL_CONTEXT = 'b'
    expect(selectContext()?.name).toBe('b')
    expect(selectContext('a')?.name).toBe('a')
  })

  it('reads passwords from the named env var or file at use time, never storing them', () => {
    const dir = process.env.XDG_CONFIG_HOME as string
    writeFileSync(path.join(dir, 'pw'), 'from-file\n')
    addContext('env', {bootstrapServers: ['h:1'], sasl: {mechanism: 'PLAIN', username: 'u', passwordEnv: 'KCTL_TEST_PW'}}, {overwrite: false, use: false})
    addContext('file', {bootstrapServers: ['h:1'], sasl: {mechanism: 'SCRAM-SHA-256', username: 'u', passwordFile: path.join(dir, 'pw')}}, {overwrite: false, use: false})
    const entries = loadContexts().contexts
    expect(() => contextSettings('env', entries.env)).toThrow(/environment variable KCTL_TEST_PW is not set/)
    process.env.KCTL_TEST_PW = 'from-env'
    expect(contextSettings('env', entries.env).sasl).toEqual({mechanism: 'PLAIN', username: 'u', password: 'from-env'})
    expect(contextSettings('file', entries.file).sasl?.password).toBe('from-file')
    expect(readFileSync(contextsFilePath(), 'utf8')).not.toMatch(/from-(env|file)/)
  })

  it('takes security settings from a command-config file the context points to', () => {
    const file = path.join(process.env.XDG_CONFIG_HOME as string, 'client.properties')
    writeFileSync(file, 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="cc" password="ccpw";\n')
    addContext('cc', {bootstrapServers: ['h:1'], commandConfig: file}, {overwrite: false, use: false})
    expect(contextSettings('cc', loadContexts().contexts.cc)).toEqual({bootstrapServers: ['h:1'], sasl: {mechanism: 'PLAIN', username: 'cc', password: 'ccpw'}})
    expect(contextListView(loadContexts()).find((row) => row.name === 'cc')?.commandConfig).toBe(file)
  })

  it('lists contexts without secrets in table, and marks the current one', () => {
    addContext('prod', {bootstrapServers: ['k1:9093', 'k2:9093'], sasl: {mechanism: 'SCRAM-SHA-512', username: 'ops', passwordEnv: 'PROD_PW'}, tls: {ca: '/etc/ca.pem'}}, {overwrite: false, use: false})
    addContext('local', {bootstrapServers: ['127.0.0.1:9092']}, {overwrite: false, use: false})
    const rows = contextListView(loadContexts())
    expect(rows).toEqual([
      {name: 'local', current: false, bootstrapServers: ['127.0.0.1:9092'], saslMechanism: null, username: null, passwordFrom: null, tls: false, commandConfig: null},
      {name: 'prod', current: true, bootstrapServers: ['k1:9093', 'k2:9093'], saslMechanism: 'SCRAM-SHA-512', username: 'ops', passwordFrom: 'env:PROD_PW', tls: true, commandConfig: null},
    ])
    expect(renderContextList(rows)).toBe(
      [
        'CURRENT  NAME   BOOTSTRAP        SASL           USER  PASSWORD-FROM  TLS  COMMAND-CONFIG',
        '         local  127.0.0.1:9092   -              -     -              no   -',
        '*        prod   k1:9093,k2:9093  SCRAM-SHA-512  ops   env:PROD_PW    yes  -',
      ].join('\n'),
    )
  })
})
