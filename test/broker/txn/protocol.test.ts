// The transactional APIs at the protocol level, where no client library hides the error codes:
// fencing codes per version, partition verification of transactional Produce, the brokers'
// verify-only AddPartitionsToTxn, DescribeProducers, DescribeTransactions, ListTransactions
// filters and transactional.id expiry.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ErrorCode} from '../../../src/kafka/protocol/index.js'
import {buildRecordBatch} from '../../../src/kafka/protocol/record-batch.js'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

describe('transactional APIs', () => {
  const broker = useBroker()
  let client: RawClient

  beforeAll(async () => {
    client = await RawClient.connect(broker().bootstrap)
    await client.request(19, 7, {topics: [{name: 'tx', numPartitions: 2, replicationFactor: 1}]})
  })
  afterAll(() => client.close())

  const init = (transactionalId: string, producerId = -1, producerEpoch = -1, version = 4) =>
    client.request(22, version, {transactionalId, transactionTimeoutMs: 60_000, producerId, producerEpoch})
  const addPartitions = (transactionalId: string, producerId: number, producerEpoch: number, partitions: number[], version = 3) =>
    client.request(24, version, {v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{name: 'tx', partitions}]})
  const produce = (transactionalId: string | null, producerId: number, producerEpoch: number, partition: number, baseSequence: number) =>
    client.request(0, 9, {
      transactionalId,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{name: 'tx', partitionData: [{index: partition, records: buildRecordBatch({records: [{value: 'v'}], producerId, producerEpoch, baseSequence, isTransactional: true})}]}],
    })
  const endTxn = (transactionalId: string, producerId: number, producerEpoch: number, committed: boolean, version = 3) =>
    client.request(26, version, {transactionalId, producerId, producerEpoch, committed})
  const partitionError = (response: {responses: {partitionResponses: {errorCode: number}[]}[]}) => response.responses[0].partitionResponses[0].errorCode

  it('verifies transactional produce against the open transaction', async () => {
    const {producerId, producerEpoch} = await init('verify')
    expect(partitionError(await produce('verify', producerId, producerEpoch, 0, 0))).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(partitionError(await produce(null, producerId, producerEpoch, 0, 0))).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    const added = await addPartitions('verify', producerId, producerEpoch, [0])
    expect(added.resultsByTopicV3AndBelow[0].resultsByPartition).toEqual([{partitionIndex: 0, partitionErrorCode: ErrorCode.NONE}])
    expect(partitionError(await produce('verify', producerId, producerEpoch, 0, 0))).toBe(ErrorCode.NONE)
    expect(partitionError(await produce('verify', producerId, producerEpoch, 1, 0))).toBe(ErrorCode.INVALID_TXN_STATE)

    // The brokers' form (v4+): verify-only per partition, without adding.
    const verified = await client.request(24, 5, {
      transactions: [{transactionalId: 'verify', producerId, producerEpoch, verifyOnly: true, topics: [{name: 'tx', partitions: [0, 1]}]}],
    })
    expect(verified.errorCode).toBe(ErrorCode.NONE)
    expect(verified.resultsByTransaction[0].topicResults[0].resultsByPartition).toEqual([
      {partitionIndex: 0, partitionErrorCode: ErrorCode.NONE},
      {partitionIndex: 1, partitionErrorCode: ErrorCode.INVALID_TXN_STATE},
    ])

    // The open transaction pins the last stable offset; DescribeProducers shows where it began.
    const lso = await client.request(2, 7, {replicaId: -1, isolationLevel: 1, topics: [{name: 'tx', partitions: [{partitionIndex: 0, timestamp: -1}]}]})
    expect(lso.topics[0].partitions[0].offset).toBe(0)
    const producers = await client.request(61, 0, {topics: [{name: 'tx', partitionIndexes: [0, 7]}]})
    expect(producers.topics[0].partitions[0].activeProducers).toEqual([
      expect.objectContaining({producerId, producerEpoch, lastSequence: 0, currentTxnStartOffset: 0}),
    ])
    expect(producers.topics[0].partitions[1].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)

    expect((await endTxn('verify', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.NONE)
    expect((await endTxn('verify', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.NONE) // a retry
    expect((await endTxn('verify', producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
    const after = await client.request(2, 7, {replicaId: -1, isolationLevel: 1, topics: [{name: 'tx', partitions: [{partitionIndex: 0, timestamp: -1}]}]})
    expect(after.topics[0].partitions[0].offset).toBe(2) // the record and the COMMIT marker
  })

  it('answers a fenced producer PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH before the version that has it', async () => {
    const old = await init('fence')
    expect((await addPartitions('fence', old.producerId, old.producerEpoch, [1])).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(ErrorCode.NONE)
    expect(partitionError(await produce('fence', old.producerId, old.producerEpoch, 1, 0))).toBe(ErrorCode.NONE)
    const fresh = await init('fence')
    expect(fresh).toMatchObject({producerId: old.producerId, producerEpoch: old.producerEpoch + 2}) // +1 for the abort markers, +1 for the new instance
    expect(partitionError(await produce('fence', old.producerId, old.producerEpoch, 1, 1))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await endTxn('fence', old.producerId, old.producerEpoch, true, 3)).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    expect((await endTxn('fence', old.producerId, old.producerEpoch, true, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await endTxn('fence', old.producerId + 1000, fresh.producerEpoch, true)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    expect((await init('fence', old.producerId, old.producerEpoch, 4)).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    expect((await init('fence', old.producerId, old.producerEpoch, 3)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await init('fence', old.producerId, -1, 4)).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    // The aborted transaction is in the partition's aborted-transaction index.
    const fetched = await client.request(1, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{topic: 'tx', partitions: [{partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20}]}],
      forgottenTopicsData: [],
      rackId: '',
    })
    const data = fetched.responses[0].partitions[0]
    expect(data.abortedTransactions).toEqual([{producerId: old.producerId, firstOffset: 0}])
    expect(data.lastStableOffset).toBe(data.highWatermark)
  })

  it('holds TxnOffsetCommit offsets until commit; OffsetFetch requireStable answers UNSTABLE_OFFSET_COMMIT meanwhile', async () => {
    const {producerId, producerEpoch} = await init('offsets')
    const txnCommit = (offset: number, memberId = '', generationId = -1) =>
      client.request(28, 3, {transactionalId: 'offsets', groupId: 'txn-readers', producerId, producerEpoch, generationId, memberId, groupInstanceId: null, topics: [{name: 'tx', partitions: [{partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null}]}]})
    const fetch = async (requireStable: boolean) =>
      (await client.request(9, 7, {groupId: 'txn-readers', topics: [{name: 'tx', partitionIndexes: [0]}], requireStable})).topics[0].partitions[0]
    expect((await txnCommit(5)).topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_TXN_STATE) // no AddOffsetsToTxn yet
    expect((await client.request(25, 3, {transactionalId: 'offsets', producerId, producerEpoch, groupId: 'txn-readers'})).errorCode).toBe(ErrorCode.NONE)
    expect((await txnCommit(5, 'not-a-member', 3)).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await txnCommit(5)).topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE)
    expect(await fetch(true)).toMatchObject({committedOffset: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT})
    expect(await fetch(false)).toMatchObject({committedOffset: -1, errorCode: ErrorCode.NONE})
    expect((await endTxn('offsets', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.NONE)
    expect(await fetch(true)).toMatchObject({committedOffset: 5, errorCode: ErrorCode.NONE})
  })

  it('checks a KIP-848 member\'s epoch on TxnOffsetCommit', async () => {
    const joined = await client.request(68, 0, {groupId: 'kip848-txn', memberId: '', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000, subscribedTopicNames: ['tx'], serverAssignor: null, topicPartitions: []})
    expect(joined.errorCode).toBe(ErrorCode.NONE)
    const {producerId, producerEpoch} = await init('kip848-txn')
    await client.request(25, 3, {transactionalId: 'kip848-txn', producerId, producerEpoch, groupId: 'kip848-txn'})
    const commit = async (memberId: string, generationId: number) =>
      (await client.request(28, 3, {transactionalId: 'kip848-txn', groupId: 'kip848-txn', producerId, producerEpoch, generationId, memberId, groupInstanceId: null, topics: [{name: 'tx', partitions: [{partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null}]}]})).topics[0].partitions[0].errorCode
    expect(await commit(joined.memberId!, joined.memberEpoch - 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    expect(await commit('someone-else', joined.memberEpoch)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await commit(joined.memberId!, joined.memberEpoch)).toBe(ErrorCode.NONE)
    expect((await endTxn('kip848-txn', producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.NONE)
  })

  it('describes and lists transactions with Kafka state names and filters', async () => {
    const {producerId, producerEpoch} = await init('listed')
    await addPartitions('listed', producerId, producerEpoch, [0, 1])
    const described = await client.request(65, 0, {transactionalIds: ['listed', 'unknown-id']})
    expect(described.transactionStates[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      transactionState: 'Ongoing',
      producerId,
      producerEpoch,
      transactionTimeoutMs: 60_000,
      topics: [{topic: 'tx', partitions: [0, 1]}],
    })
    expect(described.transactionStates[0].transactionStartTimeMs).toBeGreaterThan(0)
    expect(described.transactionStates[1].errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)

    const ongoing = await client.request(66, 1, {stateFilters: ['Ongoing', 'Hanging'], producerIdFilters: [], durationFilter: -1})
    expect(ongoing.unknownStateFilters).toEqual(['Hanging'])
    expect(ongoing.transactionStates).toEqual([{transactionalId: 'listed', producerId, transactionState: 'Ongoing'}])
    const long = await client.request(66, 1, {stateFilters: ['Ongoing'], producerIdFilters: [], durationFilter: 3_600_000})
    expect(long.transactionStates).toEqual([])
    const byProducer = await client.request(66, 0, {stateFilters: [], producerIdFilters: [producerId]})
    expect(byProducer.transactionStates.map((t) => t.transactionalId)).toEqual(['listed'])
    await endTxn('listed', producerId, producerEpoch, false)
  })

})

describe('transactional id expiry', () => {
  const broker = useBroker({'transactional.id.expiration.ms': '1000', 'transaction.remove.expired.transaction.cleanup.interval.ms': '100'})

  it('forgets a transactional id idle for transactional.id.expiration.ms', async () => {
    const client = await RawClient.connect(broker().bootstrap)
    try {
      const init = await client.request(22, 4, {transactionalId: 'short-lived', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1})
      expect(init.errorCode).toBe(ErrorCode.NONE)
      expect((await client.request(65, 0, {transactionalIds: ['short-lived']})).transactionStates[0].errorCode).toBe(ErrorCode.NONE)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const described = await client.request(65, 0, {transactionalIds: ['short-lived']})
      expect(described.transactionStates[0].errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    } finally {
      client.close()
    }
  })
})
