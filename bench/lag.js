#!/usr/bin/env node
// `kctl lag` over 50 groups x 1,000 partitions (10 topics x 100 partitions, every group
// committed on every partition) on the bundled broker; target: the whole command, process
// start included, answers in <= 2 s (design, issue 6). Prints one JSON object.
//
// Records: 5 per partition. Group g commits offset g % 6 everywhere, so most partitions lag
// and the time-lag reads want five offsets of every partition (one Fetch per leader answers
// them all: the five records are one batch).
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {startBroker} from '../dist/src/broker/index.js'
import {connectionOptions, withClient} from '../dist/src/admin/connection.js'
import {sampleLag} from '../dist/src/admin/lag/index.js'
import {commitOffsets} from '../dist/src/admin/group-requests.js'

import {median, timedKctl} from './lib/timing.js'

const TOPICS = Number(process.env.BENCH_LAG_TOPICS ?? 10)
const PARTITIONS_PER_TOPIC = 100
const GROUPS = Number(process.env.BENCH_LAG_GROUPS ?? 50)
const RECORDS_PER_PARTITION = 5
const RUNS = 5
const progress = (message) => process.stderr.write(`bench lag: ${message}\n`)
const TARGET_MS = 2000



const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-lag-'))
// log.flush.interval.ms is raised so the log's periodic fsync of 1,000 freshly written
// partitions (which blocks the broker's event loop for seconds on this machine) does not land
// inside a timed run: this measures the lag tool, not the log's flush.
const broker = await startBroker({port: 0, host: '127.0.0.1', dataDir, config: {'group.initial.rebalance.delay.ms': '0', 'log.flush.interval.ms': '3600000'}})
try {
  const kafka = new Kafka({clientId: 'bench-lag', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING})
  const topics = Array.from({length: TOPICS}, (_, index) => `bench-lag-${index}`)
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: topics.map((topic) => ({topic, numPartitions: PARTITIONS_PER_TOPIC}))})
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  for (const topic of topics) {
    const messages = []
    for (let partition = 0; partition < PARTITIONS_PER_TOPIC; partition++) {
      for (let index = 0; index < RECORDS_PER_PARTITION; index++) messages.push({partition, value: `r${index}`})
    }
    await producer.send({topic, messages})
  }
  await producer.disconnect()
  progress('topics created and filled')

  const options = connectionOptions({'bootstrap-server': broker.bootstrap})
  const groups = Array.from({length: GROUPS}, (_, index) => `bench-group-${String(index).padStart(2, '0')}`)
  await withClient(options, async (client) => {
    await Promise.all(groups.map((group, index) => commitOffsets(client, group, topics.flatMap((topic) =>
      Array.from({length: PARTITIONS_PER_TOPIC}, (_, partition) => ({topic, partition, offset: index % (RECORDS_PER_PARTITION + 1)})),
    ))))
  })

  progress('offsets committed')
  // In-process: the requests alone (connection set-up included, no process start).
  // CPU figures beside the wall times: on a shared machine they move far less. In-process, the
  // CPU is the client's and the broker's together (both live in this process).
  const cpuMsSince = (start) => {
    const used = process.cpuUsage(start)
    return (used.user + used.system) / 1000
  }
  const inProcessMs = []
  const inProcessCpuMs = []
  let rows = 0
  let totalLag = 0
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint()
    const cpuStart = process.cpuUsage()
    const report = await withClient(options, (client) => sampleLag(client))
    inProcessMs.push(Number(process.hrtime.bigint() - started) / 1e6)
    inProcessCpuMs.push(cpuMsSince(cpuStart))
    rows = report.rows.length
    totalLag = report.groups.reduce((sum, group) => sum + group.lag, 0)
  }
  progress(`in-process samples: ${inProcessMs.map(Math.round).join(', ')} ms`)
  // The command as a user runs it, -o json so rendering a 50,000-row table is not what is timed.
  // The broker lives in this process: its CPU per command is this process's CPU meanwhile.
  const processMs = []
  const brokerCpuMs = []
  for (let run = 0; run < RUNS; run++) {
    const cpuStart = process.cpuUsage()
    processMs.push((await timedKctl(['lag', '-b', broker.bootstrap, '-o', 'json'])).elapsedMs)
    brokerCpuMs.push(cpuMsSince(cpuStart))
  }
  const tableMs = (await timedKctl(['lag', '-b', broker.bootstrap])).elapsedMs
  // process start alone, for scale: `kctl --version`
  const startupMs = median(await Promise.all([0, 1, 2].map(async () => (await timedKctl(['--version'])).elapsedMs)))

  const expectedLag = groups.reduce((sum, _, index) => sum + (RECORDS_PER_PARTITION - Math.min(index % (RECORDS_PER_PARTITION + 1), RECORDS_PER_PARTITION)) * TOPICS * PARTITIONS_PER_TOPIC, 0)
  console.log(JSON.stringify({
    groups: GROUPS,
    partitions: TOPICS * PARTITIONS_PER_TOPIC,
    rows,
    totalLag,
    totalLagExpected: expectedLag,
    runs: RUNS,
    lagProcessMsMedian: Math.round(median(processMs)),
    lagProcessMsMax: Math.round(Math.max(...processMs)),
    lagTableProcessMs: Math.round(tableMs),
    lagInProcessMsMedian: Math.round(median(inProcessMs)),
    lagInProcessCpuMsMedian: Math.round(median(inProcessCpuMs)),
    brokerCpuMsPerLagProcessMedian: Math.round(median(brokerCpuMs)),
    cliStartupMsMedian: Math.round(startupMs),
    targetMs: TARGET_MS,
    withinTarget: median(processMs) <= TARGET_MS,
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
  }, null, 2))
} finally {
  await broker.close()
  rmSync(dataDir, {recursive: true, force: true})
}
