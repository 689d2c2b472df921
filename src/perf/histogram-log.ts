// `--histogram FILE`: the run's interval histograms in HdrHistogram's log format (v1.3,
// as HdrHistogram's HistogramLogWriter writes it), so HistogramLogProcessor, HdrHistogram
// plotters and hdr-histogram-js's HistogramLogReader can read them. Values are
// microseconds; the Interval_Max column is in milliseconds (unit ratio 1000).
import {writeFileAtomicSync} from '../atomic-file.js'
import hdr from 'hdr-histogram-js'
import type {Histogram} from 'hdr-histogram-js'
import {KctlError} from '../errors.js'

export class HistogramLog {
  private readonly lines: string[] = []
  private readonly writer = new hdr.HistogramLogWriter((text: string) => this.lines.push(text))

  constructor(
    private readonly startMs: number,
    comment: string,
  ) {
    this.writer.outputComment(comment)
    this.writer.outputLogFormatVersion()
    this.writer.outputComment(`[StartTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch), ${new Date(startMs).toISOString()}]`)
    // Interval timestamps are seconds since the start; BaseTime says so. With BaseTime 0
    // HdrHistogram's Java reader takes them as absolute and dates every interval in 1970.
    this.writer.outputComment(`[BaseTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch)]`)
    this.writer.outputComment('Latency values are in microseconds; Interval_Max is in milliseconds.')
    this.writer.outputLegend()
  }

  /** Appends one interval; `tag` tells histograms of one run apart (publish, end-to-end). */
  add(histogram: Histogram, startMs: number, endMs: number, tag?: string): void {
    const previousTag = histogram.tag
    if (tag) histogram.tag = tag
    this.writer.outputIntervalHistogram(histogram, (startMs - this.startMs) / 1000, (endMs - this.startMs) / 1000, 1000)
    histogram.tag = previousTag
  }

  toString(): string {
    return this.lines.join('')
  }

  write(file: string): void {
    try {
      writeFileAtomicSync(file, this.toString())
    } catch (error) {
      throw new KctlError(`unable to write histogram log ${file}: ${(error as Error).message}`, {hint: 'choose a writable path for --histogram'})
    }
  }
}
