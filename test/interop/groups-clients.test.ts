// Consumer groups of third-party clients against the bundled broker, measured with kctl's
// own lag sampling: librdkafka (kcat -G, balanced consumer) and kafka-python 2.0
// (/usr/bin/python3). Two librdkafka members split the partitions; one killed with SIGKILL
// is evicted after its session timeout and the survivor takes over its partitions.
import {execFile, spawn, type ChildProcess} from 'node:child_process'
import {promisify} from 'node:util'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {describeGroup} from '../../src/admin/groups.js'
import {sampleLag} from '../../src/admin/lag/index.js'
import {useBroker} from '../helpers/broker.js'
import {kcat} from './clients.js'

const run = promisify(execFile)
const broker = useBroker({'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000'})
const children: ChildProcess[] = []
let kafka: Kafka

const cluster = <T>(fn: Parameters<typeof withClient<T>>[1]) => withClient(connectionOptions({'bootstrap-server': broker().bootstrap}), fn)
const lagOf = (group: string) => cluster((c) => sampleLag(c, {groups: [group]}))

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function produce(topic: string, perPartition: Record<number, number>): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({topic, messages: Object.entries(perPartition).flatMap(([partition, count]) => Array.from({length: count}, (_, index) => ({partition: Number(partition), value: `v${index}`})))})
  await producer.disconnect()
}

beforeAll(async () => {
  kafka = new Kafka({clientId: 'interop-groups', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic: 'rd-lag', numPartitions: 2}, {topic: 'rd-split', numPartitions: 4}, {topic: 'py-lag', numPartitions: 3}]})
  await admin.disconnect()
  await produce('rd-lag', {0: 20, 1: 20})
  await produce('py-lag', {0: 10, 1: 11, 2: 12})
})

afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

describe('librdkafka consumer groups (kcat -G)', () => {
  it('commits what it consumed: lag is exactly what was produced after', async () => {
    await kcat(['-b', broker().bootstrap, '-G', 'rd-readers', '-c', '40', '-q', '-X', 'auto.offset.reset=earliest', 'rd-lag'])
    const before = await lagOf('rd-readers')
    expect(before.rows.map((row) => [row.partition, row.currentOffset, row.lag])).toEqual([[0, 20, 0], [1, 20, 0]])
    await produce('rd-lag', {0: 5, 1: 2})
    const after = await lagOf('rd-readers')
    expect(after.rows.map((row) => [row.partition, row.currentOffset, row.logEndOffset, row.lag])).toEqual([[0, 20, 25, 5], [1, 20, 22, 2]])
    expect(after.groups[0]).toMatchObject({lag: 7, state: 'Empty'})
  })

  for (const strategy of ['range', 'cooperative-sticky']) {
    it(`splits partitions between two members (${strategy}) and evicts one killed without leaving`, async () => {
      const group = `rd-split-${strategy}`
      const start = () => {
        const child = spawn('kcat', ['-b', broker().bootstrap, '-G', group, '-q', '-X', 'session.timeout.ms=3000', '-X', 'heartbeat.interval.ms=500', '-X', `partition.assignment.strategy=${strategy}`, 'rd-split'], {stdio: 'ignore'})
        children.push(child)
        return child
      }
      const owned = (view: Awaited<ReturnType<typeof describeGroup>> | undefined) => view?.members.map((member) => member.assignment?.flatMap((each) => each.partitions) ?? []) ?? []
      const first = start()
      const second = start()
      let view: Awaited<ReturnType<typeof describeGroup>> | undefined
      await until(async () => {
        view = await cluster((c) => describeGroup(c, group)).catch(() => undefined)
        return view?.state === 'Stable' && view.members.length === 2 && owned(view).every((partitions) => partitions.length === 2)
      }, 'two librdkafka members with 2 partitions each')
      expect(owned(view).flat().sort()).toEqual([0, 1, 2, 3])
      expect(view!.protocol).toBe(strategy)
      first.kill('SIGKILL') // no LeaveGroup: only the session timeout can remove it
      await until(async () => {
        view = await cluster((c) => describeGroup(c, group)).catch(() => undefined)
        return view?.state === 'Stable' && view.members.length === 1 && owned(view)[0].length === 4
      }, 'the survivor to own all 4 partitions')
      second.kill('SIGKILL')
    })
  }
})

describe('kafka-python consumer groups', () => {
  const script = `
import sys
from kafka import KafkaConsumer
consumer = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1], group_id=sys.argv[3], auto_offset_reset='earliest',
                         enable_auto_commit=False, consumer_timeout_ms=10000)
seen = 0
for record in consumer:
    seen += 1
    if seen == int(sys.argv[4]):
        break
consumer.commit()
consumer.close()
print(seen)
`

  it('commits what it consumed: lag is exact per partition', async () => {
    const {stdout} = await run('/usr/bin/python3', ['-c', script, broker().bootstrap, 'py-lag', 'py-readers', '33'], {timeout: 60_000})
    expect(stdout.trim()).toBe('33')
    await produce('py-lag', {1: 4})
    const report = await lagOf('py-readers')
    expect(report.rows.map((row) => [row.partition, row.currentOffset, row.lag]).sort()).toEqual([[0, 10, 0], [1, 11, 4], [2, 12, 0]])
  })
})
