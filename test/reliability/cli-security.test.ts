// The CLI against a secured cluster it cannot log in to, through the built CLI (bin/run.js),
// as a new user would meet it: a wrong password, an unknown user and a SASL mechanism the
// broker does not enable, for every kind of command (topics list, produce, consume with and
// without a group, lag, cluster describe, groups list); and TLS with a CA that did not sign
// the broker's certificate, with no CA at all, and with a certificate that does not name the
// host. Each is one `error:` line naming the problem and one `hint:` line naming the setting
// to fix (the context, --ca, --command-config), the README's exit code (5 for a rejected login,
// 1 for a connection the client refused), and no stack trace. A kafkajs client with the right
// settings then checks the broker still serves.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Kafka, logLevel, type SASLOptions} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {useSecureBroker} from '../broker/auth/secure-broker.js'
import {isolatedEnv, kctl} from '../commands/kctl.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-cli-security-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const env = isolatedEnv()
const password = 'Adm1n-s3cret'

// A CA of our own and a broker certificate it signed that names only kafka.example, not
// 127.0.0.1: the TLS listener of the second broker below.
function openssl(args: string[]): void {
  execFileSync('openssl', args, {cwd: tmp, stdio: 'ignore'})
}
openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca-key.pem', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=another CA'])
openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'named-key.pem', '-out', 'named.csr', '-subj', '/CN=kafka.example'])
writeFileSync(path.join(tmp, 'san.cnf'), 'subjectAltName=DNS:kafka.example\n')
openssl(['x509', '-req', '-in', 'named.csr', '-CA', 'other-ca.pem', '-CAkey', 'other-ca-key.pem', '-CAcreateserial', '-out', 'named.pem', '-days', '2', '-extfile', 'san.cnf'])
execFileSync('sh', ['-c', 'cat named-key.pem named.pem > named-keystore.pem'], {cwd: tmp})
const otherCa = path.join(tmp, 'other-ca.pem')

/** stderr is one `error:` line matching `problem` and one `hint:` line matching `fix`; no stack trace. */
function expectOneError(stderr: string, problem: RegExp, fix: RegExp): void {
  const lines = stderr.trim().split('\n')
  expect(lines, stderr).toHaveLength(2)
  expect(lines[0]).toMatch(/^error: unable to /)
  expect(lines[0]).toMatch(problem)
  expect(lines[1]).toMatch(/^hint: /)
  expect(lines[1]).toMatch(fix)
  expect(stderr).not.toMatch(/^\s+at /m)
}

// Every kind of command a user reaches a cluster with; produce reads one record from stdin.
const commands: {name: string; args: string[]; input?: string}[] = [
  {name: 'topics list', args: ['topics', 'list']},
  {name: 'produce', args: ['produce', 'secured'], input: 'one\n'},
  {name: 'consume', args: ['consume', 'secured', '--from-beginning', '--max-messages', '1', '--timeout', '10s']},
  {name: 'consume --group', args: ['consume', 'secured', '--group', 'g', '--from-beginning', '--max-messages', '1', '--timeout', '10s']},
  {name: 'lag', args: ['lag']},
  {name: 'cluster describe', args: ['cluster', 'describe']},
  {name: 'groups list', args: ['groups', 'list']},
]

describe('wrong SASL credentials', () => {
  const secure = useSecureBroker({
    config: {listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'sasl.enabled.mechanisms': 'SCRAM-SHA-512'},
    users: {admin: password},
  })
  const saslClient = (sasl: SASLOptions) => new Kafka({brokers: [secure().address('SASL_PLAINTEXT')], sasl, logLevel: logLevel.NOTHING, retry: {retries: 0}})

  beforeAll(async () => {
    const admin = saslClient({mechanism: 'scram-sha-512', username: 'admin', password}).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'secured', numPartitions: 1}]})
    await admin.disconnect()
    const address = secure().address('SASL_PLAINTEXT')
    for (const [name, mechanism, user] of [
      ['wrong-password', 'SCRAM-SHA-512', 'admin'],
      ['unknown-user', 'SCRAM-SHA-512', 'nobody'],
      ['wrong-mechanism', 'SCRAM-SHA-256', 'admin'],
    ]) {
      const added = await kctl(['context', 'add', name, '-b', address, '--sasl-mechanism', mechanism, '--username', user, '--password-env', `PW_${name.replaceAll('-', '_').toUpperCase()}`], {env})
      expect(added.code, added.stderr).toBe(0)
    }
  })

  const passwords = {PW_WRONG_PASSWORD: 'not-the-password', PW_UNKNOWN_USER: password, PW_WRONG_MECHANISM: password}

  for (const command of commands) {
    it(`${command.name}: a wrong password or an unknown user is exit 5, naming the context to fix`, async () => {
      for (const context of ['wrong-password', 'unknown-user']) {
        const run = await kctl([...command.args, '--context', context], {env: {...env, ...passwords}, input: command.input, timeoutMs: 60_000})
        expect(run.code, `${context}: ${run.stderr}`).toBe(5)
        expectOneError(run.stderr, /SASL_AUTHENTICATION_FAILED.*invalid credentials/, new RegExp(`username and the password .*kctl context add ${context} --overwrite`))
        expect(run.stdout).toBe('')
      }
    }, 120_000)

    it(`${command.name}: a mechanism the broker does not enable is exit 5, naming --sasl-mechanism`, async () => {
      const run = await kctl([...command.args, '--context', 'wrong-mechanism'], {env: {...env, ...passwords}, input: command.input, timeoutMs: 60_000})
      expect(run.code, run.stderr).toBe(5)
      expectOneError(run.stderr, /UNSUPPORTED_SASL_MECHANISM.*SCRAM-SHA-512/, /kctl context add wrong-mechanism --overwrite --sasl-mechanism/)
    }, 60_000)
  }

  it('a wrong password in a --command-config file names that file', async () => {
    const file = path.join(tmp, 'wrong.properties')
    writeFileSync(file, 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="nope";\n', {mode: 0o600})
    const run = await kctl(['topics', 'list', '-b', secure().address('SASL_PLAINTEXT'), '--command-config', file], {env, timeoutMs: 60_000})
    expect(run.code, run.stderr).toBe(5)
    expectOneError(run.stderr, /SASL_AUTHENTICATION_FAILED/, new RegExp(`sasl\\.jaas\\.config of ${file.replaceAll('.', '\\.')}`))
  })

  it('the broker still serves the right credentials (kafkajs)', async () => {
    const admin = saslClient({mechanism: 'scram-sha-512', username: 'admin', password}).admin()
    await admin.connect()
    expect(await admin.listTopics()).toContain('secured')
    await admin.disconnect()
  })
})

describe('TLS the client cannot trust', () => {
  // The generated certificate (CA in the data dir, names 127.0.0.1 and localhost).
  const generated = useSecureBroker({config: {listeners: 'SSL://127.0.0.1:0'}})
  // A certificate from another CA, naming kafka.example only.
  const named = useSecureBroker({config: {listeners: 'SSL://127.0.0.1:0', 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': path.join(tmp, 'named-keystore.pem')}})

  beforeAll(async () => {
    for (const args of [
      ['wrong-ca', '-b', generated().address('SSL'), '--ca', otherCa],
      ['no-ca', '-b', generated().address('SSL'), '--tls'],
      ['wrong-host', '-b', named().address('SSL'), '--ca', otherCa],
    ]) {
      const added = await kctl(['context', 'add', ...args], {env})
      expect(added.code, added.stderr).toBe(0)
    }
    // The topic, created by kafkajs trusting the right CA.
    const admin = new Kafka({brokers: [generated().address('SSL')], ssl: {ca: [readFileSync(generated().caFile, 'utf8')]}, logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'secured', numPartitions: 1}]})
    await admin.disconnect()
  })

  for (const command of commands) {
    it(`${command.name}: another CA or none is exit 1, naming --ca; a certificate for another host names --skip-hostname-check`, async () => {
      for (const context of ['wrong-ca', 'no-ca']) {
        const run = await kctl([...command.args, '--context', context], {env, input: command.input, timeoutMs: 60_000})
        expect(run.code, `${context}: ${run.stderr}`).toBe(1)
        expectOneError(run.stderr, /certificate is not signed by a CA kctl trusts/, new RegExp(`kctl context add ${context} --overwrite --ca `))
      }
      const run = await kctl([...command.args, '--context', 'wrong-host'], {env, input: command.input, timeoutMs: 60_000})
      expect(run.code, run.stderr).toBe(1)
      expectOneError(run.stderr, /certificate does not name this host/, /kctl context add wrong-host --overwrite --skip-hostname-check/)
    }, 180_000)
  }

  it('the broker still serves a client that trusts its CA (kafkajs)', async () => {
    const admin = new Kafka({brokers: [generated().address('SSL')], ssl: {ca: [readFileSync(generated().caFile, 'utf8')]}, logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    expect(await admin.listTopics()).toContain('secured')
    await admin.disconnect()
  })
})
