// `kctl consume --group G` commits exactly what it printed: after --max-messages N, and after a
// Ctrl-C at a random moment in the middle of a stream, the group's committed offset of each
// partition, read by kafka-python (not kctl), is the offset after the last record kctl printed
// there; and the next run prints the next record, so the runs together print every record once:
// no gap, no duplicate. Built CLI (bin/run.js); the Ctrl-C moments come from a seeded generator
// whose seed is printed (KCTL_TEST_SEED=N repeats a run).
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {isolatedEnv, kctl, startKctl} from '../commands/kctl.js'
import {useBroker} from '../helpers/broker.js'
import {seededRandom} from './cli-random.js'
import {kafka, waitFor} from './helpers.js'

const run = promisify(execFile)
const env = isolatedEnv()
const random = seededRandom('cli-consume-group')

/** The group's committed offsets per partition, as kafka-python's admin client reads them. */
async function committedOffsets(bootstrap: string, group: string): Promise<Record<string, number>> {
  const script = [
    'import json, sys',
    'from kafka import KafkaAdminClient',
    'admin = KafkaAdminClient(bootstrap_servers=sys.argv[1])',
    'offsets = admin.list_consumer_group_offsets(sys.argv[2])',
    'print(json.dumps({str(tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}))',
    'admin.close()',
  ].join('\n')
  const {stdout} = await run('/usr/bin/python3', ['-c', script, bootstrap, group], {timeout: 60_000})
  return JSON.parse(stdout) as Record<string, number>
}

/** "partition offset" lines as printed by -f '%p %o\n': the offset after the last one per partition. */
function nextAfterPrinted(lines: string[]): Record<string, number> {
  const next: Record<string, number> = {}
  for (const line of lines) {
    const [partition, offset] = line.split(' ')
    next[partition] = Math.max(next[partition] ?? 0, Number(offset) + 1)
  }
  return next
}

function printedLines(stdout: string): string[] {
  return stdout.split('\n').filter(Boolean)
}

describe('kctl consume --group commits exactly what it printed', () => {
  const broker = useBroker()

  async function topicWith(topic: string, partitions: number, records: number): Promise<void> {
    const admin = kafka(broker().bootstrap).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic, numPartitions: partitions}]})
    await admin.disconnect()
    const producer = kafka(broker().bootstrap).producer()
    await producer.connect()
    for (let sent = 0; sent < records; sent += 1000) {
      const messages = Array.from({length: Math.min(1000, records - sent)}, (_, i) => ({key: `k${sent + i}`, value: `v${sent + i}`}))
      await producer.send({topic, messages})
    }
    await producer.disconnect()
  }

  it('--max-messages N: each run commits what it printed, and the runs print every record once', async () => {
    await topicWith('group-max', 3, 60)
    const printed: string[] = []
    const committedSoFar: Record<string, number> = {}
    for (let runs = 0; printed.length < 60 && runs < 20; runs++) {
      const n = 5 + Math.floor(random() * 20)
      const result = await kctl(['consume', 'group-max', '--group', 'G-max', '--from-beginning', '--max-messages', String(n), '--timeout', '5s', '-f', '%p %o\\n', '-b', broker().bootstrap], {env, timeoutMs: 60_000})
      expect(result.code, result.stderr).toBe(0)
      const lines = printedLines(result.stdout)
      expect(lines.length).toBe(Math.min(n, 60 - printed.length))
      printed.push(...lines)
      Object.assign(committedSoFar, nextAfterPrinted(lines))
      expect(await committedOffsets(broker().bootstrap, 'G-max')).toEqual(committedSoFar)
    }
    expect(printed.length).toBe(60)
    expect(new Set(printed).size).toBe(60)
  }, 300_000)

  it('Ctrl-C in the middle of a stream: committed = last printed + 1 per partition, and the next run goes on from there', async () => {
    await topicWith('group-stream', 3, 0)
    // A third-party producer keeps the stream going while kctl reads and is interrupted.
    const producer = kafka(broker().bootstrap).producer()
    await producer.connect()
    let producing = true
    let produced = 0
    const feeding = (async () => {
      while (producing) {
        await producer.send({topic: 'group-stream', messages: Array.from({length: 50}, (_, i) => ({key: `k${produced + i}`, value: `v${produced + i}`}))})
        produced += 50
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    const printed: string[] = []
    try {
      for (let round = 0; round < 3; round++) {
        const {child, result} = startKctl(['consume', 'group-stream', '--group', 'G-stream', '--from-beginning', '-f', '%p %o\\n', '-b', broker().bootstrap], {env, timeoutMs: 90_000})
        let stdout = ''
        child.stdout?.on('data', (chunk) => (stdout += chunk))
        // Wait until records flow, then interrupt at a random moment of the stream.
        await waitFor('records printed', () => stdout.length > 0, 60_000)
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1500)))
        child.kill('SIGINT')
        const run = await result
        expect(run.code, run.stderr).toBe(130)
        expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Processed a total of \d+ messages$/)])
        const lines = printedLines(run.stdout)
        expect(run.stderr).toContain(`Processed a total of ${lines.length} messages`)
        printed.push(...lines)
        expect(await committedOffsets(broker().bootstrap, 'G-stream')).toEqual(nextAfterPrinted(printed))
      }
    } finally {
      producing = false
      await feeding
      await producer.disconnect()
    }
    // The interrupted runs together printed a gapless prefix of each partition, each record once.
    expect(new Set(printed).size).toBe(printed.length)
    const byPartition = new Map<string, number[]>()
    for (const line of printed) {
      const [partition, offset] = line.split(' ')
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), Number(offset)])
    }
    for (const offsets of byPartition.values()) expect(offsets.sort((a, b) => a - b)).toEqual(offsets.map((_, i) => i))
    // A last run reads the rest: every record produced, each printed exactly once over all runs.
    const rest = await kctl(['consume', 'group-stream', '--group', 'G-stream', '--from-beginning', '--timeout', '10s', '-f', '%p %o\\n', '-b', broker().bootstrap], {env, timeoutMs: 90_000})
    expect(rest.code, rest.stderr).toBe(0)
    const all = [...printed, ...printedLines(rest.stdout)]
    expect(all.length).toBe(produced)
    expect(new Set(all).size).toBe(produced)
  }, 300_000)
})
