// A graceful restart in the middle of a transaction: the coordinator's state and the log's
// open transaction come back as they were, the producer finishes its transaction with the same
// id and epoch, and only then do read_committed readers see its records.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, expect, it} from 'vitest'
import {startBroker} from '../../../src/broker/index.js'
import {ErrorCode} from '../../../src/kafka/protocol/index.js'
import {buildRecordBatch} from '../../../src/kafka/protocol/record-batch.js'
import {RawClient} from '../raw-client.js'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-txn-restart-'))
afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

const latest = async (client: RawClient, isolationLevel: number) =>
  (await client.request(2, 7, {replicaId: -1, isolationLevel, topics: [{name: 'resume', partitions: [{partitionIndex: 0, timestamp: -1}]}]})).topics[0].partitions[0].offset

it('resumes an open transaction after a graceful restart', async () => {
  const first = await startBroker({port: 0, dataDir})
  let producerId: number
  let producerEpoch: number
  try {
    const client = await RawClient.connect(first.bootstrap)
    await client.request(19, 7, {topics: [{name: 'resume', numPartitions: 1, replicationFactor: 1}]})
    ;({producerId, producerEpoch} = await client.request(22, 4, {transactionalId: 'resume', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1}))
    await client.request(24, 3, {v3AndBelowTransactionalId: 'resume', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{name: 'resume', partitions: [0]}]})
    const records = buildRecordBatch({records: [{value: 'a'}, {value: 'b'}], producerId, producerEpoch, baseSequence: 0, isTransactional: true})
    const produced = await client.request(0, 9, {transactionalId: 'resume', acks: -1, timeoutMs: 1000, topicData: [{name: 'resume', partitionData: [{index: 0, records}]}]})
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE)
    client.close()
  } finally {
    await first.close()
  }

  const second = await startBroker({port: 0, dataDir})
  try {
    const client = await RawClient.connect(second.bootstrap)
    const described = await client.request(65, 0, {transactionalIds: ['resume']})
    expect(described.transactionStates[0]).toMatchObject({transactionState: 'Ongoing', producerId, producerEpoch, topics: [{topic: 'resume', partitions: [0]}]})
    expect([await latest(client, 0), await latest(client, 1)]).toEqual([2, 0])
    // The same producer continues: its sequence goes on from the restart's producer state.
    const more = buildRecordBatch({records: [{value: 'c'}], producerId, producerEpoch, baseSequence: 2, isTransactional: true})
    const produced = await client.request(0, 9, {transactionalId: 'resume', acks: -1, timeoutMs: 1000, topicData: [{name: 'resume', partitionData: [{index: 0, records: more}]}]})
    expect(produced.responses[0].partitionResponses[0]).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 2})
    const ended = await client.request(26, 3, {transactionalId: 'resume', producerId, producerEpoch, committed: true})
    expect(ended.errorCode).toBe(ErrorCode.NONE)
    expect([await latest(client, 0), await latest(client, 1)]).toEqual([4, 4])
    client.close()
  } finally {
    await second.close()
  }
})
