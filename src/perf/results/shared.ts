// What the results of the three run kinds (produce.ts, consume.ts, workload.ts: perf run and
// perf e2e) share. Their json views are named as OpenMessaging Benchmark names its results
// (benchmark-framework TestResult.java: publishRate, publishLatency50pct …,
// aggregatedPublishLatency99pct …) so existing OMB charting scripts read them. Unlike OMB,
// every latency here is in milliseconds (OMB keeps publishDelayLatency in microseconds).
// Series hold one value per sample period (`samplePeriodMs`).
import {formatProducerTotal} from '../format.js'
import type {ToolOverhead} from '../run-produce.js'
import type {Chart, ReportSection} from '../report.js'
import type {LatencyPercentiles, RateSample, Sample, Totals} from '../stats.js'

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

/** The load generator's own cost, so a saturated or starved client is not mistaken for a slow broker. */
export interface ToolView {
  cpuPercent: number
  eventLoopUtilization: number
  eventLoopDelayP99Ms: number
  eventLoopDelayMaxMs: number
}

export function toolView(overhead: ToolOverhead): ToolView {
  return {
    cpuPercent: Math.round(overhead.cpuPercent * 10) / 10,
    eventLoopUtilization: round3(overhead.eventLoopUtilization),
    eventLoopDelayP99Ms: round3(overhead.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: round3(overhead.eventLoopDelayMaxMs),
  }
}

/** Records per second, one decimal. */
export function rate(records: number, elapsedMs: number): number {
  return Math.round((records * 1000 * 10) / elapsedMs) / 10
}

/** kafka-producer-perf-test's summary line for a whole run or its steady state. */
export function producerTotalLine(totals: Totals, steadyState: boolean): string {
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

/** A latency in a report's rows. */
export const msText = (value: number): string => `${value.toFixed(2)} ms`

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
  const rows: [string, string][] = percentileKeys.map((key) => [`${key === 'Avg' ? 'average' : key === 'Max' ? 'max' : key.replace('pct', 'th').replace(/^(99)(9+)/, '$1.$2')}`, msText(values[`aggregated${prefix}${key}`])])
  return {heading, rows}
}
