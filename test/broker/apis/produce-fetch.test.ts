// Produce, Fetch, ListOffsets, DeleteRecords, InitProducerId and OffsetForLeaderEpoch with
// exact frames, plus a kafkajs producer for compressed and idempotent batches.
import {CompressionTypes, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ErrorCode, type ResponseBody} from '../../../src/kafka/protocol/index.js'
import {buildRecordBatch, decodeRecords, readRecordBatchHeader} from '../../../src/kafka/protocol/record-batch.js'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

/** Splits a fetched records field into its batches. */
function batchesOf(records: Buffer | null): Buffer[] {
  const out: Buffer[] = []
  let pos = 0
  while (records && pos + 12 <= records.length) {
    const size = 12 + records.readInt32BE(pos + 8)
    out.push(records.subarray(pos, pos + size))
    pos += size
  }
  return out
}

describe('produce and fetch', () => {
  const broker = useBroker({'message.max.bytes': '10000'})
  let client: RawClient
  beforeAll(async () => {
    client = await RawClient.connect(broker().bootstrap)
  })
  afterAll(() => client.close())

  const createTopic = (name: string, partitions = 1, configs: {name: string; value: string}[] = []) =>
    client.request(19, 7, {topics: [{name, numPartitions: partitions, replicationFactor: 1, configs}]})
  const produce = async (topic: string, records: Buffer, partition = 0) => {
    const response = await client.request(0, 9, {acks: -1, timeoutMs: 1000, topicData: [{name: topic, partitionData: [{index: partition, records}]}]})
    return response.responses[0].partitionResponses[0]
  }
  const fetch = (topic: string, fetchOffset: number, options: {maxWaitMs?: number; minBytes?: number; partitionMaxBytes?: number; maxBytes?: number} = {}) =>
    client.request(1, 11, {
      replicaId: -1,
      maxWaitMs: options.maxWaitMs ?? 0,
      minBytes: options.minBytes ?? 0,
      maxBytes: options.maxBytes ?? 1 << 20,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{topic, partitions: [{partition: 0, fetchOffset, partitionMaxBytes: options.partitionMaxBytes ?? 1 << 20}]}],
      forgottenTopicsData: [],
      rackId: '',
    })

  it('assigns consecutive offsets and serves whole batches back byte for byte', async () => {
    await createTopic('roundtrip')
    const first = buildRecordBatch({records: [{key: 'a', value: 'one'}, {key: 'b', value: 'two', headers: [{key: 'h', value: 'v'}]}]})
    const second = buildRecordBatch({records: [{key: 'c', value: 'three'}]})
    expect(await produce('roundtrip', first)).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0})
    expect(await produce('roundtrip', second)).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 2})
    const fetched = await fetch('roundtrip', 0)
    const partition = fetched.responses[0].partitions[0]
    expect(partition).toMatchObject({errorCode: ErrorCode.NONE, highWatermark: 3, lastStableOffset: 3, logStartOffset: 0, abortedTransactions: []})
    expect(fetched.sessionId).toBe(0)
    const batches = batchesOf(partition.records)
    expect(batches.map((b) => readRecordBatchHeader(b).baseOffset)).toEqual([0, 2])
    const records = batches.flatMap((b) => decodeRecords(b))
    expect(records.map((r) => [r.offset, String(r.key), String(r.value)])).toEqual([
      [0, 'a', 'one'],
      [1, 'b', 'two'],
      [2, 'c', 'three'],
    ])
    expect(records[1].headers.map((h) => [h.key, String(h.value)])).toEqual([['h', 'v']])
    // Fetching from the middle of a batch returns the whole batch that holds the offset.
    const middle = await fetch('roundtrip', 1)
    expect(batchesOf(middle.responses[0].partitions[0].records).map((b) => readRecordBatchHeader(b).baseOffset)).toEqual([0, 2])
  })

  it('honours partitionMaxBytes but always returns the first batch whole', async () => {
    await createTopic('limits')
    for (let i = 0; i < 3; i++) await produce('limits', buildRecordBatch({records: [{value: Buffer.alloc(500, i)}]}))
    const tight = await fetch('limits', 0, {partitionMaxBytes: 10})
    expect(batchesOf(tight.responses[0].partitions[0].records)).toHaveLength(1)
    const all = await fetch('limits', 0)
    expect(batchesOf(all.responses[0].partitions[0].records)).toHaveLength(3)
  })

  it('answers a fetch outside the log with OFFSET_OUT_OF_RANGE and the log bounds', async () => {
    await createTopic('bounds')
    await produce('bounds', buildRecordBatch({records: [{value: 'x'}]}))
    const partition = (await fetch('bounds', 5)).responses[0].partitions[0]
    expect(partition).toMatchObject({errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: 1, logStartOffset: 0})
  })

  it('wakes a long-polling fetch when records arrive instead of waiting out maxWaitMs', async () => {
    await createTopic('longpoll')
    const other = await RawClient.connect(broker().bootstrap)
    try {
      // maxWaitMs is far beyond the test timeout: only the append can end this fetch in time.
      const pending = fetch('longpoll', 0, {maxWaitMs: 120_000, minBytes: 1})
      await new Promise((resolve) => setTimeout(resolve, 100))
      await other.request(0, 9, {acks: 1, timeoutMs: 1000, topicData: [{name: 'longpoll', partitionData: [{index: 0, records: buildRecordBatch({records: [{value: 'wake up'}]})}]}]})
      const partition = (await pending).responses[0].partitions[0]
      expect(partition.highWatermark).toBe(1)
      expect(decodeRecords(batchesOf(partition.records)[0]).map((r) => String(r.value))).toEqual(['wake up'])
    } finally {
      other.close()
    }
  })

  it('returns an empty fetch at the log end once maxWaitMs passes', async () => {
    await createTopic('idle')
    const partition = (await fetch('idle', 0, {maxWaitMs: 50, minBytes: 1})).responses[0].partitions[0]
    expect(partition).toMatchObject({errorCode: ErrorCode.NONE, highWatermark: 0})
    expect(batchesOf(partition.records)).toHaveLength(0)
  })

  it('identifies topics by id in Fetch v13+', async () => {
    const created = await createTopic('by-id')
    const topicId = created.topics[0].topicId
    await produce('by-id', buildRecordBatch({records: [{value: 'id'}]}))
    const request = (id: string) =>
      client.request(1, 17, {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{topicId: id, partitions: [{partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20}]}],
        forgottenTopicsData: [],
        rackId: '',
      })
    const fetched = await request(topicId)
    expect(fetched.responses[0].topicId).toBe(topicId)
    expect(fetched.responses[0].partitions[0].highWatermark).toBe(1)
    expect(fetched.responses[0].partitions[0].abortedTransactions).toBeNull()
    const unknown = await request('AAAAAAAAAAAAAAAAAAAAAQ')
    expect(unknown.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })

  it('rejects corrupt, oversized and misdirected batches per partition', async () => {
    await createTopic('strict')
    const corrupt = buildRecordBatch({records: [{value: 'intact'}]})
    corrupt[corrupt.length - 1] ^= 0xff
    expect((await produce('strict', corrupt)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
    const big = buildRecordBatch({records: [{value: Buffer.alloc(20_000)}]})
    expect((await produce('strict', big)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    expect((await produce('no-such-topic', buildRecordBatch({records: [{value: 'x'}]}))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect((await produce('strict', buildRecordBatch({records: [{value: 'x'}]}), 7)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    const badAcks = await client.request(0, 9, {acks: 2, timeoutMs: 1000, topicData: [{name: 'strict', partitionData: [{index: 0, records: buildRecordBatch({records: [{value: 'x'}]})}]}]})
    expect(badAcks.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS)
    // Nothing above was written.
    expect((await fetch('strict', 0)).responses[0].partitions[0].highWatermark).toBe(0)
  })

  it('stamps LogAppendTime topics with the broker time', async () => {
    await createTopic('appendtime', 1, [{name: 'message.timestamp.type', value: 'LogAppendTime'}])
    const before = Date.now()
    const response = await produce('appendtime', buildRecordBatch({records: [{value: 'x'}], baseTimestamp: 1000}))
    expect(response.logAppendTimeMs).toBeGreaterThanOrEqual(before)
    const batch = batchesOf((await fetch('appendtime', 0)).responses[0].partitions[0].records)[0]
    expect(readRecordBatchHeader(batch)).toMatchObject({timestampType: 'LogAppendTime', maxTimestamp: response.logAppendTimeMs})
  })

  it('acknowledges a retried idempotent batch with its original offset and refuses a sequence gap', async () => {
    await createTopic('idempotent')
    const init = await client.request(22, 4, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1})
    expect(init.errorCode).toBe(ErrorCode.NONE)
    const next = await client.request(22, 4, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1})
    expect(next.producerId).not.toBe(init.producerId)
    const batch = (baseSequence: number) =>
      buildRecordBatch({records: [{value: `seq-${baseSequence}`}], producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence})
    expect(await produce('idempotent', batch(0))).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 0})
    expect(await produce('idempotent', batch(1))).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 1})
    expect(await produce('idempotent', batch(1))).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 1})
    expect((await produce('idempotent', batch(5))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect((await fetch('idempotent', 0)).responses[0].partitions[0].highWatermark).toBe(2)
  })

  it('gives a transactional id a producer id and bumps its epoch on the next InitProducerId', async () => {
    const init = await client.request(22, 4, {transactionalId: 'tx-1', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1})
    expect(init).toMatchObject({errorCode: ErrorCode.NONE, producerEpoch: 0})
    const again = await client.request(22, 4, {transactionalId: 'tx-1', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1})
    expect(again).toMatchObject({errorCode: ErrorCode.NONE, producerId: init.producerId, producerEpoch: 1})
    const tooLong = await client.request(22, 4, {transactionalId: 'tx-1', transactionTimeoutMs: 900_001, producerId: -1, producerEpoch: -1})
    expect(tooLong).toMatchObject({errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1})
  })

  it('lists earliest, latest, max-timestamp and by-timestamp offsets, and moves the start with DeleteRecords', async () => {
    await createTopic('offsets')
    const base = 1_700_000_000_000
    await produce('offsets', buildRecordBatch({records: [{value: 'a'}, {value: 'b', timestampDelta: 10}], baseTimestamp: base}))
    await produce('offsets', buildRecordBatch({records: [{value: 'c'}], baseTimestamp: base + 5}))
    const list = async (timestamp: number, version = 7) => {
      const response: ResponseBody<2> = await client.request(2, version, {replicaId: -1, isolationLevel: version >= 2 ? 1 : 0, topics: [{name: 'offsets', partitions: [{partitionIndex: 0, timestamp, currentLeaderEpoch: -1}]}]})
      const p = response.topics[0].partitions[0]
      return [p.errorCode, p.offset, p.timestamp]
    }
    expect(await list(-2)).toEqual([0, 0, -1])
    expect(await list(-1)).toEqual([0, 3, -1])
    expect(await list(-3)).toEqual([0, 1, base + 10])
    expect(await list(base + 1)).toEqual([0, 1, base + 10])
    expect(await list(base + 11)).toEqual([0, -1, -1])
    expect(await list(-1, 1)).toEqual([0, 3, -1])

    const deleted = await client.request(21, 2, {topics: [{name: 'offsets', partitions: [{partitionIndex: 0, offset: 2}]}], timeoutMs: 1000})
    expect(deleted.topics[0].partitions[0]).toMatchObject({errorCode: ErrorCode.NONE, lowWatermark: 2})
    expect(await list(-2)).toEqual([0, 2, -1])
    expect((await fetch('offsets', 0)).responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    const tooFar = await client.request(21, 2, {topics: [{name: 'offsets', partitions: [{partitionIndex: 0, offset: 99}]}], timeoutMs: 1000})
    expect(tooFar.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
  })

  it('confirms leader epoch 0 and the log end in OffsetForLeaderEpoch', async () => {
    await createTopic('epochs')
    await produce('epochs', buildRecordBatch({records: [{value: 'x'}, {value: 'y'}]}))
    const response = await client.request(23, 4, {replicaId: -1, topics: [{topic: 'epochs', partitions: [{partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0}]}]})
    expect(response.topics[0].partitions[0]).toMatchObject({errorCode: ErrorCode.NONE, leaderEpoch: 0, endOffset: 2})
  })

  it('takes gzip batches from an idempotent kafkajs producer and counts them in /metrics-ready counters', async () => {
    const kafka = new Kafka({brokers: [broker().bootstrap], clientId: 'produce-test', logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'kafkajs-gzip', numPartitions: 2}]})
    const producer = kafka.producer({idempotent: true})
    await producer.connect()
    try {
      const messages = Array.from({length: 200}, (_, i) => ({key: `k${i}`, value: `v${i}`, partition: i % 2}))
      await producer.send({topic: 'kafkajs-gzip', compression: CompressionTypes.GZIP, messages})
      const offsets = await admin.fetchTopicOffsets('kafkajs-gzip')
      expect(offsets.map((o) => [o.partition, o.high, o.low]).sort()).toEqual([
        [0, '100', '0'],
        [1, '100', '0'],
      ])
      const batch = batchesOf((await fetch('kafkajs-gzip', 0)).responses[0].partitions[0].records)[0]
      expect(readRecordBatchHeader(batch)).toMatchObject({compression: 'gzip', recordCount: 100, baseOffset: 0})
      expect(broker().state.metrics.render()).toMatch(/kctl_broker_messages_in_total\{topic="kafkajs-gzip"\} 200/)
    } finally {
      await producer.disconnect()
      await admin.disconnect()
    }
  })
})
