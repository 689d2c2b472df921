#!/usr/bin/env node
// Times `kctl plan` and `kctl init` as real processes (node bin/run.js, after `npm run build`):
// several runs each, median and max wall-clock ms, plus the in-process cost of the model and
// the file generation alone, against `kctl --version` as the start-up baseline.
// Target: each command answers in under 1000 ms.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {generateInitFiles, planCapacity, resolvePlanInput, templateFiles} from '../dist/src/plan/index.js'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const runs = 7
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-plan-'))

function timeCommand(argsFor, extraEnv = {}) {
  const timesMs = []
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(process.execPath, ['bin/run.js', ...argsFor(run)], {cwd: root, encoding: 'utf8', env: {...process.env, CI: 'true', NODE_NO_WARNINGS: '1', ...extraEnv}})
    timesMs.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (result.status !== 0) throw new Error(`kctl ${argsFor(run).join(' ')} exited ${result.status}: ${result.stderr}`)
  }
  timesMs.sort((a, b) => a - b)
  return {medianMs: round(timesMs[Math.floor(runs / 2)]), maxMs: round(timesMs[runs - 1]), runs}
}

function round(value) {
  return Math.round(value * 10) / 10
}

try {
  // Baseline: Node + oclif start-up alone (`kctl --version` through oclif: bin/fast-start.js would
  // answer it without loading oclif, so KCTL_NO_FAST_START=1),
  // so the figures below can be read against what any kctl command costs on this machine now.
  const startup = timeCommand(() => ['--version'], {KCTL_NO_FAST_START: '1'})
  const plan = timeCommand(() => ['plan', '--ha', '--write-mbps', '200', '--fanout', '3', '--retention', '7d', '-o', 'json'])
  const init = timeCommand((run) => ['init', '--ha', '--nodes', '5', '--security', 'sasl_ssl', '--out', path.join(tmp, `run-${run}`), '-o', 'json'])
  // The pure part alone, in this process: 1000 plans and 100 init file sets.
  const templates = Object.fromEntries(templateFiles.map((name) => [name, readFileSync(path.join(root, 'templates', name), 'utf8')]))
  const input = resolvePlanInput({ha: true, writeMbps: '200', fanout: '3'})
  let start = process.hrtime.bigint()
  for (let i = 0; i < 1000; i++) planCapacity(input)
  const modelUs = Number(process.hrtime.bigint() - start) / 1e3 / 1000
  const options = {nodes: 5, dedicatedControllers: false, security: 'sasl_ssl', clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', adminPassword: 'a', storePassword: 'b', logDirs: '/var/lib/kafka/data'}
  start = process.hrtime.bigint()
  for (let i = 0; i < 100; i++) generateInitFiles(planCapacity(input), input, options, templates)
  const generateMs = Number(process.hrtime.bigint() - start) / 1e6 / 100
  console.log(JSON.stringify({
    startupVersion: startup, planCommand: plan, initCommand: init,
    planOverStartup: Math.round((plan.medianMs / startup.medianMs) * 100) / 100, initOverStartup: Math.round((init.medianMs / startup.medianMs) * 100) / 100,
    planModelUs: round(modelUs), initGenerateMs: round(generateMs),
    targetMs: 1000, withinTarget: plan.medianMs < 1000 && init.medianMs < 1000,
  }))
} finally {
  rmSync(tmp, {recursive: true, force: true})
}
