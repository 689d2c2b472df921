#!/usr/bin/env node
// Compression figures for Kafka's codecs in kctl (src/compression), one JSON object:
//   1. compress and decompress MiB/s (of uncompressed bytes) and the compressed/original
//      ratio per codec, on a 1 MiB records section and a 16 KiB one (Java's default
//      batch.size), for two payload kinds: the perf tool's 100-byte payloads (64 random
//      ones cycled, very compressible) and 100-byte payloads that are all distinct random
//      letters (about 4.7 bits a byte: closer to real data's entropy);
//   2. `kctl perf produce --record-size 100 --throughput -1 --acks 1` records/s per codec
//      against the bundled broker in its own process.
// The timing loops yield to the event loop after each call: the napi codecs hand back
// external buffers whose release runs there, and a loop that never yields measures a
// growing backlog of them instead of the codec.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {setImmediate as yieldToEventLoop} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'
import {codecNames, compress, decompress} from '../dist/src/compression/index.js'
import {randomPayloads} from '../dist/src/perf/payloads.js'
import {startBrokerProcess} from './lib/broker-process.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const produceSeconds = Number(process.env.COMPRESSION_BENCH_SECONDS ?? 4)
const measureMs = 700

function recordsSection(bytes, pool) {
  const records = Math.ceil(bytes / 100)
  return Buffer.concat(Array.from({length: records}, (_, index) => pool[index % pool.length])).subarray(0, bytes)
}

async function mibPerSec(input, operation) {
  operation() // warm up (first call loads and initialises the native module)
  let bytes = 0
  const startMs = performance.now()
  while (performance.now() - startMs < measureMs) {
    operation()
    bytes += input.length
    await yieldToEventLoop()
  }
  return Math.round(bytes / 1048576 / ((performance.now() - startMs) / 1000))
}

async function codecFigures(input) {
  const figures = {}
  for (const codec of codecNames) {
    const packed = compress(codec, input)
    figures[codec] = {
      ratio: Math.round((packed.length / input.length) * 10000) / 10000,
      compressMiBPerSec: await mibPerSec(input, () => compress(codec, input)),
      decompressMiBPerSec: await mibPerSec(input, () => decompress(codec, packed)),
    }
  }
  return figures
}


function perfProduce(bootstrap, codec) {
  const args = [path.join(root, 'bin/run.js'), 'perf', 'produce', '-b', bootstrap, '--topic', `bench-${codec}`, '--partitions', '1']
  args.push('--record-size', '100', '--throughput', '-1', '--acks', '1', '--compression', codec, '--duration', `${produceSeconds}s`, '-o', 'json')
  const run = spawnSync(process.execPath, args, {encoding: 'utf8', timeout: (produceSeconds + 60) * 1000})
  if (run.status !== 0) throw new Error(`perf produce --compression ${codec} exited ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`)
  const result = JSON.parse(run.stdout)
  return {
    recordsPerSec: Math.round(result.aggregatedPublishRate),
    p99Ms: result.aggregatedPublishLatency99pct,
    toolCpuPercent: result.tool.cpuPercent,
  }
}

const perfPool = randomPayloads(100)
const distinctPool = randomPayloads(100, 10_486)
const figures = {
  codecs: {
    perfPayloads1MiB: await codecFigures(recordsSection(1048576, perfPool)),
    perfPayloads16KiB: await codecFigures(recordsSection(16384, perfPool)),
    distinctPayloads1MiB: await codecFigures(recordsSection(1048576, distinctPool)),
  },
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-compression-'))
const broker = await startBrokerProcess(dataDir)
try {
  figures.perfProduce = {}
  for (const codec of ['none', ...codecNames]) figures.perfProduce[codec] = perfProduce(broker.bootstrap, codec)
} finally {
  broker.child.kill('SIGTERM')
  await new Promise((resolve) => broker.child.once('exit', resolve))
  rmSync(dataDir, {recursive: true, force: true})
}
figures.perfProduceSeconds = produceSeconds
figures.loadAverage1m = Math.round(os.loadavg()[0] * 10) / 10
figures.cpus = os.cpus().length
console.log(JSON.stringify(figures, null, 2))
