// The json views of a run, named as OpenMessaging Benchmark names its results
// (benchmark-framework TestResult.java: publishRate, publishLatency50pct …,
// aggregatedPublishLatency99pct …) so existing OMB charting scripts read them. Unlike OMB,
// every latency here is in milliseconds (OMB keeps publishDelayLatency in microseconds).
// Series hold one value per sample period (`samplePeriodMs`).
import type {Chart, Report, ReportSection} from './report.js'
import {type LatencyPercentiles, percentilesOf, type Sample, type Totals} from './stats.js'
import {formatProducerTotal} from './format.js'
import type {ProduceOutcome} from './produce.js'

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
  tool: {cpuPercent: number; eventLoopUtilization: number}
  interrupted: boolean
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
    tool: {cpuPercent: Math.round(outcome.overhead.cpuPercent * 10) / 10, eventLoopUtilization: round3(outcome.overhead.eventLoopUtilization)},
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

export function throughputChart(title: string, series: {name: string; samples: Sample[]}[]): Chart {
  return {
    title,
    unit: 'records/s',
    series: series.map(({name, samples}) => ({name, points: samples.map((sample) => [Math.round(sample.atMs) / 1000, sample.recordsPerSec])})),
  }
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
          ['generator lag p99 / max', `${ms(result.aggregatedPublishDelayLatency99pct)} / ${ms(result.aggregatedPublishDelayLatencyMax)}`],
        ],
      },
    ],
    charts: [throughputChart('Throughput', [{name: 'acknowledged', samples: outcome.recorder.samples}]), latencyChart('Publish latency', outcome.recorder.samples)],
  }
}
