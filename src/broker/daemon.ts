// Running the bundled broker as an operator does: in the foreground (in this very process, so
// killing the command, even with SIGKILL, takes the broker with it and leaves no orphan holding
// the port; Ctrl-C = graceful stop), detached (its own process running ./main.js, which loads
// only the broker, never oclif; pid and log file in the data dir), found again by other
// commands through `<dataDir>/broker.json`, stopped with SIGTERM (SIGKILL when it does not go).
import {closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import v8 from 'node:v8'
import {fileURLToPath} from 'node:url'
import {ExitCode, KctlError, usageError} from '../errors.js'
import {defaultBrokerDataDir} from '../paths.js'
import {BROKER_INFO_FILE, type BrokerInfo, isAlive, readRunningBroker} from '../local-broker.js'
import type {BrokerConnection as ClientConnection} from '../kafka/client/index.js'
import type {StartBrokerOptions} from './index.js'
import {makeDataDir} from './data-dir.js'
import {parseSettingArgument} from './settings.js'
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

/** Log lines to stdout. A reader that goes away (`kctl broker start | head`, a closed terminal)
 *  makes stdout fail with EPIPE; the broker keeps serving and stops logging, as Kafka's log4j
 *  would, instead of dying on an unhandled 'error' event. */
export function stdoutLogger(): Logger {
  let stdoutOpen = true
  process.stdout.on('error', () => (stdoutOpen = false))
  process.stderr.on('error', () => {})
  return lineLogger((line) => {
    if (stdoutOpen) process.stdout.write(line)
  })
}

/** The values of `kctl broker start`'s flags (commands/broker/_start-flags.ts); unset ones undefined. */
export interface BrokerStartFlags {
  'advertised-host'?: string
  config?: string[]
  'config-file'?: string
  'data-dir': string
  fsync: 'always' | 'interval'
  host: string
  'metrics-port'?: number
  port: number
  'sasl-password-file'?: string
  'sasl-user'?: string
  tls?: boolean
}

/** How the command reads a secret (src/ui/password.ts's readPassword): the broker has no terminal of its own. */
export type ReadPassword = (source: {file?: string; env: string; subject: string; confirm?: boolean}) => Promise<string>

/**
 * The broker's options from `kctl broker start`'s flags: the settings of --config-file, then of
 * each --config; the SCRAM super user of --sasl-user, its password read now with
 * `readPassword`; the listener settings TLS and SASL need. `portGiven`: --port was on the
 * command line, not its default. The properties parser and the security layer load only when
 * used: a foreground broker runs in the command's process, and all it loads delays its first
 * answer.
 */
export async function brokerStartOptions(flags: BrokerStartFlags, portGiven: boolean, readPassword: ReadPassword): Promise<Omit<DaemonOptions, 'logFile'>> {
  const config: Record<string, string> = {}
  if (flags['config-file']) {
    const {parseProperties} = await import('../config/properties.js')
    for (const entry of parseProperties(readConfigFile(flags['config-file']))) config[entry.key] = entry.value
  }
  for (const item of flags.config ?? []) {
    const [key, value] = parseSettingArgument(item)
    config[key] = value
  }
  // listeners names every port the broker binds; a --port beside it would be silently dropped.
  if (config.listeners !== undefined && portGiven)
    throw usageError(`unable to start the broker: --port ${flags.port} conflicts with listeners=${config.listeners}`, 'drop --port, or set the port in listeners')
  const {addBrokerUser, startSecurityConfig} = await import('./auth/index.js')
  const saslUser = flags['sasl-user']
  if (saslUser !== undefined) {
    // SCRAM user names are principals (User:<name>); "admin:secret" is a password in the wrong place.
    if (saslUser === '' || /[:\s]/.test(saslUser))
      throw usageError(`unable to start the broker: "${saslUser}" is not a user name`, 'give the name alone (--sasl-user admin); the password comes from --sasl-password-file, $KCTL_BROKER_ADMIN_PASSWORD or a prompt')
    const password = await readPassword({file: flags['sasl-password-file'], env: 'KCTL_BROKER_ADMIN_PASSWORD', subject: `broker user ${saslUser}`, confirm: true})
    addBrokerUser(flags['data-dir'], saslUser, password)
  }
  Object.assign(config, startSecurityConfig(config, {tls: flags.tls === true, saslUser, host: flags.host, port: flags.port}))
  return {
    port: flags.port,
    host: flags.host,
    advertisedHost: flags['advertised-host'],
    dataDir: flags['data-dir'],
    config,
    metricsPort: flags['metrics-port'],
    fsync: flags.fsync,
  }
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const cause = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw usageError(`unable to read --config-file ${file}: ${cause}`, 'give the path of a server.properties file')
  }
}

function refuseSecondInstance(dataDir: string): void {
  const running = readRunningBroker(dataDir)
  // broker.json naming this very process is stale: a broker killed with -9 whose restart got
  // the same pid (pid 1 in a container on every start).
  if (running && running.pid !== process.pid)
    throw new KctlError(`unable to start the broker: another broker (pid ${running.pid}) is running on ${dataDir} at ${running.host}:${running.port}`, {
      hint: 'stop it with `kctl broker stop` or use another --data-dir',
    })
}

/**
 * V8 starts a full mark-compact when the old generation reaches a limit set at the last one
 * from the live heap times a growing factor, and the Buffers allocated since then (socket
 * reads, produce frames: external memory) count against that room. A broker's live heap is
 * small (about 9 MB) and V8's factor for it about 2.5, so produce traffic of tens of MB/s
 * used the room up within 100-300 ms: 24-31 full collections in a 10 s run at 250,000
 * records/s, each an event-loop stall (the produce latency tail) and together about 40% of
 * the broker's CPU per record. A factor of 5 leaves room for the young generation's
 * collections to free those Buffers first (1-2 full collections in the same run); the heap
 * itself stays as small, since little of it lives long. The cost: dead Buffers wait longer
 * for a full collection, so a burst of large responses that are then dropped (the bench's
 * stalled reader: 100 one-megabyte Fetch answers) leaves RSS up to ~80 MB higher until one.
 * V8 reads the flag at each limit computation, so setting it once the process runs takes
 * effect from the next collection. Set here, where the process is the broker (main.js, a
 * foreground start), not where a broker is started inside another program (tests, the demo).
 */
const HEAP_GROWING_PERCENT = 400

/**
 * Runs the broker in this process until SIGINT/SIGTERM, then stops it gracefully (responses
 * written, logs flushed, broker.json removed) and resolves with the exit code to use.
 */
export async function runBroker(options: DaemonOptions, logger: Logger): Promise<number> {
  const dataDir = path.resolve(options.dataDir)
  refuseSecondInstance(dataDir)
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
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
    // `on`, not `once`: an impatient second Ctrl-C must not kill it mid-shutdown with the
    // default handler (the shutdown is bounded: connections that do not drain are dropped).
    // SIGHUP (the terminal of a foreground broker closed) stops it gracefully too, as Kafka's JVM does.
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    process.on('SIGHUP', stop)
  })
}

/**
 * Runs the broker in the foreground, in this process: one process to kill, no orphan when the
 * command dies (kill -9 included), and no second Node start-up before the first answer.
 * Resolves with the exit code once a signal has stopped it gracefully.
 */
export async function runForeground(options: Omit<DaemonOptions, 'logFile'>): Promise<number> {
  return runBroker({...options, logFile: null}, stdoutLogger())
}

/** Starts the broker as a detached process logging to `<dataDir>/broker.log`; resolves when it
 *  serves (broker.json written) or rejects with its first error line. */
export async function startDetached(options: Omit<DaemonOptions, 'logFile'>, timeoutMs = 15_000): Promise<BrokerInfo> {
  const dataDir = path.resolve(options.dataDir)
  refuseSecondInstance(dataDir)
  const logFile = path.join(dataDir, BROKER_LOG_FILE)
  makeDataDir(dataDir)
  let logFd: number
  try {
    logFd = openSync(logFile, 'a')
  } catch (err) {
    throw new KctlError(`unable to start the broker: data dir ${dataDir} is not writable (${(err as NodeJS.ErrnoException).code})`, {
      hint: 'choose a writable directory with --data-dir',
    })
  }
  const logStart = statSync(logFile).size
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js')
  // Loaded here: the broker's own process (a foreground start, or main.js) never spawns one.
  const {spawn} = await import('node:child_process')
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

export interface StopResult {
  info: BrokerInfo
  /** The broker did not stop within the timeout (hung, or stopped with SIGSTOP) and got SIGKILL. */
  killed: boolean
}

/**
 * SIGTERM, then waits for the process to exit (a graceful stop flushes the log). A broker that
 * has not exited after `timeoutMs` gets SIGKILL, which also ends a stopped (SIGSTOP) process:
 * nothing acknowledged is lost that way (the log recovers on the next start), and a stop that
 * never returns would leave the operator with a port and a data dir held by a dead broker.
 */
export async function stopBroker(dataDir = defaultBrokerDataDir(), timeoutMs = 15_000): Promise<StopResult> {
  const info = readRunningBroker(dataDir)
  if (!info) {
    rmSync(path.join(dataDir, BROKER_INFO_FILE), {force: true})
    throw notRunningError(dataDir)
  }
  process.kill(info.pid, 'SIGTERM')
  let killed = false
  const deadline = Date.now() + timeoutMs
  while (isAlive(info.pid)) {
    if (!killed && Date.now() > deadline) {
      killed = true
      try {
        process.kill(info.pid, 'SIGKILL')
      } catch {
        // It exited between the check and the kill.
      }
    }
    if (killed && Date.now() > deadline + 10_000)
      throw new KctlError(`unable to stop the broker: pid ${info.pid} is still running 10 s after SIGKILL`, {
        hint: 'it may be stuck in the kernel (a hung disk); see dmesg',
      })
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  rmSync(path.join(dataDir, BROKER_INFO_FILE), {force: true})
  return {info, killed}
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

/** One DescribeLogDirs (all topics) over a short-lived connection of kctl's client (loaded here:
 *  a broker this module runs never needs it). */
async function describeLogDirs(host: string, port: number, timeoutMs = 5000) {
  const {BrokerConnection, KafkaClientError} = await import('../kafka/client/index.js')
  let connection: ClientConnection | undefined
  try {
    connection = await BrokerConnection.open(host, port, {clientId: 'kctl-status', connectTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs})
    return await connection.send(35, {topics: null})
  } catch (err) {
    const reason =
      err instanceof KafkaClientError && err.kind === 'timeout'
        ? `no answer within ${timeoutMs} ms`
        : err instanceof KafkaClientError && err.kind === 'connection' && /closed by the broker/.test(err.message)
          ? 'it closed the connection (a SASL listener needs credentials)'
          : (err as Error).message
    throw new KctlError(`unable to query the broker at ${host}:${port}: ${reason}`, {hint: 'see kctl broker logs'})
  } finally {
    connection?.close()
  }
}
