// Running the bundled broker as an operator does: in the foreground (Ctrl-C = graceful stop),
// detached (pid and log file in the data dir), found again by other commands through
// `<dataDir>/broker.json`, stopped with SIGTERM. The detached process runs ./main.js, which
// loads only the broker, never oclif.
import {spawn} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {ExitCode, KctlError} from '../errors.js'
import {defaultBrokerDataDir} from '../paths.js'
import {BROKER_INFO_FILE, type BrokerInfo, isAlive, readRunningBroker} from '../local-broker.js'
import {decodeResponse, encodeRequest} from '../kafka/protocol/index.js'
import type {StartBrokerOptions} from './index.js'
import type {Logger} from './types.js'

export const BROKER_LOG_FILE = 'broker.log'

/** Options as the detached process receives them (JSON on its command line). */
export type DaemonOptions = Omit<StartBrokerOptions, 'logger'> & {logFile: string | null}

export function kctlVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as {name?: string; version?: string}
      if (pkg.name === 'kctl') return pkg.version ?? 'unknown'
    }
    dir = path.dirname(dir)
  }
  return 'unknown'
}

/** Timestamped lines, as Kafka's server.log: `[2025-01-01T00:00:00.000Z] INFO message`. */
export function lineLogger(write: (line: string) => void, debug = false): Logger {
  const line = (level: string) => (message: string) => write(`[${new Date().toISOString()}] ${level} ${message}\n`)
  return {info: line('INFO'), warn: line('WARN'), error: line('ERROR'), debug: debug ? line('DEBUG') : () => {}}
}

function refuseSecondInstance(dataDir: string): void {
  const running = readRunningBroker(dataDir)
  if (running)
    throw new KctlError(`unable to start the broker: another broker (pid ${running.pid}) is running on ${dataDir} at ${running.host}:${running.port}`, {
      hint: 'stop it with `kctl broker stop` or use another --data-dir',
    })
}

/**
 * Runs the broker in this process until SIGINT/SIGTERM, then stops it gracefully (responses
 * written, logs flushed, broker.json removed) and resolves with the exit code to use.
 */
export async function runBroker(options: DaemonOptions, logger: Logger): Promise<number> {
  const dataDir = path.resolve(options.dataDir)
  refuseSecondInstance(dataDir)
  const {startBroker} = await import('./index.js')
  const broker = await startBroker({...options, dataDir, logger})
  const info: BrokerInfo = {
    pid: process.pid,
    host: broker.bootstrap.slice(0, broker.bootstrap.lastIndexOf(':')),
    port: broker.port,
    metricsPort: broker.metricsPort ?? null,
    dataDir,
    startedAt: new Date(broker.state.startedAtMs).toISOString(),
    version: kctlVersion(),
    logFile: options.logFile,
  }
  const infoFile = path.join(dataDir, BROKER_INFO_FILE)
  writeFileSync(`${infoFile}.tmp`, `${JSON.stringify(info, null, 2)}\n`)
  renameSync(`${infoFile}.tmp`, infoFile)
  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      logger.info(`${signal}: stopping`)
      broker
        .close()
        .then(
          () => 0,
          (err: Error) => {
            logger.error(`shutdown failed: ${err.message}`)
            return 1
          },
        )
        .then((code) => {
          rmSync(infoFile, {force: true})
          resolve(code)
        })
    }
    // `on`, not `once`: Ctrl-C reaches this process twice in the foreground (from the terminal
    // and forwarded by the parent), and a second default SIGINT would kill it mid-shutdown.
    // SIGHUP (the terminal of a foreground broker closed) stops it gracefully too, as Kafka's JVM does.
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    process.on('SIGHUP', stop)
  })
}

/**
 * Runs the broker in the foreground as a child process with this terminal's stdio, so the
 * broker process stays lean (no oclif in its heap); signals are passed on and its exit code
 * returned. Ctrl-C reaches both processes; the broker stops once either way.
 */
export async function runForeground(options: Omit<DaemonOptions, 'logFile'>): Promise<number> {
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js')
  const child = spawn(process.execPath, [main, JSON.stringify({...options, logFile: null})], {stdio: 'inherit'})
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  process.on('SIGHUP', forward)
  try {
    return await new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1))))
  } finally {
    process.off('SIGINT', forward)
    process.off('SIGTERM', forward)
    process.off('SIGHUP', forward)
  }
}

/** Starts the broker as a detached process logging to `<dataDir>/broker.log`; resolves when it
 *  serves (broker.json written) or rejects with its first error line. */
export async function startDetached(options: Omit<DaemonOptions, 'logFile'>, timeoutMs = 15_000): Promise<BrokerInfo> {
  const dataDir = path.resolve(options.dataDir)
  refuseSecondInstance(dataDir)
  const logFile = path.join(dataDir, BROKER_LOG_FILE)
  let logFd: number
  try {
    mkdirSync(dataDir, {recursive: true})
    // An existing directory the user cannot write fails here, on the log file.
    logFd = openSync(logFile, 'a')
  } catch (err) {
    throw new KctlError(`unable to start the broker: data dir ${dataDir} is not writable (${(err as NodeJS.ErrnoException).code})`, {
      hint: 'choose a writable directory with --data-dir',
    })
  }
  const logStart = statSync(logFile).size
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js')
  const child = spawn(process.execPath, [main, JSON.stringify({...options, dataDir, logFile})], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  })
  closeSync(logFd)
  let exitCode: number | null = null
  child.once('exit', (code) => (exitCode = code ?? 1))
  child.unref()
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    const info = readRunningBroker(dataDir)
    if (info && info.pid === child.pid) return info
    if (exitCode !== null) throw detachedFailure(logFile, logStart, exitCode)
  }
  throw new KctlError(`unable to start the broker: it did not start serving within ${timeoutMs / 1000} s`, {
    hint: `see ${logFile} (kctl broker logs)`,
  })
}

/** The child writes `error: ...` and `hint: ...` lines (main.ts); turn them back into a KctlError. */
function detachedFailure(logFile: string, from: number, exitCode: number): KctlError {
  const text = readFrom(logFile, from)
  const error = /^error: (.*)$/m.exec(text)?.[1]
  const hint = /^hint: (.*)$/m.exec(text)?.[1]
  // A crash before main.ts could catch anything (a broken install) leaves only Node's own report.
  const crash = /^(\w*Error: .*)$/m.exec(text)?.[1]
  return new KctlError(error ?? `unable to start the broker: it exited with code ${exitCode}${crash ? `: ${crash}` : ''}`, {
    exitCode: exitCode === ExitCode.usage ? ExitCode.usage : ExitCode.error,
    hint: hint ?? `see ${logFile} (kctl broker logs)`,
  })
}

export function readFrom(file: string, from: number): string {
  const fd = openSync(file, 'r')
  try {
    const size = statSync(file).size
    const buf = Buffer.alloc(Math.max(0, size - from))
    readSync(fd, buf, 0, buf.length, from)
    return buf.toString('utf8')
  } finally {
    closeSync(fd)
  }
}

export function notRunningError(dataDir: string): KctlError {
  return new KctlError(`no bundled broker is running on ${dataDir}`, {
    hint: 'start one with `kctl broker start --detach`',
  })
}

/** SIGTERM, then waits for the process to exit (graceful stop flushes the log). */
export async function stopBroker(dataDir = defaultBrokerDataDir(), timeoutMs = 15_000): Promise<BrokerInfo> {
  const info = readRunningBroker(dataDir)
  if (!info) {
    rmSync(path.join(dataDir, BROKER_INFO_FILE), {force: true})
    throw notRunningError(dataDir)
  }
  process.kill(info.pid, 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  while (isAlive(info.pid)) {
    if (Date.now() > deadline)
      throw new KctlError(`unable to stop the broker: pid ${info.pid} is still running after ${timeoutMs / 1000} s`, {
        hint: `see kctl broker logs; kill -9 ${info.pid} stops it at once (the log recovers on the next start)`,
      })
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  rmSync(path.join(dataDir, BROKER_INFO_FILE), {force: true})
  return info
}

export interface BrokerStatus {
  running: true
  pid: number
  bootstrap: string
  metricsPort: number | null
  dataDir: string
  startedAt: string
  uptimeMs: number
  version: string
  /** null when the broker cannot be asked (a SASL-only listener needs credentials, or it does not answer). */
  topics: number | null
  partitions: number | null
  /** Why topics and partitions are null: the broker's process runs but the query failed. */
  queryError: string | null
  /** Every file under the data dir: segments, indexes, snapshots, offsets. */
  bytesOnDisk: number
  logFile: string | null
}

/** Status of the running broker: topics and partitions from its DescribeLogDirs, bytes from the data dir. */
export async function brokerStatus(dataDir = defaultBrokerDataDir()): Promise<BrokerStatus> {
  const info = readRunningBroker(dataDir)
  if (!info) throw notRunningError(dataDir)
  let topics: number | null = null
  let partitions: number | null = null
  let queryError: string | null = null
  try {
    const logDirs = await describeLogDirs(info.host, info.port)
    const names = new Set(logDirs.results.flatMap((dir) => dir.topics.map((t) => t.name)))
    topics = names.size
    partitions = logDirs.results.reduce((sum, dir) => sum + dir.topics.reduce((n, t) => n + t.partitions.length, 0), 0)
  } catch (err) {
    // A SASL listener closes an unauthenticated connection, a stopped (SIGSTOP) or overloaded
    // broker does not answer; the rest of the status stands, with the reason.
    queryError = (err as Error).message.replace(/^unable to query the broker at \S+: /, '')
  }
  return {
    running: true,
    pid: info.pid,
    bootstrap: `${info.host}:${info.port}`,
    metricsPort: info.metricsPort,
    dataDir: info.dataDir,
    startedAt: info.startedAt,
    uptimeMs: Date.now() - Date.parse(info.startedAt),
    version: info.version,
    topics,
    partitions,
    queryError,
    bytesOnDisk: directoryBytes(info.dataDir),
    logFile: info.logFile,
  }
}

function directoryBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name)
    try {
      if (entry.isDirectory()) total += directoryBytes(full)
      else if (entry.isFile()) total += statSync(full).size
    } catch {
      // A segment deleted by retention while we walk: it no longer counts.
    }
  }
  return total
}

/** One DescribeLogDirs v1 (all topics) over a short-lived connection, with the project's codec. */
async function describeLogDirs(host: string, port: number, timeoutMs = 5000) {
  const version = 1
  const frame = await new Promise<Buffer>((resolve, reject) => {
    const socket = net.connect({host, port})
    let received = Buffer.alloc(0)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new KctlError(`unable to query the broker at ${host}:${port}: no answer within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on('connect', () => {
      for (const chunk of encodeRequest(35, version, 1, 'kctl-status', {topics: null})) socket.write(chunk)
    })
    socket.on('data', (data) => {
      received = Buffer.concat([received, data])
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        clearTimeout(timer)
        socket.end()
        resolve(received.subarray(4, 4 + received.readInt32BE(0)))
      }
    })
    socket.on('error', (err) => {
      clearTimeout(timer)
      reject(new KctlError(`unable to query the broker at ${host}:${port}: ${err.message}`, {hint: 'see kctl broker logs'}))
    })
    socket.on('close', () => {
      clearTimeout(timer)
      reject(new KctlError(`unable to query the broker at ${host}:${port}: it closed the connection (a SASL listener needs credentials)`))
    })
  })
  return decodeResponse(35, version, frame).body
}
