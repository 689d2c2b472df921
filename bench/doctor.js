#!/usr/bin/env node
// `kctl doctor --window 0` over 2,000 partitions (20 topics x 100) on the bundled broker, with
// 5 consumer groups committed on every partition of 4 topics; target: the whole command,
// process start included, answers in < 2 s (issue 15) excluding the --window wait. Prints one
// JSON object: the CLI's wall time (median of 5) and the gather + checks alone in-process.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {startBroker} from '../dist/src/broker/index.js'
import {connectionOptions, withClient} from '../dist/src/admin/connection.js'
import {gatherSnapshot} from '../dist/src/admin/doctor/gather.js'
import {runChecks} from '../dist/src/admin/doctor/index.js'
import {commitOffsets} from '../dist/src/admin/group-requests.js'

import {median, timedKctl} from './lib/timing.js'

const TOPICS = 20
const PARTITIONS_PER_TOPIC = 100
const GROUPS = 5
const GROUP_TOPICS = 4
const RUNS = 5
const TARGET_MS = 2000
const progress = (message) => process.stderr.write(`bench doctor: ${message}\n`)



const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-doctor-'))
// As bench/lag.js: the periodic fsync of 2,000 fresh partitions must not land inside a timed run.
const broker = await startBroker({port: 0, host: '127.0.0.1', dataDir, config: {'log.flush.interval.ms': '3600000'}})
try {
  const kafka = new Kafka({clientId: 'bench-doctor', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING})
  const topics = Array.from({length: TOPICS}, (_, index) => `bench-doctor-${String(index).padStart(2, '0')}`)
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: topics.map((topic) => ({topic, numPartitions: PARTITIONS_PER_TOPIC}))})
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  for (const topic of topics) {
    await producer.send({topic, messages: Array.from({length: PARTITIONS_PER_TOPIC * 3}, (_, index) => ({partition: index % PARTITIONS_PER_TOPIC, value: 'x'.repeat(100)}))})
  }
  await producer.disconnect()
  const options = connectionOptions({'bootstrap-server': broker.bootstrap})
  await withClient(options, (client) => Promise.all(Array.from({length: GROUPS}, (_, group) => commitOffsets(client, `bench-doctor-group-${group}`,
    topics.slice(0, GROUP_TOPICS).flatMap((topic) => Array.from({length: PARTITIONS_PER_TOPIC}, (_, partition) => ({topic, partition, offset: 1})))))))
  progress(`${TOPICS * PARTITIONS_PER_TOPIC} partitions filled, ${GROUPS} groups committed`)

  const inProcessMs = []
  let findings = 0
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint()
    const report = await withClient(options, async (client) => runChecks((await gatherSnapshot(client, {windowMs: 0})).snapshot))
    inProcessMs.push(Number(process.hrtime.bigint() - started) / 1e6)
    findings = report.findings.length
  }
  const cliMs = []
  let partitions = 0
  for (let run = 0; run < RUNS; run++) {
    const {elapsedMs, stdout} = await timedKctl(['doctor', '-b', broker.bootstrap, '--window', '0', '-o', 'json'], [0, 3])
    cliMs.push(elapsedMs)
    partitions = JSON.parse(stdout).figures.topics.reduce((sum, topic) => sum + topic.partitions, 0)
  }
  const wallMs = median(cliMs)
  console.log(JSON.stringify({
    partitions,
    groups: GROUPS,
    findings,
    cliWallMsMedian: Math.round(wallMs),
    cliWallMs: cliMs.map(Math.round),
    gatherAndChecksMsMedian: Math.round(median(inProcessMs)),
    targetMs: TARGET_MS,
    withinTarget: wallMs < TARGET_MS,
    // Wall times mean little on a machine busy with other work: the 1-minute load average at the end.
    loadAverage: Number(os.loadavg()[0].toFixed(1)),
  }))
} finally {
  await broker.close()
  rmSync(dataDir, {recursive: true, force: true})
}
