// kill -9 of the broker in the middle of transactions (the broker runs as a child process):
// after the restart no committed record is lost and no aborted or unfinished one shows to
// read_committed readers. A transaction left open is held back by the last stable offset and
// aborted once its timeout passes; one the coordinator had stored as PrepareCommit (the crash
// fell between that line and the markers, simulated by writing the line) is committed on
// start; committed transactional offsets survive.
import {spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import {fileURLToPath} from 'node:url'
import {Kafka, logLevel, type Producer} from 'kafkajs'
import {afterEach, expect, it} from 'vitest'
import {startBroker} from '../../../src/broker/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../../..')
const viteNode = path.join(root, 'node_modules/vite-node/vite-node.mjs')

let dataDir: string | undefined
let child: ChildProcess | undefined
afterEach(() => {
  child?.kill('SIGKILL')
  if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true})
})

async function startChild(dir: string): Promise<string> {
  child = spawn(process.execPath, [viteNode, path.join(here, 'fixtures/broker-child.ts'), dir], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']})
  const proc = child
  let stderr = ''
  proc.stderr!.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    readline.createInterface({input: proc.stdout!}).on('line', (line) => {
      const match = /^ready (\S+)$/.exec(line)
      if (match) resolve(match[1])
    })
    proc.on('exit', (code) => reject(new Error(`the broker child exited (${code}): ${stderr}`)))
  })
}

const kafkaAt = (bootstrap: string) => new Kafka({brokers: [bootstrap], clientId: 'txn-kill', logLevel: logLevel.NOTHING, retry: {retries: 1, initialRetryTime: 50}})

async function readCommitted(bootstrap: string, topic: string, expected: number): Promise<string[]> {
  const consumer = kafkaAt(bootstrap).consumer({groupId: `verify-${Math.random()}`, readUncommitted: false, maxWaitTimeInMs: 100})
  await consumer.connect()
  await consumer.subscribe({topic, fromBeginning: true})
  const values: string[] = []
  await new Promise<void>((resolve, reject) => {
    consumer.run({eachMessage: async ({message}) => void values.push(String(message.value))}).catch(reject)
    const check = setInterval(() => {
      if (values.length >= expected) {
        clearInterval(check)
        setTimeout(resolve, 500) // anything extra would arrive meanwhile
      }
    }, 50)
  })
  await consumer.disconnect()
  return values
}

it('keeps committed transactions, hides aborted and unfinished ones after kill -9, and completes a stored PrepareCommit', async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-txn-kill-'))
  const bootstrap = await startChild(dataDir)
  const kafka = kafkaAt(bootstrap)
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'crash', numPartitions: 2}]})
  await admin.disconnect()

  const producers: Producer[] = []
  const producer = async (transactionalId: string) => {
    const made = kafka.producer({transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 2000})
    await made.connect()
    producers.push(made)
    return made
  }
  const batch = (prefix: string) => Array.from({length: 100}, (_, i) => ({value: `${prefix}-${i}`, partition: i % 2}))

  const main = await producer('crash-main')
  const committed = await main.transaction()
  await committed.send({topic: 'crash', messages: batch('committed')})
  await committed.sendOffsets({consumerGroupId: 'crash-group', topics: [{topic: 'crash', partitions: [{partition: 0, offset: '42'}]}]})
  await committed.commit()
  const aborted = await main.transaction()
  await aborted.send({topic: 'crash', messages: batch('aborted')})
  await aborted.abort()
  const open = await main.transaction()
  await open.send({topic: 'crash', messages: batch('open')})
  const preparing = await (await producer('crash-prepare')).transaction()
  await preparing.send({topic: 'crash', messages: batch('prepared')})

  const exited = once(child!, 'exit')
  child!.kill('SIGKILL')
  expect((await exited)[1]).toBe('SIGKILL')
  await Promise.all(producers.map((p) => p.disconnect().catch(() => {})))

  // The crash of the second producer's EndTxn(commit) after its PrepareCommit line was written.
  const stateFile = path.join(dataDir, 'transactions', 'state.jsonl')
  const lines = fs.readFileSync(stateFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line))
  const last = lines.filter((line) => line.transactionalId === 'crash-prepare').at(-1)
  expect(last.state).toBe('Ongoing')
  fs.appendFileSync(stateFile, `${JSON.stringify({...last, state: 'PrepareCommit'})}\n`)

  const restarted = await startBroker({port: 0, dataDir, config: {'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200'}})
  try {
    const admin = kafkaAt(restarted.bootstrap).admin()
    await admin.connect()
    // The open transaction holds the last stable offset until its timeout aborts it.
    const values = await readCommitted(restarted.bootstrap, 'crash', 200)
    expect(values.sort()).toEqual([...batch('committed'), ...batch('prepared')].map((m) => m.value).sort())
    const groupOffsets = await admin.fetchOffsets({groupId: 'crash-group', topics: ['crash']})
    expect(groupOffsets[0].partitions.find((p) => p.partition === 0)?.offset).toBe('42')
    const described = restarted.state.txn.describe('crash-prepare')
    expect(described?.state).toBe('CompleteCommit')
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(restarted.state.txn.describe('crash-main')?.state).toBe('CompleteAbort')
    // Now every partition is stable: LSO = high watermark.
    for (const partition of [0, 1]) {
      const offsets = restarted.state.log.offsets('crash', partition)!
      expect(offsets.lastStableOffset).toBe(offsets.highWatermark)
    }
    const after = await readCommitted(restarted.bootstrap, 'crash', 200)
    expect(after.sort()).toEqual(values.sort())
    await admin.disconnect()
  } finally {
    await restarted.close()
  }
}, 60_000)
