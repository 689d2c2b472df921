// Prometheus /metrics over HTTP: text exposition with traffic, latency and gauges.
import {mkdtempSync, rmSync} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {startBroker} from '../../src/broker/index.js'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'
import {RawClient} from './raw-client.js'

function get(port: number, urlPath: string): Promise<{status: number; type: string; body: string}> {
  return new Promise((resolve, reject) => {
    http
      .get({host: '127.0.0.1', port, path: urlPath}, (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({status: res.statusCode ?? 0, type: String(res.headers['content-type']), body}))
      })
      .on('error', reject)
  })
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line a comment, HELP, TYPE or a
 * well-formed sample; TYPE before a family's samples, each family's samples together, no
 * duplicate series; histogram buckets ascending and cumulative, +Inf equal to _count, _sum
 * present. Throws on the first violation, naming the line.
 */
function parseExposition(text: string): Map<string, {type: string; samples: {name: string; labels: Record<string, string>; value: number}[]}> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline')
  const families = new Map<string, {type: string; samples: {name: string; labels: Record<string, string>; value: number}[]}>()
  const seenSeries = new Set<string>()
  const closed = new Set<string>()
  let current: string | undefined
  const familyOf = (name: string) => {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      const base = name.slice(0, -suffix.length)
      if (name.endsWith(suffix) && families.get(base)?.type === 'histogram') return base
    }
    return name
  }
  text.split('\n').slice(0, -1).forEach((line, index) => {
    const fail = (why: string) => {
      throw new Error(`line ${index + 1} ${JSON.stringify(line)}: ${why}`)
    }
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line)
    if (meta) {
      const [, kind, name, rest] = meta
      if (closed.has(name) || families.get(name)?.samples.length) fail(`${kind} after the samples of ${name}`)
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) fail(`unknown type ${rest}`)
        if (families.has(name)) fail(`second TYPE for ${name}`)
        families.set(name, {type: rest, samples: []})
      } else if (/\\[^\\n]/.test(rest)) fail('bad escape in HELP')
      if (current !== undefined && current !== name) closed.add(current)
      current = name
      return
    }
    if (line.startsWith('#') || line === '') return
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line)
    if (!sample) return fail('not a sample')
    const [, name, labelText, valueText] = sample
    const labels: Record<string, string> = {}
    if (labelText !== undefined && labelText !== '') {
      const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y
      let at = 0
      while (at < labelText.length) {
        labelPattern.lastIndex = at
        const match = labelPattern.exec(labelText)
        if (!match) return fail('malformed labels')
        if (match[1] in labels) fail(`label ${match[1]} twice`)
        labels[match[1]] = match[2]
        at = labelPattern.lastIndex
      }
    }
    if (!/^([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]Inf|NaN)$/.test(valueText)) fail(`bad value ${valueText}`)
    const family = familyOf(name)
    const entry = families.get(family)
    if (!entry) return fail(`sample before the TYPE of ${family}`)
    if (closed.has(family)) fail(`samples of ${family} are not together`)
    if (current !== family) {
      if (current !== undefined) closed.add(current)
      current = family
    }
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (seenSeries.has(series)) fail('duplicate series')
    seenSeries.add(series)
    entry.samples.push({name, labels, value: valueText === '+Inf' ? Infinity : Number(valueText)})
  })
  for (const [family, {type, samples}] of families) {
    if (type !== 'histogram') continue
    const byLabels = new Map<string, typeof samples>()
    for (const sample of samples) {
      const {le: _le, ...rest} = sample.labels
      const key = JSON.stringify(Object.entries(rest).sort())
      byLabels.set(key, [...(byLabels.get(key) ?? []), sample])
    }
    for (const [key, group] of byLabels) {
      const buckets = group.filter((s) => s.name === `${family}_bucket`)
      const bounds = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)))
      if (bounds.some((b, i) => Number.isNaN(b) || (i > 0 && b <= bounds[i - 1]))) throw new Error(`${family}${key}: le bounds not ascending`)
      if (buckets.some((b, i) => i > 0 && b.value < buckets[i - 1].value)) throw new Error(`${family}${key}: buckets not cumulative`)
      const count = group.find((s) => s.name === `${family}_count`)
      if (bounds.at(-1) !== Infinity || !count || buckets.at(-1)!.value !== count.value) throw new Error(`${family}${key}: +Inf bucket missing or not equal to _count`)
      if (!group.some((s) => s.name === `${family}_sum`)) throw new Error(`${family}${key}: _sum missing`)
    }
  }
  return families
}

describe('strict exposition reader', () => {
  it('rejects what Prometheus would reject', () => {
    const ok = '# HELP a_total A\n# TYPE a_total counter\na_total{x="1"} 2\n'
    expect(parseExposition(ok).get('a_total')!.samples).toEqual([{name: 'a_total', labels: {x: '1'}, value: 2}])
    expect(() => parseExposition(ok.trimEnd())).toThrow(/newline/)
    expect(() => parseExposition('a 1\n')).toThrow(/before the TYPE/)
    expect(() => parseExposition('# TYPE a gauge\na{x="1} 1\n')).toThrow(/malformed labels/)
    expect(() => parseExposition('# TYPE a gauge\na 1\na 2\n')).toThrow(/duplicate/)
    expect(() => parseExposition('# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x="2"} 1\n')).toThrow(/not together/)
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/)
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n')).toThrow(/\+Inf/)
  })
})

describe('broker metrics endpoint', () => {
  it('serves bytes, messages, request latency per API, connections, partitions and log sizes', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-metrics-'))
    const broker = await startBroker({port: 0, dataDir, metricsPort: 0})
    const client = await RawClient.connect(broker.bootstrap)
    try {
      await client.request(19, 7, {topics: [{name: 'measured', numPartitions: 2, replicationFactor: 1}]})
      await client.request(0, 9, {acks: 1, timeoutMs: 1000, topicData: [{name: 'measured', partitionData: [{index: 0, records: buildRecordBatch({records: [{value: 'a'}, {value: 'b'}]})}]}]})
      const {status, type, body} = await get(broker.metricsPort!, '/metrics')
      expect(status).toBe(200)
      expect(type).toContain('text/plain; version=0.0.4')
      expect(body).toMatch(/^kctl_broker_messages_in_total\{topic="measured"\} 2$/m)
      expect(body).toMatch(/^kctl_broker_bytes_in_total\{topic="measured"\} \d+$/m)
      expect(body).toMatch(/^kctl_broker_requests_total\{api="Produce"\} 1$/m)
      expect(body).toMatch(/^kctl_broker_request_duration_seconds_bucket\{api="CreateTopics",le="\+Inf"\} 1$/m)
      expect(body).toMatch(/^kctl_broker_connections 1$/m)
      expect(body).toMatch(/^kctl_broker_partitions 2$/m)
      expect(body).toMatch(/^kctl_broker_log_size_bytes\{topic="measured",partition="0"\} [1-9]\d*$/m)
      expect((await get(broker.metricsPort!, '/other')).status).toBe(404)

      // A fetch counts bytes out; the whole page then passes the strict reader.
      const fetched = await client.request(1, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{topic: 'measured', partitions: [{partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20}]}],
        forgottenTopicsData: [],
        rackId: '',
      })
      expect(fetched.responses[0].partitions[0].errorCode).toBe(0)
      const families = parseExposition((await get(broker.metricsPort!, '/metrics')).body)
      for (const family of [
        'kctl_broker_bytes_in_total',
        'kctl_broker_bytes_out_total',
        'kctl_broker_messages_in_total',
        'kctl_broker_request_duration_seconds',
        'kctl_broker_connections',
        'kctl_broker_partitions',
        'kctl_broker_log_size_bytes',
      ])
        expect(families.has(family), family).toBe(true)
      expect(families.get('kctl_broker_request_duration_seconds')!.type).toBe('histogram')
      const bytesOut = families.get('kctl_broker_bytes_out_total')!.samples
      expect(bytesOut).toEqual([{name: 'kctl_broker_bytes_out_total', labels: {topic: 'measured'}, value: expect.any(Number)}])
      expect(bytesOut[0].value).toBeGreaterThan(0)
    } finally {
      client.close()
      await broker.close()
      rmSync(dataDir, {recursive: true, force: true})
    }
  })
})
