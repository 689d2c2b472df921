// Ctrl-C at random moments, through the built CLI (bin/run.js): produce from a file and from
// stdin, consume, topics create, init, perf produce with --report and --histogram files, and
// lag --watch each get a SIGINT at a moment drawn from a seeded generator (the seed is printed;
// KCTL_TEST_SEED=N repeats a run): during start-up, while connecting, or in the middle of the
// work. Each ends as the README says: 130 (or killed by SIGINT before kctl installed a handler,
// which a shell reports as 130 too), lag --watch 0, or 0 when the command was already done; at
// most one line on stderr and no stack trace; no temporary or partial output file (reports and
// generated files are whole or absent); and the broker still serves a kafkajs client.
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {isolatedEnv, kctl, startKctl} from '../commands/kctl.js'
import {useBroker} from '../helpers/broker.js'
import {seededRandom} from './cli-random.js'
import {kafka, root} from './helpers.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-cli-interrupt-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const env = isolatedEnv()
const random = seededRandom('cli-interrupt')
const rounds = 3
const lines = Array.from({length: 200_000}, (_, i) => `k${i}:value ${i}`).join('\n') + '\n'
const inputFile = path.join(tmp, 'records.txt')
writeFileSync(inputFile, lines)

interface Interrupted {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  delayMs: number
}

/** Starts kctl, sends SIGINT after a random 0-3 s, and waits for it to end. */
async function interrupt(args: string[], input?: string): Promise<Interrupted> {
  const delayMs = Math.floor(random() * 3000)
  const {child, result} = startKctl(args, {env, input, timeoutMs: 120_000})
  // kctl may exit before it has read all of stdin: the rest of the write fails with EPIPE.
  child.stdin?.on('error', () => undefined)
  let signal: NodeJS.Signals | null = null
  child.once('exit', (_, exitSignal) => (signal = exitSignal))
  const timer = setTimeout(() => child.kill('SIGINT'), delayMs)
  const run = await result
  clearTimeout(timer)
  return {...run, signal, delayMs}
}

/** Exit as the README says for Ctrl-C (or `done` when it finished first); one stderr line at most, no stack trace. */
function expectInterrupted(run: Interrupted, done: number[] = [0], interrupted: number[] = [130]): void {
  const what = `after ${run.delayMs} ms: code ${run.code} signal ${run.signal}\n${run.stderr}`
  if (run.signal !== null) expect(run.signal, what).toBe('SIGINT')
  else expect([...interrupted, ...done], what).toContain(run.code)
  const stderr = run.stderr.trim()
  expect(stderr === '' ? 0 : stderr.split('\n').length, what).toBeLessThanOrEqual(1)
  expect(run.stderr, what).not.toMatch(/^\s+at /m)
}

/** Files under dir (recursive) whose names say they are temporaries. */
function temporaries(dir: string): string[] {
  return (readdirSync(dir, {recursive: true}) as string[]).filter((name) => /\.tmp$/.test(name))
}

describe('Ctrl-C at random moments', () => {
  const broker = useBroker()

  beforeAll(async () => {
    const admin = kafka(broker().bootstrap).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'interrupt-in', numPartitions: 3}, {topic: 'interrupt-read', numPartitions: 3}]})
    await admin.disconnect()
    const producer = kafka(broker().bootstrap).producer()
    await producer.connect()
    for (let sent = 0; sent < 50_000; sent += 5000) {
      await producer.send({topic: 'interrupt-read', messages: Array.from({length: 5000}, (_, i) => ({value: `v${sent + i}`}))})
    }
    await producer.disconnect()
  })

  it('produce --file', async () => {
    for (let round = 0; round < rounds; round++) {
      expectInterrupted(await interrupt(['produce', 'interrupt-in', '--file', inputFile, '--key-separator', ':', '-b', broker().bootstrap]))
    }
  }, 300_000)

  it('produce from stdin', async () => {
    for (let round = 0; round < rounds; round++) {
      expectInterrupted(await interrupt(['produce', 'interrupt-in', '--key-separator', ':', '-b', broker().bootstrap], lines))
    }
  }, 300_000)

  it('consume', async () => {
    for (let round = 0; round < rounds; round++) {
      const run = await interrupt(['consume', 'interrupt-read', '--from-beginning', '-b', broker().bootstrap])
      // Its one stderr line is the count, and the count is what it printed.
      expectInterrupted(run, [])
      const count = /^Processed a total of (\d+) messages$/.exec(run.stderr.trim())
      if (count) expect(run.stdout.split('\n').filter(Boolean).length).toBe(Number(count[1]))
    }
  }, 300_000)

  it('topics create', async () => {
    for (let round = 0; round < rounds; round++) {
      expectInterrupted(await interrupt(['topics', 'create', `interrupt-new-${round}`, '--partitions', '3', '-b', broker().bootstrap]))
    }
  }, 300_000)

  it('init leaves whole files or none, never a temporary', async () => {
    for (let round = 0; round < rounds; round++) {
      const out = path.join(tmp, `init-${round}`)
      expectInterrupted(await interrupt(['init', '--ha', '--security', 'sasl_ssl', '--out', out]))
      mkdirSync(out, {recursive: true})
      expect(temporaries(out)).toEqual([])
    }
  }, 300_000)

  it('a Ctrl-C in the middle of an atomic write (no handler of the command\'s own, as in init) ends the process by SIGINT and leaves no temporary', async () => {
    // A 400 MB write takes long enough for the signal to land between the temporary's first bytes and the rename.
    const out = path.join(tmp, 'atomic')
    mkdirSync(out)
    const atomicFile = path.join(root, 'dist/src/atomic-file.js')
    const script = `const {writeFileAtomic} = await import(${JSON.stringify(atomicFile)}); setTimeout(() => process.kill(process.pid, 'SIGINT'), 20); await writeFileAtomic(${JSON.stringify(path.join(out, 'big.bin'))}, Buffer.alloc(400 * 1024 * 1024, 1))`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: 'ignore'})
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null]
    expect({code, signal}).toEqual({code: null, signal: 'SIGINT'})
    expect(readdirSync(out)).toEqual([])
  })

  it('perf produce --report --histogram leaves whole files or none, never a temporary', async () => {
    for (let round = 0; round < rounds; round++) {
      const out = path.join(tmp, `perf-${round}`)
      mkdirSync(out)
      const report = path.join(out, 'report.html')
      const histogram = path.join(out, 'latency.hlog')
      const run = await interrupt([
        'perf', 'produce', '--topic', 'interrupt-perf', '--partitions', '2', '--num-records', '10000000', '--record-size', '100',
        '--throughput', '20000', '--report', report, '--histogram', histogram, '-b', broker().bootstrap,
      ])
      expectInterrupted(run, [])
      expect(temporaries(out)).toEqual([])
      const written = readdirSync(out)
      if (written.includes('report.html')) expect(readFileSync(report, 'utf8').trimEnd()).toMatch(/<\/html>$/)
      // An HdrHistogram log: header comments, then the column line and at least one interval.
      if (written.includes('latency.hlog')) expect(readFileSync(histogram, 'utf8')).toMatch(/"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n(Tag=\w+,)?[\d.]+,/)
    }
  }, 300_000)

  it('lag --watch (exits 0 on Ctrl-C, as the README says)', async () => {
    for (let round = 0; round < rounds; round++) {
      expectInterrupted(await interrupt(['lag', '--watch', '1s', '-b', broker().bootstrap]), [0], [0, 130])
    }
  }, 300_000)

  it('the broker still serves: kafkajs produces and reads back', async () => {
    const producer = kafka(broker().bootstrap).producer()
    await producer.connect()
    await producer.send({topic: 'interrupt-in', messages: [{value: 'after'}]})
    await producer.disconnect()
    const admin = kafka(broker().bootstrap).admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets('interrupt-in')
    await admin.disconnect()
    expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBeGreaterThan(0)
    // And kctl itself still gets through.
    const listed = await kctl(['topics', 'list', '-b', broker().bootstrap], {env})
    expect(listed.code, listed.stderr).toBe(0)
  })
})
