// Text lines in exactly the format of Apache Kafka's perf tools, so scripts written for
// kafka-producer-perf-test and kafka-consumer-perf-test parse kctl's output unchanged.
// Sources: tools/src/main/java/org/apache/kafka/tools/ProducerPerformance.java (Stats.printWindow,
// Stats.printTotal) and ConsumerPerformance.java (printHeader, the final printf), Kafka 4.0.
// "MB" there is MiB (bytes / 1024 / 1024); we keep that.

const bytesPerMiB = 1024 * 1024

/**
 * Java's `String.format("%.Nf", x)`: rounds HALF_UP on the shortest decimal that
 * round-trips the double (Double.toString), where JavaScript's toFixed rounds the exact
 * binary value (1.005 is "1.01" in Java, "1.00" from toFixed).
 */
export function javaFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
  const shortest = String(Math.abs(value))
  if (shortest.includes('e')) return value.toFixed(digits)
  const [whole, fraction = ''] = shortest.split('.')
  const sign = value < 0 || Object.is(value, -0) ? '-' : ''
  if (fraction.length <= digits) {
    return sign + whole + (digits > 0 ? '.' + fraction.padEnd(digits, '0') : '')
  }
  // Round the decimal string half up at `digits` places, carrying through the digits.
  const kept = (whole + fraction.slice(0, digits)).split('').map(Number)
  if (Number(fraction[digits]) >= 5) {
    let index = kept.length - 1
    while (index >= 0 && kept[index] === 9) kept[index--] = 0
    if (index >= 0) kept[index]++
    else kept.unshift(1)
  }
  const text = kept.join('')
  const wholeDigits = text.length - digits
  return sign + text.slice(0, wholeDigits) + (digits > 0 ? '.' + text.slice(wholeDigits) : '')
}

/** One window of producer progress, Java's `Stats.printWindow`. */
export interface ProducerWindow {
  records: number
  bytes: number
  elapsedMs: number
  latencySumMs: number
  latencyMaxMs: number
}

/** `N records sent, X records/sec (Y MB/sec), Z ms avg latency, W ms max latency.` */
export function formatProducerWindow(window: ProducerWindow): string {
  const recordsPerSec = (1000 * window.records) / window.elapsedMs
  const mibPerSec = (1000 * window.bytes) / window.elapsedMs / bytesPerMiB
  // Java divides 0 by 0 here and prints NaN; a stalled window is common under a paused
  // broker, so print 0.0 average instead, which scripts can still parse as a number.
  const avgMs = window.records === 0 ? 0 : window.latencySumMs / window.records
  return (
    `${window.records} records sent, ${javaFixed(recordsPerSec, 1)} records/sec (${javaFixed(mibPerSec, 2)} MB/sec), ` +
    `${javaFixed(avgMs, 1)} ms avg latency, ${javaFixed(window.latencyMaxMs, 1)} ms max latency.`
  )
}

export interface ProducerTotal extends ProducerWindow {
  p50Ms: number
  p95Ms: number
  p99Ms: number
  p999Ms: number
  steadyState?: boolean
}

/**
 * `N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P ms 50th,
 * P ms 95th, P ms 99th, P ms 99.9th.` Java prints the rate with `%f` (six decimals) and the
 * percentiles as whole milliseconds (`%d` of an int).
 */
export function formatProducerTotal(total: ProducerTotal): string {
  const recordsPerSec = (1000 * total.records) / total.elapsedMs
  const mibPerSec = (1000 * total.bytes) / total.elapsedMs / bytesPerMiB
  const avgMs = total.records === 0 ? 0 : total.latencySumMs / total.records
  const whole = (ms: number): number => Math.trunc(ms)
  return (
    `${total.records}${total.steadyState ? ' steady state' : ''} records sent, ${javaFixed(recordsPerSec, 6)} records/sec ` +
    `(${javaFixed(mibPerSec, 2)} MB/sec), ${javaFixed(avgMs, 2)} ms avg latency, ${javaFixed(total.latencyMaxMs, 2)} ms max latency, ` +
    `${whole(total.p50Ms)} ms 50th, ${whole(total.p95Ms)} ms 95th, ${whole(total.p99Ms)} ms 99th, ${whole(total.p999Ms)} ms 99.9th.`
  )
}

export const consumerHeader =
  'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'

export interface ConsumerTotal {
  startMs: number
  endMs: number
  bytes: number
  records: number
  rebalanceMs: number
}

/** The one summary row of kafka-consumer-perf-test (without --show-detailed-stats). */
export function formatConsumerTotal(total: ConsumerTotal): string {
  const elapsedSec = (total.endMs - total.startMs) / 1000
  const fetchTimeMs = Math.round(total.endMs - total.startMs - total.rebalanceMs)
  const mib = total.bytes / bytesPerMiB
  return [
    formatJavaDate(total.startMs),
    formatJavaDate(total.endMs),
    javaFixed(mib, 4),
    javaFixed(mib / elapsedSec, 4),
    String(total.records),
    javaFixed(total.records / elapsedSec, 4),
    String(Math.round(total.rebalanceMs)),
    String(fetchTimeMs),
    javaFixed(mib / (fetchTimeMs / 1000), 4),
    javaFixed(total.records / (fetchTimeMs / 1000), 4),
  ].join(', ')
}

/** SimpleDateFormat "yyyy-MM-dd HH:mm:ss:SSS" in local time, the consumer tool's default. */
export function formatJavaDate(epochMs: number): string {
  const date = new Date(Math.floor(epochMs))
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}:${pad(date.getMilliseconds(), 3)}`
  )
}
