// The request pipeline over raw sockets: ordering, acks=0, ApiVersions fallback, and that a
// malformed frame closes only its own connection.
import {afterEach, describe, expect, it} from 'vitest'
import {ErrorCode, decodeResponse} from '../../src/kafka/protocol/index.js'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'
import {useBroker} from '../helpers/broker.js'
import {RawClient} from './raw-client.js'

describe('broker request pipeline', () => {
  const broker = useBroker({'socket.request.max.bytes': '1048576'})
  const clients: RawClient[] = []
  const connect = async () => {
    const client = await RawClient.connect(broker().bootstrap)
    clients.push(client)
    return client
  }
  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
  })

  it('answers pipelined requests strictly in request order, a slow long-poll fetch included', async () => {
    const client = await connect()
    await client.request(19, 7, {topics: [{name: 'pipelined', numPartitions: 1, replicationFactor: 1}], timeoutMs: 1000})
    const metadata = await client.request(3, 12, {topics: [{name: 'pipelined'}], allowAutoTopicCreation: false})
    const topicId = metadata.topics[0].topicId
    // A fetch that waits 300 ms for data, then three quick requests behind it on the same connection.
    const ids = [
      client.send(1, 17, {maxWaitMs: 300, minBytes: 1, maxBytes: 1 << 20, topics: [{topicId, partitions: [{partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20}]}]}),
      client.send(18, 3, {clientSoftwareName: 'raw', clientSoftwareVersion: '1'}),
      client.send(3, 1, {topics: null}),
      client.send(18, 0, {}),
    ]
    const seen: number[] = []
    for (let i = 0; i < ids.length; i++) seen.push((await client.nextFrame())!.readInt32BE(0))
    expect(seen).toEqual(ids)
  })

  it('sends no response to a Produce with acks=0, yet stores the records', async () => {
    const client = await connect()
    await client.request(19, 7, {topics: [{name: 'acks0', numPartitions: 1, replicationFactor: 1}], timeoutMs: 1000})
    const batch = buildRecordBatch({records: [{key: 'k', value: 'fire-and-forget'}]})
    const produceId = client.send(0, 9, {acks: 0, timeoutMs: 1000, topicData: [{name: 'acks0', partitionData: [{index: 0, records: batch}]}]})
    const listId = client.send(2, 7, {replicaId: -1, isolationLevel: 0, topics: [{name: 'acks0', partitions: [{partitionIndex: 0, timestamp: -1}]}]})
    const frame = (await client.nextFrame())!
    expect(frame.readInt32BE(0)).toBe(listId)
    expect(frame.readInt32BE(0)).not.toBe(produceId)
    const offsets = decodeResponse(2, 7, frame).body
    expect(offsets.topics[0].partitions[0].offset).toBe(1)
  })

  it('closes the connection when an acks=0 produce fails, after answering what came before', async () => {
    const client = await connect()
    const metadataId = client.send(3, 12, {topics: null})
    client.send(0, 9, {acks: 0, timeoutMs: 1000, topicData: [{name: 'no-such-topic', partitionData: [{index: 0, records: buildRecordBatch({records: [{value: 'x'}]})}]}]})
    expect((await client.nextFrame())!.readInt32BE(0)).toBe(metadataId)
    expect(await client.closedByPeer()).toBe(true)
  })

  it('answers an ApiVersions version it does not know with UNSUPPORTED_VERSION, its ranges and a v0 header', async () => {
    const client = await connect()
    // Version 99: the body cannot be parsed, only the header; the answer must be readable as v0.
    const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + 4)
    request.writeInt32BE(request.length - 4, 0)
    request.writeInt16BE(18, 4)
    request.writeInt16BE(99, 6)
    request.writeInt32BE(4242, 8)
    request.writeInt16BE(4, 12)
    request.write('test', 14)
    client.writeRaw(request)
    const frame = (await client.nextFrame())!
    const response = decodeResponse(18, 0, frame)
    expect(response.header.correlationId).toBe(4242)
    expect(response.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    const apiVersions = response.body.apiKeys.find((k) => k.apiKey === 18)
    expect(apiVersions).toEqual({apiKey: 18, minVersion: 0, maxVersion: 4})
    // The connection stays usable: the client retries with a version it finds in the list.
    const retry = await client.request(18, 3, {clientSoftwareName: 'raw', clientSoftwareVersion: '1'})
    expect(retry.errorCode).toBe(ErrorCode.NONE)
  })

  it('advertises Kafka 4.0 ranges for the APIs it implements', async () => {
    const client = await connect()
    const response = await client.request(18, 4, {clientSoftwareName: 'raw', clientSoftwareVersion: '1'})
    const ranges = Object.fromEntries(response.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect(ranges).toMatchObject({
      0: [0, 12],
      1: [4, 17],
      2: [1, 10],
      3: [0, 13],
      18: [0, 4],
      19: [2, 7],
      20: [1, 6],
      21: [0, 2],
      22: [0, 5],
      23: [2, 4],
      32: [1, 4],
      33: [0, 2],
      35: [1, 4],
      37: [0, 3],
      44: [0, 1],
      60: [0, 2],
    })
  })

  it('closes a connection that sends a frame above socket.request.max.bytes, and only that one', async () => {
    const bystander = await connect()
    const offender = await connect()
    const huge = Buffer.alloc(4)
    huge.writeInt32BE(2 * 1048576, 0)
    offender.writeRaw(huge)
    expect(await offender.closedByPeer()).toBe(true)
    const response = await bystander.request(18, 3, {clientSoftwareName: 'raw', clientSoftwareVersion: '1'})
    expect(response.errorCode).toBe(ErrorCode.NONE)
  })

  it('closes a connection that sends a garbled frame or an unknown API key, and only that one', async () => {
    const bystander = await connect()
    const garbled = await connect()
    // A Metadata v12 header whose body claims a topic array far longer than the frame.
    const frame = Buffer.from([0, 0, 0, 16, 0, 3, 0, 12, 0, 0, 0, 7, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0])
    garbled.writeRaw(frame)
    expect(await garbled.closedByPeer()).toBe(true)

    const unknownKey = await connect()
    const header = Buffer.alloc(14)
    header.writeInt32BE(10, 0)
    header.writeInt16BE(999, 4)
    header.writeInt16BE(0, 6)
    header.writeInt32BE(1, 8)
    header.writeInt16BE(-1, 12)
    unknownKey.writeRaw(header)
    expect(await unknownKey.closedByPeer()).toBe(true)

    const metadata = await bystander.request(3, 1, {topics: null})
    expect(metadata.brokers).toHaveLength(1)
  })

  it('closes a connection that asks for a version outside an API\'s range (other than ApiVersions)', async () => {
    const client = await connect()
    // Fetch v3 is below Kafka 4.0's minimum (KIP-896): encode a v4 request and patch the version.
    const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2)
    frame.writeInt32BE(frame.length - 4, 0)
    frame.writeInt16BE(1, 4)
    frame.writeInt16BE(3, 6)
    frame.writeInt32BE(5, 8)
    frame.writeInt16BE(-1, 12)
    client.writeRaw(frame)
    expect(await client.closedByPeer()).toBe(true)
  })
})
