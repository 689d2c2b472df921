// Shared by the reliability suites: free ports, polling, kafkajs clients against a bootstrap,
// processes that mention a path, and the bundled broker in a child process (the one process a
// test may kill -9 without taking vitest down).
import {type ChildProcess, spawn} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {Kafka, logLevel} from 'kafkajs'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const runJs = path.join(root, 'bin', 'run.js')
// vite-node (shipped with vitest) runs a TypeScript child without a build step.
const viteNode = path.join(root, 'node_modules/vite-node/vite-node.mjs')

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Resolves whether something accepts TCP connections on host:port. */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({host, port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Live processes whose command line mentions `text` (a data dir), this one excluded. */
export function processesMentioning(text: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry))
    } catch {
      // exited while we looked
    }
  }
  return pids
}

export function kafka(bootstrap: string, clientId = 'kctl-reliability'): Kafka {
  return new Kafka({clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 2, initialRetryTime: 100}})
}

export interface BrokerChild {
  child: ChildProcess
  bootstrap: string
  port: number
  /** Every bound listener, `NAME://host:port,...`. */
  listenersLine: string
  /** Resolves once the process has exited (after a kill). */
  exited: Promise<void>
  stderr(): string
}

/**
 * The broker (src/broker, startBroker) in its own process via vite-node, on `port` (0 =
 * ephemeral) and `dataDir`, with Kafka settings; resolves once it serves. The child exits on
 * SIGTERM after a graceful close, and dies on SIGKILL like any broker.
 */
export async function spawnBroker(dataDir: string, options: {port?: number; config?: Record<string, string>; fsync?: 'always' | 'interval'} = {}): Promise<BrokerChild> {
  const fixture = path.join(root, 'test/reliability/fixtures/broker-process.ts')
  const child = spawn(process.execPath, [viteNode, fixture, JSON.stringify({dataDir, port: options.port ?? 0, config: options.config ?? {}, fsync: options.fsync})], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let out = ''
  const bootstrap = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk
      const match = /^serving (\S+)$/m.exec(out)
      if (match) resolve(match[1])
    })
    void exited.then(() => reject(new Error(`the broker process exited before serving: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)))
  })
  const listenersLine = /^listeners (\S+)$/m.exec(out)?.[1] ?? ''
  return {child, bootstrap, port: Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1)), listenersLine, exited, stderr: () => stderr}
}

/** Stops the broker process with `signal`; one that has not exited 20 s after a SIGTERM gets SIGKILL. */
export async function killBroker(broker: BrokerChild, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (broker.child.exitCode === null && broker.child.signalCode === null) broker.child.kill(signal)
  const timer = setTimeout(() => broker.child.kill('SIGKILL'), 20_000)
  await broker.exited
  clearTimeout(timer)
}
