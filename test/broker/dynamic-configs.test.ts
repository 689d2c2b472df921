// Dynamic broker configs through third-party admin clients: kafkajs (AlterConfigs and
// DescribeConfigs), confluent-kafka's AdminClient (alter_configs, describe_configs), and the
// raw protocol for IncrementalAlterConfigs DELETE and validateOnly. Applied at once to topics
// without an override, reported with Kafka's sources and synonyms, kept across a restart, and
// a read-only key refused with Kafka's error.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'
import {type RunningBroker, startBroker} from '../../src/broker/index.js'
import {ErrorCode} from '../../src/kafka/protocol/index.js'
import {python} from '../interop/clients.js'
import {RawClient} from './raw-client.js'

const BROKER = 4
const DYNAMIC_BROKER_CONFIG = 2
const DYNAMIC_DEFAULT_BROKER_CONFIG = 3
const STATIC_BROKER_CONFIG = 4
const DEFAULT_CONFIG = 5

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-dynamic-'))
let broker: RunningBroker
const start = async () => (broker = await startBroker({port: 0, host: '127.0.0.1', dataDir, config: {'log.retention.hours': '24'}}))
afterAll(async () => {
  await broker?.close()
  fs.rmSync(dataDir, {recursive: true, force: true})
})

const admin = () => new Kafka({brokers: [broker.bootstrap], clientId: 'dynamic-configs', logLevel: logLevel.NOTHING}).admin()

async function describeBroker(name: string, keys: string[]) {
  const client = admin()
  await client.connect()
  try {
    const described = await client.describeConfigs({resources: [{type: BROKER, name, configNames: keys}], includeSynonyms: true})
    return Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e]))
  } finally {
    await client.disconnect()
  }
}

describe('dynamic broker configs', () => {
  it('sets a broker default with kafkajs, applies it to topics without an override and reports its sources', async () => {
    await start()
    const client = admin()
    await client.connect()
    await client.createTopics({topics: [{topic: 'plain'}, {topic: 'own', configEntries: [{name: 'retention.ms', value: '1000'}]}]})
    await client.alterConfigs({validateOnly: false, resources: [{type: BROKER, name: '1', configEntries: [{name: 'log.retention.ms', value: '3600000'}]}]})
    const topics = await client.describeConfigs({resources: [{type: 2, name: 'plain', configNames: ['retention.ms']}], includeSynonyms: true})
    await client.disconnect()

    const entry = (await describeBroker('1', ['log.retention.ms']))['log.retention.ms']
    expect(entry).toMatchObject({configValue: '3600000', configSource: DYNAMIC_BROKER_CONFIG, readOnly: false})
    // Kafka's synonyms of a time setting: the ms, minutes and hours names in every layer.
    expect(entry.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource])).toEqual([
      ['log.retention.ms', '3600000', DYNAMIC_BROKER_CONFIG],
      ['log.retention.hours', '24', STATIC_BROKER_CONFIG],
    ])
    const retention = topics.resources[0].configEntries[0]
    expect(retention).toMatchObject({configValue: '3600000', configSource: DYNAMIC_BROKER_CONFIG})
    // Applied to the open logs: the topic without an override follows, the other keeps its own.
    expect(broker.state.log.effectiveTopicConfig('plain')['retention.ms']).toBe('3600000')
    expect(broker.state.log.effectiveTopicConfig('own')['retention.ms']).toBe('1000')
  })

  it('refuses a read-only key with Kafka\'s INVALID_REQUEST and message, and honours validateOnly', async () => {
    const client = await RawClient.connect(broker.bootstrap)
    try {
      const refused = await client.request(44, 1, {
        resources: [{resourceType: BROKER, resourceName: '1', configs: [{name: 'node.id', configOperation: 0, value: '7'}, {name: 'log.dirs', configOperation: 0, value: '/x'}]}],
        validateOnly: false,
      })
      expect(refused.responses[0]).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Cannot update these configs dynamically: Set(node.id, log.dirs)'})
      const perBroker = await client.request(44, 1, {
        resources: [{resourceType: BROKER, resourceName: '', configs: [{name: 'advertised.listeners', configOperation: 0, value: 'PLAINTEXT://x:1'}]}],
        validateOnly: false,
      })
      expect(perBroker.responses[0].errorMessage).toBe('Cannot update these configs at default cluster level, broker id must be specified: Set(advertised.listeners)')
      const validated = await client.request(44, 1, {
        resources: [{resourceType: BROKER, resourceName: '', configs: [{name: 'log.segment.bytes', configOperation: 0, value: '2097152'}]}],
        validateOnly: true,
      })
      expect(validated.responses[0].errorCode).toBe(ErrorCode.NONE)
      expect(broker.state.settings.dynamicConfigs('default').size).toBe(0)
      const otherBroker = await client.request(44, 1, {resources: [{resourceType: BROKER, resourceName: '9', configs: []}], validateOnly: false})
      expect(otherBroker.responses[0].errorMessage).toBe('Unexpected broker id, expected 1 or empty string, but received 9')
    } finally {
      client.close()
    }
    const client2 = admin()
    await client2.connect()
    await expect(
      client2.alterConfigs({validateOnly: false, resources: [{type: BROKER, name: '1', configEntries: [{name: 'node.id', value: '7'}]}]}),
    ).rejects.toMatchObject({type: 'INVALID_REQUEST'})
    await client2.disconnect()
  })

  it('sets the cluster default ("") and deletes it again with IncrementalAlterConfigs', async () => {
    const client = await RawClient.connect(broker.bootstrap)
    try {
      const set = await client.request(44, 1, {
        resources: [{resourceType: BROKER, resourceName: '', configs: [{name: 'log.segment.bytes', configOperation: 0, value: '2097152'}, {name: 'num.io.threads', configOperation: 0, value: '16'}]}],
        validateOnly: false,
      })
      expect(set.responses[0].errorCode).toBe(ErrorCode.NONE)
      // kafkajs refuses an empty resource name, so the cluster default is described raw.
      const described = await client.request(32, 4, {resources: [{resourceType: BROKER, resourceName: '', configurationKeys: null}], includeSynonyms: true, includeDocumentation: false})
      const clusterDefault = Object.fromEntries(described.results[0].configs.map((c) => [c.name, c]))
      expect(Object.keys(clusterDefault).sort()).toEqual(['log.segment.bytes', 'num.io.threads'])
      expect(clusterDefault['log.segment.bytes']).toMatchObject({value: '2097152', configSource: DYNAMIC_DEFAULT_BROKER_CONFIG, readOnly: false})
      expect((await describeBroker('1', ['log.segment.bytes']))['log.segment.bytes'].configSynonyms.map((s) => s.configSource)).toEqual([
        DYNAMIC_DEFAULT_BROKER_CONFIG,
        DEFAULT_CONFIG,
      ])
      expect(broker.state.log.effectiveTopicConfig('plain')['segment.bytes']).toBe('2097152')

      const deleted = await client.request(44, 1, {
        resources: [{resourceType: BROKER, resourceName: '', configs: [{name: 'log.segment.bytes', configOperation: 1, value: null}]}],
        validateOnly: false,
      })
      expect(deleted.responses[0].errorCode).toBe(ErrorCode.NONE)
      expect((await describeBroker('1', ['log.segment.bytes']))['log.segment.bytes']).toMatchObject({configValue: '1073741824', configSource: DEFAULT_CONFIG})
      expect(broker.state.log.effectiveTopicConfig('plain')['segment.bytes']).toBe('1073741824')
    } finally {
      client.close()
    }
  })

  it('sets and describes a broker config with confluent-kafka\'s AdminClient, which sees read-only keys refused', async () => {
    const result = await python<{value: string; source: number; readOnly: boolean; synonyms: [string, string, number][]; refused: {code: string; message: string}}>(
      'confluent_broker_configs',
      [broker.bootstrap, '1', 'log.cleaner.delete.retention.ms=3600000'],
    )
    expect(result).toMatchObject({value: '3600000', source: DYNAMIC_BROKER_CONFIG, readOnly: false})
    // confluent-kafka keeps synonyms in a dict by name, so of the two layers of one name
    // (dynamic, then Kafka's default) the last one is what it shows.
    expect(result.synonyms).toEqual([['log.cleaner.delete.retention.ms', '86400000', DEFAULT_CONFIG]])
    expect(result.refused).toMatchObject({code: 'INVALID_REQUEST', message: 'Cannot update these configs dynamically: Set(node.id)'})
    // alter_configs replaced the broker's whole dynamic set: log.retention.ms went back.
    expect(broker.state.settings.dynamicConfigs('broker')).toEqual(new Map([['log.cleaner.delete.retention.ms', '3600000']]))
  })

  it('keeps dynamic configs across a restart', async () => {
    await broker.close()
    await start()
    const entries = await describeBroker('1', ['log.cleaner.delete.retention.ms', 'num.io.threads'])
    expect(entries['log.cleaner.delete.retention.ms']).toMatchObject({configValue: '3600000', configSource: DYNAMIC_BROKER_CONFIG})
    expect(entries['num.io.threads']).toMatchObject({configValue: '16', configSource: DYNAMIC_DEFAULT_BROKER_CONFIG})
    expect(broker.state.log.effectiveTopicConfig('plain')['delete.retention.ms']).toBe('3600000')
  })
})
