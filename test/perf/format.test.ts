// Text output against fixtures written in Apache's exact formats (ProducerPerformance.Stats
// printWindow/printTotal, ConsumerPerformance's header and summary row, Kafka 4.0), worked out
// by hand from the Java format strings: MB = bytes / 2^20, rates over elapsed ms.
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {
  consumerHeader,
  formatConsumerTotal,
  formatProducerTotal,
  formatProducerWindow,
  javaFixed,
} from '../../src/perf/format.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')
const fixture = (name: string): string[] => readFileSync(path.join(fixtures, name), 'utf8').trimEnd().split('\n')

// The regex Kafka's own system tests use shape-wise: every number where a script expects it.
const totalPattern =
  /^(\d+)( steady state)? records sent, (\d+\.\d{6}) records\/sec \((\d+\.\d{2}) MB\/sec\), (\d+\.\d{2}) ms avg latency, (\d+\.\d{2}) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/

describe("Java's %.Nf", () => {
  it('rounds half up on the shortest decimal, as java.util.Formatter does', () => {
    expect(javaFixed(1.005, 2)).toBe('1.01') // toFixed gives 1.00
    expect(javaFixed(0.125, 2)).toBe('0.13')
    expect(javaFixed(2.5, 0)).toBe('3')
    expect(javaFixed(-1.25, 1)).toBe('-1.3')
    expect(javaFixed(9.995, 2)).toBe('10.00')
    expect(javaFixed(123, 1)).toBe('123.0')
    expect(javaFixed(1e-7, 2)).toBe('0.00')
    expect(javaFixed(50000, 6)).toBe('50000.000000')
    expect(javaFixed(Number.NaN, 2)).toBe('NaN')
  })
})

describe('kafka-producer-perf-test lines', () => {
  it('prints a progress window exactly as printWindow does', () => {
    const line = formatProducerWindow({records: 250_000, bytes: 25_000_000, elapsedMs: 5000, latencySumMs: 250_000 * 2.34, latencyMaxMs: 17})
    expect(line).toBe(fixture('producer-window.txt')[0])
  })

  it('prints the summary and the steady-state summary exactly as printTotal does', () => {
    const [total, steady] = fixture('producer-total.txt')
    expect(
      formatProducerTotal({records: 1_000_000, bytes: 1e8, elapsedMs: 20_000, latencySumMs: 1.5e6, latencyMaxMs: 31, p50Ms: 1.2, p95Ms: 2.9, p99Ms: 5.5, p999Ms: 12.1}),
    ).toBe(total)
    expect(
      formatProducerTotal({
        records: 800_000,
        bytes: 8e7,
        elapsedMs: 15_000,
        latencySumMs: 1e6,
        latencyMaxMs: 9.5,
        p50Ms: 1.01,
        p95Ms: 2.5,
        p99Ms: 3.99,
        p999Ms: 8.7,
        steadyState: true,
      }),
    ).toBe(steady)
    expect(total).toMatch(totalPattern)
    expect(steady).toMatch(totalPattern)
  })

  it('prints a stalled window (no acks) as numbers, not NaN', () => {
    expect(formatProducerWindow({records: 0, bytes: 0, elapsedMs: 5000, latencySumMs: 0, latencyMaxMs: 0})).toBe(
      '0 records sent, 0.0 records/sec (0.00 MB/sec), 0.0 ms avg latency, 0.0 ms max latency.',
    )
  })
})

describe('kafka-consumer-perf-test lines', () => {
  it('prints the header and the summary row exactly as ConsumerPerformance does', () => {
    const previousTz = process.env.TZ
    process.env.TZ = 'UTC' // SimpleDateFormat prints local time; pin it for the fixture
    try {
      const [header, row] = fixture('consumer-total.txt')
      expect(consumerHeader).toBe(header)
      const startMs = Date.UTC(2026, 0, 2, 3, 4, 5, 6)
      expect(formatConsumerTotal({startMs, endMs: startMs + 10_000, bytes: 100 * 1024 * 1024, records: 1_000_000, rebalanceMs: 0})).toBe(row)
    } finally {
      if (previousTz === undefined) delete process.env.TZ
      else process.env.TZ = previousTz
    }
  })
})
