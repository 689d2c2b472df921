// The broker's Prometheus metrics in the text exposition format (version 0.0.4), served by
// node:http on --metrics-port. Counters are plain numbers keyed by their label values, so
// the hot path (one produce or fetch) costs a Map lookup and an addition.
import http from 'node:http'

type Labels = Record<string, string>

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels)
  if (keys.length === 0) return ''
  return `{${keys.map((key) => `${key}="${escapeLabel(labels[key])}"`).join(',')}}`
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

export class Counter {
  private readonly values = new Map<string, number>()

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, amount = 1): void {
    const key = labelKey(labels)
    this.values.set(key, (this.values.get(key) ?? 0) + amount)
  }

  /** Drops series whose labels match (a deleted topic's counters). */
  remove(match: (key: string) => boolean): void {
    for (const key of this.values.keys()) if (match(key)) this.values.delete(key)
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    for (const [key, value] of this.values) lines.push(`${this.name}${key} ${value}`)
    return lines.join('\n')
  }
}

/** Request latency buckets in seconds: 0.1 ms to 10 s (a long-poll fetch waits up to max.wait.ms). */
const LATENCY_BUCKETS_SECONDS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export class Histogram {
  private readonly series = new Map<string, {labels: Labels; counts: number[]; sum: number; count: number}>()

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = LATENCY_BUCKETS_SECONDS,
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels)
    let s = this.series.get(key)
    if (!s) {
      s = {labels, counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0}
      this.series.set(key, s)
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++
    s.sum += value
    s.count++
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const s of this.series.values()) {
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${labelKey({...s.labels, le: String(bound)})} ${s.counts[i]}`))
      lines.push(`${this.name}_bucket${labelKey({...s.labels, le: '+Inf'})} ${s.count}`)
      lines.push(`${this.name}_sum${labelKey(s.labels)} ${s.sum}`)
      lines.push(`${this.name}_count${labelKey(s.labels)} ${s.count}`)
    }
    return lines.join('\n')
  }
}

/** A gauge family computed when scraped (partitions, log sizes, group lag). */
export interface GaugeSample {
  labels: Labels
  value: number
}
export interface GaugeFamily {
  name: string
  help: string
  samples: () => GaugeSample[]
}

export class BrokerMetrics {
  readonly bytesIn = new Counter('kctl_broker_bytes_in_total', 'Record batch bytes appended, by topic')
  readonly bytesOut = new Counter('kctl_broker_bytes_out_total', 'Record batch bytes served by Fetch, by topic')
  readonly messagesIn = new Counter('kctl_broker_messages_in_total', 'Records appended, by topic')
  readonly requests = new Counter('kctl_broker_requests_total', 'Requests handled, by API')
  readonly requestErrors = new Counter('kctl_broker_request_errors_total', 'Requests that closed their connection, by API')
  readonly requestLatency = new Histogram('kctl_broker_request_duration_seconds', 'Time from a request frame to its response being written, by API')
  readonly connectionsAccepted = new Counter('kctl_broker_connections_accepted_total', 'Connections accepted')
  openConnections = 0
  private readonly gauges: GaugeFamily[] = [
    {name: 'kctl_broker_connections', help: 'Open client connections', samples: () => [{labels: {}, value: this.openConnections}]},
  ]

  /** Adds a gauge family computed at scrape time (the group coordinator adds consumer lag). */
  addGauge(family: GaugeFamily): void {
    this.gauges.push(family)
  }

  render(): string {
    const parts = [this.bytesIn, this.bytesOut, this.messagesIn, this.requests, this.requestErrors, this.requestLatency, this.connectionsAccepted].map((m) =>
      m.render(),
    )
    for (const gauge of this.gauges) {
      const lines = [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`]
      for (const sample of gauge.samples()) lines.push(`${gauge.name}${labelKey(sample.labels)} ${sample.value}`)
      parts.push(lines.join('\n'))
    }
    return `${parts.join('\n')}\n`
  }

  /** Forgets a deleted topic's series so /metrics does not grow with topic churn. */
  forgetTopic(topic: string): void {
    const match = (key: string) => key.includes(`topic="${escapeLabel(topic)}"`)
    this.bytesIn.remove(match)
    this.bytesOut.remove(match)
    this.messagesIn.remove(match)
  }
}

/** Serves GET /metrics; resolves once listening. */
export async function serveMetrics(metrics: BrokerMetrics, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      res.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8'})
      res.end(metrics.render())
      return
    }
    res.writeHead(404, {'content-type': 'text/plain'})
    res.end('only /metrics is served here\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}
