// Version-specific and error paths that real clients rarely take but Kafka defines.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ErrorCode} from '../../../src/kafka/protocol/index.js'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

describe('edge cases', () => {
  const broker = useBroker({'delete.topic.enable': 'false', 'auto.create.topics.enable': 'false'})
  let client: RawClient
  beforeAll(async () => {
    client = await RawClient.connect(broker().bootstrap)
    await client.request(19, 7, {topics: [{name: 'edge-a', numPartitions: 1, replicationFactor: 1}, {name: 'edge-b', numPartitions: 1, replicationFactor: 1}]})
  })
  afterAll(() => client.close())

  it('reads an empty Metadata v0 topic list as all topics, and v1+ as none', async () => {
    const v0 = await client.request(3, 0, {topics: []})
    expect(v0.topics.map((t) => t.name).sort()).toEqual(['edge-a', 'edge-b'])
    const v1 = await client.request(3, 1, {topics: []})
    expect(v1.topics).toEqual([])
  })

  it('does not auto-create when auto.create.topics.enable=false', async () => {
    const response = await client.request(3, 12, {topics: [{name: 'never-made'}], allowAutoTopicCreation: true})
    expect(response.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('refuses DeleteTopics when delete.topic.enable=false', async () => {
    const response = await client.request(20, 5, {topicNames: ['edge-a'], timeoutMs: 1000})
    expect(response.responses[0]).toMatchObject({name: 'edge-a', errorCode: ErrorCode.TOPIC_DELETION_DISABLED})
  })

  it('answers a fetch that names a session with FETCH_SESSION_ID_NOT_FOUND, as a broker without sessions', async () => {
    const response = await client.request(1, 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 1234,
      sessionEpoch: 1,
      topics: [],
      forgottenTopicsData: [],
      rackId: '',
    })
    expect(response).toMatchObject({errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: []})
  })

  it('refuses changes of read-only broker configs and describes only this broker', async () => {
    const altered = await client.request(33, 2, {resources: [{resourceType: 4, resourceName: '1', configs: [{name: 'num.partitions', value: '3'}]}], validateOnly: false})
    expect(altered.responses[0].errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(altered.responses[0].errorMessage).toBe('Cannot update these configs dynamically: Set(num.partitions)')
    const other = await client.request(32, 4, {resources: [{resourceType: 4, resourceName: '7', configurationKeys: null}], includeSynonyms: false, includeDocumentation: false})
    expect(other.results[0].errorCode).toBe(ErrorCode.INVALID_REQUEST)
    const missing = await client.request(32, 4, {resources: [{resourceType: 2, resourceName: 'nope', configurationKeys: null}], includeSynonyms: false, includeDocumentation: false})
    expect(missing.results[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('applies APPEND only to list configs and rejects duplicate keys', async () => {
    const append = await client.request(44, 1, {resources: [{resourceType: 2, resourceName: 'edge-b', configs: [{name: 'retention.ms', configOperation: 2, value: '5'}]}], validateOnly: false})
    expect(append.responses[0].errorCode).toBe(ErrorCode.INVALID_REQUEST)
    const duplicate = await client.request(44, 1, {
      resources: [{resourceType: 2, resourceName: 'edge-b', configs: [{name: 'retention.ms', configOperation: 0, value: '5'}, {name: 'retention.ms', configOperation: 1, value: null}]}],
      validateOnly: false,
    })
    expect(duplicate.responses[0].errorCode).toBe(ErrorCode.INVALID_REQUEST)
    const validateOnly = await client.request(44, 1, {resources: [{resourceType: 2, resourceName: 'edge-b', configs: [{name: 'retention.ms', configOperation: 0, value: '5'}]}], validateOnly: true})
    expect(validateOnly.responses[0].errorCode).toBe(ErrorCode.NONE)
    const described = await client.request(32, 4, {resources: [{resourceType: 2, resourceName: 'edge-b', configurationKeys: ['retention.ms']}], includeSynonyms: true, includeDocumentation: false})
    expect(described.results[0].configs[0]).toMatchObject({value: '604800000', configSource: 5})
    expect(described.results[0].configs[0].synonyms).toEqual([{name: 'log.retention.hours', value: '168', source: 5}])
  })

  it('requires manual assignments to name this node alone', async () => {
    const response = await client.request(19, 7, {
      topics: [{name: 'assigned', numPartitions: -1, replicationFactor: -1, assignments: [{partitionIndex: 0, brokerIds: [1]}, {partitionIndex: 1, brokerIds: [2]}]}],
    })
    expect(response.topics[0].errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    const ok = await client.request(19, 7, {
      topics: [{name: 'assigned', numPartitions: -1, replicationFactor: -1, assignments: [{partitionIndex: 0, brokerIds: [1]}, {partitionIndex: 1, brokerIds: [1]}]}],
    })
    expect(ok.topics[0]).toMatchObject({errorCode: ErrorCode.NONE, numPartitions: 2, replicationFactor: 1})
  })
})
