#!/usr/bin/env node
// Durable log throughput: appends ~1 MB batches of 100-byte records to one partition on disk
// for a few seconds (as a producer's requests would arrive), then fetches everything back in
// 1 MB reads. Prints one JSON object. Run after `npm run build`.
// Targets (issue 4): >= 1,000,000 records/s each way with RSS <= 200 MB.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {LogManager} from '../dist/src/broker/log/index.js'
import {buildRecordBatch, readRecordBatchHeader} from '../dist/src/kafka/protocol/record-batch.js'

const RECORD_BYTES = 100
const BATCH_TARGET_BYTES = 1_000_000 // under max.message.bytes (1048588)
const APPEND_SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const FETCH_MAX_BYTES = 1024 * 1024

const value = Buffer.alloc(RECORD_BYTES, 'x')
// 100-byte value + ~10 bytes of record framing each; no key.
const recordsPerBatch = Math.floor(BATCH_TARGET_BYTES / (RECORD_BYTES + 10))
const template = buildRecordBatch({records: Array.from({length: recordsPerBatch}, () => ({value}))})

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-log-'))
let rssMaxBytes = 0
const sampleRss = () => (rssMaxBytes = Math.max(rssMaxBytes, process.memoryUsage.rss()))

function appendFor(log, seconds) {
  // Each append gets its own copy, as each produce request arrives in its own buffer; the copy
  // is made before the clock runs for that append.
  let records = 0
  let bytes = 0
  let elapsedNs = 0n
  const deadline = Number(seconds) * 1e9
  for (let i = 0; Number(elapsedNs) < deadline; i++) {
    const batch = Buffer.from(template)
    const start = process.hrtime.bigint()
    const result = log.append(batch)
    elapsedNs += process.hrtime.bigint() - start
    if (!result.ok) throw new Error(`${result.error}: ${result.message}`)
    records += recordsPerBatch
    bytes += batch.length
    if (i % 16 === 0) sampleRss()
  }
  const secs = Number(elapsedNs) / 1e9
  return {records, bytes, secs}
}

const manager = LogManager.open({dataDir})
try {
  manager.createTopic({name: 'bench', partitions: 1})
  const log = manager.partition('bench', 0)
  const append = appendFor(log, APPEND_SECONDS)

  let readRecords = 0
  let readBytes = 0
  let offset = 0
  let reads = 0
  const readStart = process.hrtime.bigint()
  while (offset < log.logEndOffset) {
    const result = log.read(offset, FETCH_MAX_BYTES)
    if (!result.ok) throw new Error(result.message)
    // What a fetch handler needs per batch: its size and last offset, from the header only.
    for (const chunk of result.chunks) {
      for (let pos = 0; pos < chunk.length; ) {
        const header = readRecordBatchHeader(chunk, pos)
        readRecords += header.recordCount
        offset = header.baseOffset + header.lastOffsetDelta + 1
        pos += header.sizeBytes
      }
    }
    readBytes += result.sizeBytes
    if (++reads % 16 === 0) sampleRss()
  }
  const readSecs = Number(process.hrtime.bigint() - readStart) / 1e9
  sampleRss()

  // The same appends with fsync 'always' (fdatasync per append), for the policy's cost.
  manager.createTopic({name: 'bench-fsync', partitions: 1})
  manager.close()
  const always = LogManager.open({dataDir, defaults: {fsync: 'always'}})
  const fsyncAlways = appendFor(always.partition('bench-fsync', 0), 1)
  always.close()

  const mb = 1024 * 1024
  console.log(
    JSON.stringify({
      recordBytes: RECORD_BYTES,
      batchBytes: template.length,
      recordsPerBatch,
      appendRecordsPerSec: Math.round(append.records / append.secs),
      appendMBps: Math.round(append.bytes / mb / append.secs),
      appendedMB: Math.round(append.bytes / mb),
      readRecordsPerSec: Math.round(readRecords / readSecs),
      readMBps: Math.round(readBytes / mb / readSecs),
      readRecords,
      fsyncAlwaysAppendRecordsPerSec: Math.round(fsyncAlways.records / fsyncAlways.secs),
      rssMB: Math.round(rssMaxBytes / mb),
    }),
  )
} finally {
  manager.close()
  fs.rmSync(dataDir, {recursive: true, force: true})
}
