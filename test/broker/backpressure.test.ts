// A client that pipelines Fetches and does not read its responses must not make the broker
// read the whole log into memory: the broker stops taking requests from that connection while
// its responses wait (as Kafka mutes a channel), and takes the rest once the client reads.
import {describe, expect, it} from 'vitest'
import {decodeResponse} from '../../src/kafka/protocol/index.js'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'
import {useBroker} from '../helpers/broker.js'
import {RawClient} from './raw-client.js'

const FETCHES = 300
/** The server's MAX_QUEUED_REQUESTS: responses one connection may have waiting. */
const MAX_QUEUED_REQUESTS = 100

describe('broker backpressure', () => {
  const broker = useBroker()

  const servedBytes = () => Number(/\{topic="slow-reader"\} (\d+)/.exec(broker().state.metrics.bytesOut.render())?.[1] ?? 0)

  it('holds at most the queued responses of a client that pipelines fetches without reading, then answers them all in order', async () => {
    const producer = await RawClient.connect(broker().bootstrap)
    await producer.request(19, 7, {topics: [{name: 'slow-reader', numPartitions: 1, replicationFactor: 1}], timeoutMs: 1000})
    // Every batch has the same size, and each fetch asks for exactly one.
    const value = Buffer.alloc(64 * 1024, 1)
    let batchBytes = 0
    for (let i = 0; i < 8; i++) {
      const batch = buildRecordBatch({records: [{value}, {value}]})
      batchBytes = batch.length
      await producer.request(0, 9, {acks: 1, timeoutMs: 1000, topicData: [{name: 'slow-reader', partitionData: [{index: 0, records: batch}]}]})
    }
    producer.close()

    const reader = await RawClient.connect(broker().bootstrap)
    reader.socket.pause()
    const ids: number[] = []
    for (let i = 0; i < FETCHES; i++) {
      const partitions = [{partition: 0, fetchOffset: 0, partitionMaxBytes: batchBytes}]
      ids.push(reader.send(1, 11, {replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 50 << 20, topics: [{topic: 'slow-reader', partitions}]}))
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    const fetchesServedWhileStalled = servedBytes() / batchBytes
    expect(fetchesServedWhileStalled).toBeGreaterThan(0)
    expect(fetchesServedWhileStalled).toBeLessThanOrEqual(MAX_QUEUED_REQUESTS + 1)

    reader.socket.resume()
    const seen: number[] = []
    for (let i = 0; i < FETCHES; i++) {
      const frame = await reader.nextFrame()
      if (!frame) break
      const response = decodeResponse(1, 11, frame)
      expect(response.body.responses[0].partitions[0].records?.length).toBeGreaterThan(0)
      seen.push(response.header.correlationId)
    }
    reader.close()
    expect(seen).toEqual(ids)
  })
})
