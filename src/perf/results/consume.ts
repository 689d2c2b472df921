// The result of `kctl perf consume`: its json view, the output of kafka-consumer-perf-test,
// and the html/text report.
import type {ConsumeOutcome} from '../consumer.js'
import {consumerHeader, formatConsumerTotal} from '../format.js'
import type {Report} from '../report.js'
import {rate, round3, throughputChart, type ToolView, toolView} from './shared.js'

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
