// --disk stands in for brokers that do not report their log dirs' size (DescribeLogDirs before
// v4, Kafka before 3.3): kctl's client capped at DescribeLogDirs v3 gathers from the bundled
// broker while kafkajs writes to a topic kept forever, and a small --disk makes the projection
// say the broker fills within a day.
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'
import {gatherSnapshot} from '../../src/admin/doctor/gather.js'
import {runChecks} from '../../src/admin/doctor/index.js'
import {KafkaClient} from '../../src/kafka/client/index.js'
import {useBroker} from '../helpers/broker.js'

const MiB = 2 ** 20

describe('kctl doctor on a broker without disk sizes', {timeout: 120_000}, () => {
  const broker = useBroker()
  let client: KafkaClient | undefined
  afterAll(() => client?.close())

  it('uses --disk for the free space and projects the time until full at the measured write rate', async () => {
    const kafka = new Kafka({clientId: 'doctor-disk', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'events', numPartitions: 2, replicationFactor: 1, configEntries: [{name: 'retention.ms', value: '-1'}]}]})
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    const send = () => producer.send({topic: 'events', messages: Array.from({length: 50}, (_, index) => ({key: `k${index}`, value: 'x'.repeat(1000)}))})
    await send()

    client = await KafkaClient.connect({bootstrap: [broker().bootstrap], clientId: 'doctor-disk', connectTimeoutMs: 5000, requestTimeoutMs: 30_000, versionCaps: {35: 3}})
    let producing = true
    const load = (async () => {
      while (producing) await send()
    })()
    const {snapshot} = await gatherSnapshot(client, {windowMs: 1000})
    producing = false
    await load
    await producer.disconnect()

    const dir = snapshot.brokers[0].logDirs[0]
    expect(dir.totalBytes).toBeUndefined()
    expect(dir.usableBytes).toBeUndefined()
    const held = dir.replicas.reduce((sum, replica) => sum + replica.sizeBytes, 0)
    expect(held).toBeGreaterThan(50_000)

    // Without --disk the free space is unknown: no projection.
    expect(runChecks(snapshot, {checks: ['capacity.time-until-full']}).findings).toEqual([])
    const report = runChecks(snapshot, {checks: ['capacity'], diskBytes: held + 64 * MiB})
    expect(report.figures.brokers[0].logDirs[0].spaceFrom).toBe('disk-flag')
    const full = report.findings.filter((item) => item.id === 'capacity.time-until-full')
    expect(full).toHaveLength(1)
    // 64 MiB free at the measured rate (tens of KiB/s or more): under a day.
    expect(full[0]).toMatchObject({severity: 'error', object: {kind: 'broker', name: '1'}})
    expect(full[0].fix).toContain('events')
  })
})
