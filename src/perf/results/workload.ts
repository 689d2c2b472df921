// The result of a workload: `kctl perf run`, and `kctl perf e2e`, which runs a one-topic
// workload. Its json view (publish and end-to-end latency, OMB's names), the producer's summary
// line with Apache's EndToEndLatency lines, and the html/text report.
import {javaFixed} from '../format.js'
import {produceDefaults} from '../run-produce.js'
import type {Report} from '../report.js'
import type {WorkloadOutcome} from '../workload.js'
import {
  type LatencyAggregate,
  latencyAggregate,
  latencyChart,
  latencyQuantiles,
  latencySection,
  type LatencySeries,
  latencySeries,
  producerTotalLine,
  rate,
  throughputChart,
  type ToolView,
  toolView,
} from './shared.js'

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
  const lines = [producerTotalLine(outcome.publish.totals(outcome.endMs), false)]
  if (steady) lines.push(producerTotalLine(published, true))
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
