#!/usr/bin/env node
// `kctl topics list` and `kctl topics describe` on a cluster of 2,000 partitions (20 topics of
// 100), each timed as a whole process, as an operator runs it: median of several runs. Target:
// under 1 s each. Then one topic of 2,000 partitions is added and described as a table (the
// default output, where a slow table renderer would show). `kctl --version` is timed the same way, so the figures show how much of each
// run is CLI start-up (module loading) rather than talking to Kafka.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import kafkajs from 'kafkajs'
import {startBroker} from '../dist/src/broker/index.js'

const runJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/run.js')
const topics = 20
const partitionsPerTopic = 100
const runs = 7
const targetMs = 1000

function timeRun(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const env = {...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-cfg-'))}
    const child = spawn(process.execPath, [runJs, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== 0) reject(new Error(`kctl ${args.join(' ')} exited ${code}: ${stderr}`))
      else resolve({ms, stdout})
    })
  })
}

async function medianOf(args, check) {
  const samples = []
  for (let i = 0; i < runs; i++) {
    const {ms, stdout} = await timeRun(args)
    if (i === 0) check(stdout)
    samples.push(ms)
  }
  samples.sort((a, b) => a - b)
  return {medianMs: Math.round(samples[Math.floor(samples.length / 2)]), minMs: Math.round(samples[0]), maxMs: Math.round(samples[samples.length - 1])}
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-admin-'))
const broker = await startBroker({port: 0, host: '127.0.0.1', dataDir})
try {
  const admin = new kafkajs.Kafka({brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING}).admin()
  await admin.connect()
  await admin.createTopics({
    topics: Array.from({length: topics}, (_, i) => ({topic: `bench-${String(i).padStart(2, '0')}`, numPartitions: partitionsPerTopic, replicationFactor: 1})),
  })
  await admin.disconnect()

  const b = ['-b', broker.bootstrap]
  const startup = await medianOf(['--version'], () => {})
  const list = await medianOf(['topics', 'list', '-o', 'json', ...b], (stdout) => {
    const rows = JSON.parse(stdout)
    if (rows.reduce((sum, row) => sum + row.partitions, 0) !== topics * partitionsPerTopic) throw new Error('topics list did not see every partition')
  })
  const describe = await medianOf(['topics', 'describe', 'bench-00', '-o', 'json', ...b], (stdout) => {
    if (JSON.parse(stdout).partitions.length !== partitionsPerTopic) throw new Error('describe did not see every partition')
  })
  const listTable = await medianOf(['topics', 'list', ...b], (stdout) => {
    if (stdout.trim().split('\n').length !== topics + 1) throw new Error('topics list (table) did not show every topic')
  })

  const wideAdmin = new kafkajs.Kafka({brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING}).admin()
  await wideAdmin.connect()
  await wideAdmin.createTopics({topics: [{topic: 'bench-wide', numPartitions: topics * partitionsPerTopic, replicationFactor: 1}]})
  await wideAdmin.disconnect()
  const describeWide = await medianOf(['topics', 'describe', 'bench-wide', ...b], (stdout) => {
    if (!stdout.includes(`\n${topics * partitionsPerTopic - 1}  `)) throw new Error('describe (table) did not show every partition')
  })
  console.log(
    JSON.stringify({
      partitions: topics * partitionsPerTopic,
      runs,
      targetMs,
      topicsListMs: list.medianMs,
      topicsDescribeMs: describe.medianMs,
      topicsListTableMs: listTable.medianMs,
      topicsDescribeOneTopicOf2000PartitionsTableMs: describeWide.medianMs,
      cliStartupMs: startup.medianMs,
      topicsListBeyondStartupMs: list.medianMs - startup.medianMs,
      topicsDescribeBeyondStartupMs: describe.medianMs - startup.medianMs,
      withinTarget: [list, describe, listTable, describeWide].every((figure) => figure.medianMs < targetMs),
      spread: {startup, list, describe, listTable, describeWide},
    }),
  )
} finally {
  await broker.close()
  rmSync(dataDir, {recursive: true, force: true})
}
