// Golden frames from real clients: kafkajs (and librdkafka through kcat, where installed) talk to
// a tiny server on 127.0.0.1:0 that decodes every request with the protocol layer, records it,
// and answers with encodeResponse. The clients reading those answers checks the encoder too.
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import net from 'node:net'
import {Kafka, logLevel} from 'kafkajs'
import {afterEach, describe, expect, it} from 'vitest'
import {
  ApiKeys,
  type DecodedRequest,
  crc32c,
  decodeRequest,
  encodeResponse,
  isSupported,
  readRequestHeader,
  versionRange,
} from '../../../src/kafka/protocol/index.js'

interface Captured {
  frame: Buffer
  request: DecodedRequest
}

/** A one-partition fake broker: enough of ApiVersions, Metadata, Produce and Fetch for clients. */
function startTinyBroker(): Promise<{port: number; captured: Captured[]; close: () => Promise<void>}> {
  const captured: Captured[] = []
  const stored: Buffer[] = [] // record batches as produced
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let pending = Buffer.alloc(0)
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data])
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0)
        const frame = Buffer.from(pending.subarray(4, 4 + size))
        pending = pending.subarray(4 + size)
        answer(socket, frame)
      }
    })
  })
  const port = () => (server.address() as net.AddressInfo).port

  function answer(socket: net.Socket, frame: Buffer): void {
    const h = readRequestHeader(frame)
    if (!isSupported(h.apiKey, h.apiVersion)) {
      // UNSUPPORTED_VERSION with our ranges in a v0 body, as Kafka does
      if (h.apiKey === ApiKeys.ApiVersions) socket.write(Buffer.concat(encodeResponse(18, 0, h.correlationId, {errorCode: 35, apiKeys: apiKeys()})))
      else socket.destroy()
      return
    }
    const request = decodeRequest(frame)
    captured.push({frame, request})
    const respond = (body: object) => {
      for (const chunk of encodeResponse(request.apiKey, h.apiVersion, h.correlationId, body as never)) socket.write(chunk)
    }
    switch (request.apiKey) {
      case ApiKeys.ApiVersions:
        return respond({errorCode: 0, apiKeys: apiKeys(), throttleTimeMs: 0})
      case ApiKeys.Metadata: {
        const names = request.body.topics === null ? ['golden'] : request.body.topics.map((t) => t.name ?? 'golden')
        return respond({
          brokers: [{nodeId: 1, host: '127.0.0.1', port: port(), rack: null}],
          clusterId: 'golden-cluster',
          controllerId: 1,
          topics: names.map((name) => ({
            errorCode: 0,
            name,
            topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
            partitions: [{errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1]}],
          })),
        })
      }
      case ApiKeys.Produce: {
        const partition = request.body.topicData[0].partitionData[0]
        const baseOffset = stored.length
        stored.push(Buffer.from(partition.records!))
        if (request.body.acks === 0) return
        return respond({
          responses: [{name: request.body.topicData[0].name, partitionResponses: [{index: partition.index, errorCode: 0, baseOffset}]}],
        })
      }
      case ApiKeys.Fetch: {
        const topic = request.body.topics[0]
        const from = Number(topic.partitions[0].fetchOffset)
        const batches = stored.slice(from)
        const body = {
          responses: [
            {
              topic: topic.topic,
              topicId: topic.topicId,
              partitions: [
                {partitionIndex: 0, highWatermark: stored.length, lastStableOffset: stored.length, logStartOffset: 0, abortedTransactions: [], records: batches},
              ],
            },
          ],
        }
        if (batches.length > 0) return respond(body)
        setTimeout(() => respond(body), 100) // long-poll stand-in
        return
      }
      case ApiKeys.CreateTopics:
        return respond({topics: request.body.topics.map((t) => ({name: t.name, errorCode: 0}))})
      case ApiKeys.FindCoordinator:
        return respond({errorCode: 0, nodeId: 1, host: '127.0.0.1', port: port()})
      case ApiKeys.JoinGroup:
        // refuse, so that the consumer stops here: the request itself is what the test reads
        return respond({errorCode: 30, memberId: '', leader: '', protocolName: ''})
      default:
        socket.destroy()
    }
  }

  function apiKeys() {
    return [ApiKeys.ApiVersions, ApiKeys.Metadata, ApiKeys.Produce, ApiKeys.Fetch, ApiKeys.CreateTopics, ApiKeys.FindCoordinator, ApiKeys.JoinGroup].map((apiKey) => ({apiKey, ...versionRange(apiKey)!}))
  }

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: port(),
        captured,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          }),
      }),
    )
  })
}

/** A record batch (magic 2) whose CRC-32C, over attributes to the end, is correct. */
function expectValidBatch(records: Buffer | null): void {
  expect(records).not.toBeNull()
  const batch = records!
  expect(batch.readInt32BE(8)).toBe(batch.length - 12) // batchLength covers the rest
  expect(batch.readInt8(16)).toBe(2) // magic
  expect(crc32c(batch.subarray(21))).toBe(batch.readUInt32BE(17))
}

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

describe('kafkajs 2.2.4', () => {
  it('sends frames the decoder reads as expected, and accepts the encoder’s answers', async () => {
    const broker = await startTinyBroker()
    cleanup = broker.close
    const kafka = new Kafka({brokers: [`127.0.0.1:${broker.port}`], clientId: 'golden-client', logLevel: logLevel.NOTHING, retry: {retries: 0}})
    const producer = kafka.producer({allowAutoTopicCreation: false})
    await producer.connect()
    const result = await producer.send({topic: 'golden', acks: 1, messages: [{key: 'k1', value: 'v1', headers: {h: 'x'}}]})
    await producer.disconnect()
    expect(result).toEqual([expect.objectContaining({topicName: 'golden', partition: 0, errorCode: 0, baseOffset: '0'})])

    // 1. ApiVersions v2, byte for byte: api key 18, version 2, correlation id, client id, empty body
    const first = broker.captured[0]
    const correlation = first.frame.readInt32BE(4)
    expect(first.frame.toString('hex')).toBe('0012' + '0002' + correlation.toString(16).padStart(8, '0') + '000d' + Buffer.from('golden-client').toString('hex'))
    expect(first.request.header).toEqual({apiKey: 18, apiVersion: 2, correlationId: correlation, clientId: 'golden-client'})
    expect(first.request.body).toEqual({clientSoftwareName: '', clientSoftwareVersion: ''})

    // 2. Metadata v6 for the topic, with auto-creation off
    const metadata = broker.captured.filter((c) => c.request.apiKey === ApiKeys.Metadata)
    expect(metadata.length).toBeGreaterThan(0)
    const last = metadata.at(-1)!
    expect(last.request.header.apiVersion).toBe(6)
    expect(last.request.body).toMatchObject({topics: [{name: 'golden'}], allowAutoTopicCreation: false})

    // 3. Produce v7 with one record batch for golden/0
    const produce = broker.captured.find((c) => c.request.apiKey === ApiKeys.Produce)!
    expect(produce.request.header.apiVersion).toBe(7)
    if (produce.request.apiKey !== ApiKeys.Produce) throw new Error('unreachable')
    const body = produce.request.body
    expect(body).toMatchObject({transactionalId: null, acks: 1, timeoutMs: 30000})
    expect(body.topicData.map((t) => t.name)).toEqual(['golden'])
    expect(body.topicData[0].partitionData[0].index).toBe(0)
    const records = body.topicData[0].partitionData[0].records
    expectValidBatch(records)
    expect(records!.readInt32BE(57)).toBe(1) // record count
    expect(records!.includes(Buffer.from('v1'))).toBe(true)
    // the records are a view into the captured frame, not a copy
    expect(records!.buffer).toBe(produce.frame.buffer)
  })
})

describe('kafkajs 2.2.4 admin and consumer', () => {
  it('sends CreateTopics v3, FindCoordinator and JoinGroup v5 the decoder reads field by field', async () => {
    const broker = await startTinyBroker()
    cleanup = broker.close
    const kafka = new Kafka({brokers: [`127.0.0.1:${broker.port}`], clientId: 'golden-admin', logLevel: logLevel.NOTHING, retry: {retries: 0}})
    const admin = kafka.admin()
    await admin.connect()
    const created = await admin.createTopics({
      topics: [{topic: 'orders', numPartitions: 3, replicationFactor: 1, configEntries: [{name: 'cleanup.policy', value: 'compact'}]}],
      timeout: 5000,
    })
    await admin.disconnect()
    expect(created).toBe(true)
    const create = broker.captured.find((c) => c.request.apiKey === ApiKeys.CreateTopics)!
    if (create.request.apiKey !== ApiKeys.CreateTopics) throw new Error('unreachable')
    expect(create.request.header.apiVersion).toBe(3)
    expect(create.request.body).toEqual({
      topics: [
        {name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{name: 'cleanup.policy', value: 'compact'}]},
      ],
      timeoutMs: 5000,
      validateOnly: false,
    })

    const consumer = kafka.consumer({groupId: 'golden-group', sessionTimeout: 10_000, rebalanceTimeout: 20_000, retry: {retries: 0}})
    await consumer.connect()
    await consumer.subscribe({topic: 'orders'})
    void consumer.run({eachMessage: async () => {}}).catch(() => {})
    const deadline = Date.now() + 10_000
    while (!broker.captured.some((c) => c.request.apiKey === ApiKeys.JoinGroup) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await consumer.disconnect()

    const find = broker.captured.find((c) => c.request.apiKey === ApiKeys.FindCoordinator)!
    if (find.request.apiKey !== ApiKeys.FindCoordinator) throw new Error('unreachable')
    expect(find.request.body).toMatchObject({key: 'golden-group', keyType: 0})
    const join = broker.captured.find((c) => c.request.apiKey === ApiKeys.JoinGroup)!
    if (join.request.apiKey !== ApiKeys.JoinGroup) throw new Error('unreachable')
    expect(join.request.header.apiVersion).toBe(5)
    expect(join.request.body).toMatchObject({
      groupId: 'golden-group',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 20_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
    })
    const protocol = join.request.body.protocols[0]
    expect(protocol.name).toBe('RoundRobinAssigner')
    // consumer protocol subscription as kafkajs writes it: version 0, topics [string], user data
    expect(protocol.metadata.readInt16BE(0)).toBe(0)
    expect(protocol.metadata.readInt32BE(2)).toBe(1)
    expect(protocol.metadata.subarray(8, 8 + protocol.metadata.readInt16BE(6)).toString()).toBe('orders')
  })
})

const KCAT = '/usr/bin/kcat'
const run = (args: string[], input?: string) =>
  new Promise<{stdout: string; stderr: string}>((resolve, reject) => {
    const child = execFile(KCAT, args, {timeout: 20_000}, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({stdout, stderr})))
    if (input !== undefined) child.stdin!.end(input)
  })

// kcat (librdkafka) is a Debian package that CI installs; skipped on a machine without it.
describe.skipIf(!existsSync(KCAT))('librdkafka via kcat', () => {
  it('negotiates flexible ApiVersions v3, lists metadata, produces and fetches through the codec', async () => {
    const broker = await startTinyBroker()
    cleanup = broker.close
    const bootstrap = `127.0.0.1:${broker.port}`

    const list = await run(['-L', '-b', bootstrap, '-t', 'golden'])
    expect(list.stdout).toContain('1 brokers:')
    expect(list.stdout).toContain(`broker 1 at 127.0.0.1:${broker.port}`)
    expect(list.stdout).toMatch(/topic "golden" with 1 partitions:\s+partition 0, leader 1, replicas: 1, isrs: 1/)

    const apiVersions = broker.captured.find((c) => c.request.apiKey === ApiKeys.ApiVersions)!
    // librdkafka starts at ApiVersions v3: flexible, header v2, software name and version in the body
    expect(apiVersions.request.header.apiVersion).toBe(3)
    expect(apiVersions.request.body).toMatchObject({clientSoftwareName: 'librdkafka'})
    expect(apiVersions.request.header.clientId).toBe('rdkafka')

    await run(['-P', '-b', bootstrap, '-t', 'golden', '-p', '0', '-K', ':'], 'key1:value1\n')
    const produce = broker.captured.find((c) => c.request.apiKey === ApiKeys.Produce)!
    if (produce.request.apiKey !== ApiKeys.Produce) throw new Error('unreachable')
    expect(produce.request.header.apiVersion).toBeGreaterThanOrEqual(3)
    const records = produce.request.body.topicData[0].partitionData[0].records
    expectValidBatch(records)
    expect(records!.includes(Buffer.from('value1'))).toBe(true)

    const consumed = await run(['-C', '-b', bootstrap, '-t', 'golden', '-p', '0', '-o', '0', '-c', '1', '-e', '-f', '%k=%s\n'])
    expect(consumed.stdout).toBe('key1=value1\n')
    const fetch = broker.captured.find((c) => c.request.apiKey === ApiKeys.Fetch)!
    if (fetch.request.apiKey !== ApiKeys.Fetch) throw new Error('unreachable')
    expect(fetch.request.header.apiVersion).toBeGreaterThanOrEqual(4)
    expect(fetch.request.body.topics[0]).toMatchObject({topic: 'golden', partitions: [{partition: 0, fetchOffset: 0}]})
  })
})
