// A foreground `kctl broker start` is run by bin/fast-broker-start.js without loading oclif: it
// parses the flags with the command's own table (commands/broker/_start-flags.ts) or hands the
// command line to oclif. These check that the broker it starts serves a third-party client, that
// oclif was not loaded for it, that every command line it parses comes out as oclif parses it,
// and that what it prints on errors (and the exit code) is what the oclif command prints.
import {execFile, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {Parser} from '@oclif/core'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'
// @ts-expect-error plain JavaScript module without declarations
import {parseFlags} from '../../bin/fast-broker-start.js'
import {brokerStartFlags} from '../../commands/broker/_start-flags.js'
import BrokerStart from '../../commands/broker/start.js'

const root = path.resolve(import.meta.dirname, '..', '..')
const recorder = path.join(root, 'test/helpers/record-imports.mjs')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-fast-start-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function kctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'run.js'), ...args], {cwd: root, timeout: 60_000, env: {...process.env, NO_COLOR: '1', ...env}}, (error, stdout, stderr) =>
      resolve({code: error ? ((error as {code?: number}).code ?? null) : 0, stdout, stderr}),
    )
  })
}

describe('kctl broker start in the foreground, without oclif', () => {
  it('serves kafkajs, stops on SIGINT with exit code 0, and never loads @oclif/core', async () => {
    const dataDir = path.join(tmp, 'served')
    const record = path.join(tmp, 'modules.txt')
    const child = spawn(process.execPath, ['--import', recorder, 'bin/run.js', 'broker', 'start', '--port', '0', '--data-dir', dataDir, '-c', 'num.partitions=2'], {
      cwd: root,
      env: {...process.env, NO_COLOR: '1', KCTL_RECORD_IMPORTS: record},
    })
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const infoFile = path.join(dataDir, 'broker.json')
    while (!existsSync(infoFile)) await new Promise((resolve) => setTimeout(resolve, 50))
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as {pid: number; host: string; port: number}
    expect(info.pid).toBe(child.pid)

    const admin = new Kafka({clientId: 'fast-start', brokers: [`${info.host}:${info.port}`], logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    try {
      expect(await admin.createTopics({topics: [{topic: 'made'}]})).toBe(true)
      // --config num.partitions=2 reached the broker.
      const metadata = await admin.fetchTopicMetadata({topics: ['made']})
      expect(metadata.topics[0].partitions).toHaveLength(2)
    } finally {
      await admin.disconnect()
    }
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/INFO SIGINT: stopping\n.*INFO broker stopped; logs flushed\n$/)

    const modules = readFileSync(record, 'utf8').split('\n').filter(Boolean)
    expect(modules.some((m) => m.endsWith('/bin/fast-broker-start.js'))).toBe(true)
    expect(modules.filter((m) => m.includes('/@oclif/core/'))).toEqual([])
    expect(modules.filter((m) => m.endsWith('/dist/commands/broker/start.js'))).toEqual([])
  })

  it('parses every command line it takes as oclif parses it, and hands the others to oclif', async () => {
    const parsedFast = [
      [],
      ['--port', '19092'],
      ['--port=0', '--host=0.0.0.0', '--advertised-host', 'kafka.local'],
      ['-p', '9093', '-c', 'num.partitions=3', '--config', 'log.retention.hours=24', '--config=a.b=c=d'],
      ['--data-dir', '/tmp/somewhere', '--fsync', 'always', '--tls'],
      ['--metrics-port', '9308', '--config-file', 'server.properties'],
      ['--sasl-user', 'admin', '--sasl-password-file', 'pw.txt'],
      ['--detach'],
    ]
    const handedOver = [
      ['--port', '70000'],
      ['--port', 'abc'],
      ['-p', '-1'],
      ['--fsync', 'sometimes'],
      ['--sasl-password-file', 'x'],
      ['--port', '1', '--port', '2'],
      ['--host'],
      ['--host', '--tls'],
      ['--host='],
      ['extra'],
      ['--', '--port', '1'],
      ['-p9092'],
      ['-dp', '9092'],
      ['--tls=true'],
      ['-o', 'json'],
      ['--output', 'table'],
      ['--debug'],
      ['--help'],
      ['--config', 'a=1', 'b=2'],
      ['--constructor', 'x'],
    ]
    const flags = {...BrokerStart.baseFlags, ...BrokerStart.flags}
    for (const argv of parsedFast) {
      const fast = parseFlags(argv, brokerStartFlags) as {flags: Record<string, unknown>; given: Set<string>} | undefined
      expect(fast, argv.join(' ')).toBeDefined()
      const oclif = await Parser.parse(argv, {flags, strict: true})
      // --output is oclif's alone (a foreground start takes only its default, table).
      const {output, ...oclifFlags} = oclif.flags as Record<string, unknown>
      expect(output).toBe('table')
      expect(fast!.flags, argv.join(' ')).toEqual(oclifFlags)
      expect(fast!.given.has('port'), argv.join(' ')).toBe(!oclif.metadata.flags.port?.setFromDefault)
    }
    for (const argv of handedOver) expect(parseFlags(argv, brokerStartFlags), argv.join(' ')).toBeUndefined()
  })

  it("prints the command's own errors and exit codes", async () => {
    const busy = net.createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => busy.once('listening', resolve))
    const busyPort = String((busy.address() as net.AddressInfo).port)
    const never = path.join(tmp, 'never')
    const cases = [
      ['--port', '70000', '--data-dir', never],
      ['--port', '0', '--data-dir', never, '--config-file', path.join(tmp, 'nope.properties')],
      ['--port', '0', '--data-dir', never, '--config', 'listeners=PLAINTEXT://127.0.0.1:0'],
      ['--port', '0', '--data-dir', never, '-c', 'num.partition=3'],
      ['--port', '0', '--data-dir', never, '--config', 'bad'],
      ['--port', '0', '--data-dir', never, '--sasl-user', 'a:b'],
      ['--port', '0', '--data-dir', never, '-o', 'json'],
      ['--port', busyPort, '--data-dir', path.join(tmp, 'busy')],
      ['--port', '0', '--data-dir', path.join(tmp, 'bad-listeners'), '--config', 'listeners=NOPE'],
    ]
    try {
      for (const args of cases) {
        const fast = await kctl(['broker', 'start', ...args])
        const oclif = await kctl(['broker', 'start', ...args], {KCTL_NO_FAST_START: '1'})
        expect(fast.code, args.join(' ')).not.toBe(0)
        expect(fast, args.join(' ')).toEqual(oclif)
      }
    } finally {
      busy.close()
    }
  }, 180_000)
})
