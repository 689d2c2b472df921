#!/usr/bin/env node
// Load-test figures: the bundled broker in its own process and `kctl perf produce` in
// another, as an operator would run them on one machine. Two runs:
//   1. --record-size 100 --throughput -1 --acks 1 for ~10 s: sustained records/s (target ≥ 500,000).
//   2. a fixed 50,000 records/s for ~10 s: latency percentiles from the intended send time
//      (target p99 ≤ 10 ms).
// Prints one JSON object. Figures come from the tool's own -o json output.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {startBrokerProcess} from './lib/broker-process.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const seconds = Number(process.env.PERF_BENCH_SECONDS ?? 10)


/**
 * An idle Node process measuring its own timer lateness (monitorEventLoopDelay) while the
 * fixed-rate run goes on: the scheduling noise of this shared machine, a floor under any
 * latency a Node client can report here.
 */
function startNoiseProbe(durationMs) {
  const script = `
    import {monitorEventLoopDelay} from 'node:perf_hooks'
    const histogram = monitorEventLoopDelay({resolution: 1})
    histogram.enable()
    setTimeout(() => {
      histogram.disable()
      const ms = (ns) => Math.round(ns / 1e4) / 100
      process.stdout.write(JSON.stringify({p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max)}))
    }, ${durationMs})`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  return new Promise((resolve) => child.once('exit', () => resolve(JSON.parse(output || '{}'))))
}

function perfProduce(bootstrap, topic, extra) {
  const args = [path.join(root, 'bin/run.js'), 'perf', 'produce', '-b', bootstrap, '--topic', topic, '--partitions', '1', '--record-size', '100', '--duration', `${seconds}s`, '-o', 'json', ...extra]
  const run = spawnSync(process.execPath, args, {encoding: 'utf8', timeout: (seconds + 60) * 1000})
  if (run.status !== 0) throw new Error(`perf produce exited ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`)
  return JSON.parse(run.stdout)
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-perf-'))
const broker = await startBrokerProcess(dataDir)
try {
  const unlimited = perfProduce(broker.bootstrap, 'bench-unlimited', ['--throughput', '-1', '--acks', '1'])
  const probe = startNoiseProbe(seconds * 1000)
  const fixed = perfProduce(broker.bootstrap, 'bench-fixed', ['--throughput', '50000', '--acks', '1', '--warmup', '2s'])
  const noise = await probe
  const steady = fixed.steadyState ?? fixed
  const figures = {
    unlimitedRecordsPerSec: unlimited.aggregatedPublishRate,
    unlimitedMiBPerSec: unlimited.aggregatedPublishThroughputMiBps,
    unlimitedP99Ms: unlimited.aggregatedPublishLatency99pct,
    unlimitedToolCpuPercent: unlimited.tool.cpuPercent,
    // What the generator itself spends per record: its headroom over the broker.
    unlimitedToolCpuMicrosPerRecord: Math.round(((unlimited.tool.cpuPercent / 100) * 1e6 * 1000) / unlimited.aggregatedPublishRate) / 1000,
    fixedRate: {
      targetRecordsPerSec: 50_000,
      achievedRecordsPerSec: steady.aggregatedPublishRate,
      p50Ms: steady.aggregatedPublishLatency50pct,
      p95Ms: steady.aggregatedPublishLatency95pct,
      p99Ms: steady.aggregatedPublishLatency99pct,
      p999Ms: steady.aggregatedPublishLatency999pct,
      maxMs: steady.aggregatedPublishLatencyMax,
      generatorLagP99Ms: fixed.aggregatedPublishDelayLatency99pct,
      toolCpuPercent: fixed.tool.cpuPercent,
      toolTimerDelayP99Ms: fixed.tool.eventLoopDelayP99Ms,
      toolTimerDelayMaxMs: fixed.tool.eventLoopDelayMaxMs,
    },
    // Timer lateness of an idle Node process during the fixed-rate run (machine noise).
    idleProcessTimerDelay: noise,
    loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10,
    targets: {unlimitedRecordsPerSec: 500_000, fixedRateP99Ms: 10},
    seconds,
    cpus: os.cpus().length,
  }
  figures.meetsTargets = figures.unlimitedRecordsPerSec >= 500_000 && figures.fixedRate.p99Ms <= 10
  console.log(JSON.stringify(figures, null, 2))
} finally {
  broker.child.kill('SIGTERM')
  await new Promise((resolve) => broker.child.once('exit', resolve))
  rmSync(dataDir, {recursive: true, force: true})
}
