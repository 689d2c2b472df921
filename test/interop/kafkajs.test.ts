// kafkajs 2.2.4 (non-flexible versions throughout: Produce v7, Fetch v11, Metadata v6):
// admin, gzip-compressed produce and a consumer group reading it all back.
import {CompressionTypes, Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'

describe('kafkajs', () => {
  const broker = useBroker()
  const client = () => new Kafka({brokers: [broker().bootstrap], clientId: 'interop', logLevel: logLevel.NOTHING})

  it('creates, describes and deletes topics through the admin client', async () => {
    const admin = client().admin()
    await admin.connect()
    try {
      expect(await admin.createTopics({topics: [{topic: 'js-admin', numPartitions: 3}]})).toBe(true)
      const metadata = await admin.fetchTopicMetadata({topics: ['js-admin']})
      expect(metadata.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2])
      const cluster = await admin.describeCluster()
      expect(cluster.brokers).toEqual([{nodeId: 1, host: '127.0.0.1', port: broker().port}])
      await admin.deleteTopics({topics: ['js-admin']})
      expect(await admin.listTopics()).not.toContain('js-admin')
    } finally {
      await admin.disconnect()
    }
  })

  it('produces gzip batches and a consumer group reads every record back in order', async () => {
    const kafka = client()
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'js-gzip', numPartitions: 2}]})
    await admin.disconnect()

    const producer = kafka.producer({idempotent: true})
    await producer.connect()
    const messages = Array.from({length: 500}, (_, i) => ({
      key: `key-${i}`,
      value: `value-${i}`,
      partition: i % 2,
      headers: {seq: String(i)},
    }))
    const results = await producer.send({topic: 'js-gzip', compression: CompressionTypes.GZIP, messages})
    await producer.disconnect()
    expect(results.map((r) => [r.partition, r.baseOffset]).sort()).toEqual([
      [0, '0'],
      [1, '0'],
    ])

    const consumer = kafka.consumer({groupId: 'js-gzip-readers'})
    await consumer.connect()
    await consumer.subscribe({topic: 'js-gzip', fromBeginning: true})
    const seen: {partition: number; offset: string; key: string; value: string; seq: string}[] = []
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({partition, message}) => {
            seen.push({
              partition,
              offset: message.offset,
              key: String(message.key),
              value: String(message.value),
              seq: String(message.headers?.seq),
            })
            if (seen.length === messages.length) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    for (const partition of [0, 1]) {
      const got = seen.filter((r) => r.partition === partition)
      const sent = messages.filter((m) => m.partition === partition)
      expect(got).toEqual(sent.map((m, offset) => ({partition, offset: String(offset), key: m.key, value: m.value, seq: m.headers.seq})))
    }
  })
})
