// Fetch reads of 16 KB and more go into reused buffers (src/broker/log/read-buffers.ts) that
// the connection gives back once a response is written. A buffer reused too early would put
// another fetch's bytes into a response: several real consumers reading the same partitions
// at once, in small fetches (so the same few buffers go round many times) and one of them
// slow to read, must each get every record exactly as produced.
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../../helpers/broker.js'
import {kcat} from '../../interop/clients.js'

const PARTITIONS = 4
const PER_PARTITION = 1500
const TOPIC = 'pooled-reads'

/** Each value names its partition and index and differs from its neighbours all along its length. */
const valueOf = (partition: number, i: number) => `p${partition}-r${i}-` + `${(i * 7919 + partition) % 10007}`.padStart(6, '0').repeat(150)

describe('pooled fetch reads', () => {
  const broker = useBroker()

  it('serves every record intact to concurrent kcat and kafkajs consumers reading in small fetches', async () => {
    const kafka = new Kafka({clientId: 'pooled-reads', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]})
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    for (let partition = 0; partition < PARTITIONS; partition++) {
      for (let start = 0; start < PER_PARTITION; start += 100) {
        const messages = Array.from({length: 100}, (_, k) => ({value: valueOf(partition, start + k)}))
        await producer.send({topic: TOPIC, messages: messages.map((m) => ({...m, partition}))})
      }
    }
    await producer.disconnect()

    const expected = new Map<string, string>()
    for (let partition = 0; partition < PARTITIONS; partition++) {
      for (let i = 0; i < PER_PARTITION; i++) expected.set(`${partition}:${i}`, valueOf(partition, i))
    }

    // kcat: 64 KB per partition per fetch, so about 15 pooled reads per partition each.
    const readWithKcat = () =>
      kcat(['-b', broker().bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%p:%o %s\n', '-X', 'fetch.message.max.bytes=65536'])

    // kafkajs: small fetches, and a pause in each batch so its responses wait on the socket
    // while the kcat consumers' fetches take and give back buffers.
    const consumer = kafka.consumer({groupId: 'pooled-reads', maxBytesPerPartition: 48 * 1024, maxBytes: 96 * 1024})
    const seenByKafkajs = new Map<string, string>()
    await consumer.connect()
    await consumer.subscribe({topic: TOPIC, fromBeginning: true})
    const kafkajsDone = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({batch}) => {
          for (const message of batch.messages) seenByKafkajs.set(`${batch.partition}:${message.offset}`, message.value!.toString())
          await new Promise((r) => setTimeout(r, 20))
          if (seenByKafkajs.size >= expected.size) resolve()
        },
      })
    })

    const [first, second] = await Promise.all([readWithKcat(), readWithKcat(), kafkajsDone])
    await consumer.disconnect()

    for (const out of [first, second]) {
      const lines = out.split('\n').filter((line) => line !== '')
      expect(lines.length).toBe(expected.size)
      const got = new Map(lines.map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]))
      expect(got).toEqual(expected)
    }
    expect(seenByKafkajs).toEqual(expected)
  }, 120_000)
})
