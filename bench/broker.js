#!/usr/bin/env node
// The bundled broker under librdkafka load, against issue 4's and issue 16's targets: ingest
// >= 1,000,000 records/s of 100 bytes (acks=1, linger.ms=5, one partition), fetch >= 3,000,000
// records/s from one partition and >= 2,500,000 records/s from 16 partitions through a consumer
// group of 2, RSS <= 200 MB during the run, produce p50/p99/p99.9 at 50% and 80% of the peak
// rate (p99 <= 10 ms at 50% on a quiet machine), produce to 1,000 partitions at once >= 60% of
// the one-partition rate, Metadata with 10,000 partitions <= 50 ms, start to first answered
// request <= 500 ms, idle RSS <= 80 MB.
//
// Wall-clock rates mean little on a shared machine, so every phase also reports the broker's
// own CPU seconds per million records (utime+stime from /proc), what other processes used
// meanwhile, and the load average is printed with the figures.
//
// The broker runs as `kctl broker start` runs it (dist/src/broker/main.js, its own process,
// so its RSS and CPU are its own: VmRSS and utime+stime from /proc/<pid> every 50 ms). The
// load comes from a small C program against Debian's librdkafka (bench/rdkafka/*.c, compiled
// here with cc into a temp dir): it is the client the targets name, and it costs far less CPU
// per record than the broker, so the figure is the broker's. Each client reports its own CPU
// share so that can be checked, and the broker's CPU share is reported beside it. The fetch
// targets are set against Apache Kafka read by librdkafka's rdkafka_performance, so the
// consumers read as that tool does (consumer.c, group-consumer.c); each fetch figure says in
// `bound` whether the broker or the client spent more CPU per record, since a fetch rate with
// the client at a full core and the broker at a fifth of one is the client's figure.
//
// Phases: start-up (5 spawns), ingest as fast as the producer goes, fetch of everything
// ingested by one consumer, fixed-rate produces at 50% and 80% of the measured ingest rate,
// the same record count produced to a 16-partition topic and read by consumer groups of 1, 2
// and 4 members (the target names 2), produce to a 1,000-partition topic (created with CreateTopics), a consumer group of 4
// (bench/rdkafka/group-consumer.c) reading it back, end-to-end latency at 100,000 records/s
// (producer at a fixed rate, consumer.c timing each record from its CreateTime), Metadata for every topic
// once a second topic brings the cluster to 10,000 partitions, then a slow reader: one connection pipelines SLOW_READER_FETCHES 1 MB fetches and reads nothing
// for a few seconds; the broker stops taking requests from it once 100 responses wait, so its
// RSS grows by at most about 100 MB (reported apart from the run's peak).
// Sizes: BROKER_BENCH_RECORDS (default 8,000,000), BROKER_BENCH_LATENCY_SECONDS (default 8).
// Prints one JSON object.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {decodeResponse, encodeRequest} from '../dist/src/kafka/protocol/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const brokerMain = path.join(here, '..', 'dist', 'src', 'broker', 'main.js')
const RECORDS = Number(process.env.BROKER_BENCH_RECORDS ?? 8_000_000)
const LATENCY_SECONDS = Number(process.env.BROKER_BENCH_LATENCY_SECONDS ?? 8)
const RECORD_BYTES = 100
const START_RUNS = 5
const SAMPLE_MS = 50
const CLOCK_TICKS_PER_SEC = 100
const SLOW_READER_FETCHES = 1000
const SLOW_READER_STALL_MS = 3000
const WIDE_PARTITIONS = 1000
const METADATA_PARTITIONS = 10_000
const METADATA_REQUESTS = 20
const WIDE_GROUP_MEMBERS = 4
const GROUP_PARTITIONS = 16
/** Consumer group sizes reading the GROUP_PARTITIONS-partition topic; the target is for GROUP_TARGET_MEMBERS. */
const GROUP_SIZES = [1, 2, 4]
const GROUP_TARGET_MEMBERS = 2
const GROUP_IDLE_SECONDS = 3
const E2E_RATE = 100_000

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

/** Compiles bench/rdkafka/{producer,consumer,group-consumer}.c; returns the binaries' paths. */
function compileClients(dir) {
  const out = {}
  for (const name of ['producer', 'consumer', 'group-consumer']) {
    out[name] = path.join(dir, name)
    const cc = spawnSync('cc', ['-O2', '-o', out[name], path.join(here, 'rdkafka', `${name}.c`), '-lrdkafka'], {encoding: 'utf8'})
    if (cc.error || cc.status !== 0) {
      const cause = cc.error ? cc.error.message : cc.stderr.trim().split('\n')[0]
      throw new Error(`unable to compile bench/rdkafka/${name}.c: ${cause} (it needs cc and librdkafka's headers: apt-get install -y gcc librdkafka-dev)`)
    }
  }
  return out
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once one ApiVersions request is answered, retrying the connection until then. */
async function firstAnswer(port, deadlineMs) {
  while (Date.now() < deadlineMs) {
    const answered = await new Promise((resolve) => {
      const socket = net.connect({host: '127.0.0.1', port}, () => {
        for (const chunk of encodeRequest(18, 3, 1, 'bench', {clientSoftwareName: 'bench', clientSoftwareVersion: '1'})) socket.write(chunk)
      })
      socket.once('data', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (answered) return
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  throw new Error('the broker did not answer ApiVersions within 10 s')
}

// Loaded into the load-test broker (not the start-up ones): on SIGUSR2 it writes the event
// loop delay since the last signal to KCTL_BENCH_LOOP_DELAY_FILE, with the garbage
// collections meanwhile (full mark-compacts, and the pause time of all), so a latency tail
// can be told apart as the broker's own stalls (GC, a blocking write) or the client's and machine's.
const LOOP_DELAY_HOOK = `data:text/javascript,${encodeURIComponent(`
import {writeFileSync} from 'node:fs'
import {constants, monitorEventLoopDelay, PerformanceObserver} from 'node:perf_hooks'
const delay = monitorEventLoopDelay({resolution: 1})
delay.enable()
let gc = {fullCollections: 0, pauseMs: 0, longestPauseMs: 0}
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.fullCollections++
    gc.pauseMs += entry.duration
    gc.longestPauseMs = Math.max(gc.longestPauseMs, entry.duration)
  }
}).observe({entryTypes: ['gc']})
process.on('SIGUSR2', () => {
  writeFileSync(process.env.KCTL_BENCH_LOOP_DELAY_FILE, JSON.stringify({p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6, gc}))
  delay.reset()
  gc = {fullCollections: 0, pauseMs: 0, longestPauseMs: 0}
})`)}`

/**
 * Spawns the broker process on a fresh data dir; resolves with it and its start time once it
 * answers. `loopDelay()` (with `watchLoop`) returns the event loop delay and the garbage
 * collections since its last call.
 */
async function startBroker({watchLoop = false} = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-broker-'))
  const loopDelayFile = path.join(dataDir, 'loop-delay.json')
  const port = await freePort()
  const metricsPort = await freePort()
  const began = process.hrtime.bigint()
  const nodeArgs = watchLoop ? ['--import', LOOP_DELAY_HOOK] : []
  const options = {port, host: '127.0.0.1', dataDir, config: {}, logFile: null, ...(watchLoop ? {metricsPort} : {})}
  const child = spawn(process.execPath, [...nodeArgs, brokerMain, JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {...process.env, KCTL_BENCH_LOOP_DELAY_FILE: loopDelayFile},
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await Promise.race([firstAnswer(port, Date.now() + 10_000), exited.then(() => Promise.reject(new Error('the broker exited during start-up')))])
  const startMs = Number(process.hrtime.bigint() - began) / 1e6
  return {
    child,
    startMs,
    bootstrap: `127.0.0.1:${port}`,
    /** Requests of one API the broker has answered so far (its Prometheus counter). */
    async requests(api) {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
      const line = text.split('\n').find((entry) => entry.startsWith(`kctl_broker_requests_total{api="${api}"}`))
      return line ? Number(line.split(' ').at(-1)) : 0
    },
    async loopDelay() {
      rmSync(loopDelayFile, {force: true})
      child.kill('SIGUSR2')
      for (let waitedMs = 0; waitedMs < 5000; waitedMs += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10))
        try {
          const {p99Ms, maxMs, gc} = JSON.parse(readFileSync(loopDelayFile, 'utf8'))
          return {p99Ms: round(p99Ms), maxMs: round(maxMs), gc: {fullCollections: gc.fullCollections, pauseMs: round(gc.pauseMs), longestPauseMs: round(gc.longestPauseMs)}}
        } catch {
          // not written yet
        }
      }
      return undefined
    },
    async stop() {
      child.kill('SIGTERM')
      await exited
      rmSync(dataDir, {recursive: true, force: true})
    },
  }
}

function rssMB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
}

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC // utime, stime
}

/** Samples the broker's RSS every SAMPLE_MS; `phase()` returns the peak since the last call. */
function watchBroker(pid) {
  let phasePeak = rssMB(pid)
  const timer = setInterval(() => {
    phasePeak = Math.max(phasePeak, rssMB(pid))
  }, SAMPLE_MS)
  return {
    phase() {
      const value = Math.max(phasePeak, rssMB(pid))
      phasePeak = rssMB(pid)
      return value
    },
    stop() {
      clearInterval(timer)
    },
  }
}

/** Runs a client binary; resolves with its JSON line. */
function runClient(binary, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.once('exit', (code) => {
      try {
        const result = JSON.parse(stdout)
        if (code !== 0) reject(new Error(`${path.basename(binary)} exited ${code}: ${result.firstError || stderr.trim().split('\n').at(-1)}`))
        else resolve(result)
      } catch {
        reject(new Error(`${path.basename(binary)} exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`))
      }
    })
  })
}

/** Seconds the broker's main thread has spent runnable but waiting for a core (schedstat's run delay). */
function waitingForCpuSeconds(pid) {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9
}

/** CPU seconds spent by the whole machine (all cores, every process) so far. */
function machineBusySeconds() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SEC
}

/**
 * Runs a client and reports, beside its result, the CPU it and the broker used (percent of
 * one core) and what everything else on the machine used: the machine is shared, so a rate
 * measured while other processes held the cores says so here (and in how long the broker's
 * main thread sat runnable without a core). The broker's event loop delay covers the whole
 * phase, the client's connecting and the topic's auto-creation included.
 */
async function measured(broker, work) {
  const pid = broker.child.pid
  await broker.loopDelay()
  const brokerBefore = cpuSeconds(pid)
  const waitingBefore = waitingForCpuSeconds(pid)
  const machineBefore = machineBusySeconds()
  const began = process.hrtime.bigint()
  const result = await work()
  const seconds = Number(process.hrtime.bigint() - began) / 1e9
  const brokerCpuSeconds = cpuSeconds(pid) - brokerBefore
  const otherCpuSeconds = Math.max(0, machineBusySeconds() - machineBefore - brokerCpuSeconds - result.cpuSeconds)
  const brokerEventLoopDelayMs = await broker.loopDelay()
  return {
    result,
    usage: {
      records: result.records,
      seconds: result.seconds,
      brokerCpuPercent: Math.round((100 * brokerCpuSeconds) / seconds),
      brokerWaitingForCpuPercent: Math.round((100 * (waitingForCpuSeconds(pid) - waitingBefore)) / seconds),
      clientCpuPercent: Math.round(result.cpuPercent),
      otherProcessesCpuPercent: Math.round((100 * otherCpuSeconds) / seconds),
      brokerCpuSeconds: round(brokerCpuSeconds, 3),
      brokerCpuSecondsPerMillionRecords: round((brokerCpuSeconds * 1e6) / result.records, 3),
      clientCpuSecondsPerMillionRecords: round((result.cpuSeconds * 1e6) / result.records, 3),
      brokerEventLoopDelayMs,
    },
  }
}

function latencyFigures(phase) {
  const {recordsPerSec, p50Ms, p99Ms, p999Ms, maxMs} = phase.result
  return {ratePerSec: phase.rate, achievedPerSec: recordsPerSec, p50Ms, p99Ms, p999Ms, maxMs}
}

/**
 * What bounds a fetch figure: the CPU the broker and the consumer(s) spent per record (all
 * members together), each as records per second of one core, and which of them spent more.
 */
function fetchBound(usage) {
  const {brokerCpuSecondsPerMillionRecords: broker, clientCpuSecondsPerMillionRecords: client} = usage
  return {
    brokerCpuPercent: usage.brokerCpuPercent,
    clientCpuPercent: usage.clientCpuPercent,
    brokerRecordsPerCpuSecond: Math.round(1e6 / broker),
    clientRecordsPerCpuSecond: Math.round(1e6 / client),
    clientShareOfCpu: round(client / (client + broker), 2),
    boundBy: client > broker ? 'client' : 'broker',
  }
}

/**
 * `members` group-consumer.c processes in group `groupId` read `topic` at once: records
 * delivered (a rebalance while members join re-delivers some), the window from the first
 * member's start to the last record, and the members' CPU together.
 */
async function groupRead(client, bootstrap, topic, groupId, members) {
  const began = process.hrtime.bigint()
  const results = await Promise.all(Array.from({length: members}, () => runClient(client, [bootstrap, topic, groupId, String(GROUP_IDLE_SECONDS), '120'])))
  const records = results.reduce((sum, member) => sum + member.records, 0)
  const seconds = Math.max(...results.map((member) => member.seconds))
  if (seconds <= 0) throw new Error(`the group ${groupId} read no records`)
  const cpuSeconds = results.reduce((sum, member) => sum + member.cpuSeconds, 0)
  const wallSeconds = Number(process.hrtime.bigint() - began) / 1e9
  return {records, seconds, recordsPerSec: Math.round(records / seconds), cpuSeconds, cpuPercent: (100 * cpuSeconds) / wallSeconds}
}

/** Pipelines fetches of `topic` on one connection without reading a byte of the answers for a while. */
async function stalledReader(bootstrap, topic) {
  const [host, port] = bootstrap.split(':')
  const socket = net.connect({host, port: Number(port)})
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  socket.pause()
  for (let i = 0; i < SLOW_READER_FETCHES; i++) {
    const partitions = [{partition: 0, currentLeaderEpoch: -1, fetchOffset: (i * 4099) % RECORDS, logStartOffset: -1, partitionMaxBytes: 1 << 20}]
    const body = {replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 50 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topic, partitions}], forgottenTopicsData: [], rackId: ''}
    for (const chunk of encodeRequest(1, 11, i, 'bench-slow-reader', body)) socket.write(chunk)
  }
  await new Promise((resolve) => setTimeout(resolve, SLOW_READER_STALL_MS))
  socket.destroy()
}

/** One client connection for the bench's own requests: `call` sends one and resolves with the decoded answer. */
async function rawConnection(bootstrap) {
  const [host, port] = bootstrap.split(':')
  const socket = net.connect({host, port: Number(port)})
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let pending = Buffer.alloc(0)
  let waiting = null
  socket.on('data', (data) => {
    pending = Buffer.concat([pending, data])
    if (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const frame = pending.subarray(4, 4 + pending.readInt32BE(0))
      pending = pending.subarray(4 + frame.length)
      const resolve = waiting
      waiting = null
      resolve(frame)
    }
  })
  let correlationId = 0
  return {
    call(apiKey, apiVersion, body) {
      const answered = new Promise((resolve) => (waiting = resolve))
      for (const chunk of encodeRequest(apiKey, apiVersion, ++correlationId, 'bench', body)) socket.write(chunk)
      return answered.then((frame) => decodeResponse(apiKey, apiVersion, frame).body)
    },
    close() {
      socket.destroy()
    },
  }
}

const allTopicsMetadata = (connection) => connection.call(3, 12, {topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false})

async function partitionCount(connection) {
  const answer = await allTopicsMetadata(connection)
  return answer.topics.reduce((sum, topic) => sum + topic.partitions.length, 0)
}

async function createTopic(connection, name, partitions) {
  const body = {topics: [{name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 600_000, validateOnly: false}
  const answer = await connection.call(19, 7, body)
  const errorCode = answer.topics[0].errorCode
  if (errorCode !== 0) throw new Error(`unable to create topic ${name} with ${partitions} partitions: error code ${errorCode}`)
}

/**
 * Metadata for every topic (the METADATA_PARTITIONS-partition topic among them), one request
 * at a time: wall time per answer (median, max) and the broker's CPU per request, which a
 * loaded machine inflates far less than wall time.
 */
async function metadataFigures(broker, connection) {
  const wallMs = []
  const cpuBefore = cpuSeconds(broker.child.pid)
  for (let i = 0; i < METADATA_REQUESTS; i++) {
    const began = process.hrtime.bigint()
    const answer = await allTopicsMetadata(connection)
    wallMs.push(Number(process.hrtime.bigint() - began) / 1e6)
    const partitions = answer.topics.reduce((sum, topic) => sum + topic.partitions.length, 0)
    if (partitions < METADATA_PARTITIONS) throw new Error(`Metadata listed ${partitions} partitions, expected at least ${METADATA_PARTITIONS}`)
  }
  wallMs.sort((a, b) => a - b)
  return {
    partitions: METADATA_PARTITIONS,
    requests: METADATA_REQUESTS,
    medianMs: round(wallMs[Math.floor(METADATA_REQUESTS / 2)]),
    maxMs: round(wallMs[METADATA_REQUESTS - 1]),
    brokerCpuMsPerRequest: round(((cpuSeconds(broker.child.pid) - cpuBefore) * 1000) / METADATA_REQUESTS),
  }
}

const loadAverage = () => os.loadavg().map((value) => round(value, 2))

const buildDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-rdkafka-'))
try {
  const clients = compileClients(buildDir)

  // Start-up: spawn -> first ApiVersions answered; idle RSS of the last one after 2 s.
  const startMs = []
  let idleRssMB = 0
  for (let run = 0; run < START_RUNS; run++) {
    const broker = await startBroker()
    startMs.push(broker.startMs)
    if (run === START_RUNS - 1) {
      await new Promise((resolve) => setTimeout(resolve, 2000))
      idleRssMB = rssMB(broker.child.pid)
    }
    await broker.stop()
  }
  startMs.sort((a, b) => a - b)

  const broker = await startBroker({watchLoop: true})
  const pid = broker.child.pid
  const watch = watchBroker(pid)
  try {
    // The producer's metadata request auto-creates each topic with one partition.
    const ingest = await measured(broker, () => runClient(clients.producer, [broker.bootstrap, 'bench-ingest', String(RECORDS), String(RECORD_BYTES), '0']))
    const ingestRssMB = watch.phase()
    // +1: the producer's warm-up record.
    const oneFetchesBefore = await broker.requests('Fetch')
    const fetch = await measured(broker, () => runClient(clients.consumer, [broker.bootstrap, 'bench-ingest', String(RECORDS + 1), '120']))
    const oneFetchRequests = (await broker.requests('Fetch')) - oneFetchesBefore
    const fetchRssMB = watch.phase()
    const fixedRate = (share) => {
      const rate = Math.round(ingest.result.recordsPerSec * share)
      const run = () => runClient(clients.producer, [broker.bootstrap, 'bench-latency', String(rate * LATENCY_SECONDS), String(RECORD_BYTES), String(rate)])
      return measured(broker, run).then((phase) => ({...phase, rate}))
    }
    const half = await fixedRate(0.5)
    const halfRssMB = watch.phase()
    const eightyPercent = await fixedRate(0.8)
    const eightyRssMB = watch.phase()

    // A GROUP_PARTITIONS-partition topic with as many records as the one-partition one
    // (librdkafka spreads keyless records at random), read by a group of each GROUP_SIZES size.
    const connection = await rawConnection(broker.bootstrap)
    await createTopic(connection, 'bench-group', GROUP_PARTITIONS)
    const groupIngest = await measured(broker, () => runClient(clients.producer, [broker.bootstrap, 'bench-group', String(RECORDS), String(RECORD_BYTES), '0']))
    const groupReads = []
    for (const members of GROUP_SIZES) {
      const fetchesBefore = await broker.requests('Fetch')
      const phase = await measured(broker, () => groupRead(clients['group-consumer'], broker.bootstrap, 'bench-group', `bench-group-of-${members}`, members))
      const fetchRequests = (await broker.requests('Fetch')) - fetchesBefore
      // Members that join and leave one after another can leave records unread (a member
      // that went idle during a slow rebalance on a loaded machine): reported per group as
      // recordsUnread rather than failing the whole run; the rate covers what was read.
      groupReads.push({members, phase, fetchRequests})
    }
    const groupRssMB = watch.phase()
    const groupTarget = groupReads.find((read) => read.members === GROUP_TARGET_MEMBERS)

    // Many partitions: one produce to WIDE_PARTITIONS partitions at once (librdkafka spreads
    // keyless records over all of them, one batch per partition per linger), then Metadata
    // with METADATA_PARTITIONS partitions in the cluster.
    await createTopic(connection, 'bench-wide', WIDE_PARTITIONS)
    const wideRecords = Math.max(WIDE_PARTITIONS * 100, Math.round(RECORDS / 4))
    const wide = await measured(broker, () => runClient(clients.producer, [broker.bootstrap, 'bench-wide', String(wideRecords), String(RECORD_BYTES), '0']))
    const wideRssMB = watch.phase()
    // A group of WIDE_GROUP_MEMBERS reads the wide topic: each member's fetches name its 250
    // partitions, most of them drained before the others, so the broker's CPU per Fetch
    // request is mostly that of answering for partitions with nothing new.
    const fetchesBefore = await broker.requests('Fetch')
    const group = await measured(broker, () => groupRead(clients['group-consumer'], broker.bootstrap, 'bench-wide', 'bench-wide-group', WIDE_GROUP_MEMBERS))
    const fetchRequests = (await broker.requests('Fetch')) - fetchesBefore
    // The members join one after another, and a rebalance hands partitions over from their
    // last commit: some records are delivered twice, so only too few is an error.
    if (group.result.records < wideRecords) throw new Error(`the group read ${group.result.records} of ${wideRecords} records`)
    // End to end at E2E_RATE records/s: a partition consumer started first (it reads from the
    // beginning, so the head start keeps its connecting out of the figures), then the producer
    // at a fixed rate; latency = delivery wall clock - CreateTime, in whole milliseconds.
    await createTopic(connection, 'bench-e2e', 1)
    const e2eRecords = E2E_RATE * LATENCY_SECONDS
    const endToEnd = await measured(broker, async () => {
      const consumer = runClient(clients.consumer, [broker.bootstrap, 'bench-e2e', String(e2eRecords + 1), '120', 'latency'])
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const producer = await runClient(clients.producer, [broker.bootstrap, 'bench-e2e', String(e2eRecords), String(RECORD_BYTES), String(E2E_RATE)])
      return {...(await consumer), producer}
    })
    await createTopic(connection, 'bench-metadata', METADATA_PARTITIONS - (await partitionCount(connection)))
    const metadata = await metadataFigures(broker, connection)
    connection.close()
    const peakRssMB = Math.max(ingestRssMB, fetchRssMB, halfRssMB, eightyRssMB, groupRssMB, wideRssMB)
    await stalledReader(broker.bootstrap, 'bench-ingest')
    const slowReaderRssMB = watch.phase()
    watch.stop()
    const rssAfterRunMB = rssMB(pid)

    const figures = {
      ingestRecordsPerSec: ingest.result.recordsPerSec,
      ingestMBps: round((ingest.result.recordsPerSec * RECORD_BYTES) / 1e6),
      fetchRecordsPerSec: fetch.result.recordsPerSec,
      fetchMBps: round(fetch.result.valueBytes / fetch.result.seconds / 1e6),
      // Each Fetch names one partition with librdkafka's default 1 MB partition limit, so a
      // response carries about 1 MB of batches whatever the request's total maxBytes.
      fetchRequestsPerMillionRecords: Math.round((oneFetchRequests * 1e6) / fetch.result.records),
      fetchBound: fetchBound(fetch.usage),
      groupFetchRecordsPerSec: groupTarget.phase.result.recordsPerSec,
      groupFetch: {
        partitions: GROUP_PARTITIONS,
        produceRecordsPerSec: groupIngest.result.recordsPerSec,
        groups: groupReads.map(({members, phase, fetchRequests}) => ({
          members,
          recordsDelivered: phase.result.records,
          recordsUnread: Math.max(0, RECORDS + 1 - phase.result.records),
          recordsPerSec: phase.result.recordsPerSec,
          fetchRequestsPerMillionRecords: Math.round((fetchRequests * 1e6) / phase.result.records),
          brokerCpuSecondsPerMillionRecords: phase.usage.brokerCpuSecondsPerMillionRecords,
          clientCpuSecondsPerMillionRecords: phase.usage.clientCpuSecondsPerMillionRecords,
          bound: fetchBound(phase.usage),
        })),
      },
      peakRssMB: round(peakRssMB),
      slowReaderPeakRssMB: round(slowReaderRssMB),
      idleRssMB: round(idleRssMB),
      startMs: Math.round(startMs[Math.floor(START_RUNS / 2)]),
      startMsMax: Math.round(startMs[START_RUNS - 1]),
      halfPeakProduceLatency: latencyFigures(half),
      eightyPercentPeakProduceLatency: latencyFigures(eightyPercent),
      // Produce to WIDE_PARTITIONS partitions against one: the rate ratio is the target (>= 0.6);
      // the broker CPU ratio (one partition's CPU per record over the wide one's) says the same
      // with far less sensitivity to what else the machine runs.
      widePartitionsProduce: {
        partitions: WIDE_PARTITIONS,
        recordsPerSec: wide.result.recordsPerSec,
        rateRatioToOnePartition: round(wide.result.recordsPerSec / ingest.result.recordsPerSec, 2),
        brokerCpuRatioToOnePartition: round(ingest.usage.brokerCpuSecondsPerMillionRecords / wide.usage.brokerCpuSecondsPerMillionRecords, 2),
      },
      groupFetchWidePartitions: {
        partitions: WIDE_PARTITIONS,
        members: WIDE_GROUP_MEMBERS,
        recordsDelivered: group.result.records,
        recordsPerSec: group.result.recordsPerSec,
        fetchRequests,
        // Over the whole phase (joining, reading, GROUP_IDLE_SECONDS of empty long polls).
        brokerCpuMsPerFetchRequest: fetchRequests > 0 ? round((group.usage.brokerCpuSeconds * 1e3) / fetchRequests, 2) : null,
      },
      endToEndLatency: {
        ratePerSec: E2E_RATE,
        achievedPerSec: endToEnd.result.producer.recordsPerSec,
        p50Ms: endToEnd.result.p50Ms,
        p99Ms: endToEnd.result.p99Ms,
        p999Ms: endToEnd.result.p999Ms,
        maxMs: endToEnd.result.maxMs,
      },
      metadata,
      loadAverage: loadAverage(),
      // CPU in percent of one core (the machine has os.cpus().length); other processes = the
      // rest of the machine's busy time over the phase, so a noisy run can be told apart.
      phases: {
        ingest: {...ingest.usage, peakRssMB: round(ingestRssMB)},
        fetch: {...fetch.usage, peakRssMB: round(fetchRssMB)},
        halfPeak: half.usage,
        eightyPercentPeak: eightyPercent.usage,
        groupIngest: groupIngest.usage,
        // Client CPU here is all members' together.
        ...Object.fromEntries(groupReads.map(({members, phase}) => [`groupFetchOf${members}`, phase.usage])),
        widePartitions: {...wide.usage, peakRssMB: round(wideRssMB)},
        groupFetchWidePartitions: group.usage,
        // Client CPU here is the consumer's only.
        endToEnd: endToEnd.usage,
      },
      // Records per second of broker CPU: what the broker could do with a core to itself.
      brokerRecordsPerCpuSecond: {
        ingest: Math.round(1e6 / ingest.usage.brokerCpuSecondsPerMillionRecords),
        fetch: Math.round(1e6 / fetch.usage.brokerCpuSecondsPerMillionRecords),
      },
      rssAfterRunMB: round(rssAfterRunMB),
      client:
        'bench/rdkafka producer.c/consumer.c/group-consumer.c on librdkafka ' +
        (spawnSync('pkg-config', ['--modversion', 'rdkafka'], {encoding: 'utf8'}).stdout?.trim() || '(version unknown)') +
        " (acks=1, linger.ms=5; partition consumer served by consume_callback_queue and group members by consume_batch_queue, queued.min.messages=1000000 as rdkafka_performance)",
      recordBytes: RECORD_BYTES,
      cpus: os.cpus().length,
      targets: {
        ingestRecordsPerSec: 1_000_000,
        fetchRecordsPerSec: 3_000_000,
        groupFetchRecordsPerSec: 2_500_000,
        peakRssMB: 200,
        startMs: 500,
        idleRssMB: 80,
        halfPeakP99Ms: 10,
        metadataMs: 50,
        widePartitionsRateRatio: 0.6,
      },
    }
    // Other processes busy for more than a fifth of a core: the rates are the machine's as much as the broker's.
    figures.machineWasShared = [ingest, fetch, half, eightyPercent, groupIngest, ...groupReads.map((read) => read.phase), wide, group, endToEnd].some((phase) => phase.usage.otherProcessesCpuPercent > 20)
    figures.meetsTargets = {
      ingest: figures.ingestRecordsPerSec >= 1_000_000,
      fetch: figures.fetchRecordsPerSec >= 3_000_000,
      groupFetch: figures.groupFetchRecordsPerSec >= 2_500_000,
      peakRss: figures.peakRssMB <= 200,
      start: figures.startMs <= 500,
      idleRss: figures.idleRssMB <= 80,
      halfPeakP99: half.result.p99Ms <= 10,
      metadata: metadata.medianMs <= 50,
      widePartitions: figures.widePartitionsProduce.rateRatioToOnePartition >= 0.6,
    }
    console.log(JSON.stringify(figures, null, 2))
  } finally {
    watch.stop()
    await broker.stop()
  }
} catch (err) {
  console.error(`bench/broker: ${err.message}`)
  process.exitCode = 1
} finally {
  rmSync(buildDir, {recursive: true, force: true})
}
