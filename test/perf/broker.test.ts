// The load tests against the real bundled broker (in a child process): produce, consume,
// e2e and run end to end, Ctrl-C, and a broker paused mid-run, whose stall must show up in
// the reported latency because each record is timed from its intended send time.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import hdr from 'hdr-histogram-js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runConsume, consumeDefaults} from '../../src/perf/consumer.js'
import {produceDefaults, runProduce} from '../../src/perf/run-produce.js'
import {randomPayloads} from '../../src/perf/payloads.js'
import {produceResult} from '../../src/perf/results/produce.js'
import {type BrokerProcess, startBrokerProcess} from './broker-process.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const kctl = path.join(root, 'bin/run.js')

let broker: BrokerProcess
let workDir: string
beforeAll(async () => {
  broker = await startBrokerProcess()
  workDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-perf-test-'))
})
afterAll(async () => {
  await broker?.stop()
  if (workDir) rmSync(workDir, {recursive: true, force: true})
})

function cli(args: string[], timeoutMs = 60_000): {status: number | null; stdout: string; stderr: string} {
  const run = spawnSync(process.execPath, [kctl, ...args], {encoding: 'utf8', cwd: workDir, timeout: timeoutMs, env: {...process.env, NO_COLOR: '1'}})
  return {status: run.status, stdout: run.stdout, stderr: run.stderr}
}

const produceSettings = (topic: string, overrides: Partial<Parameters<typeof runProduce>[0]> = {}) => ({
  ...produceDefaults,
  topic,
  bootstrapServers: [broker.bootstrap],
  createPartitions: 3,
  numRecords: 20_000,
  durationMs: Number.POSITIVE_INFINITY,
  payloads: randomPayloads(100),
  recordsPerSec: -1,
  acks: 1,
  producers: 1,
  warmupMs: 0,
  keyPattern: {kind: 'none' as const},
  stampSendTime: false,
  ...overrides,
})

describe('perf against the bundled broker', () => {
  it('produces every record, and consume reads them all back with the Java columns', async () => {
    const produced = await runProduce(produceSettings('roundtrip', {producers: 2, keyPattern: {kind: 'round-robin', count: 10}}))
    expect(produced.errors).toBe(0)
    expect(produced.recorder.records).toBe(20_000)
    expect(produced.layout.leaders).toHaveLength(3)
    const result = produceResult(produced)
    expect(result.recordsSent).toBe(20_000)
    expect(result.aggregatedPublishLatencyMax).toBeGreaterThan(0)

    const consumed = await runConsume({...consumeDefaults, topic: 'roundtrip', bootstrapServers: [broker.bootstrap], maxRecords: 20_000, durationMs: Number.POSITIVE_INFINITY})
    expect(consumed.records).toBe(20_000)
    expect(consumed.bytes).toBe(20_000 * 100 + 20_000 * 'key-0'.length) // round-robin keys key-0 … key-9 are all 5 bytes
    expect(consumed.timedOut).toBe(false)

    // A fetch returns whole batches, thousands of records: --num-records still reads exactly that many.
    const some = await runConsume({...consumeDefaults, topic: 'roundtrip', bootstrapServers: [broker.bootstrap], maxRecords: 1000, durationMs: Number.POSITIVE_INFINITY})
    expect(some.records).toBe(1000)
    expect(some.bytes).toBe(1000 * (100 + 'key-0'.length))
  })

  it('shows a paused broker in the latency of a fixed-rate run (no coordinated omission)', async () => {
    // 2000 records/s for 4 s; the broker is frozen for one second in the middle. Every record
    // due in that second waits for the broker, the first one about a full second.
    // The pause starts half a second after the first acknowledgement, wherever set-up ends.
    let acknowledged: () => void = () => {}
    const running = new Promise<void>((resolve) => (acknowledged = resolve))
    const run = runProduce(produceSettings('paused', {numRecords: 8000, recordsPerSec: 2000, createPartitions: 1}), {
      onProgress: (progress) => progress.records > 0 && acknowledged(),
    })
    await running
    await new Promise((resolve) => setTimeout(resolve, 500))
    broker.child.kill('SIGSTOP')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    broker.child.kill('SIGCONT')
    const outcome = await run
    const result = produceResult(outcome)
    expect(result.recordsSent).toBe(8000)
    expect(result.errors).toBe(0)
    // ~2000 of 8000 records (25%) were due during the pause, delayed by 0 … 1000 ms.
    expect(result.aggregatedPublishLatencyMax).toBeGreaterThanOrEqual(900)
    expect(result.aggregatedPublishLatency99pct).toBeGreaterThanOrEqual(500)
    expect(result.aggregatedPublishLatency95pct).toBeGreaterThanOrEqual(300)
    // The generator itself kept to the schedule while the broker was stopped.
    expect(result.aggregatedPublishDelayLatency99pct).toBeLessThan(result.aggregatedPublishLatency99pct)
    // One sample second holds the stall.
    expect(Math.max(...result.publishLatencyMax)).toBeGreaterThanOrEqual(900)
  })

  it('perf produce prints Apache-format lines, json, an HTML report and an HdrHistogram log', () => {
    const text = cli(['perf', 'produce', '-b', broker.bootstrap, '--topic', 'cli', '--partitions', '2', '--num-records', '5000', '--record-size', '64', '--throughput', '5000', '--acks', '1'])
    expect(text.status).toBe(0)
    const lines = text.stdout.trim().split('\n')
    expect(lines.at(-1)).toMatch(/^5000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/)

    const json = cli(['perf', 'produce', '-b', broker.bootstrap, '--topic', 'cli', '--num-records', '3000', '--record-size', '64', '--throughput', '3000', '-o', 'json', '--report', 'r.html', '--histogram', 'h.hlog'])
    expect(json.status).toBe(0)
    const result = JSON.parse(json.stdout)
    expect(result.recordsSent).toBe(3000)
    expect(result.messageSize).toBe(64)
    expect(Array.isArray(result.publishRate)).toBe(true)
    const html = readFileSync(path.join(workDir, 'r.html'), 'utf8')
    expect(html).toContain('<svg')
    expect(html).toContain('3000')
    const reader = new hdr.HistogramLogReader(readFileSync(path.join(workDir, 'h.hlog'), 'utf8'))
    let count = 0
    for (let histogram = reader.nextIntervalHistogram(); histogram; histogram = reader.nextIntervalHistogram()) count += histogram.totalCount
    expect(count).toBe(3000)

    const consumed = cli(['perf', 'consume', '-b', broker.bootstrap, '--topic', 'cli', '--num-records', '8000'])
    expect(consumed.status).toBe(0)
    const [header, row] = consumed.stdout.trim().split('\n')
    expect(header).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec')
    expect(row).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, 0\.4883, [\d.]+, 8000, [\d.]+, 0, \d+, [\d.]+, [\d.]+$/)
  })

  it('perf e2e measures end-to-end latency from the send-time header', () => {
    const run = cli(['perf', 'e2e', '-b', broker.bootstrap, '--topic', 'e2e', '--partitions', '2', '--num-records', '4000', '--throughput', '2000', '-o', 'json'])
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.recordsSent).toBe(4000)
    expect(result.recordsConsumed).toBe(4000)
    expect(result.aggregatedEndToEndLatency50pct).toBeGreaterThan(0)
    // A record is received after it is acknowledged … or nearly: both are timed from the same stamp.
    expect(result.aggregatedEndToEndLatencyMax).toBeGreaterThan(0)
    expect(result.endToEndLatency99pct.length).toBeGreaterThan(0)

    const reported = cli(['perf', 'e2e', '-b', broker.bootstrap, '--topic', 'e2e', '--num-records', '500', '--throughput', '1000', '--report', 'e2e.html'])
    expect(reported.status).toBe(0)
    expect(readFileSync(path.join(workDir, 'e2e.html'), 'utf8')).toContain('<h1>kctl perf e2e: e2e</h1>')
  })

  it('perf run drives a workload file and writes one json and one HTML report', () => {
    const workload = path.join(workDir, 'w.yaml')
    writeFileSync(workload, 'name: tiny\ntopics: 2\npartitionsPerTopic: 2\nmessageSize: 50\nproducersPerTopic: 1\nconsumersPerTopic: 2\nproducerRate: 2000\nduration: 2s\nkeyPattern: random:20\n')
    const run = cli(['perf', 'run', workload, '-b', broker.bootstrap])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^Avg latency: [\d.]+ ms$/m)
    expect(run.stdout).toMatch(/^Percentiles: 50th = \d+, 99th = \d+, 99\.9th = \d+$/m)
    const result = JSON.parse(readFileSync(path.join(workDir, 'tiny.json'), 'utf8'))
    expect(result.topics).toBe(2)
    expect(result.recordsConsumed).toBe(result.recordsSent)
    expect(result.recordsSent).toBeGreaterThan(3000)
    expect(readFileSync(path.join(workDir, 'tiny.html'), 'utf8')).toContain('End-to-end latency')
  })

  it('perf run with more than ten topics: no listener-leak warning on stderr', () => {
    const workload = path.join(workDir, 'many.yaml')
    writeFileSync(workload, 'name: many\ntopics: 11\npartitionsPerTopic: 1\nmessageSize: 20\nproducersPerTopic: 1\nconsumersPerTopic: 1\nproducerRate: 1100\nduration: 1s\n')
    const run = cli(['perf', 'run', workload, '-b', broker.bootstrap])
    expect(run.status).toBe(0)
    expect(run.stderr).not.toContain('MaxListenersExceededWarning')
  })

  it('Ctrl-C prints the summary so far and exits 130', async () => {
    const args = ['perf', 'produce', '-b', broker.bootstrap, '--topic', 'interrupted', '--partitions', '1', '--duration', '1m', '--record-size', '100', '--throughput', '1000', '--warmup', '1s']
    const child = spawn(process.execPath, [kctl, ...args], {cwd: workDir})
    let stdout = ''
    // The warm-up notice is printed once Ctrl-C is handled; send it a second after that.
    const started = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk) => {
        stdout += chunk
        if (stdout.includes('Warmup first')) resolve()
      }),
    )
    await started
    await new Promise((resolve) => setTimeout(resolve, 1500))
    child.kill('SIGINT')
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).toBe(130)
    const lines = stdout.trim().split('\n')
    expect(lines.at(-2)).toMatch(/^\d+ records sent, .* 99\.9th\.$/)
    expect(lines.at(-1)).toMatch(/^\d+ steady state records sent, .* 99\.9th\.$/)
  })
})

describe('perf bad flags', () => {
  const cases: [string, string[], RegExp][] = [
    ['no topic', ['perf', 'produce', '--num-records', '10', '--record-size', '10'], /^error: .*topic/m],
    ['no length', ['perf', 'produce', '--topic', 't', '--record-size', '10'], /--num-records N or --duration/],
    ['no payload', ['perf', 'produce', '--topic', 't', '--num-records', '10'], /--record-size/],
    ['not a number', ['perf', 'produce', '--topic', 't', '--num-records', 'ten', '--record-size', '10'], /num-records|integer/i],
    ['unknown codec', ['perf', 'produce', '--topic', 't', '--num-records', '10', '--record-size', '10', '--compression', 'brotli'], /brotli/],
    ['bad key pattern', ['perf', 'produce', '--topic', 't', '--num-records', '10', '--record-size', '10', '--key-pattern', 'sometimes'], /--key-pattern/],
    ['bad duration', ['perf', 'consume', '--topic', 't', '--duration', 'soon'], /--duration/],
    ['zero throughput', ['perf', 'e2e', '--topic', 't', '--num-records', '10', '--throughput', '0'], /--throughput/],
    ['warm-up as long as the run', ['perf', 'produce', '--topic', 't', '--duration', '5s', '--record-size', '10', '--warmup', '5s'], /--warmup 5s: not shorter than --duration 5s/],
  ]
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2 with a one-line error`, () => {
      const run = cli([...args, '-b', '127.0.0.1:1'])
      expect(run.status).toBe(2)
      const errorLines = run.stderr.trim().split('\n').filter((line) => line.startsWith('error:'))
      expect(errorLines).toHaveLength(1)
      expect(run.stderr).toMatch(message)
      expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace
    })
  }

  it('an unwritable --report or --histogram fails before the run, not after it', () => {
    // 127.0.0.1:1 refuses connections: an error about the file proves it was checked first.
    for (const flag of ['--report', '--histogram']) {
      const run = cli(['perf', 'produce', '--topic', 't', '--num-records', '10', '--record-size', '10', flag, path.join(workDir, 'no-such-dir', 'out'), '-b', '127.0.0.1:1'])
      expect(run.status).toBe(1)
      expect(run.stderr).toContain(`unable to write ${path.join(workDir, 'no-such-dir', 'out')}: ENOENT`)
      expect(run.stderr).toContain(`choose a writable path for ${flag}`)
    }
  })

  it('a missing --payload-file: one error line naming the file, no oclif dump', () => {
    const run = cli(['perf', 'produce', '--topic', 't', '--num-records', '10', '--payload-file', path.join(workDir, 'nope.txt'), '-b', '127.0.0.1:1'])
    expect(run.status).toBe(1)
    expect(run.stderr.trim().split('\n').filter((line) => line.startsWith('error:'))).toEqual([`error: unable to read payload file ${path.join(workDir, 'nope.txt')}: ENOENT`])
    expect(run.stderr).not.toContain('See more help')
  })

  it('a missing workload file: exit 2, one line in kctl\'s form', () => {
    const run = cli(['perf', 'run', 'no-such-workload.yaml', '-b', '127.0.0.1:1'])
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')[0]).toBe('error: unable to read workload no-such-workload.yaml: ENOENT')
  })

  it('a workload file with an unknown key: exit 2 naming the key', () => {
    const workload = path.join(workDir, 'bad.yaml')
    writeFileSync(workload, 'name: bad\nproducerRate: 10\npartitions: 3\n')
    const run = cli(['perf', 'run', workload, '-b', '127.0.0.1:1'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/unknown key "partitions"/)
  })
})
