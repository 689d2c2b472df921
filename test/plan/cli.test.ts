// kctl plan / init / config lint through the real binary (node bin/run.js, built by `npm test`).
import {execFile, execFileSync} from 'node:child_process'
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import yaml from 'js-yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {resolvePlanInput} from '../../src/plan/input.js'
import {planCapacity} from '../../src/plan/model.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixtures = path.join(root, 'test/config/fixtures')
const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

function kctl(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    // CI=true and no TTY: prompts are off, missing values are usage errors.
    execFile('node', ['bin/run.js', ...args], {cwd: root, env: {...process.env, CI: 'true', NO_COLOR: '1', NODE_NO_WARNINGS: '1'}}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
  })
}

/** One "error: ..." line plus an optional "hint: ..." line, and never a stack trace. */
function expectOneLineError(stderr: string, message: RegExp) {
  const lines = stderr.trim().split('\n')
  expect(lines[0]).toMatch(/^error: /)
  expect(lines[0]).toMatch(message)
  expect(lines.length).toBeLessThanOrEqual(2)
  expect(stderr).not.toMatch(/\n\s+at /)
}

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'kctl-init-'))
})
afterAll(async () => {
  await rm(tmp, {recursive: true, force: true})
})

describe('kctl plan', () => {
  it('-o json carries the same numbers as the model', async () => {
    const args = ['--ha', '--write-mbps', '100', '--fanout', '2', '--retention', '24h', '--partitions', '60', '--cores', '8', '--memory', '32GiB', '--disk', '10000GiB', '--disk-mbps', '1000', '--network', '10Gbps']
    const {code, stdout} = await kctl('plan', ...args, '-o', 'json')
    expect(code).toBe(0)
    const view = JSON.parse(stdout)
    const expected = planCapacity(resolvePlanInput({ha: true, writeMbps: '100', fanout: '2', retention: '24h', partitions: '60', cores: '8', memory: '32GiB', disk: '10000GiB', diskMbps: '1000', network: '10Gbps'}))
    expect(view.brokers).toBe(6)
    expect(view.decidingLimit).toBe('storage')
    expect(view.limits).toEqual(JSON.parse(JSON.stringify(expected.limits)))
    expect(view.faultTolerance).toEqual(expected.faultTolerance)
    expect(view.input.writeMiBps).toBe(100)
  })

  it('prints a table with every limit row and the deciding limit', async () => {
    const {code, stdout} = await kctl('plan', '--write-mbps', '5', '--tier', 'minimum')
    expect(code).toBe(0)
    expect(stdout).toMatch(/DECIDING LIMIT\s+storage/)
    for (const id of ['network-in', 'network-out', 'disk-throughput', 'storage', 'page-cache', 'cpu', 'partitions']) expect(stdout).toContain(id)
    expect(stdout).toMatch(/LIMIT\s+NEED\s+HAVE\s+UNIT\s+UTILISATION\s+STATUS\s+TIER\s+MIN-BROKERS/)
  })

  it('-o yaml parses', async () => {
    const {code, stdout} = await kctl('plan', '--write-mbps', '1', '-o', 'yaml')
    expect(code).toBe(0)
    expect((yaml.load(stdout) as {brokers: number}).brokers).toBeGreaterThanOrEqual(1)
  })

  it('reports hardware below the seed minimum as below-minimum', async () => {
    const {stdout} = await kctl('plan', '--ha', '--write-mbps', '1', '--cores', '2', '-o', 'json')
    const view = JSON.parse(stdout)
    expect(view.limits.find((row: {id: string}) => row.id === 'cpu').status).toBe('below-minimum')
    expect(view.warnings.join(' ')).toMatch(/below the seed's ha minimum/)
  })

  it.each([
    [['--write-mbps=-5'], 2, /invalid --write-mbps "-5"/],
    [['--write-mbps', '5', '--tier', 'huge'], 2, /unknown tier "huge"/],
    [['--write-mbps', '5', '--retention', '7x'], 2, /invalid --retention "7x"/],
    [['--write-mbps', '5', '--disk', 'lots'], 2, /invalid --disk "lots"/],
    [[], 2, /missing --write-mbps/],
    [['--write-mbps', '5', '--bogus'], 2, /Nonexistent flag|bogus/],
  ])('bad input %j exits %d with one line', async (args, exitCode, message) => {
    const {code, stderr} = await kctl('plan', ...args)
    expect(code).toBe(exitCode)
    expectOneLineError(stderr, message)
  })
})

describe('kctl init → kctl config lint', () => {
  it.each([
    ['single', []],
    ['ha-3', ['--ha', '--nodes', '3']],
    ['ha-5', ['--ha', '--nodes', '5']],
    ['dedicated', ['--ha', '--nodes', '3', '--dedicated-controllers']],
    ['hosts', ['--ha', '--hosts', 'k1.example.com,k2.example.com,k3.example.com']],
    ['sasl-plaintext', ['--security', 'sasl_plaintext']],
    ['sasl-ssl-ha', ['--ha', '--nodes', '3', '--security', 'sasl_ssl']],
    ['sasl-ssl-dedicated', ['--ha', '--nodes', '5', '--dedicated-controllers', '--security', 'sasl_ssl']],
  ])('%s lints with zero errors', async (name, args) => {
    const out = path.join(tmp, name)
    const init = await kctl('init', '--out', out, ...args, '-o', 'json')
    expect(init.code, init.stderr).toBe(0)
    const written = JSON.parse(init.stdout)
    expect(written.files).toEqual(expect.arrayContaining(['PLAN.md', 'kafka-env.sh', 'format-storage.sh', 'docker-compose.yml', 'systemd/kafka.service', 'prometheus/kafka-alerts.yml', 'grafana/kafka-dashboard.json', 'jmx-exporter.yml']))
    expect(written.clusterId).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    const properties = (await readdir(out)).filter((file) => file.endsWith('.properties')).map((file) => path.join(out, file))
    expect(properties.length).toBe(written.nodes.length)
    const lint = await kctl('config', 'lint', ...properties, '-o', 'json')
    const report = JSON.parse(lint.stdout)
    expect(report.findings.filter((finding: {severity: string}) => finding.severity === 'error')).toEqual([])
    expect(lint.code).toBe(0)
    expect((await stat(path.join(out, 'format-storage.sh'))).mode & 0o100).toBe(0o100)
    for (const script of ['format-storage.sh', 'kafka-env.sh']) execFileSync('bash', ['-n', path.join(out, script)])
  })

  it('format-storage.sh runs kafka-storage.sh format with the cluster id, the node\'s file and the SCRAM admin', async () => {
    const out = path.join(tmp, 'format')
    const init = JSON.parse((await kctl('init', '--security', 'sasl_plaintext', '--out', out, '-o', 'json')).stdout)
    // A stand-in kafka-storage.sh that prints its arguments one per line.
    const kafkaHome = path.join(tmp, 'fake-kafka')
    await mkdir(path.join(kafkaHome, 'bin'), {recursive: true})
    await writeFile(path.join(kafkaHome, 'bin/kafka-storage.sh'), '#!/bin/sh\nfor arg in "$@"; do echo "$arg"; done\n', {mode: 0o755})
    const args = execFileSync('bash', [path.join(out, 'format-storage.sh'), path.join(out, 'server-1.properties')], {env: {...process.env, KAFKA_HOME: kafkaHome}, encoding: 'utf8'}).trim().split('\n')
    const password = /password="([^"]+)"/.exec(await readFile(path.join(out, 'server-1.properties'), 'utf8'))![1]
    expect(args).toEqual(['format', '--cluster-id', init.clusterId, '--config', path.join(out, 'server-1.properties'), '--add-scram', `SCRAM-SHA-512=[name=admin,password=${password}]`])
  })

  it('writes the plan\'s broker count for --ha and refuses to overwrite without --force', async () => {
    const out = path.join(tmp, 'again')
    expect((await kctl('init', '--ha', '--out', out)).code).toBe(0)
    expect((await readdir(out)).filter((file) => file.endsWith('.properties'))).toHaveLength(3)
    const second = await kctl('init', '--out', out)
    expect(second.code).toBe(1)
    expectOneLineError(second.stderr, /not empty/)
    expect((await kctl('init', '--out', out, '--force')).code).toBe(0)
  })

  it('warns when fewer nodes are written than the plan needs', async () => {
    const {code, stdout} = await kctl('init', '--ha', '--nodes', '3', '--write-mbps', '50', '--out', path.join(tmp, 'small'), '-o', 'json')
    expect(code).toBe(0)
    // 50 MiB/s for 7 days at RF 3 needs 116 brokers of 1 TiB (rounded to 117), so 3 is short
    expect(JSON.parse(stdout).warnings).toContain('only 3 broker(s) written, the plan needs 117: add hosts (--hosts) or nodes (--nodes)')
  })

  it.each([
    [['--nodes', '3'], /3 nodes need --ha/],
    [['--ha', '--nodes', '2'], /at least 3 broker nodes/],
    [['--security', 'tls'], /Expected --security=tls to be one of|tls/],
    [['--write-mbps', '0'], /invalid --write-mbps "0"/],
    [['--ha', '--hosts', 'a,a,b'], /--hosts lists a twice/],
  ])('init %j is a usage error', async (args, message) => {
    const {code, stderr} = await kctl('init', '--out', path.join(tmp, 'bad'), ...args)
    expect(code).toBe(2)
    expectOneLineError(stderr, message)
  })
})

describe('kctl init --out that cannot be written', () => {
  it('an empty --out is a usage error', async () => {
    const {code, stderr} = await kctl('init', '--out', '')
    expect(code).toBe(2)
    expectOneLineError(stderr, /--out is empty/)
  })

  it('a path under a file is one line and exit 1', async () => {
    const file = path.join(tmp, 'plain-file')
    await writeFile(file, 'x')
    const {code, stderr} = await kctl('init', '--out', path.join(file, 'sub'))
    expect(code).toBe(1)
    expectOneLineError(stderr, /unable to write .*plain-file\/sub: part of the path is a file/)
  })

  // Regression: mkdir({recursive: true}) spun forever on /proc/x, so init never returned.
  it.skipIf(process.platform !== 'linux')('a path the kernel refuses (/proc/x) fails instead of hanging', async () => {
    const {code, stderr} = await kctl('init', '--out', '/proc/kctl-init-test')
    expect(code).toBe(1)
    expectOneLineError(stderr, /unable to write \/proc\/kctl-init-test: the path cannot be created/)
  }, 20_000)
})

// make-certs.sh needs openssl; the Java check needs keytool (a JDK), as real brokers have.
describe.skipIf(!has('openssl'))('make-certs.sh for sasl_ssl', () => {
  it('creates a CA and per-host PKCS12 keystores that open with the generated password', async () => {
    const out = path.join(tmp, 'certs')
    expect((await kctl('init', '--ha', '--hosts', 'k1.test,k2.test,k3.test', '--security', 'sasl_ssl', '--out', out)).code).toBe(0)
    execFileSync('bash', [path.join(out, 'make-certs.sh')], {stdio: 'pipe'})
    const password = (await readFile(path.join(out, 'ssl/store_creds'), 'utf8')).trim()
    for (const host of ['k1.test', 'k2.test', 'k3.test']) {
      const keystore = path.join(out, `ssl/${host}.keystore.p12`)
      const certificate = execFileSync('openssl', ['pkcs12', '-in', keystore, '-passin', `pass:${password}`, '-nokeys', '-clcerts'], {encoding: 'utf8'})
      const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], {input: certificate, encoding: 'utf8'})
      expect(text).toContain(`DNS:${host}`)
      execFileSync('openssl', ['verify', '-CAfile', path.join(out, 'ssl/ca.pem'), path.join(out, `ssl/${host}.crt`)])
      if (has('keytool')) {
        const listing = execFileSync('keytool', ['-list', '-keystore', keystore, '-storetype', 'PKCS12', '-storepass', password], {encoding: 'utf8'})
        expect(listing).toMatch(/kafka, .*PrivateKeyEntry/)
      }
    }
    const server = await readFile(path.join(out, 'server-1.properties'), 'utf8')
    expect(server).toContain('ssl.keystore.location=/etc/kafka/ssl/k1.test.keystore.p12')
    expect(server).toContain('ssl.truststore.location=/etc/kafka/ssl/ca.pem')
  })
})

describe('kctl config lint', () => {
  it('reports the seed examples\' mistakes and exits 3', async () => {
    const {code, stdout} = await kctl('config', 'lint', path.join(fixtures, 'seed-single.properties'), '-o', 'json')
    expect(code).toBe(3)
    expect(JSON.parse(stdout).findings.map((finding: {rule: string}) => finding.rule)).toContain('broker-id-conflict')
    const ha = await kctl('config', 'lint', path.join(fixtures, 'seed-ha.properties'))
    expect(ha.code).toBe(3)
    expect(ha.stdout).toMatch(/seed-ha\.properties:28\s+error\s+duplicate-key/)
    expect(ha.stdout).toMatch(/seed-ha\.properties:2\s+error\s+inline-comment/)
    expect(ha.stdout).toContain('fix: ')
  })

  it('warnings alone exit 0, or 3 with --strict', async () => {
    const file = path.join(tmp, 'warn.properties')
    await writeFile(file, 'process.roles=broker,controller\nnode.id=1\ncontroller.quorum.voters=1@localhost:9093\ncontroller.listener.names=CONTROLLER\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093\nlistener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\nlog.dirs=/var/lib/kafka\noffsets.topic.replication.factor=1\ntransaction.state.log.replication.factor=1\nshare.coordinator.state.topic.replication.factor=1\n')
    const relaxed = await kctl('config', 'lint', file)
    expect(relaxed.code).toBe(0)
    expect(relaxed.stdout).toMatch(/0 error\(s\), 2 warning\(s\)/)
    expect((await kctl('config', 'lint', file, '--strict')).code).toBe(3)
  })

  it('an unreadable file is one line and exit 1', async () => {
    const {code, stderr} = await kctl('config', 'lint', path.join(tmp, 'missing.properties'))
    expect(code).toBe(1)
    expectOneLineError(stderr, /unable to read .*missing\.properties: no such file/)
  })

  it('a directory is one line and exit 1', async () => {
    const {code, stderr} = await kctl('config', 'lint', tmp)
    expect(code).toBe(1)
    expectOneLineError(stderr, /it is a directory/)
  })

  // Regression: a binary file was linted, printing its bytes as unknown keys.
  it('a binary file is one line and exit 1', async () => {
    const file = path.join(tmp, 'binary.properties')
    await writeFile(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x0a, 0x3d, 0x00]))
    const {code, stdout, stderr} = await kctl('config', 'lint', file)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expectOneLineError(stderr, /unable to read .*binary\.properties: not a text file/)
  })

  it('a finding about the whole file shows the file without a line 0', async () => {
    const file = path.join(tmp, 'empty.properties')
    await writeFile(file, '')
    const {code, stdout} = await kctl('config', 'lint', file)
    expect(code).toBe(3)
    expect(stdout).toMatch(/empty\.properties\s+error\s+missing-kraft-key/)
    expect(stdout).not.toContain('empty.properties:0')
  })

  it('CRLF line endings read like LF ones', async () => {
    const lf = await readFile(path.join(fixtures, 'seed-single.properties'), 'utf8')
    const file = path.join(tmp, 'crlf.properties')
    await writeFile(file, lf.replaceAll('\n', '\r\n'))
    const crlf = await kctl('config', 'lint', file, '-o', 'json')
    const plain = await kctl('config', 'lint', path.join(fixtures, 'seed-single.properties'), '-o', 'json')
    const strip = (stdout: string) => JSON.parse(stdout).findings.map(({rule, line, message}: {rule: string; line: number; message: string}) => ({rule, line, message}))
    expect(crlf.code).toBe(3)
    expect(strip(crlf.stdout)).toEqual(strip(plain.stdout))
  })
})
