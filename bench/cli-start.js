#!/usr/bin/env node
// Start-up of the CLI (issue 16): whole-process wall time of `kctl --version`, `kctl --help` and
// `kctl topics list --help` (node bin/run.js, after `npm run build`) against `node -e 0` on the
// same machine. Runs go in turn (node, then each kctl command, over and over) and each kctl
// run is divided by the node run of its own round, so a machine that slows down or speeds up
// during the bench moves both sides of a ratio alike. Prints one JSON object: medians (ms),
// median ratios to node -e 0, the target (each ratio <= 2), and the load average before and after.
// BENCH_CLI_START_RUNS sets the number of rounds (default 21).
import {spawnSync} from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rounds = Number(process.env.BENCH_CLI_START_RUNS ?? 21)
const warmup = 2
const TARGET_RATIO = 2

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

function timeOnce(name) {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, commands[name], {cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`node ${commands[name].join(' ')} exited ${result.status ?? result.signal}: ${result.stderr}`)
  return ms
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

const loadBefore = os.loadavg().map((v) => round(v, 2))
const names = Object.keys(commands)
const kctlNames = names.filter((name) => name !== 'nodeBaseline')
const times = Object.fromEntries(names.map((name) => [name, []]))
const ratios = Object.fromEntries(kctlNames.map((name) => [name, []]))
for (let i = 0; i < warmup; i++) for (const name of names) timeOnce(name)
for (let i = 0; i < rounds; i++) {
  // Alternate the order of the kctl commands so none always runs right after the baseline.
  const order = i % 2 === 0 ? kctlNames : [...kctlNames].reverse()
  const baseline = timeOnce('nodeBaseline')
  times.nodeBaseline.push(baseline)
  for (const name of order) {
    const ms = timeOnce(name)
    times[name].push(ms)
    ratios[name].push(ms / baseline)
  }
}

const medianMs = Object.fromEntries(names.map((name) => [name, round(median(times[name]))]))
const ratioToNode = Object.fromEntries(kctlNames.map((name) => [name, round(median(ratios[name]), 2)]))
console.log(
  JSON.stringify({
    medianMs,
    ratioToNode,
    targetRatio: TARGET_RATIO,
    withinTarget: Object.values(ratioToNode).every((ratio) => ratio <= TARGET_RATIO),
    rounds,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    loadAverage: {before: loadBefore, after: os.loadavg().map((v) => round(v, 2))},
    node: process.version,
  }),
)
