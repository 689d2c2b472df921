// kctl users / kctl acls (built CLI, bin/run.js) against a SASL_PLAINTEXT bundled broker with
// ACLs enforced, connecting with --command-config files as Apache's tools do: success paths
// in -o json, authentication and authorization failures exiting 5, confirmation rules, and
// no password ever printed.
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {authorizerClass, useSecureBroker} from '../broker/auth/secure-broker.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const home = mkdtempSync(path.join(os.tmpdir(), 'kctl-sec-cmd-'))
afterAll(() => rmSync(home, {recursive: true, force: true}))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function kctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin', 'run.js'), ...args],
      {
        cwd: root,
        timeout: 60_000,
        // No terminal, no saved contexts, no inherited cluster address.
        env: {...process.env, NO_COLOR: '1', CI: 'true', XDG_CONFIG_HOME: home, KCTL_BOOTSTRAP_SERVER: '', ...env},
      },
      (error, stdout, stderr) => resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    )
  })
}

let files = 0
function file(text: string): string {
  const name = path.join(home, `file-${++files}`)
  writeFileSync(name, text, {mode: 0o600})
  return name
}

function commandConfig(mechanism: string, user: string, password: string): string {
  const module = mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule'
  return file(
    `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=${mechanism}\nsasl.jaas.config=${module} required username="${user}" password="${password}";\n`,
  )
}

describe('kctl users and kctl acls on a secured bundled broker', () => {
  const secure = useSecureBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
      'authorizer.class.name': authorizerClass,
      'super.users': 'User:admin',
    },
    users: {admin: 'Adm1n-s3cret'},
  })
  const admin = () => ['-b', secure().address('SASL_PLAINTEXT'), '--command-config', commandConfig('SCRAM-SHA-512', 'admin', 'Adm1n-s3cret')]
  const alicePassword = 'Al1ce-pw-xyz'

  it('creates a user from a password file and lists it, never printing the password', async () => {
    const created = await kctl(['users', 'create', 'alice', '--password-file', file(`${alicePassword}\n`), '-o', 'json', ...admin()])
    expect(created).toMatchObject({code: 0, stderr: ''})
    expect(JSON.parse(created.stdout)).toEqual([
      {user: 'alice', mechanism: 'SCRAM-SHA-256', iterations: 4096},
      {user: 'alice', mechanism: 'SCRAM-SHA-512', iterations: 4096},
    ])
    const listed = await kctl(['users', 'list', '-o', 'json', ...admin()])
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout)).toEqual([
      {user: 'admin', mechanism: 'SCRAM-SHA-256', iterations: 4096},
      {user: 'admin', mechanism: 'SCRAM-SHA-512', iterations: 4096},
      {user: 'alice', mechanism: 'SCRAM-SHA-256', iterations: 4096},
      {user: 'alice', mechanism: 'SCRAM-SHA-512', iterations: 4096},
    ])
    for (const run of [created, listed]) expect(run.stdout + run.stderr).not.toMatch(/Al1ce-pw-xyz|Adm1n-s3cret/)
  })

  it('takes the password from KCTL_USER_PASSWORD, and without any source refuses with exit 2', async () => {
    const fromEnv = await kctl(['users', 'create', 'carol', '--mechanism', 'SCRAM-SHA-256', ...admin()], {KCTL_USER_PASSWORD: 'c4rol-pw'})
    expect(fromEnv.code).toBe(0)
    expect(fromEnv.stdout).toContain('user carol has credentials for SCRAM-SHA-256')
    const none = await kctl(['users', 'create', 'dave', ...admin()])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('pass --password-file FILE (- for stdin) or set KCTL_USER_PASSWORD')
  })

  it('connects over SASL_SSL with the CA from ssl.truststore.location, and refuses without it', async () => {
    const scram = 'sasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="Adm1n-s3cret";\n'
    const trusted = file(`security.protocol=SASL_SSL\nssl.truststore.type=PEM\nssl.truststore.location=${secure().caFile}\n${scram}`)
    const listed = await kctl(['users', 'list', 'admin', '-o', 'json', '-b', secure().address('SASL_SSL'), '--command-config', trusted])
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout).map((row: {user: string}) => row.user)).toEqual(['admin', 'admin'])
    const untrusted = file(`security.protocol=SASL_SSL\n${scram}`)
    const refused = await kctl(['users', 'list', '-b', secure().address('SASL_SSL'), '--command-config', untrusted])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/unable to list users: cannot connect to .*(self.signed|unable to verify)/)
    expect(refused.stderr).toContain('check the TLS settings')
  })

  it('exits 5 on a wrong password and on a mechanism the broker does not enable', async () => {
    const wrong = await kctl(['users', 'list', '-b', secure().address('SASL_PLAINTEXT'), '--command-config', commandConfig('SCRAM-SHA-256', 'admin', 'nope')])
    expect(wrong.code).toBe(5)
    expect(wrong.stderr).toContain('unable to list users: SASL_AUTHENTICATION_FAILED')
    const plain = await kctl(['users', 'list', '-b', secure().address('SASL_PLAINTEXT'), '--command-config', commandConfig('PLAIN', 'admin', 'Adm1n-s3cret')])
    expect(plain.code).toBe(5)
    expect(plain.stderr).toContain('UNSUPPORTED_SASL_MECHANISM')
    const aclsWrong = await kctl(['acls', 'list', '-b', secure().address('SASL_PLAINTEXT'), '--command-config', commandConfig('SCRAM-SHA-256', 'admin', 'nope')])
    expect(aclsWrong.code).toBe(5)
    expect(aclsWrong.stderr).not.toContain('nope')
  })

  it('creates ACLs with --producer and --consumer, lists them, and exits 5 for a principal without cluster rights', async () => {
    const producer = await kctl(['acls', 'create', '--allow-principal', 'User:alice', '--producer', '--topic', 'orders', '-o', 'json', ...admin()])
    expect(producer.code).toBe(0)
    expect(JSON.parse(producer.stdout).map((row: {operation: string}) => row.operation)).toEqual(['WRITE', 'DESCRIBE', 'CREATE'])
    const consumer = await kctl(['acls', 'create', '--allow-principal', 'User:alice', '--consumer', '--topic', 'orders', '--group', 'etl', ...admin()])
    expect(consumer.code).toBe(0)
    const listed = await kctl(['acls', 'list', '--principal', 'User:alice', '-o', 'json', ...admin()])
    expect(JSON.parse(listed.stdout)).toEqual([
      {resourceType: 'GROUP', resourceName: 'etl', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permission: 'ALLOW'},
      ...['CREATE', 'DESCRIBE', 'READ', 'WRITE'].map((operation) => ({
        resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation, permission: 'ALLOW',
      })),
    ])
    const asAlice = ['-b', secure().address('SASL_PLAINTEXT'), '--command-config', commandConfig('SCRAM-SHA-256', 'alice', alicePassword)]
    const denied = await kctl(['acls', 'create', '--allow-principal', 'User:alice', '--operation', 'All', '--topic', '*', ...asAlice])
    expect(denied.code).toBe(5)
    expect(denied.stderr).toContain('CLUSTER_AUTHORIZATION_FAILED')
    const usersDenied = await kctl(['users', 'list', ...asAlice])
    expect(usersDenied.code).toBe(5)
  })

  it('refuses bad ACL flags with exit 2', async () => {
    const badOperation = await kctl(['acls', 'create', '--allow-principal', 'User:alice', '--operation', 'Write', '--group', 'g', ...admin()])
    expect(badOperation.code).toBe(2)
    expect(badOperation.stderr).toContain('unable to use operation WRITE on group g')
    const badPrincipal = await kctl(['acls', 'create', '--allow-principal', 'alice', '--topic', 't', ...admin()])
    expect(badPrincipal.code).toBe(2)
    expect(badPrincipal.stderr).toContain('expected TYPE:NAME')
  })

  it('deletes ACLs only with --yes when there is no terminal', async () => {
    const refused = await kctl(['acls', 'delete', '--topic', 'orders', '--allow-principal', 'User:alice', '--operation', 'Create', ...admin()])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('pass --yes to confirm')
    const deleted = await kctl(['acls', 'delete', '--topic', 'orders', '--allow-principal', 'User:alice', '--operation', 'Create', '--yes', '-o', 'json', ...admin()])
    expect(deleted.code).toBe(0)
    expect(JSON.parse(deleted.stdout)).toEqual([
      {resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'CREATE', permission: 'ALLOW'},
    ])
    const none = await kctl(['acls', 'delete', '--topic', 'nothing-here', '--yes', ...admin()])
    expect(none.code).toBe(4)
  })

  it('a client without SASL on the SASL listener is told to check security.protocol', async () => {
    // The listener drops a PLAINTEXT client; this used to be "connection closed by the broker", no hint.
    const users = await kctl(['users', 'list', '-b', secure().address('SASL_PLAINTEXT')])
    expect(users.code).toBe(1)
    expect(users.stderr).toMatch(/^error: unable to list users: 127\.0\.0\.1:\d+ closed the connection\n/)
    expect(users.stderr).toContain('check that security.protocol (--command-config or the context) matches the listener')
  })

  it('an empty user name or bad --iterations is refused before the password is asked for', async () => {
    const empty = await kctl(['users', 'create', '', ...admin()])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('unable to create user: the user name must not be empty')
    const iterations = await kctl(['users', 'create', 'gina', '--iterations', '1', ...admin()])
    expect(iterations.code).toBe(2)
    expect(iterations.stderr).toContain('--iterations 1 is outside 4096..16384')
  })

  it('a missing --password-file is one line naming the file, exit 1', async () => {
    const missing = path.join(home, 'no-such-password-file')
    const run = await kctl(['users', 'create', 'frank', '--password-file', missing, ...admin()])
    expect(run.code).toBe(1)
    expect(run.stderr.trim().split('\n')).toEqual([
      `error: unable to read the password for user frank from ${missing}: no such file`,
      'hint: pass a file whose first line is the password (- reads stdin)',
    ])
  })

  it('deletes a user, after which listing it exits 4', async () => {
    const deleted = await kctl(['users', 'delete', 'carol', '--yes', ...admin()])
    expect(deleted.code).toBe(0)
    const listed = await kctl(['users', 'list', 'carol', ...admin()])
    expect(listed.code).toBe(4)
    expect(listed.stderr).toContain('unable to list users: user carol has no SCRAM credentials')
    const again = await kctl(['users', 'delete', 'carol', '--yes', ...admin()])
    expect(again.code).toBe(4)
    expect(again.stderr).toContain('unable to delete user carol: user carol has no SCRAM credentials')
  })
})

describe('kctl acls and kctl users on a broker without security', () => {
  const broker = useBroker()

  it('says the cluster has no authorizer (SECURITY_DISABLED) and how to enable one', async () => {
    const listed = await kctl(['acls', 'list', '-b', broker().bootstrap])
    expect(listed.code).toBe(1)
    expect(listed.stderr).toContain('unable to list ACLs: the cluster has no authorizer (SECURITY_DISABLED)')
    expect(listed.stderr).toContain('authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer')
    // the bundled broker's fix can be pasted as it is (it used to end in "authorizer.class.name=...")
    expect(listed.stderr).toContain('kctl broker start --config authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer)')
  })

  it('still manages SCRAM users (no authorizer means no ACL check, as in Kafka)', async () => {
    const created = await kctl(['users', 'create', 'erin', '-b', broker().bootstrap, '-m', 'SCRAM-SHA-512', '--iterations', '8192', '-o', 'json'], {
      KCTL_USER_PASSWORD: 'erin-pw',
    })
    expect(JSON.parse(created.stdout)).toEqual([{user: 'erin', mechanism: 'SCRAM-SHA-512', iterations: 8192}])
    const tooFew = await kctl(['users', 'create', 'erin', '-b', broker().bootstrap, '--iterations', '1000'], {KCTL_USER_PASSWORD: 'erin-pw'})
    expect(tooFew.code).toBe(2)
    expect(tooFew.stderr).toContain('--iterations 1000 is outside 4096..16384')
  })
})

describe('kctl broker start --tls --sasl-user', () => {
  it('starts a SASL_SSL broker whose admin password never reaches the broker process arguments', async () => {
    const dataDir = path.join(home, 'secured-broker')
    const password = 'b00tstrap-Pw'
    const started = await kctl(['broker', 'start', '--detach', '--port', '0', '--data-dir', dataDir, '--tls', '--sasl-user', 'admin', '-o', 'json'], {
      KCTL_BROKER_ADMIN_PASSWORD: password,
    })
    expect(started.code).toBe(0)
    const {pid, bootstrap} = JSON.parse(started.stdout) as {pid: number; bootstrap: string}
    try {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(password)
      expect(readFileSync(path.join(dataDir, 'security', 'scram-credentials.json'), 'utf8')).not.toContain(password)
      const config = file(
        `security.protocol=SASL_SSL\nssl.truststore.type=PEM\nssl.truststore.location=${path.join(dataDir, 'tls', 'ca.pem')}\n` +
          `sasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${password}";\n`,
      )
      const listed = await kctl(['users', 'list', '-o', 'json', '-b', bootstrap, '--command-config', config])
      expect(listed.code).toBe(0)
      expect(JSON.parse(listed.stdout)).toEqual([
        {user: 'admin', mechanism: 'SCRAM-SHA-256', iterations: 4096},
        {user: 'admin', mechanism: 'SCRAM-SHA-512', iterations: 4096},
      ])
    } finally {
      const stopped = await kctl(['broker', 'stop', '--data-dir', dataDir])
      expect(stopped.code).toBe(0)
    }
  })
})
