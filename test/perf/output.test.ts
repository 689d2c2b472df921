// The json view's schema (OpenMessaging Benchmark names, types), the HTML report, the
// HdrHistogram log and the hand-built record batches, from a synthetic run.
import hdr from 'hdr-histogram-js'
import {describe, expect, it} from 'vitest'
import {decodeRecords, verifyRecordBatchCrc} from '../../src/kafka/protocol/record-batch.js'
import {BatchBuilder, sendTimeHeaderKey} from '../../src/perf/batch.js'
import {RecordScanner} from '../../src/perf/consumer.js'
import {HistogramLog} from '../../src/perf/histogram-log.js'
import {produceDefaults, type ProduceOutcome} from '../../src/perf/run-produce.js'
import {keyPool, murmur2, parseKeyPattern, randomPayloads} from '../../src/perf/payloads.js'
import {renderReport} from '../../src/perf/report.js'
import {produceReport, produceResult, produceSummaryLines} from '../../src/perf/results/produce.js'
import {throughputChart} from '../../src/perf/results/shared.js'
import {LatencyRecorder, newHistogram, percentilesOf, rateSample} from '../../src/perf/stats.js'

const startMs = 1_700_000_000_000

/** Three seconds at 1000 records/s, latency 1..10 ms, with one 250 ms outlier; 1 s warm-up. */
function syntheticRun(histogramLog?: HistogramLog): ProduceOutcome {
  const recorder = new LatencyRecorder(startMs, startMs + 1000, histogramLog && ((histogram, from, to) => histogramLog.add(histogram, from, to, 'publish')))
  for (let second = 0; second < 3; second++) {
    for (let index = 0; index < 1000; index++) {
      const intendedMs = startMs + second * 1000 + index
      recorder.record(second === 2 && index === 500 ? 250 : 1 + (index % 10), 100, intendedMs)
    }
    recorder.takeSample(startMs + (second + 1) * 1000)
  }
  const delay = newHistogram()
  delay.recordValue(120)
  return {
    settings: {
      ...produceDefaults,
      topic: 'load',
      bootstrapServers: ['127.0.0.1:9092'],
      numRecords: 3000,
      durationMs: Number.POSITIVE_INFINITY,
      payloads: randomPayloads(100, 1),
      recordsPerSec: 1000,
      acks: 1,
      producers: 1,
      warmupMs: 1000,
      keyPattern: {kind: 'none'},
      stampSendTime: false,
    },
    layout: {name: 'load', leaders: [1, 1, 1]},
    recorder,
    delay,
    errors: 0,
    errorNames: {},
    startMs,
    endMs: startMs + 3000,
    interrupted: false,
    overhead: {cpuPercent: 12.5, eventLoopUtilization: 0.2, eventLoopDelayP99Ms: 1.5, eventLoopDelayMaxMs: 3},
  }
}

describe('perf produce -o json', () => {
  it('has the OpenMessaging Benchmark keys with the right types', () => {
    const result = produceResult(syntheticRun())
    const numberKeys = [
      'messageSize', 'topics', 'partitions', 'producersPerTopic', 'consumersPerTopic', 'targetRate', 'samplePeriodMs',
      'aggregatedPublishLatencyAvg', 'aggregatedPublishLatency50pct', 'aggregatedPublishLatency75pct', 'aggregatedPublishLatency95pct',
      'aggregatedPublishLatency99pct', 'aggregatedPublishLatency999pct', 'aggregatedPublishLatency9999pct', 'aggregatedPublishLatencyMax',
      'aggregatedPublishDelayLatency99pct', 'recordsSent', 'bytesSent', 'durationMs', 'aggregatedPublishRate', 'errors',
    ]
    const seriesKeys = ['publishRate', 'publishLatencyAvg', 'publishLatency50pct', 'publishLatency95pct', 'publishLatency99pct', 'publishLatency999pct', 'publishLatencyMax']
    const record = result as unknown as Record<string, unknown>
    for (const key of numberKeys) expect(typeof record[key], key).toBe('number')
    for (const key of seriesKeys) {
      expect(Array.isArray(record[key]), key).toBe(true)
      expect((record[key] as unknown[]).length, key).toBe(3)
      for (const value of record[key] as unknown[]) expect(typeof value, key).toBe('number')
    }
    expect(typeof result.workload).toBe('string')
    expect(typeof result.aggregatedPublishLatencyQuantiles['99.0']).toBe('number')
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  })

  it('reports what was recorded', () => {
    const result = produceResult(syntheticRun())
    expect(result.recordsSent).toBe(3000)
    expect(result.publishRate).toEqual([1000, 1000, 1000])
    expect(result.aggregatedPublishRate).toBe(1000)
    expect(result.aggregatedPublishLatencyMax).toBeCloseTo(250, 0)
    expect(result.aggregatedPublishLatency50pct).toBeGreaterThanOrEqual(5)
    expect(result.aggregatedPublishLatency50pct).toBeLessThanOrEqual(6.01)
    expect(result.publishLatencyMax[2]).toBeCloseTo(250, 0)
    expect(result.publishLatencyMax[0]).toBeCloseTo(10, 1)
    expect(result.aggregatedPublishDelayLatencyMax).toBeCloseTo(0.12, 3)
    expect(result.steadyState?.recordsSent).toBe(2000)
    expect(result.tool.cpuPercent).toBe(12.5)
  })

  it('prints the whole-run and steady-state summary lines in text mode', () => {
    const [total, steady] = produceSummaryLines(syntheticRun())
    expect(total).toMatch(/^3000 records sent, 1000\.000000 records\/sec \(0\.10 MB\/sec\), 5\.\d\d ms avg latency, 250\.\d\d ms max latency, [56] ms 50th, \d+ ms 95th, 10 ms 99th, 10 ms 99\.9th\.$/)
    expect(steady).toMatch(/^2000 steady state records sent, 1000\.000000 records\/sec/)
  })
})

describe('perf --report', () => {
  it('writes a self-contained page with SVG charts and the numbers', () => {
    const outcome = syntheticRun()
    const html = renderReport(produceReport(produceResult(outcome), outcome))
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    expect(html.match(/<svg /g)?.length).toBe(2)
    expect(html.match(/<\/svg>/g)?.length).toBe(2)
    // throughput: one series; latency: p50 p95 p99 p99.9 max
    expect(html.match(/<polyline /g)?.length).toBe(6)
    expect(html).toContain('Publish latency')
    expect(html).toContain('1000.0') // records/s
    expect(html).toMatch(/250\.\d\d ms/) // max latency
  })
})

describe('perf --histogram', () => {
  it('writes an HdrHistogram log that HistogramLogReader reads back', () => {
    const log = new HistogramLog(startMs, 'test run')
    syntheticRun(log)
    const text = log.toString()
    expect(text).toContain('#[Histogram log format version 1.3]')
    const reader = new hdr.HistogramLogReader(text)
    const intervals = []
    for (let histogram = reader.nextIntervalHistogram(); histogram; histogram = reader.nextIntervalHistogram()) intervals.push(histogram)
    expect(intervals).toHaveLength(3)
    expect(intervals.map((histogram) => histogram.totalCount)).toEqual([1000, 1000, 1000])
    expect(intervals[2].maxValue / 1000).toBeCloseTo(250, 0)
    expect(intervals[0].tag).toBe('publish')
  })

  it('states the run start as BaseTime, so Java\'s HistogramLogReader does not date the intervals in 1970', () => {
    const log = new HistogramLog(startMs, 'test run')
    syntheticRun(log)
    const text = log.toString()
    expect(text).toContain(`#[BaseTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch)]`)
    const first = text.split('\n').find((line) => line.startsWith('Tag=publish,'))!
    // relative to BaseTime: the first interval starts 0 s after the start
    expect(Number(first.split(',')[1])).toBe(0)
    const reader = new hdr.HistogramLogReader(text)
    expect(reader.nextIntervalHistogram()!.startTimeStampMsec).toBe(startMs)
  })
})

describe('throughputChart', () => {
  it('leaves out a last sample of a few milliseconds (the wait for the final acks), which would plot as a plunge to zero', () => {
    const samples = [rateSample(1000, 1000, 20_000, 0), rateSample(2000, 1000, 20_000, 0), rateSample(2004, 4, 1, 0)]
    expect(throughputChart('t', [{name: 'acknowledged', samples}]).series[0].points).toEqual([[1, 20_000], [2, 20_000]])
    const full = [...samples.slice(0, 2), rateSample(2900, 900, 18_000, 0)]
    expect(throughputChart('t', [{name: 'acknowledged', samples: full}]).series[0].points).toHaveLength(3)
  })
})

describe('percentilesOf', () => {
  it('never reports a percentile above the max (HDR buckets round up)', () => {
    const histogram = newHistogram()
    histogram.recordValueWithCount(175_310, 1000) // µs
    const percentiles = percentilesOf(histogram)
    expect(percentiles.maxMs).toBe(175.31)
    expect(percentiles.p999Ms).toBe(175.31)
    expect(percentiles.p50Ms).toBe(175.31)
  })
})

describe('record batches built in place', () => {
  it('decode with the protocol layer, pass the CRC check and scan back with their send times', () => {
    const payloads = randomPayloads(100, 2)
    const builder = new BatchBuilder(16_384, BatchBuilder.maxRecordBytes(6, 100, true), 200, true)
    builder.reset(0)
    const key = Buffer.from('key-42')
    for (let index = 0; index < 10; index++) builder.append(index % 2 ? key : null, payloads[index % 2], startMs + index, startMs + index * 0.5, startMs)
    const batch = builder.seal('none')
    expect(verifyRecordBatchCrc(batch)).toBe(true)
    const records = decodeRecords(batch)
    expect(records).toHaveLength(10)
    expect(records[1].key?.toString()).toBe('key-42')
    expect(records[0].key).toBeNull()
    expect(records[3].value?.equals(payloads[1])).toBe(true)
    expect(records[9].timestamp).toBe(startMs + 9)
    expect(records[4].headers[0].key).toBe(sendTimeHeaderKey.toString())
    expect(records[4].headers[0].value?.readDoubleBE(0)).toBe(startMs + 2)

    const endToEnd = new LatencyRecorder(startMs)
    const scanner = new RecordScanner({nowMs: () => startMs + 10}, endToEnd)
    // Offsets 0..9; start at 3 as a consumer would after an earlier fetch.
    expect(scanner.scan(batch, 3)).toBe(10)
    expect(scanner.records).toBe(7)
    expect(scanner.bytes).toBe(7 * 100 + 4 * 6) // keys on the odd offsets 3, 5, 7, 9
    expect(endToEnd.totals(startMs + 10).maxMs).toBeCloseTo(10 - 1.5, 2) // offset 3 was due at +1.5 ms
  })

  it('gzip batches decompress in the scanner', () => {
    const builder = new BatchBuilder(16_384, BatchBuilder.maxRecordBytes(null, 100, false), 200, false)
    builder.reset(0)
    const payloads = randomPayloads(100, 1)
    for (let index = 0; index < 50; index++) builder.append(null, payloads[0], startMs, startMs, startMs)
    const batch = builder.seal('gzip')
    expect(batch.readInt16BE(21) & 7).toBe(1)
    expect(verifyRecordBatchCrc(batch)).toBe(true)
    const scanner = new RecordScanner({nowMs: () => startMs}, undefined)
    expect(scanner.scan(batch, 0)).toBe(50)
    expect(scanner.records).toBe(50)
  })
})

describe('keys', () => {
  it('partition like Kafka: murmur2 matches the Java implementation', () => {
    // Known values of org.apache.kafka.common.utils.Utils.murmur2 (UtilsTest.testMurmur2).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308)
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482)
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536)
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829)
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971)
    expect(murmur2(Buffer.from([97, 98, 99]))).toBe(479470107)
    const pool = keyPool(parseKeyPattern('round-robin:8'), 3)!
    expect(pool.keys).toHaveLength(8)
    for (const partition of pool.partitions) expect(partition).toBeLessThan(3)
  })
})
