#!/usr/bin/env node
// Start-up of the CLI: whole-process wall time of `kctl --version`, `kctl --help` and
// `kctl topics list --help` (node bin/run.js, after `npm run build`), and of a foreground
// `kctl broker start` from the spawn to its first answered ApiVersions, against `node -e 0` on
// the same machine. Runs go in turn (node, then each kctl command, over and over) and each kctl
// run is divided by the node run of its own round, so a machine that slows down or speeds up
// during the bench moves both sides of a ratio alike. Prints one JSON object: medians (ms),
// median ratios to node -e 0, the targets (help and version <= 2x node -e 0; broker start
// <= 300 ms on this machine), the broker's CPU time up to its first answer (what the wall time
// means on a busy machine), and the load average before and after.
// BENCH_CLI_START_RUNS sets the number of rounds (default 21).
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {decodeResponse, encodeRequest} from '../dist/src/kafka/protocol/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rounds = Number(process.env.BENCH_CLI_START_RUNS ?? 21)
const warmup = 2
const TARGET_RATIO = 2
const TARGET_BROKER_START_MS = 300

const commands = {
  nodeBaseline: ['-e', '0'],
  version: ['bin/run.js', '--version'],
  help: ['bin/run.js', '--help'],
  topicsListHelp: ['bin/run.js', 'topics', 'list', '--help'],
}
// No colour and no TTY, as an operator's script or CI would see it; nothing that turns the fast path off.
const env = {...process.env, NO_COLOR: '1'}
delete env.KCTL_NO_FAST_START
delete env.DEBUG
delete env.KCTL_DEBUG

function timeOnce(name) {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, commands[name], {cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`node ${commands[name].join(' ')} exited ${result.status ?? result.signal}: ${result.stderr}`)
  return ms
}

/** One ApiVersions v3 on a new connection: its error code, or undefined when nothing listens yet. */
function apiVersions(port) {
  return new Promise((resolve) => {
    const socket = net.connect({host: '127.0.0.1', port})
    let received = Buffer.alloc(0)
    socket.on('connect', () => {
      for (const chunk of encodeRequest(18, 3, 1, 'bench', {clientSoftwareName: 'bench', clientSoftwareVersion: '1'})) socket.write(chunk)
    })
    socket.on('data', (data) => {
      received = Buffer.concat([received, data])
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.destroy()
        resolve(decodeResponse(18, 3, received.subarray(4)).body.errorCode)
      }
    })
    socket.on('error', () => resolve(undefined))
    socket.on('close', () => resolve(undefined))
  })
}

/** User + system CPU of a running process, from /proc (Linux; undefined elsewhere). */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // clock ticks of 10 ms
  } catch {
    return undefined
  }
}

/** The port of the listener a broker's log line announces ("listening on PLAINTEXT://127.0.0.1:PORT"). */
function listeningPort(child) {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const match = /listening on \w+:\/\/\S+?:(\d+)/.exec(stdout)
      if (match) resolve(Number(match[1]))
    })
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.once('exit', (code) => reject(new Error(`kctl broker start exited ${code} before listening: ${stderr}`)))
  })
}

/**
 * `kctl broker start --port 0` in the foreground on a fresh data dir: ms from the spawn to its
 * first answered ApiVersions, and the command's CPU time by then. The port comes from the
 * broker's own log line, so no other process's listener (a port taken between a probe and the
 * start) can answer for it.
 */
async function timeBrokerStart() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-start-'))
  const start = process.hrtime.bigint()
  const child = spawn(process.execPath, ['bin/run.js', 'broker', 'start', '--port', '0', '--data-dir', dataDir], {cwd: root, env, stdio: ['ignore', 'pipe', 'pipe']})
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
  try {
    const port = await listeningPort(child)
    const errorCode = await apiVersions(port)
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    const cpu = cpuMs(child.pid)
    if (errorCode !== 0) throw new Error(`ApiVersions on port ${port} answered ${errorCode === undefined ? 'nothing' : `error code ${errorCode}`}`)
    return {ms, cpu}
  } finally {
    child.kill('SIGTERM')
    const code = await exited
    rmSync(dataDir, {recursive: true, force: true})
    if (code !== 0) throw new Error(`kctl broker start exited ${code} after SIGTERM`)
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

const loadBefore = os.loadavg().map((v) => round(v, 2))
const names = [...Object.keys(commands), 'brokerStart']
const kctlNames = names.filter((name) => name !== 'nodeBaseline')
const times = Object.fromEntries(names.map((name) => [name, []]))
const ratios = Object.fromEntries(kctlNames.map((name) => [name, []]))
const brokerStartCpu = []

async function timeCommand(name) {
  if (name !== 'brokerStart') return timeOnce(name)
  const {ms, cpu} = await timeBrokerStart()
  if (cpu !== undefined) brokerStartCpu.push(cpu)
  return ms
}

for (let i = 0; i < warmup; i++) for (const name of names) await timeCommand(name)
brokerStartCpu.length = 0
for (let i = 0; i < rounds; i++) {
  // Alternate the order of the kctl commands so none always runs right after the baseline.
  const order = i % 2 === 0 ? kctlNames : [...kctlNames].reverse()
  const baseline = timeOnce('nodeBaseline')
  times.nodeBaseline.push(baseline)
  for (const name of order) {
    const ms = await timeCommand(name)
    times[name].push(ms)
    ratios[name].push(ms / baseline)
  }
}

const medianMs = Object.fromEntries(names.map((name) => [name, round(median(times[name]))]))
const ratioToNode = Object.fromEntries(kctlNames.map((name) => [name, round(median(ratios[name]), 2)]))
const helpNames = kctlNames.filter((name) => name !== 'brokerStart')
console.log(
  JSON.stringify({
    medianMs,
    ratioToNode,
    brokerStart: {
      what: 'kctl broker start (foreground) from the spawn to its first answered ApiVersions',
      medianMs: medianMs.brokerStart,
      ratioToNode: ratioToNode.brokerStart,
      cpuMsToFirstAnswer: brokerStartCpu.length > 0 ? round(median(brokerStartCpu)) : null,
      targetMs: TARGET_BROKER_START_MS,
      withinTarget: medianMs.brokerStart <= TARGET_BROKER_START_MS,
    },
    targetRatio: TARGET_RATIO,
    withinTarget: helpNames.every((name) => ratioToNode[name] <= TARGET_RATIO),
    rounds,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    loadAverage: {before: loadBefore, after: os.loadavg().map((v) => round(v, 2))},
    node: process.version,
  }),
)
