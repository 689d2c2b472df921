// Transactions with kafkajs 2.2.4 (InitProducerId v1, AddPartitionsToTxn v1, EndTxn v1,
// TxnOffsetCommit v2, Fetch v11 read_committed): commit and abort, the LSO, offsets sent
// with the transaction, fencing of a zombie producer and the coordinator's timeout.
import {Kafka, logLevel, type Producer} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../../helpers/broker.js'

describe('transactions with kafkajs', () => {
  const broker = useBroker({'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200'})
  const kafka = () => new Kafka({brokers: [broker().bootstrap], clientId: 'txn', logLevel: logLevel.NOTHING, retry: {retries: 2, initialRetryTime: 50}})

  async function createTopic(topic: string, numPartitions = 1): Promise<void> {
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic, numPartitions}]})
    await admin.disconnect()
  }

  async function readAll(topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
    const consumer = kafka().consumer({groupId: `reader-${topic}-${readUncommitted}-${Math.random()}`, readUncommitted})
    await consumer.connect()
    await consumer.subscribe({topic, fromBeginning: true})
    const values: string[] = []
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, expected === 0 ? 1500 : 15_000)
      consumer
        .run({
          eachMessage: async ({message}) => {
            values.push(String(message.value))
            if (values.length >= expected && expected > 0) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    return values
  }

  async function transactionalProducer(transactionalId: string, transactionTimeout = 60_000): Promise<Producer> {
    const producer = kafka().producer({transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout})
    await producer.connect()
    return producer
  }

  it('shows committed records to read_committed consumers and hides aborted ones', async () => {
    await createTopic('txn-basic', 2)
    const producer = await transactionalProducer('basic')
    const committed = await producer.transaction()
    await committed.send({topic: 'txn-basic', messages: [{value: 'c1', partition: 0}, {value: 'c2', partition: 1}]})
    await committed.commit()
    const aborted = await producer.transaction()
    await aborted.send({topic: 'txn-basic', messages: [{value: 'a1', partition: 0}, {value: 'a2', partition: 1}]})
    await aborted.abort()
    const last = await producer.transaction()
    await last.send({topic: 'txn-basic', messages: [{value: 'c3', partition: 0}]})
    await last.commit()
    await producer.disconnect()

    expect((await readAll('txn-basic', false, 3)).sort()).toEqual(['c1', 'c2', 'c3'])
    expect((await readAll('txn-basic', true, 5)).sort()).toEqual(['a1', 'a2', 'c1', 'c2', 'c3'])
  })

  it('holds the last stable offset at an open transaction until it commits', async () => {
    await createTopic('txn-lso')
    const admin = kafka().admin()
    await admin.connect()
    const producer = await transactionalProducer('lso')
    const txn = await producer.transaction()
    await txn.send({topic: 'txn-lso', messages: [{value: 'x'}, {value: 'y'}]})
    // kafkajs's ListOffsets is read_committed: LATEST is the last stable offset.
    const open = await admin.fetchTopicOffsets('txn-lso')
    expect(open[0]).toMatchObject({offset: '0', high: '0'})
    expect((await readAll('txn-lso', true, 2)).sort()).toEqual(['x', 'y'])
    await txn.commit()
    const closed = await admin.fetchTopicOffsets('txn-lso')
    expect(closed[0]).toMatchObject({offset: '3', high: '3'}) // two records and the COMMIT marker
    await producer.disconnect()
    await admin.disconnect()
  })

  it('commits consumer offsets only with the transaction (sendOffsets)', async () => {
    await createTopic('txn-offsets')
    const admin = kafka().admin()
    await admin.connect()
    const producer = await transactionalProducer('offsets')
    const aborted = await producer.transaction()
    await aborted.sendOffsets({consumerGroupId: 'txn-group', topics: [{topic: 'txn-offsets', partitions: [{partition: 0, offset: '5'}]}]})
    await aborted.abort()
    expect((await admin.fetchOffsets({groupId: 'txn-group', topics: ['txn-offsets']}))[0].partitions[0].offset).toBe('-1')
    const committed = await producer.transaction()
    await committed.sendOffsets({consumerGroupId: 'txn-group', topics: [{topic: 'txn-offsets', partitions: [{partition: 0, offset: '7'}]}]})
    expect((await admin.fetchOffsets({groupId: 'txn-group', topics: ['txn-offsets']}))[0].partitions[0].offset).toBe('-1')
    await committed.commit()
    expect((await admin.fetchOffsets({groupId: 'txn-group', topics: ['txn-offsets']}))[0].partitions[0].offset).toBe('7')
    await producer.disconnect()
    await admin.disconnect()
  })

  it('fences a zombie producer when a new instance starts with the same transactional id', async () => {
    await createTopic('txn-zombie')
    const zombie = await transactionalProducer('zombie')
    const zombieTxn = await zombie.transaction()
    await zombieTxn.send({topic: 'txn-zombie', messages: [{value: 'from-zombie'}]})
    const successor = await transactionalProducer('zombie')
    const txn = await successor.transaction() // kafkajs sends InitProducerId here
    // The successor's InitProducerId aborted the zombie's open transaction and bumped the epoch.
    await expect(zombieTxn.send({topic: 'txn-zombie', messages: [{value: 'late'}]})).rejects.toThrow(/epoch|fenced/i)
    await expect(zombieTxn.commit()).rejects.toThrow()
    await txn.send({topic: 'txn-zombie', messages: [{value: 'from-successor'}]})
    await txn.commit()
    await successor.disconnect()
    await zombie.disconnect().catch(() => {})
    expect(await readAll('txn-zombie', false, 1)).toEqual(['from-successor'])
  })

  it('aborts a transaction that outlives transaction.timeout.ms and fences its producer', async () => {
    await createTopic('txn-timeout')
    const producer = await transactionalProducer('slow', 500)
    const txn = await producer.transaction()
    await txn.send({topic: 'txn-timeout', messages: [{value: 'too-slow'}]})
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await expect(txn.commit()).rejects.toThrow(/epoch|fenced/i)
    await producer.disconnect().catch(() => {})
    expect(await readAll('txn-timeout', false, 0)).toEqual([])
    const admin = kafka().admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets('txn-timeout')
    expect(offsets[0]).toMatchObject({offset: '2', high: '2'}) // the record and the ABORT marker
    await admin.disconnect()
  })

  it('refuses a transaction timeout above transaction.max.timeout.ms', async () => {
    const producer = kafka().producer({transactionalId: 'too-long', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 900_001})
    await producer.connect()
    await expect(producer.transaction()).rejects.toThrow(/timeout/i)
    await producer.disconnect().catch(() => {})
  })
})
