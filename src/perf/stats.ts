// Latency and throughput accounting for the load generators. Latencies go into HDR
// histograms in microseconds (3 significant digits), so percentiles are exact to 0.1%
// whatever the spread, unlike the Java tool's sampled array.
import hdr from 'hdr-histogram-js'
import type {Histogram} from 'hdr-histogram-js'
import type {ProducerWindow} from './format.js'

export function newHistogram(): Histogram {
  return hdr.build({numberOfSignificantValueDigits: 3})
}

/** Percentiles of one histogram, in milliseconds. */
export interface LatencyPercentiles {
  avgMs: number
  p50Ms: number
  p75Ms: number
  p95Ms: number
  p99Ms: number
  p999Ms: number
  p9999Ms: number
  maxMs: number
}

export function percentilesOf(histogram: Histogram): LatencyPercentiles {
  if (histogram.totalCount === 0) return {avgMs: 0, p50Ms: 0, p75Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0, p9999Ms: 0, maxMs: 0}
  // getValueAtPercentile answers with the top of the value's bucket, which can lie above
  // the exact max (p99.9 175.36 ms, max 175.31 ms); no percentile may exceed the max.
  const ms = (percentile: number): number => Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue) / 1000
  return {
    avgMs: histogram.mean / 1000,
    p50Ms: ms(50),
    p75Ms: ms(75),
    p95Ms: ms(95),
    p99Ms: ms(99),
    p999Ms: ms(99.9),
    p9999Ms: ms(99.99),
    maxMs: histogram.maxValue / 1000,
  }
}

/** Throughput over one sample period. */
export interface RateSample {
  /** Milliseconds from the start of the run to the end of this sample. */
  atMs: number
  durationMs: number
  records: number
  bytes: number
  recordsPerSec: number
  mibPerSec: number
}

/** One point of the time series behind the json arrays and the report's charts. */
export interface Sample extends RateSample, LatencyPercentiles {}

export function rateSample(atMs: number, durationMs: number, records: number, bytes: number): RateSample {
  const ms = Math.max(1, durationMs)
  return {atMs, durationMs: ms, records, bytes, recordsPerSec: (records * 1000) / ms, mibPerSec: (bytes * 1000) / ms / 1024 / 1024}
}

export interface Totals extends LatencyPercentiles {
  records: number
  bytes: number
  elapsedMs: number
  latencySumMs: number
}

type IntervalListener = (histogram: Histogram, startMs: number, endMs: number) => void

/**
 * Counts records, bytes and latencies three ways at once: the text progress window (reset
 * every reporting interval), the sample interval (reset every sample for charts and the
 * histogram log) and the whole run (with a second histogram for the steady state after
 * the warm-up, kept only when there is one). Records whose intended time falls in the warm-up count in the whole run
 * only, as Apache's tool counts warm-up records in its first summary line.
 */
export class LatencyRecorder {
  readonly samples: Sample[] = []
  private readonly total = newHistogram()
  private readonly steady = newHistogram()
  private readonly interval = newHistogram()
  private totalRecords = 0
  private totalBytes = 0
  private totalLatencySumMs = 0
  private steadyRecords = 0
  private steadyBytes = 0
  private steadyLatencySumMs = 0
  private window = {records: 0, bytes: 0, latencySumMs: 0, latencyMaxMs: 0, startMs: 0}
  private intervalRecords = 0
  private intervalBytes = 0
  private intervalStartMs: number

  constructor(
    readonly startMs: number,
    private readonly warmupUntilMs = startMs,
    private readonly onInterval?: IntervalListener,
  ) {
    this.window.startMs = startMs
    this.intervalStartMs = startMs
  }

  get records(): number {
    return this.totalRecords
  }

  /** Records in the open sample interval. */
  get unsampledRecords(): number {
    return this.intervalRecords
  }

  get hasWarmup(): boolean {
    return this.warmupUntilMs > this.startMs
  }

  /**
   * `count` acknowledged (or received) records with the same latency, meant to go at
   * `intendedMs`; `bytes` is per record. Only the interval histogram is written per record;
   * it is folded into the whole-run histogram once per sample, which keeps the recorder off
   * the profile at a million records a second.
   */
  record(latencyMs: number, bytes: number, intendedMs: number, count = 1): void {
    const micros = latencyMs <= 0 ? 0 : Math.round(latencyMs * 1000)
    if (count === 1) this.interval.recordValue(micros)
    else this.interval.recordValueWithCount(micros, count)
    this.totalRecords += count
    this.totalBytes += bytes * count
    this.totalLatencySumMs += latencyMs * count
    this.intervalRecords += count
    this.intervalBytes += bytes * count
    const window = this.window
    window.records += count
    window.bytes += bytes * count
    window.latencySumMs += latencyMs * count
    if (latencyMs > window.latencyMaxMs) window.latencyMaxMs = latencyMs
    if (intendedMs >= this.warmupUntilMs && this.hasWarmup) {
      this.steady.recordValueWithCount(micros, count)
      this.steadyRecords += count
      this.steadyBytes += bytes * count
      this.steadyLatencySumMs += latencyMs * count
    }
  }

  /** The progress line's window since the last call; starts a new window. */
  takeWindow(nowMs: number): ProducerWindow {
    const {records, bytes, latencySumMs, latencyMaxMs, startMs} = this.window
    this.window = {records: 0, bytes: 0, latencySumMs: 0, latencyMaxMs: 0, startMs: nowMs}
    return {records, bytes, latencySumMs, latencyMaxMs, elapsedMs: Math.max(1, nowMs - startMs)}
  }

  /** Closes the current sample interval and appends it to `samples`. */
  takeSample(nowMs: number): Sample {
    const sample: Sample = {
      ...rateSample(nowMs - this.startMs, nowMs - this.intervalStartMs, this.intervalRecords, this.intervalBytes),
      ...percentilesOf(this.interval),
    }
    this.samples.push(sample)
    this.onInterval?.(this.interval, this.intervalStartMs, nowMs)
    this.total.add(this.interval)
    this.interval.reset()
    this.intervalRecords = 0
    this.intervalBytes = 0
    this.intervalStartMs = nowMs
    return sample
  }

  totals(nowMs: number): Totals {
    return {
      records: this.totalRecords,
      bytes: this.totalBytes,
      elapsedMs: Math.max(1, nowMs - this.startMs),
      latencySumMs: this.totalLatencySumMs,
      ...percentilesOf(this.histogram),
    }
  }

  /** The run after the warm-up, timed from the end of the warm-up as Apache's tool does. */
  steadyTotals(nowMs: number): Totals {
    if (!this.hasWarmup) return this.totals(nowMs)
    return {
      records: this.steadyRecords,
      bytes: this.steadyBytes,
      elapsedMs: Math.max(1, nowMs - this.warmupUntilMs),
      latencySumMs: this.steadyLatencySumMs,
      ...percentilesOf(this.steady),
    }
  }

  /** The whole run's histogram so far, the open sample interval included. */
  get histogram(): Histogram {
    const merged = newHistogram()
    merged.add(this.total)
    merged.add(this.interval)
    return merged
  }
}
