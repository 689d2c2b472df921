// `kctl broker start|status|logs|stop` as an operator runs them: real processes (node
// bin/run.js after `npm run build`), a temp --data-dir and a free port.
import {execFile, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {RawClient} from './raw-client.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

function kctl(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'run.js'), ...args], {cwd: root, timeout: 30_000, env: {...process.env, NO_COLOR: '1'}}, (error, stdout, stderr) =>
      resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    )
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

describe('kctl broker commands', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-broker-cmd-'))
  const dataDir = path.join(tmp, 'data')
  afterAll(async () => {
    await kctl(['broker', 'stop', '--data-dir', dataDir])
    rmSync(tmp, {recursive: true, force: true})
  })

  it('starts detached, reports status, shows its log and stops gracefully', async () => {
    const port = await freePort()
    const started = await kctl(['broker', 'start', '--detach', '--port', String(port), '--data-dir', dataDir, '--config', 'num.partitions=2', '-o', 'json'])
    expect(started.stderr).toBe('')
    expect(started.code).toBe(0)
    const view = JSON.parse(started.stdout)
    expect(view).toMatchObject({bootstrap: `127.0.0.1:${port}`, dataDir, logFile: path.join(dataDir, 'broker.log')})
    expect(existsSync(path.join(dataDir, 'broker.json'))).toBe(true)

    const status = await kctl(['broker', 'status', '--data-dir', dataDir, '-o', 'json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({running: true, pid: view.pid, bootstrap: `127.0.0.1:${port}`, topics: 0, partitions: 0})

    const table = await kctl(['broker', 'status', '--data-dir', dataDir])
    expect(table.stdout).toMatch(/PID\s+\d+/)
    expect(table.stdout).toContain(`127.0.0.1:${port}`)

    const logs = await kctl(['broker', 'logs', '--data-dir', dataDir])
    expect(logs.stdout).toMatch(/INFO broker 1 of cluster \S+ listening on PLAINTEXT:\/\/127\.0\.0\.1:\d+/)

    const stopped = await kctl(['broker', 'stop', '--data-dir', dataDir])
    expect(stopped.code).toBe(0)
    expect(stopped.stdout).toContain(`broker stopped (pid ${view.pid}`)
    expect(existsSync(path.join(dataDir, 'broker.json'))).toBe(false)
    expect((await kctl(['broker', 'logs', '--data-dir', dataDir])).stdout).toMatch(/broker stopped; logs flushed/)

    const after = await kctl(['broker', 'status', '--data-dir', dataDir])
    expect(after.code).toBe(1)
    expect(after.stderr).toMatch(/^error: no bundled broker is running on .*\nhint: start one with `kctl broker start --detach`\n$/)
  })

  it('reads --config-file server.properties and warns about the Kafka settings it ignores', async () => {
    const file = path.join(tmp, 'server.properties')
    writeFileSync(file, '# from a real cluster\nnum.partitions=3\nzookeeper.connect=zk:2181\nlog.retention.hours = 24\n')
    const other = path.join(tmp, 'from-file')
    const started = await kctl(['broker', 'start', '--detach', '--port', '0', '--data-dir', other, '--config-file', file, '--metrics-port', '0'])
    try {
      expect(started.code).toBe(0)
      expect(started.stderr).toBe('warning: ignoring zookeeper.connect=zk:2181: ZooKeeper is gone in Kafka 4 and the bundled broker has no quorum\n')
      expect(started.stdout).toMatch(/metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/)
      const status = JSON.parse((await kctl(['broker', 'status', '--data-dir', other, '-o', 'json'])).stdout)
      expect(status.metricsPort).toBeGreaterThan(0)
    } finally {
      expect((await kctl(['broker', 'stop', '--data-dir', other])).code).toBe(0)
    }
  })

  it('runs in the foreground until Ctrl-C, then stops gracefully with exit code 0', async () => {
    const foreground = path.join(tmp, 'foreground')
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'broker', 'start', '--port', '0', '--data-dir', foreground], {cwd: root})
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    while (!existsSync(path.join(foreground, 'broker.json'))) await new Promise((resolve) => setTimeout(resolve, 50))
    const status = JSON.parse((await kctl(['broker', 'status', '--data-dir', foreground, '-o', 'json'])).stdout)
    expect(status).toMatchObject({running: true, logFile: null})
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/INFO SIGINT: stopping\n.*INFO broker stopped; logs flushed\n$/)
    expect(existsSync(path.join(foreground, 'broker.json'))).toBe(false)
  })

  it('stops gracefully when the terminal of a foreground broker closes (SIGHUP), as Kafka does', async () => {
    const foreground = path.join(tmp, 'hangup')
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'broker', 'start', '--port', '0', '--data-dir', foreground], {cwd: root})
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    while (!existsSync(path.join(foreground, 'broker.json'))) await new Promise((resolve) => setTimeout(resolve, 50))
    child.kill('SIGHUP')
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/INFO SIGHUP: stopping\n.*INFO broker stopped; logs flushed\n$/)
    // The clean-shutdown marker spares the next start its recovery pass.
    expect(existsSync(path.join(foreground, '.kafka_cleanshutdown'))).toBe(true)
  })

  // The exchange: `kctl broker start | head -1` — the reader exits after the first line, and
  // the broker's next log line (a topic created) used to kill it with an unhandled EPIPE.
  it('keeps serving in the foreground after the reader of its output goes away', async () => {
    const foreground = path.join(tmp, 'piped')
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'broker', 'start', '--port', '0', '--data-dir', foreground], {cwd: root})
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await new Promise((resolve) => child.stdout.once('data', resolve))
    child.stdout.destroy()
    const {bootstrap} = JSON.parse((await kctl(['broker', 'status', '--data-dir', foreground, '-o', 'json'])).stdout)
    const client = await RawClient.connect(bootstrap)
    try {
      for (const name of ['logged-1', 'logged-2']) {
        const created = await client.request(19, 7, {topics: [{name, numPartitions: 1, replicationFactor: 1}]})
        expect(created.topics[0].errorCode).toBe(0)
      }
    } finally {
      client.close()
    }
    const status = await kctl(['broker', 'status', '--data-dir', foreground, '-o', 'json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({running: true, topics: 2})
    expect((await kctl(['broker', 'stop', '--data-dir', foreground])).code).toBe(0)
    expect(await exited).toBe(0)
  })

  it('says why topics are unknown when the running broker does not answer', async () => {
    const stalledDir = path.join(tmp, 'stalled')
    const started = await kctl(['broker', 'start', '--detach', '--port', '0', '--data-dir', stalledDir, '-o', 'json'])
    expect(started.code).toBe(0)
    const {pid} = JSON.parse(started.stdout)
    process.kill(pid, 'SIGSTOP')
    try {
      const status = await kctl(['broker', 'status', '--data-dir', stalledDir])
      expect(status.code).toBe(0)
      expect(status.stdout).toMatch(/TOPICS\s+unknown: no answer within 5000 ms\n/)
    } finally {
      process.kill(pid, 'SIGCONT')
      expect((await kctl(['broker', 'stop', '--data-dir', stalledDir])).code).toBe(0)
    }
  })

  it('refuses a second instance on the same data dir and a port already in use, in one line each', async () => {
    const port = await freePort()
    expect((await kctl(['broker', 'start', '--detach', '--port', String(port), '--data-dir', dataDir])).code).toBe(0)
    try {
      const second = await kctl(['broker', 'start', '--detach', '--port', '0', '--data-dir', dataDir])
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(/^error: unable to start the broker: another broker \(pid \d+\) is running on /)

      const busy = await kctl(['broker', 'start', '--detach', '--port', String(port), '--data-dir', path.join(tmp, 'other')])
      expect(busy.code).toBe(1)
      expect(busy.stderr).toBe(
        `error: unable to start the broker: port ${port} on 127.0.0.1 is already in use\nhint: stop whatever holds it or choose another with --port\n`,
      )
    } finally {
      expect((await kctl(['broker', 'stop', '--data-dir', dataDir])).code).toBe(0)
    }
  })

  it('rejects an unwritable data dir and unknown settings before starting', async () => {
    const file = path.join(root, 'package.json')
    const unwritable = await kctl(['broker', 'start', '--detach', '--port', '0', '--data-dir', path.join(file, 'sub')])
    expect(unwritable.code).toBe(1)
    expect(unwritable.stderr).toMatch(/^error: unable to start the broker: data dir .* is not writable \(ENOTDIR\)\nhint: choose a writable directory with --data-dir\n$/)
    // Node 20's recursive mkdir never returns under /proc; both the foreground and the detached
    // start must answer instead of hanging.
    for (const detach of [[], ['--detach']]) {
      const underProc = await kctl(['broker', 'start', ...detach, '--port', '0', '--data-dir', '/proc/kctl-test/data'])
      expect(underProc.code).toBe(1)
      expect(underProc.stderr).toBe('error: unable to start the broker: data dir /proc/kctl-test/data is not writable (ENOENT)\nhint: choose a writable directory with --data-dir\n')
    }

    const unknown = await kctl(['broker', 'start', '--detach', '--port', '0', '--data-dir', path.join(tmp, 'x'), '--config', 'num.partition=3'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown setting "num.partition"\nhint: did you mean num.partitions\?/)

    const badFile = path.join(tmp, 'bad.properties')
    writeFileSync(badFile, 'num.partitions=2\nlog.retention.hourz=1\n')
    const fromFile = await kctl(['broker', 'start', '--detach', '--port', '0', '--data-dir', path.join(tmp, 'y'), '--config-file', badFile])
    expect(fromFile.code).toBe(2)
    expect(fromFile.stderr).toMatch(/unknown setting "log.retention.hourz"\nhint: did you mean log.retention.hours\?/)

    const stop = await kctl(['broker', 'stop', '--data-dir', path.join(tmp, 'never-started')])
    expect(stop.code).toBe(1)
    expect(stop.stderr).toMatch(/no bundled broker is running/)
  })

  it('names a bad --port, a missing --config-file and a --port that listeners would override, in one line each', async () => {
    const dir = path.join(tmp, 'never-created')
    const tooHigh = await kctl(['broker', 'start', '--port', '70000', '--data-dir', dir])
    expect(tooHigh.code).toBe(2)
    expect(tooHigh.stderr).toBe('error: invalid --port: Expected an integer less than or equal to 65535 but received: 70000\nhint: see `kctl broker start --help`\n')
    const notNumber = await kctl(['broker', 'start', '--port', 'abc', '--data-dir', dir])
    expect(notNumber.code).toBe(2)
    expect(notNumber.stderr).toMatch(/^error: invalid --port: Expected an integer but received: abc\n/)

    const missing = await kctl(['broker', 'start', '--port', '0', '--data-dir', dir, '--config-file', path.join(tmp, 'nope.properties')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^error: unable to read --config-file \S+nope.properties: no such file\nhint: .*\n$/)

    // Kafka's own server.properties names its port in listeners; an explicit --port would be dropped.
    const conflict = await kctl(['broker', 'start', '--port', '0', '--data-dir', dir, '--config', 'listeners=PLAINTEXT://127.0.0.1:0'])
    expect(conflict.code).toBe(2)
    expect(conflict.stderr).toMatch(/^error: unable to start the broker: --port 0 conflicts with listeners=PLAINTEXT:\/\/127.0.0.1:0\nhint: drop --port/)
    expect(existsSync(dir)).toBe(false)
  })
})
