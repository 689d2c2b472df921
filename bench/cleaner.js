#!/usr/bin/env node
// Log cleaner throughput and memory: fills one compacted partition on disk with BENCH_MB
// (default 128) of 200-byte records over BENCH_KEYS (default 1,000,000) distinct keys, then
// runs cleaner passes until nothing is left to clean. Prints one JSON object: MB/s read by the
// cleaner (mapping and rewriting both read), bytes before and after, passes, and the peak RSS
// above the RSS before cleaning (the key map is 24 bytes a key, capped by
// log.cleaner.dedupe.buffer.size = 128 MiB). Run after `npm run build`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {LogManager} from '../dist/src/broker/log/index.js'
import {buildRecordBatch} from '../dist/src/kafka/protocol/record-batch.js'

const TOTAL_BYTES = Number(process.env.BENCH_MB ?? 128) * 1024 * 1024
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000)
const RECORDS_PER_BATCH = 1000
const value = Buffer.alloc(200, 'v')

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-cleaner-'))
const manager = LogManager.open({dataDir, defaults: {cleanerEnabled: false, segmentBytes: 16 * 1024 * 1024}})
try {
  manager.createTopic({name: 'bench', partitions: 1, configs: {'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01'}})
  const log = manager.partition('bench', 0)
  let written = 0
  for (let batch = 0; written < TOTAL_BYTES; batch++) {
    const records = Array.from({length: RECORDS_PER_BATCH}, (_, i) => ({key: `key-${(batch * RECORDS_PER_BATCH + i) % KEYS}`, value}))
    const result = log.append(buildRecordBatch({records}))
    if (!result.ok) throw new Error(`${result.error}: ${result.message}`)
    written = log.sizeBytes
  }
  // A last record in a segment of its own: everything before it is cleanable.
  log.append(buildRecordBatch({baseTimestamp: Date.now() + 1000, records: [{key: 'last', value}]}))
  const sizeBefore = log.sizeBytes
  global.gc?.()
  const rssBefore = process.memoryUsage.rss()
  let rssPeak = rssBefore
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 5)
  let bytesRead = 0
  let passes = 0
  let recordsRemoved = 0
  const start = process.hrtime.bigint()
  for (;;) {
    const pass = await manager.cleaner.runOnce()
    if (!pass) break
    passes++
    bytesRead += pass.bytesRead
    recordsRemoved += pass.recordsRemoved
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9
  clearInterval(sampler)
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
  console.log(
    JSON.stringify({
      keys: KEYS,
      bytesBefore: sizeBefore,
      bytesAfter: log.sizeBytes,
      recordsRemoved,
      passes,
      cleanerSeconds: Number(secs.toFixed(2)),
      cleanerReadMBps: Number((bytesRead / 1024 / 1024 / secs).toFixed(1)),
      logMBps: Number((sizeBefore / 1024 / 1024 / secs).toFixed(1)),
      peakExtraRssMB: Number(((rssPeak - rssBefore) / 1024 / 1024).toFixed(1)),
    }),
  )
} finally {
  manager.close()
  fs.rmSync(dataDir, {recursive: true, force: true})
}
