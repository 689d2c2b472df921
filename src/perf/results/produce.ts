// The result of `kctl perf produce`: its json view (OMB's names, see shared.ts), the summary
// lines of kafka-producer-perf-test, and the html/text report.
import type {ProduceOutcome} from '../run-produce.js'
import type {Report} from '../report.js'
import {percentilesOf} from '../stats.js'
import {
  type LatencyAggregate,
  latencyAggregate,
  latencyChart,
  latencyQuantiles,
  latencySection,
  type LatencySeries,
  latencySeries,
  msText,
  producerTotalLine,
  rate,
  round3,
  throughputChart,
  type ToolView,
  toolView,
} from './shared.js'

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


/** The summary lines of kafka-producer-perf-test: the whole run, then the steady state. */
export function produceSummaryLines(outcome: ProduceOutcome): string[] {
  const lines = [producerTotalLine(outcome.recorder.totals(outcome.endMs), false)]
  if (outcome.recorder.hasWarmup) lines.push(producerTotalLine(outcome.recorder.steadyTotals(outcome.endMs), true))
  return lines
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
          ['timer lateness p99 / max', `${msText(result.tool.eventLoopDelayP99Ms)} / ${msText(result.tool.eventLoopDelayMaxMs)}`],
          ['generator lag p99 / max', `${msText(result.aggregatedPublishDelayLatency99pct)} / ${msText(result.aggregatedPublishDelayLatencyMax)}`],
        ],
      },
    ],
    charts: [throughputChart('Throughput', [{name: 'acknowledged', samples: outcome.recorder.samples}]), latencyChart('Publish latency', outcome.recorder.samples)],
  }
}
