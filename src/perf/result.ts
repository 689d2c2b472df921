// The json views of a run, named as OpenMessaging Benchmark names its results
// (benchmark-framework TestResult.java: publishRate, publishLatency50pct …,
// aggregatedPublishLatency99pct …) so existing OMB charting scripts read them. Unlike OMB,
// every latency here is in milliseconds (OMB keeps publishDelayLatency in microseconds).
// Series hold one value per sample period (`samplePeriodMs`).
import type {ConsumeOutcome} from './consumer.js'
import {consumerHeader, formatConsumerTotal, formatProducerTotal, javaFixed} from './format.js'
import {produceDefaults, type ProduceOutcome, type ToolOverhead} from './produce.js'
import type {Chart, Report, ReportSection} from './report.js'
import {type LatencyPercentiles, percentilesOf, type RateSample, type Sample, type Totals} from './stats.js'
import type {WorkloadOutcome} from './workload.js'

const percentileKeys = ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'] as const
type PercentileKey = (typeof percentileKeys)[number]
export type LatencySeries<P extends string> = {[K in `${P}${PercentileKey}`]: number[]}
export type LatencyAggregate<P extends string> = {[K in `aggregated${Capitalize<P>}${PercentileKey}`]: number}

function pick(p: LatencyPercentiles, key: PercentileKey): number {
  const value = {
    Avg: p.avgMs,
    '50pct': p.p50Ms,
    '75pct': p.p75Ms,
    '95pct': p.p95Ms,
    '99pct': p.p99Ms,
    '999pct': p.p999Ms,
    '9999pct': p.p9999Ms,
    Max: p.maxMs,
  }[key]
  return round3(value)
}

/** Three decimals: microsecond resolution, as recorded. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}

export function latencySeries<P extends string>(prefix: P, samples: Sample[]): LatencySeries<P> {
  return Object.fromEntries(percentileKeys.map((key) => [`${prefix}${key}`, samples.map((sample) => pick(sample, key))])) as LatencySeries<P>
}

export function latencyAggregate<P extends string>(prefix: P, percentiles: LatencyPercentiles): LatencyAggregate<P> {
  const name = prefix.charAt(0).toUpperCase() + prefix.slice(1)
  return Object.fromEntries(percentileKeys.map((key) => [`aggregated${name}${key}`, pick(percentiles, key)])) as LatencyAggregate<P>
}

/** OMB's aggregated…LatencyQuantiles: percentile → milliseconds. */
export function latencyQuantiles(percentiles: LatencyPercentiles): Record<string, number> {
  return {
    '50.0': round3(percentiles.p50Ms),
    '75.0': round3(percentiles.p75Ms),
    '95.0': round3(percentiles.p95Ms),
    '99.0': round3(percentiles.p99Ms),
    '99.9': round3(percentiles.p999Ms),
    '99.99': round3(percentiles.p9999Ms),
    '100.0': round3(percentiles.maxMs),
  }
}

export interface SteadyState extends LatencyAggregate<'publishLatency'> {
  recordsSent: number
  aggregatedPublishRate: number
}

export interface ProduceResult
  extends LatencySeries<'publishLatency'>,
    LatencyAggregate<'publishLatency'>,
    LatencyAggregate<'publishDelayLatency'> {
  workload: string
  driver: 'kctl'
  topic: string
  messageSize: number
  topics: number
  partitions: number
  producersPerTopic: number
  consumersPerTopic: number
  /** Records per second asked for; -1 = unlimited. */
  targetRate: number
  acks: number
  batchSizeBytes: number
  lingerMs: number
  compression: string
  samplePeriodMs: number
  publishRate: number[]
  publishThroughputMiBps: number[]
  aggregatedPublishLatencyQuantiles: Record<string, number>
  recordsSent: number
  bytesSent: number
  durationMs: number
  aggregatedPublishRate: number
  aggregatedPublishThroughputMiBps: number
  errors: number
  errorsByCode: Record<string, number>
  steadyState: SteadyState | null
  tool: ToolView
  interrupted: boolean
}

/** The load generator's own cost, so a saturated or starved client is not mistaken for a slow broker. */
export interface ToolView {
  cpuPercent: number
  eventLoopUtilization: number
  eventLoopDelayP99Ms: number
  eventLoopDelayMaxMs: number
}

function toolView(overhead: ToolOverhead): ToolView {
  return {
    cpuPercent: Math.round(overhead.cpuPercent * 10) / 10,
    eventLoopUtilization: round3(overhead.eventLoopUtilization),
    eventLoopDelayP99Ms: round3(overhead.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: round3(overhead.eventLoopDelayMaxMs),
  }
}

function rate(records: number, elapsedMs: number): number {
  return Math.round((records * 1000 * 10) / elapsedMs) / 10
}

export function produceResult(outcome: ProduceOutcome, workload = 'perf produce'): ProduceResult {
  const {settings, recorder} = outcome
  const totals = recorder.totals(outcome.endMs)
  const samples = recorder.samples
  const steady = recorder.hasWarmup ? recorder.steadyTotals(outcome.endMs) : null
  return {
    workload,
    driver: 'kctl',
    topic: settings.topic,
    messageSize: totals.records > 0 ? Math.round(totals.bytes / totals.records) : settings.payloads[0].length,
    topics: 1,
    partitions: outcome.layout.leaders.length,
    producersPerTopic: settings.producers,
    consumersPerTopic: 0,
    targetRate: settings.recordsPerSec,
    acks: settings.acks,
    batchSizeBytes: settings.batchBytes,
    lingerMs: settings.lingerMs,
    compression: settings.compression,
    samplePeriodMs: settings.sampleIntervalMs,
    publishRate: samples.map((sample) => Math.round(sample.recordsPerSec * 10) / 10),
    publishThroughputMiBps: samples.map((sample) => round3(sample.mibPerSec)),
    ...latencySeries('publishLatency', samples),
    ...latencyAggregate('publishLatency', totals),
    aggregatedPublishLatencyQuantiles: latencyQuantiles(totals),
    ...latencyAggregate('publishDelayLatency', percentilesOf(outcome.delay)),
    recordsSent: totals.records,
    bytesSent: Math.round(totals.bytes),
    durationMs: Math.round(totals.elapsedMs),
    aggregatedPublishRate: rate(totals.records, totals.elapsedMs),
    aggregatedPublishThroughputMiBps: round3((totals.bytes * 1000) / totals.elapsedMs / 1024 / 1024),
    errors: outcome.errors,
    errorsByCode: outcome.errorNames,
    steadyState: steady && {
      recordsSent: steady.records,
      aggregatedPublishRate: rate(steady.records, steady.elapsedMs),
      ...latencyAggregate('publishLatency', steady),
    },
    tool: toolView(outcome.overhead),
    interrupted: outcome.interrupted,
  }
}

function totalLine(totals: Totals, steadyState: boolean): string {
  return formatProducerTotal({
    records: totals.records,
    bytes: totals.bytes,
    elapsedMs: totals.elapsedMs,
    latencySumMs: totals.latencySumMs,
    latencyMaxMs: totals.maxMs,
    p50Ms: totals.p50Ms,
    p95Ms: totals.p95Ms,
    p99Ms: totals.p99Ms,
    p999Ms: totals.p999Ms,
    steadyState,
  })
}

/** The summary lines of kafka-producer-perf-test: the whole run, then the steady state. */
export function produceSummaryLines(outcome: ProduceOutcome): string[] {
  const lines = [totalLine(outcome.recorder.totals(outcome.endMs), false)]
  if (outcome.recorder.hasWarmup) lines.push(totalLine(outcome.recorder.steadyTotals(outcome.endMs), true))
  return lines
}

const ms = (value: number): string => `${value.toFixed(2)} ms`

export function latencyChart(title: string, samples: Sample[]): Chart {
  const at = (sample: Sample): number => Math.round(sample.atMs) / 1000
  return {
    title,
    unit: 'ms',
    series: [
      {name: 'p50', points: samples.map((sample) => [at(sample), sample.p50Ms])},
      {name: 'p95', points: samples.map((sample) => [at(sample), sample.p95Ms])},
      {name: 'p99', points: samples.map((sample) => [at(sample), sample.p99Ms])},
      {name: 'p99.9', points: samples.map((sample) => [at(sample), sample.p999Ms])},
      {name: 'max', points: samples.map((sample) => [at(sample), sample.maxMs])},
    ],
  }
}

export function throughputChart(title: string, series: {name: string; samples: RateSample[]}[]): Chart {
  return {
    title,
    unit: 'records/s',
    series: series.map(({name, samples}) => ({name, points: withoutShortTail(samples).map((sample) => [Math.round(sample.atMs) / 1000, sample.recordsPerSec])})),
  }
}

/** The last sample closes at the end of the run and may span a few milliseconds of waiting
 *  for the final acks; its rate would plot as a plunge to zero that never happened. */
function withoutShortTail(samples: RateSample[]): RateSample[] {
  const last = samples.at(-1)
  if (samples.length < 2 || !last || last.durationMs * 2 >= samples[0].durationMs) return samples
  return samples.slice(0, -1)
}

export function latencySection(heading: string, result: LatencyAggregate<'publishLatency'> | Record<string, number>, prefix: string): ReportSection {
  const values = result as Record<string, number>
  const rows: [string, string][] = percentileKeys.map((key) => [`${key === 'Avg' ? 'average' : key === 'Max' ? 'max' : key.replace('pct', 'th').replace(/^(99)(9+)/, '$1.$2')}`, ms(values[`aggregated${prefix}${key}`])])
  return {heading, rows}
}

export function produceReport(result: ProduceResult, outcome: ProduceOutcome): Report {
  const target = result.targetRate > 0 ? `${result.targetRate} records/s` : 'unlimited'
  return {
    title: `kctl perf produce: ${result.topic}`,
    subtitle: `${new Date(outcome.startMs).toISOString()}, ${(result.durationMs / 1000).toFixed(1)} s${result.interrupted ? ' (interrupted)' : ''}`,
    sections: [
      {
        heading: 'Run',
        rows: [
          ['topic', `${result.topic} (${result.partitions} partitions)`],
          ['producers', String(result.producersPerTopic)],
          ['target rate', target],
          ['record size', `${result.messageSize} bytes`],
          ['acks / batch size / linger', `${result.acks} / ${result.batchSizeBytes} bytes / ${result.lingerMs} ms`],
          ['compression', result.compression],
        ],
      },
      {
        heading: 'Throughput',
        rows: [
          ['records sent', String(result.recordsSent)],
          ['records/s', result.aggregatedPublishRate.toFixed(1)],
          ['MiB/s', result.aggregatedPublishThroughputMiBps.toFixed(2)],
          ['errors', String(result.errors)],
        ],
      },
      latencySection('Publish latency (from intended send time)', result, 'PublishLatency'),
      {
        heading: 'Load generator',
        rows: [
          ['CPU (one core = 100%)', `${result.tool.cpuPercent.toFixed(1)} %`],
          ['event loop busy', `${(result.tool.eventLoopUtilization * 100).toFixed(1)} %`],
          ['timer lateness p99 / max', `${ms(result.tool.eventLoopDelayP99Ms)} / ${ms(result.tool.eventLoopDelayMaxMs)}`],
          ['generator lag p99 / max', `${ms(result.aggregatedPublishDelayLatency99pct)} / ${ms(result.aggregatedPublishDelayLatencyMax)}`],
        ],
      },
    ],
    charts: [throughputChart('Throughput', [{name: 'acknowledged', samples: outcome.recorder.samples}]), latencyChart('Publish latency', outcome.recorder.samples)],
  }
}

export interface ConsumeResult {
  workload: string
  driver: 'kctl'
  topic: string
  partitions: number
  consumersPerTopic: number
  startTime: string
  endTime: string
  samplePeriodMs: number
  consumeRate: number[]
  consumeThroughputMiBps: number[]
  recordsConsumed: number
  /** Key plus value bytes, as kafka-consumer-perf-test counts data.consumed.in.MB. */
  bytesConsumed: number
  dataConsumedMiB: number
  mibPerSec: number
  aggregatedConsumeRate: number
  /** 0: partitions are assigned directly, without a consumer group. */
  rebalanceTimeMs: number
  fetchTimeMs: number
  fetchMiBPerSec: number
  fetchRecordsPerSec: number
  timedOut: boolean
  interrupted: boolean
  tool: ToolView
}

export function consumeResult(outcome: ConsumeOutcome): ConsumeResult {
  const elapsedMs = Math.max(1, outcome.endMs - outcome.startMs)
  const fetchTimeMs = Math.max(1, Math.round(elapsedMs - outcome.rebalanceMs))
  const mib = outcome.bytes / 1024 / 1024
  return {
    workload: 'perf consume',
    driver: 'kctl',
    topic: outcome.layout.name,
    partitions: outcome.layout.leaders.length,
    consumersPerTopic: 1,
    startTime: new Date(outcome.startMs).toISOString(),
    endTime: new Date(outcome.endMs).toISOString(),
    samplePeriodMs: outcome.settings.sampleIntervalMs,
    consumeRate: outcome.samples.map((sample) => Math.round(sample.recordsPerSec * 10) / 10),
    consumeThroughputMiBps: outcome.samples.map((sample) => round3(sample.mibPerSec)),
    recordsConsumed: outcome.records,
    bytesConsumed: outcome.bytes,
    dataConsumedMiB: round3(mib),
    mibPerSec: round3((mib * 1000) / elapsedMs),
    aggregatedConsumeRate: rate(outcome.records, elapsedMs),
    rebalanceTimeMs: Math.round(outcome.rebalanceMs),
    fetchTimeMs,
    fetchMiBPerSec: round3((mib * 1000) / fetchTimeMs),
    fetchRecordsPerSec: rate(outcome.records, fetchTimeMs),
    timedOut: outcome.timedOut,
    interrupted: outcome.interrupted,
    tool: toolView(outcome.overhead),
  }
}

/** kafka-consumer-perf-test's output: the timeout warning when it applies, header, summary row. */
export function consumeSummaryLines(outcome: ConsumeOutcome): string[] {
  const lines: string[] = []
  if (outcome.timedOut && outcome.records < outcome.settings.maxRecords) {
    lines.push(
      `WARNING: Exiting before consuming the expected number of messages: timeout (${outcome.settings.idleTimeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`,
    )
  }
  lines.push(consumerHeader, formatConsumerTotal({startMs: outcome.startMs, endMs: outcome.endMs, bytes: outcome.bytes, records: outcome.records, rebalanceMs: outcome.rebalanceMs}))
  return lines
}

export function consumeReport(result: ConsumeResult, outcome: ConsumeOutcome): Report {
  return {
    title: `kctl perf consume: ${result.topic}`,
    subtitle: `${result.startTime}, ${(result.fetchTimeMs / 1000).toFixed(1)} s${result.interrupted ? ' (interrupted)' : ''}`,
    sections: [
      {
        heading: 'Throughput',
        rows: [
          ['records consumed', String(result.recordsConsumed)],
          ['records/s', result.aggregatedConsumeRate.toFixed(1)],
          ['MiB consumed', result.dataConsumedMiB.toFixed(3)],
          ['MiB/s', result.mibPerSec.toFixed(3)],
          ['load generator CPU (one core = 100%)', `${result.tool.cpuPercent.toFixed(1)} %`],
        ],
      },
    ],
    charts: [throughputChart('Consume throughput', [{name: 'consumed', samples: outcome.samples}])],
  }
}

export interface WorkloadResult
  extends LatencySeries<'publishLatency'>,
    LatencyAggregate<'publishLatency'>,
    LatencySeries<'endToEndLatency'>,
    LatencyAggregate<'endToEndLatency'> {
  workload: string
  driver: 'kctl'
  topics: number
  partitions: number
  producersPerTopic: number
  consumersPerTopic: number
  messageSize: number
  targetRate: number
  samplePeriodMs: number
  publishRate: number[]
  consumeRate: number[]
  backlog: number[]
  aggregatedPublishLatencyQuantiles: Record<string, number>
  aggregatedEndToEndLatencyQuantiles: Record<string, number>
  recordsSent: number
  recordsConsumed: number
  durationMs: number
  aggregatedPublishRate: number
  aggregatedConsumeRate: number
  errors: number
  errorsByCode: Record<string, number>
  steadyState: (LatencyAggregate<'publishLatency'> & LatencyAggregate<'endToEndLatency'> & {recordsSent: number; recordsConsumed: number}) | null
  tool: ToolView
  interrupted: boolean
}

export function workloadResult(outcome: WorkloadOutcome): WorkloadResult {
  const {workload, publish, endToEnd} = outcome
  const published = publish.totals(outcome.endMs)
  const received = endToEnd.totals(outcome.endMs)
  const errorsByCode: Record<string, number> = {}
  let errors = 0
  for (const produced of outcome.produced) {
    errors += produced.errors
    for (const [name, count] of Object.entries(produced.errorNames)) errorsByCode[name] = (errorsByCode[name] ?? 0) + count
  }
  const elapsedMs = Math.max(1, outcome.endMs - outcome.startMs)
  const steadyPublish = publish.hasWarmup ? publish.steadyTotals(outcome.endMs) : null
  const steadyEndToEnd = endToEnd.hasWarmup ? endToEnd.steadyTotals(outcome.endMs) : null
  return {
    workload: workload.name,
    driver: 'kctl',
    topics: workload.topicNames.length,
    partitions: outcome.layouts[0]?.leaders.length ?? workload.partitionsPerTopic,
    producersPerTopic: workload.producersPerTopic,
    consumersPerTopic: workload.consumersPerTopic,
    messageSize: published.records > 0 ? Math.round(published.bytes / published.records) : workload.payloads[0].length,
    targetRate: workload.producerRate,
    samplePeriodMs: produceDefaults.sampleIntervalMs,
    publishRate: publish.samples.map((sample) => Math.round(sample.recordsPerSec * 10) / 10),
    consumeRate: outcome.consumeSamples.map((sample) => Math.round(sample.recordsPerSec * 10) / 10),
    backlog: outcome.backlog,
    ...latencySeries('publishLatency', publish.samples),
    ...latencyAggregate('publishLatency', published),
    aggregatedPublishLatencyQuantiles: latencyQuantiles(published),
    ...latencySeries('endToEndLatency', endToEnd.samples),
    ...latencyAggregate('endToEndLatency', received),
    aggregatedEndToEndLatencyQuantiles: latencyQuantiles(received),
    recordsSent: published.records,
    recordsConsumed: outcome.consumedRecords,
    durationMs: Math.round(elapsedMs),
    aggregatedPublishRate: rate(published.records, elapsedMs),
    aggregatedConsumeRate: rate(outcome.consumedRecords, elapsedMs),
    errors,
    errorsByCode,
    steadyState:
      steadyPublish && steadyEndToEnd
        ? {
            recordsSent: steadyPublish.records,
            recordsConsumed: steadyEndToEnd.records,
            ...latencyAggregate('publishLatency', steadyPublish),
            ...latencyAggregate('endToEndLatency', steadyEndToEnd),
          }
        : null,
    tool: toolView(outcome.overhead),
    interrupted: outcome.interrupted,
  }
}

/**
 * The producer's summary line (kafka-producer-perf-test) and the end-to-end lines of
 * Apache's EndToEndLatency tool: `Avg latency: %.4f ms` and `Percentiles: 50th = %d, …`.
 */
export function workloadSummaryLines(outcome: WorkloadOutcome): string[] {
  const steady = outcome.publish.hasWarmup
  const published = steady ? outcome.publish.steadyTotals(outcome.endMs) : outcome.publish.totals(outcome.endMs)
  const received = steady ? outcome.endToEnd.steadyTotals(outcome.endMs) : outcome.endToEnd.totals(outcome.endMs)
  const lines = [totalLine(outcome.publish.totals(outcome.endMs), false)]
  if (steady) lines.push(totalLine(published, true))
  if (outcome.workload.consumersPerTopic > 0) {
    lines.push(
      `Avg latency: ${javaFixed(received.records === 0 ? 0 : received.latencySumMs / received.records, 4)} ms`,
      `Percentiles: 50th = ${Math.trunc(received.p50Ms)}, 99th = ${Math.trunc(received.p99Ms)}, 99.9th = ${Math.trunc(received.p999Ms)}`,
    )
  }
  return lines
}

/** `title` defaults to perf run's; perf e2e, which runs a one-topic workload, names itself. */
export function workloadReport(result: WorkloadResult, outcome: WorkloadOutcome, title = `kctl perf run: ${result.workload}`): Report {
  const target = result.targetRate > 0 ? `${result.targetRate} records/s` : 'unlimited'
  return {
    title,
    subtitle: `${new Date(outcome.startMs).toISOString()}, ${(result.durationMs / 1000).toFixed(1)} s${result.interrupted ? ' (interrupted)' : ''}`,
    sections: [
      {
        heading: 'Workload',
        rows: [
          ['topics × partitions', `${result.topics} × ${result.partitions}`],
          ['producers / consumers per topic', `${result.producersPerTopic} / ${result.consumersPerTopic}`],
          ['target rate', target],
          ['record size', `${result.messageSize} bytes`],
        ],
      },
      {
        heading: 'Throughput',
        rows: [
          ['records sent / consumed', `${result.recordsSent} / ${result.recordsConsumed}`],
          ['publish records/s', result.aggregatedPublishRate.toFixed(1)],
          ['consume records/s', result.aggregatedConsumeRate.toFixed(1)],
          ['errors', String(result.errors)],
        ],
      },
      latencySection('Publish latency (from intended send time)', result, 'PublishLatency'),
      latencySection('End-to-end latency (intended send time to receipt)', result, 'EndToEndLatency'),
      {
        heading: 'Load generator',
        rows: [
          ['CPU (one core = 100%)', `${result.tool.cpuPercent.toFixed(1)} %`],
          ['event loop busy', `${(result.tool.eventLoopUtilization * 100).toFixed(1)} %`],
        ],
      },
    ],
    charts: [
      throughputChart('Throughput', [
        {name: 'published', samples: outcome.publish.samples},
        {name: 'consumed', samples: outcome.consumeSamples},
      ]),
      latencyChart('Publish latency', outcome.publish.samples),
      latencyChart('End-to-end latency', outcome.endToEnd.samples),
    ],
  }
}
