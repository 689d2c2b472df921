// Secured listeners: SCRAM over SASL_PLAINTEXT from an Apache client .properties file
// (--command-config), SASL_SSL with a PEM truststore, and a context whose password lives in a
// file. A wrong password is exit 5.
import {mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {useSecureBroker} from '../broker/auth/secure-broker.js'
import {isolatedEnv, kctl, kctlJson} from './kctl.js'

describe('kctl on secured listeners', {timeout: 120_000}, () => {
  const secure = useSecureBroker({
    config: {listeners: 'SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0'},
    users: {alice: 'alice-secret'},
  })
  const env = isolatedEnv()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-secure-cmd-'))
  const properties = (name: string, lines: string[]) => {
    const file = path.join(dir, name)
    writeFileSync(file, `${lines.join('\n')}\n`)
    return file
  }
  const scram = (password: string) => `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${password}";`

  it('authenticates with SCRAM from --command-config, and exits 5 on a wrong password', async () => {
    const good = properties('good.properties', ['security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=SCRAM-SHA-256', scram('alice-secret')])
    const address = secure().address('SASL_PLAINTEXT')
    const created = await kctl(['topics', 'create', 'secured', '-b', address, '--command-config', good], {env})
    expect(created.code).toBe(0)
    expect((await kctlJson<{name: string}[]>(['topics', 'list', '-b', address, '--command-config', good], {env})).map((row) => row.name)).toEqual(['secured'])

    const bad = properties('bad.properties', ['security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=SCRAM-SHA-256', scram('wrong')])
    const denied = await kctl(['topics', 'list', '-b', address, '--command-config', bad], {env})
    expect(denied.code).toBe(5)
    expect(denied.stderr.split('\n')[0]).toMatch(/^error: unable to list topics: (SASL authentication failed|SASL_AUTHENTICATION_FAILED)/)
  })

  it('speaks SASL_SSL with a PEM truststore from --command-config and from a context with a password file', async () => {
    const address = secure().address('SASL_SSL')
    const tls = properties('tls.properties', [
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      scram('alice-secret'),
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${secure().caFile}`,
    ])
    const view = await kctlJson<{brokers: {port: number}[]}>(['cluster', 'describe', '-b', address, '--command-config', tls], {env})
    expect(view.brokers.length).toBe(1)

    const passwordFile = path.join(dir, 'alice.password')
    writeFileSync(passwordFile, 'alice-secret\n')
    const add = await kctl(
      ['context', 'add', 'secure', '-b', address, '--sasl-mechanism', 'SCRAM-SHA-512', '--username', 'alice', '--password-file', passwordFile, '--ca', secure().caFile],
      {env},
    )
    expect(add.code).toBe(0)
    const list = await kctl(['topics', 'list', '--context', 'secure'], {env})
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/^secured\s+1\s+1\s+0\s+0$/m)
  })
})
