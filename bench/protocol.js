// Protocol codec throughput: decode a 1 MB Produce request holding 10,000 records, and encode a
// 1 MB Fetch response. Prints one JSON object. Record bytes must never be copied on either path:
// the decoded records are a view of the frame, and the encoded response passes the record
// buffers through as their own chunks (checked, not assumed, and reported).
import {
  ApiKeys,
  crc32c,
  decodeRequest,
  encodeRequest,
  encodeResponse,
  varintSize,
  varlongSize,
  writeVarint,
  writeVarlong,
} from '../dist/src/kafka/protocol/index.js'

const RECORDS = 10_000
const VALUE_BYTES = 90
const MIN_RUN_MS = 1500

/** A v2 record batch (uncompressed) of `count` records with 8-byte keys and `valueBytes` values. */
function recordBatch(count, valueBytes) {
  const key = Buffer.alloc(8, 0x6b)
  const value = Buffer.alloc(valueBytes, 0x76)
  const bodies = []
  let recordsBytes = 0
  for (let i = 0; i < count; i++) {
    const bodyLength = 1 + varlongSize(i) + varintSize(i) + varintSize(key.length) + key.length + varintSize(value.length) + value.length + varintSize(0)
    const rec = Buffer.alloc(varintSize(bodyLength) + bodyLength)
    let p = writeVarint(rec, 0, bodyLength)
    rec[p++] = 0 // attributes
    p = writeVarlong(rec, p, i) // timestamp delta
    p = writeVarint(rec, p, i) // offset delta
    p = writeVarint(rec, p, key.length)
    p += key.copy(rec, p)
    p = writeVarint(rec, p, value.length)
    p += value.copy(rec, p)
    writeVarint(rec, p, 0) // no headers
    bodies.push(rec)
    recordsBytes += rec.length
  }
  const batch = Buffer.alloc(61 + recordsBytes)
  batch.writeBigInt64BE(0n, 0) // base offset
  batch.writeInt32BE(batch.length - 12, 8)
  batch.writeInt32BE(-1, 12) // partition leader epoch
  batch.writeInt8(2, 16) // magic
  batch.writeInt16BE(0, 21) // attributes
  batch.writeInt32BE(count - 1, 23) // last offset delta
  batch.writeBigInt64BE(1_700_000_000_000n, 27)
  batch.writeBigInt64BE(1_700_000_000_000n + BigInt(count - 1), 35)
  batch.writeBigInt64BE(-1n, 43) // producer id
  batch.writeInt16BE(-1, 51)
  batch.writeInt32BE(-1, 53)
  batch.writeInt32BE(count, 57)
  let p = 61
  for (const rec of bodies) p += rec.copy(batch, p)
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17)
  return batch
}

function measure(fn) {
  // warm up, then run for at least MIN_RUN_MS
  for (let i = 0; i < 200; i++) fn()
  let ops = 0
  const start = process.hrtime.bigint()
  let elapsedMs = 0
  while (elapsedMs < MIN_RUN_MS) {
    for (let i = 0; i < 100; i++) fn()
    ops += 100
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6
  }
  return ops / (elapsedMs / 1000)
}

const round = (n) => Math.round(n * 10) / 10

// Produce: one 1 MB batch of 10,000 records, as librdkafka sends it (v9 = flexible, v7 = kafkajs).
const batch = recordBatch(RECORDS, VALUE_BYTES)
const produceFrames = {}
for (const version of [7, 9]) {
  produceFrames[version] = Buffer.concat(
    encodeRequest(ApiKeys.Produce, version, 1, 'bench', {acks: 1, timeoutMs: 30000, topicData: [{name: 'bench', partitionData: [{index: 0, records: batch}]}]}),
  ).subarray(4)
}
const decodeProduce = {}
for (const [version, frame] of Object.entries(produceFrames)) {
  const decoded = decodeRequest(frame)
  const records = decoded.body.topicData[0].partitionData[0].records
  if (records.buffer !== frame.buffer || !records.equals(batch)) throw new Error('decoded records are not a view of the frame')
  const opsPerSec = measure(() => decodeRequest(frame))
  decodeProduce[`v${version}`] = {opsPerSec: Math.round(opsPerSec), MBps: round((opsPerSec * frame.length) / 1e6), recordsPerSec: Math.round(opsPerSec * RECORDS)}
}

// Fetch: 1 MB of record data for 8 partitions (8 batches of ~128 KB), v11 (kafkajs) and v16.
const partitionBatches = Array.from({length: 8}, () => recordBatch(RECORDS / 8, VALUE_BYTES))
const fetchBytes = partitionBatches.reduce((n, b) => n + b.length, 0)
const fetchBody = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  responses: [
    {
      topic: 'bench',
      topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
      partitions: partitionBatches.map((records, partitionIndex) => ({
        partitionIndex,
        errorCode: 0,
        highWatermark: 1_000_000,
        lastStableOffset: 1_000_000,
        logStartOffset: 0,
        abortedTransactions: [],
        records,
      })),
    },
  ],
}
const encodeFetch = {}
for (const version of [11, 16]) {
  const chunks = encodeResponse(ApiKeys.Fetch, version, 1, fetchBody)
  const passedThrough = chunks.filter((c) => partitionBatches.includes(c))
  const frameBytes = chunks.reduce((n, c) => n + c.length, 0)
  if (passedThrough.length !== partitionBatches.length) throw new Error('record buffers were copied into the response')
  const opsPerSec = measure(() => encodeResponse(ApiKeys.Fetch, version, 1, fetchBody))
  encodeFetch[`v${version}`] = {
    opsPerSec: Math.round(opsPerSec),
    MBps: round((opsPerSec * frameBytes) / 1e6),
    chunks: chunks.length,
    recordBytesCopied: 0,
    nonRecordBytes: frameBytes - fetchBytes,
  }
}

// Per-request overhead: a flexible Metadata v12 request for 10 topics decoded, and its response
// (1 broker, 10 topics x 3 partitions) encoded.
const metadataFrame = Buffer.concat(
  encodeRequest(ApiKeys.Metadata, 12, 1, 'bench', {topics: Array.from({length: 10}, (_, i) => ({name: `topic-${i}`})), allowAutoTopicCreation: false}),
).subarray(4)
const metadataBody = {
  brokers: [{nodeId: 1, host: '127.0.0.1', port: 9092, rack: null}],
  clusterId: 'bench-cluster',
  controllerId: 1,
  topics: Array.from({length: 10}, (_, i) => ({
    errorCode: 0,
    name: `topic-${i}`,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
    partitions: Array.from({length: 3}, (_, p) => ({errorCode: 0, partitionIndex: p, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: []})),
  })),
}
const metadata = {
  decodeRequestOpsPerSec: Math.round(measure(() => decodeRequest(metadataFrame))),
  encodeResponseOpsPerSec: Math.round(measure(() => encodeResponse(ApiKeys.Metadata, 12, 1, metadataBody))),
}

// Reference on the same machine and run: one memcpy of 1 MB, what a copying codec would pay.
const copySource = Buffer.alloc(fetchBytes, 1)
const copyTarget = Buffer.alloc(fetchBytes)
const copyOps = measure(() => copySource.copy(copyTarget))

console.log(
  JSON.stringify({
    produceRequestBytes: produceFrames[9].length,
    recordsPerRequest: RECORDS,
    decodeProduce,
    fetchRecordBytes: fetchBytes,
    encodeFetch,
    metadataV12: metadata,
    memcpy1MBPerSec: Math.round(copyOps),
    encodeFetchV11VsMemcpy: round(encodeFetch.v11.opsPerSec / copyOps),
  }),
)
