// kctl's group and lag commands against a cluster that predates Kafka 4's group APIs: the
// fault proxy answers ApiVersions as a Kafka 2.8 broker would (ListGroups up to v4 without
// group types, no ConsumerGroupDescribe or ConsumerGroupHeartbeat, OffsetFetch without
// multi-group batching, FindCoordinator without batching). kctl must fall back cleanly:
// every group is a classic one and described with DescribeGroups.
import {type Consumer, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {FaultProxy} from '../helpers/fault-proxy.js'
import {isolatedEnv, kctl} from '../commands/kctl.js'

const broker = useBroker({'group.initial.rebalance.delay.ms': '0'})
const env = isolatedEnv()
const KAFKA_2_8 = {16: 4, 68: -1, 69: -1, 9: 7, 10: 3, 15: 5}
let proxy: FaultProxy
let consumer: Consumer
let seen = 0

beforeAll(async () => {
  proxy = await FaultProxy.start({target: {host: '127.0.0.1', port: broker().port}, maxVersions: KAFKA_2_8})
  const kafka = new Kafka({clientId: 'old', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'old-events', numPartitions: 2}]})
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({topic: 'old-events', messages: Array.from({length: 50}, (_, index) => ({partition: index % 2, value: String(index)}))})
  await producer.disconnect()
  consumer = kafka.consumer({groupId: 'old-group', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100})
  await consumer.connect()
  await consumer.subscribe({topic: 'old-events', fromBeginning: true})
  await consumer.run({eachMessage: async () => void seen++})
  const deadline = Date.now() + 30_000
  while (seen < 50 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
}, 60_000)

afterAll(async () => {
  await consumer?.disconnect().catch(() => {})
  await proxy?.close()
})

async function json<T>(args: string[]): Promise<T> {
  const result = await kctl([...args, '-o', 'json', '-b', proxy.bootstrap], {env, timeoutMs: 60_000})
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout) as T
}

describe('kctl groups and lag on a Kafka 2.8-like broker', () => {
  it('lists, describes and measures a classic group without the new group APIs', async () => {
    const rows = await json<{group: string; type: string; state: string; members: number}[]>(['groups', 'list'])
    expect(rows.find((row) => row.group === 'old-group')).toMatchObject({type: 'classic', state: 'Stable', members: 1})
    const view = await json<{type: string; state: string; members: {assignment: {partitions: number[]}[]}[]}>(['groups', 'describe', 'old-group'])
    expect(view).toMatchObject({type: 'classic', state: 'Stable'})
    expect(view.members[0].assignment.flatMap((each) => each.partitions).sort()).toEqual([0, 1])
    const report = await json<{groups: {group: string; type: string; members: number}[]}>(['lag', '-g', 'old-group'])
    expect(report.groups).toMatchObject([{group: 'old-group', type: 'classic', members: 1}])
    // The proxy really posed as the older broker: kctl never sent ConsumerGroupDescribe.
    expect(proxy.count(69)).toBe(0)
    expect(proxy.requests.filter((request) => request.apiKey === 16).every((request) => request.apiVersion <= 4)).toBe(true)
  })
})
