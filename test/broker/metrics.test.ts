// Prometheus /metrics over HTTP: text exposition with traffic, latency and gauges.
import {mkdtempSync, rmSync} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {startBroker} from '../../src/broker/index.js'
import {buildRecordBatch} from '../../src/broker/protocol/record-batch.js'
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
    } finally {
      client.close()
      await broker.close()
      rmSync(dataDir, {recursive: true, force: true})
    }
  })
})
