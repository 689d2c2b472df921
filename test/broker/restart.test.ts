// A graceful restart on the same data dir keeps topics, their ids and configs, every record
// and offset, the cluster id, and never hands out a producer id twice.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {startBroker} from '../../src/broker/index.js'
import {ErrorCode} from '../../src/kafka/protocol/index.js'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'
import {RawClient} from './raw-client.js'

describe('broker restart', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-restart-'))
  afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

  it('keeps topics, offsets, configs and the cluster id', async () => {
    const first = await startBroker({port: 0, dataDir})
    let clusterId: string
    let topicId: string
    let producerId: number
    try {
      const client = await RawClient.connect(first.bootstrap)
      const created = await client.request(19, 7, {topics: [{name: 'durable', numPartitions: 2, replicationFactor: 1, configs: [{name: 'retention.ms', value: '123456'}]}]})
      topicId = created.topics[0].topicId
      for (let i = 0; i < 3; i++)
        await client.request(0, 9, {acks: 1, timeoutMs: 1000, topicData: [{name: 'durable', partitionData: [{index: 1, records: buildRecordBatch({records: [{value: `r${i}`}]})}]}]})
      producerId = (await client.request(22, 4, {transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1})).producerId
      clusterId = (await client.request(3, 12, {topics: null})).clusterId!
      client.close()
    } finally {
      await first.close()
    }

    const second = await startBroker({port: 0, dataDir})
    try {
      const client = await RawClient.connect(second.bootstrap)
      const metadata = await client.request(3, 12, {topics: null})
      expect(metadata.clusterId).toBe(clusterId)
      expect(metadata.topics.map((t) => [t.name, t.topicId, t.partitions.length])).toEqual([['durable', topicId, 2]])
      const offsets = await client.request(2, 7, {replicaId: -1, isolationLevel: 0, topics: [{name: 'durable', partitions: [{partitionIndex: 1, timestamp: -1}]}]})
      expect(offsets.topics[0].partitions[0].offset).toBe(3)
      const next = await client.request(0, 9, {acks: 1, timeoutMs: 1000, topicData: [{name: 'durable', partitionData: [{index: 1, records: buildRecordBatch({records: [{value: 'after'}]})}]}]})
      expect(next.responses[0].partitionResponses[0]).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 3})
      const configs = await client.request(32, 4, {resources: [{resourceType: 2, resourceName: 'durable', configurationKeys: ['retention.ms']}], includeSynonyms: false, includeDocumentation: false})
      expect(configs.results[0].configs[0].value).toBe('123456')
      const init = await client.request(22, 4, {transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1})
      expect(init.producerId).toBeGreaterThan(producerId!)
      client.close()
    } finally {
      await second.close()
    }
  })

  it('answers a waiting long-poll fetch before closing its connection on shutdown', async () => {
    const broker = await startBroker({port: 0, dataDir})
    const client = await RawClient.connect(broker.bootstrap)
    try {
      const fetched = client.request(1, 11, {
        replicaId: -1,
        maxWaitMs: 120_000,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{topic: 'durable', partitions: [{partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20}]}],
        forgottenTopicsData: [],
        rackId: '',
      })
      await new Promise((resolve) => setTimeout(resolve, 50))
      await broker.close()
      const response = await fetched
      expect(response.responses[0].partitions[0]).toMatchObject({errorCode: ErrorCode.NONE, highWatermark: 0})
      expect(await client.closedByPeer()).toBe(true)
    } finally {
      client.close()
      await broker.close()
    }
  })

  it('refuses a second broker on the same data dir while the first runs', async () => {
    const running = await startBroker({port: 0, dataDir})
    try {
      await expect(startBroker({port: 0, dataDir})).rejects.toThrow(/data dir|lock|another|running/i)
    } finally {
      await running.close()
    }
  })
})
