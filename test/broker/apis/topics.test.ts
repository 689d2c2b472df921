// Topic administration through kafkajs's admin client (CreateTopics v3, DeleteTopics,
// CreatePartitions, DescribeConfigs v2, AlterConfigs, Metadata v6) and raw requests for
// the versions kafkajs does not reach.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {startBroker} from '../../../src/broker/index.js'
import {ErrorCode} from '../../../src/kafka/protocol/index.js'
import {useBroker} from '../../helpers/broker.js'
import {RawClient} from '../raw-client.js'

describe('topic administration', () => {
  const broker = useBroker({'num.partitions': '2'})
  const admin = async () => {
    const client = new Kafka({brokers: [broker().bootstrap], clientId: 'topics-test', logLevel: logLevel.NOTHING}).admin()
    await client.connect()
    return client
  }

  it('creates topics with configs, refuses duplicates and replication factors above 1', async () => {
    const client = await admin()
    try {
      expect(await client.createTopics({topics: [{topic: 'orders', numPartitions: 3, configEntries: [{name: 'retention.ms', value: '3600000'}]}]})).toBe(true)
      expect(await client.createTopics({topics: [{topic: 'orders', numPartitions: 3}]})).toBe(false)
      await expect(client.createTopics({topics: [{topic: 'replicated', replicationFactor: 3}]})).rejects.toThrow('Topic creation errors')
      await expect(client.createTopics({topics: [{topic: 'bad name!'}]})).rejects.toThrow()
      await expect(client.createTopics({topics: [{topic: 'badconfig', configEntries: [{name: 'no.such.config', value: '1'}]}]})).rejects.toThrow('Topic creation errors')
      const metadata = await client.fetchTopicMetadata({topics: ['orders']})
      expect(metadata.topics[0].partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr]).sort()).toEqual([
        [0, 1, [1], [1]],
        [1, 1, [1], [1]],
        [2, 1, [1], [1]],
      ])
    } finally {
      await client.disconnect()
    }
  })

  // Kafka 4.0 accepts every TopicConfig key; frameworks set some of them (delete.retention.ms,
  // segment.jitter.ms, min.cleanable.dirty.ratio) when they create topics, and used to get
  // INVALID_CONFIG "Unknown topic config name" from the bundled broker.
  it('accepts, stores and reports the Kafka topic configs it does not act on, with Kafka defaults', async () => {
    const client = await admin()
    try {
      const configEntries = [
        {name: 'delete.retention.ms', value: '1000'},
        {name: 'segment.jitter.ms', value: '5'},
        {name: 'min.cleanable.dirty.ratio', value: '0.2'},
        {name: 'remote.storage.enable', value: 'false'},
      ]
      expect(await client.createTopics({topics: [{topic: 'framework', configEntries}]})).toBe(true)
      const described = await client.describeConfigs({resources: [{type: 2, name: 'framework'}], includeSynonyms: false})
      const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, [e.configValue, e.configSource]]))
      expect(entries['delete.retention.ms']).toEqual(['1000', 1])
      expect(entries['segment.jitter.ms']).toEqual(['5', 1])
      expect(entries['min.cleanable.dirty.ratio']).toEqual(['0.2', 1])
      expect(entries['max.compaction.lag.ms']).toEqual(['9223372036854775807', 5])
      expect(entries['flush.ms']).toEqual(['9223372036854775807', 5])
      await expect(
        client.createTopics({topics: [{topic: 'tiered', configEntries: [{name: 'remote.storage.enable', value: 'true'}]}]}),
      ).rejects.toThrow('Topic creation errors')
      await expect(
        client.createTopics({topics: [{topic: 'badratio', configEntries: [{name: 'min.cleanable.dirty.ratio', value: 'half'}]}]}),
      ).rejects.toThrow('Topic creation errors')
    } finally {
      await client.disconnect()
    }
  })

  it('describes topic configs with their source and synonyms, and alters them', async () => {
    const client = await admin()
    try {
      await client.createTopics({topics: [{topic: 'configured', configEntries: [{name: 'segment.bytes', value: '2097152'}]}]})
      const described = await client.describeConfigs({resources: [{type: 2, name: 'configured'}], includeSynonyms: true})
      const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e]))
      expect(entries['segment.bytes']).toMatchObject({configValue: '2097152', configSource: 1, isDefault: false})
      expect(entries['retention.ms']).toMatchObject({configValue: '604800000', configSource: 5, isDefault: true})
      expect(entries['retention.ms'].configSynonyms.map((s) => s.configName)).toEqual(['log.retention.hours'])
      expect(entries['cleanup.policy'].configValue).toBe('delete')

      await client.alterConfigs({validateOnly: false, resources: [{type: 2, name: 'configured', configEntries: [{name: 'retention.ms', value: '60000'}]}]})
      const after = await client.describeConfigs({resources: [{type: 2, name: 'configured', configNames: ['retention.ms', 'segment.bytes']}], includeSynonyms: false})
      // AlterConfigs replaces the whole override set: segment.bytes is back to its default.
      expect(Object.fromEntries(after.resources[0].configEntries.map((e) => [e.configName, e.configValue]))).toEqual({
        'retention.ms': '60000',
        'segment.bytes': '1073741824',
      })
      await expect(
        client.alterConfigs({validateOnly: false, resources: [{type: 2, name: 'configured', configEntries: [{name: 'cleanup.policy', value: 'compress'}]}]}),
      ).rejects.toThrow('Configuration is invalid')
    } finally {
      await client.disconnect()
    }
  })

  it('reports broker settings as static configs, given ones as STATIC_BROKER_CONFIG', async () => {
    const client = await admin()
    try {
      const described = await client.describeConfigs({resources: [{type: 4, name: '1', configNames: ['num.partitions', 'log.segment.bytes']}], includeSynonyms: false})
      const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e]))
      expect(entries['num.partitions']).toMatchObject({configValue: '2', configSource: 4, readOnly: true})
      expect(entries['log.segment.bytes']).toMatchObject({configValue: '1073741824', configSource: 5})
    } finally {
      await client.disconnect()
    }
  })

  it('explains why a replication factor above 1 is refused', async () => {
    const client = await RawClient.connect(broker().bootstrap)
    try {
      const response = await client.request(19, 7, {topics: [{name: 'replicated', numPartitions: 1, replicationFactor: 3}], validateOnly: false})
      expect(response.topics[0].errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
      expect(response.topics[0].errorMessage).toContain('the bundled broker has one node')
      const validated = await client.request(19, 7, {topics: [{name: 'validated', numPartitions: -1, replicationFactor: -1}], validateOnly: true})
      expect(validated.topics[0]).toMatchObject({errorCode: ErrorCode.NONE, numPartitions: 2, replicationFactor: 1})
      const metadata = await client.request(3, 12, {topics: [{name: 'validated'}], allowAutoTopicCreation: false})
      expect(metadata.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    } finally {
      client.close()
    }
  })

  it('applies IncrementalAlterConfigs SET and DELETE to single overrides', async () => {
    const client = await RawClient.connect(broker().bootstrap)
    try {
      await client.request(19, 7, {topics: [{name: 'incremental', numPartitions: 1, replicationFactor: -1, configs: [{name: 'retention.bytes', value: '1048576'}]}]})
      const altered = await client.request(44, 1, {
        resources: [{resourceType: 2, resourceName: 'incremental', configs: [{name: 'retention.ms', configOperation: 0, value: '1000'}, {name: 'retention.bytes', configOperation: 1, value: null}]}],
        validateOnly: false,
      })
      expect(altered.responses[0].errorCode).toBe(ErrorCode.NONE)
      const described = await client.request(32, 4, {resources: [{resourceType: 2, resourceName: 'incremental', configurationKeys: ['retention.ms', 'retention.bytes']}], includeSynonyms: false, includeDocumentation: true})
      const values = Object.fromEntries(described.results[0].configs.map((c) => [c.name, [c.value, c.configSource]]))
      expect(values).toEqual({'retention.bytes': ['-1', 5], 'retention.ms': ['1000', 1]})
      expect(described.results[0].configs[0].documentation).not.toBeNull()
    } finally {
      client.close()
    }
  })

  it('adds partitions and deletes topics by name and by id', async () => {
    const client = await admin()
    const raw = await RawClient.connect(broker().bootstrap)
    try {
      await client.createTopics({topics: [{topic: 'growing', numPartitions: 1}, {topic: 'doomed'}, {topic: 'doomed-by-id'}]})
      await client.createPartitions({topicPartitions: [{topic: 'growing', count: 4}]})
      expect((await client.fetchTopicMetadata({topics: ['growing']})).topics[0].partitions).toHaveLength(4)
      await expect(client.createPartitions({topicPartitions: [{topic: 'growing', count: 2}]})).rejects.toThrow()
      await client.deleteTopics({topics: ['doomed']})
      const metadata = await raw.request(3, 12, {topics: [{name: 'doomed-by-id'}], allowAutoTopicCreation: false})
      const deleted = await raw.request(20, 6, {topics: [{name: null, topicId: metadata.topics[0].topicId}], timeoutMs: 1000})
      expect(deleted.responses[0]).toMatchObject({name: 'doomed-by-id', errorCode: ErrorCode.NONE})
      const again = await raw.request(20, 6, {topics: [{name: null, topicId: metadata.topics[0].topicId}], timeoutMs: 1000})
      expect(again.responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
      const topics = await client.listTopics()
      expect(topics).toContain('growing')
      expect(topics).not.toContain('doomed')
      expect(topics).not.toContain('doomed-by-id')
    } finally {
      raw.close()
      await client.disconnect()
    }
  })

  it('auto-creates a topic named in Metadata with num.partitions, unless the request forbids it', async () => {
    const client = await RawClient.connect(broker().bootstrap)
    try {
      const forbidden = await client.request(3, 12, {topics: [{name: 'not-yet'}], allowAutoTopicCreation: false})
      expect(forbidden.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const created = await client.request(3, 12, {topics: [{name: 'not-yet'}], allowAutoTopicCreation: true})
      expect(created.topics[0]).toMatchObject({errorCode: ErrorCode.NONE, name: 'not-yet'})
      expect(created.topics[0].partitions).toHaveLength(2)
      expect(created.controllerId).toBe(1)
      expect(created.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
      const invalid = await client.request(3, 12, {topics: [{name: 'no/slashes'}], allowAutoTopicCreation: true})
      expect(invalid.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
    } finally {
      client.close()
    }
  })

  it('describes the cluster and the log dir', async () => {
    const client = await RawClient.connect(broker().bootstrap)
    try {
      const cluster = await client.request(60, 1, {includeClusterAuthorizedOperations: true, endpointType: 1})
      expect(cluster.brokers).toEqual([{brokerId: 1, host: '127.0.0.1', port: broker().port, rack: null, isFenced: false}])
      expect(cluster.controllerId).toBe(1)
      const dirs = await client.request(35, 4, {topics: null})
      expect(dirs.results).toHaveLength(1)
      expect(dirs.results[0].logDir).toBe(broker().dataDir)
      expect(dirs.results[0].totalBytes).toBeGreaterThan(0)
      expect(dirs.results[0].topics.map((t) => t.name)).toContain('growing')
    } finally {
      client.close()
    }
  })
})

describe('topic configs the bundled broker does not apply', () => {
  it('are named in a broker log warning when a topic is created or altered with them', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-unapplied-'))
    const warnings: string[] = []
    const broker = await startBroker({port: 0, dataDir, logger: {info: () => {}, debug: () => {}, error: () => {}, warn: (line) => warnings.push(line)}})
    const client = await RawClient.connect(broker.bootstrap)
    try {
      const configs = [
        {name: 'compression.type', value: 'zstd'},
        {name: 'retention.ms', value: '60000'},
      ]
      const created = await client.request(19, 7, {topics: [{name: 'zstd-topic', numPartitions: 1, replicationFactor: 1, configs}]})
      expect(created.topics[0].errorCode).toBe(ErrorCode.NONE)
      expect(warnings).toEqual(['topic zstd-topic: compression.type=zstd stored but not applied by the bundled broker'])
      const altered = await client.request(33, 2, {
        resources: [{resourceType: 2, resourceName: 'zstd-topic', configs: [{name: 'min.insync.replicas', value: '2'}]}],
        validateOnly: false,
      })
      expect(altered.responses[0].errorCode).toBe(ErrorCode.NONE)
      expect(warnings[1]).toBe('topic zstd-topic: min.insync.replicas=2 stored but not applied by the bundled broker')
    } finally {
      client.close()
      await broker.close()
      rmSync(dataDir, {recursive: true, force: true})
    }
  })
})
