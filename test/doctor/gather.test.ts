// `kctl doctor` run as a user runs it, against the bundled broker with problems it can really
// have, made by real clients: kafkajs creates an RF 1 topic, a topic kept forever
// (retention.ms=-1), a consumer group that committed and then paused while records keep
// coming (stalled), one that committed and left (stopped), and produces during the window;
// @platformatic/kafka runs a KIP-848 consumer group member that reads but never commits
// (stalled too);
// the broker has no authorizer and auto-creates topics. Then the fault proxy poses as a
// 3-node cluster with one node down. Finding ids, exit codes and the measured figures are
// asserted on the CLI's output.
import {Consumer as PlatformaticConsumer, stringDeserializers} from '@platformatic/kafka'
import {Kafka, logLevel, type Consumer, type Producer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {DoctorReport} from '../../src/admin/doctor/index.js'
import type {GatherNotes} from '../../src/admin/doctor/gather.js'
import {isolatedEnv, kctl, startKctl} from '../commands/kctl.js'
import {useBroker} from '../helpers/broker.js'
import {FaultProxy} from '../helpers/fault-proxy.js'
import {kcat} from '../interop/clients.js'

type Output = DoctorReport & {gathering: GatherNotes}

const ids = (output: Output) => new Set(output.findings.map((item) => item.id))
const objectsOf = (output: Output, id: string) => output.findings.filter((item) => item.id === id).map((item) => item.object.name)

describe('kctl doctor against the bundled broker', {timeout: 180_000}, () => {
  const broker = useBroker({'auto.create.topics.enable': 'true', 'group.initial.rebalance.delay.ms': '0'})
  const env = isolatedEnv()
  let kafka: Kafka
  let producer: Producer
  const consumers: Consumer[] = []
  let ledger: PlatformaticConsumer<string, string, string, string> | undefined
  let ledgerStream: Awaited<ReturnType<PlatformaticConsumer<string, string, string, string>['consume']>> | undefined
  const send = (topic: string, count: number) => producer.send({topic, messages: Array.from({length: count}, (_, index) => ({key: `k${index}`, value: 'x'.repeat(200)}))})

  /** A kafkajs consumer of `topic` in `group` that has read and committed `expected` records. */
  async function consumed(group: string, topic: string, expected: number): Promise<Consumer> {
    const consumer = kafka.consumer({groupId: group, sessionTimeout: 30_000, heartbeatInterval: 1000})
    consumers.push(consumer)
    await consumer.connect()
    await consumer.subscribe({topics: [topic], fromBeginning: true})
    let seen = 0
    await new Promise<void>((resolve, reject) => {
      consumer.run({autoCommitInterval: 100, eachMessage: async () => {
        if (++seen === expected) resolve()
      }}).catch(reject)
    })
    await consumer.commitOffsets([]).catch(() => undefined)
    // autoCommitInterval: the last offsets are committed within 100 ms of the last record.
    await new Promise((resolve) => setTimeout(resolve, 500))
    return consumer
  }

  beforeAll(async () => {
    kafka = new Kafka({clientId: 'doctor-test', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [
      {topic: 'orders', numPartitions: 3, replicationFactor: 1},
      {topic: 'audit', numPartitions: 1, replicationFactor: 1, configEntries: [{name: 'retention.ms', value: '-1'}]},
    ]})
    await admin.disconnect()
    producer = kafka.producer()
    await producer.connect()
    await send('orders', 30)
    await send('audit', 10)
    // Stalled: a member that read everything so far, committed, then stopped consuming.
    const stalled = await consumed('billing', 'orders', 30)
    stalled.pause([{topic: 'orders'}])
    // Stopped: read the audit log, committed, left the group.
    const stopped = await consumed('archiver', 'audit', 10)
    await stopped.disconnect()
    // KIP-848: a member that reads without committing.
    ledger = new PlatformaticConsumer({clientId: 'ledger', bootstrapBrokers: [broker().bootstrap], groupId: 'ledger', groupProtocol: 'consumer', deserializers: stringDeserializers, maxWaitTime: 200})
    const stream = await ledger.consume({topics: ['orders'], mode: 'earliest', autocommit: false})
    ledgerStream = stream
    // The stream's fetch loop may still be running when the suite closes the client.
    stream.on('error', () => undefined)
    let read = 0
    await new Promise<void>((resolve) => stream.on('data', () => ++read === 30 && resolve()))
    // Records keep coming: every group now lags.
    await send('orders', 30)
    await send('audit', 5)
  })

  afterAll(async () => {
    for (const consumer of consumers) await consumer.disconnect().catch(() => undefined)
    await ledgerStream?.close().catch(() => undefined)
    await ledger?.close().catch(() => undefined)
    await producer?.disconnect()
  })

  it('finds the stalled group (error, exit 3), the stopped group, infinite retention and the missing authorizer; json has the write rate measured while kafkajs produces', async () => {
    const run = startKctl(['doctor', '-b', broker().bootstrap, '--window', '1s', '-o', 'json'], {env})
    let producing = true
    const load = (async () => {
      while (producing) await send('orders', 20)
    })()
    const result = await run.result
    producing = false
    await load
    expect(result.stderr).toBe('')
    expect(result.code).toBe(3)
    const output = JSON.parse(result.stdout) as Output
    const found = ids(output)
    expect(objectsOf(output, 'data.group-stalled')).toEqual(['billing', 'ledger'])
    expect(objectsOf(output, 'data.group-stopped')).toEqual(['archiver'])
    expect(objectsOf(output, 'data.infinite-retention')).toEqual(['audit'])
    expect(found.has('security.no-authorizer')).toBe(true)
    expect(found.has('capacity.broker-loss')).toBe(true)
    // A single broker: RF 1 and auto-create are what a one-node cluster can have.
    expect(found.has('availability.low-replication-factor')).toBe(false)
    expect(found.has('data.auto-create-topics')).toBe(false)
    expect(output.summary.error).toBe(output.findings.filter((item) => item.severity === 'error').length)
    expect(output.checks).toHaveLength(34)
    expect(output.windowMs).toBeGreaterThanOrEqual(1000)
    expect(output.gathering).toMatchObject({unreachableBrokers: [], acls: 'no authorizer', consumers: 'reported', windowInterrupted: false})
    expect(output.gathering.quorum).toMatch(/^not exposed/)
    // Written during the window: orders grows, audit does not.
    const topics = Object.fromEntries(output.figures.topics.map((topic) => [topic.topic, topic]))
    expect(topics.orders.writeBytesPerSec).toBeGreaterThan(0)
    expect(topics.audit.writeBytesPerSec).toBe(0)
    expect(output.figures.writeBytesPerSec).toBeGreaterThan(0)
    expect(output.figures.brokers[0]).toMatchObject({id: 1, replicas: expect.any(Number)})
  })

  it('--skip, --strict and --max-lag set the exit code; table output opens with the summary line', async () => {
    const base = ['doctor', '-b', broker().bootstrap, '--window', '0']
    const relaxed = await kctl([...base, '--skip', 'data.group-stalled'], {env})
    expect(relaxed.stderr).toBe('')
    expect(relaxed.code).toBe(0)
    expect(relaxed.stdout.split('\n')[0]).toMatch(/^cluster \S+: 0 errors, \d+ warnings, \d+ info · 1 broker · 33 checks · writes .* over \d+ms$/)
    expect(relaxed.stdout).toMatch(/^QUORUM\s+not exposed/m)
    expect((await kctl([...base, '--skip', 'data.group-stalled', '--strict'], {env})).code).toBe(3)
    const limited = await kctl([...base, '--checks', 'data', '--skip', 'data.group-stalled,data.group-stopped', '--max-lag', '4', '-o', 'json'], {env})
    expect(limited.code).toBe(3)
    const output = JSON.parse(limited.stdout) as Output
    expect(output.checks.every((id) => id.startsWith('data.'))).toBe(true)
    expect(new Set(objectsOf(output, 'data.group-over-lag-limit'))).toEqual(new Set(['billing', 'archiver', 'ledger']))
  })

  it('Ctrl-C during the window takes the second sample at once and reports the window cut short', async () => {
    const run = startKctl(['doctor', '-b', broker().bootstrap, '--window', '10m', '--skip', 'data.group-stalled'], {env, timeoutMs: 60_000})
    await new Promise<void>((resolve) => run.child.stderr!.on('data', (chunk: Buffer) => String(chunk).includes('measuring write rates over 10m') && resolve()))
    run.child.kill('SIGINT')
    const result = await run.result
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^WINDOW\s+cut short at \S+ by Ctrl-C$/m)
    expect(result.stdout.split('\n')[0]).toMatch(/^cluster \S+: 0 errors, .* over \d+(\.\d)?m?s$/)
  })

  it('--serve exposes the latest run as Prometheus metrics until Ctrl-C, then exits 0', async () => {
    const run = startKctl(['doctor', '-b', broker().bootstrap, '--window', '1s', '--serve', '127.0.0.1:0'], {env, timeoutMs: 60_000})
    const url = await new Promise<string>((resolve) => run.child.stderr!.on('data', (chunk: Buffer) => {
      const match = /serving metrics on (\S+),/.exec(String(chunk))
      if (match) resolve(match[1])
    }))
    let text = ''
    for (let attempt = 0; attempt < 60; attempt++) {
      const response = await fetch(url)
      text = await response.text()
      if (response.status === 200) break
      expect(text).toContain('the first check has not finished yet')
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    expect(text).toMatch(/^kctl_doctor_findings\{severity="error"\} 2$/m)
    expect(text).toMatch(/^kctl_doctor_finding\{check="data.group-stalled",area="data",severity="error",kind="group",object="billing"\} 1$/m)
    expect(text).toMatch(/^kctl_doctor_finding\{check="security.no-authorizer",/m)
    expect(text).toMatch(/^kctl_doctor_write_bytes_per_second\{topic="audit"\} 0$/m)
    expect(text).toMatch(/^kctl_doctor_unreachable_brokers 0$/m)
    run.child.kill('SIGINT')
    expect((await run.result).code).toBe(0)
  })

  it('a mistyped check is a usage error with a suggestion, before the cluster is asked', async () => {
    const run = await kctl(['doctor', '-b', '127.0.0.1:1', '--checks', 'availabilty'], {env})
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('unknown check "availabilty" in --checks')
    expect(run.stderr).toContain('did you mean availability?')
    const window = await kctl(['doctor', '-b', '127.0.0.1:1', '--window', 'soon'], {env})
    expect(window.code).toBe(2)
    expect(window.stderr).toContain('invalid --window "soon"')
  })

  it('a 3-node cluster with node 2 down (fault proxy): the run goes on, node 2 is reported unreachable, its replicas out of sync', async () => {
    const proxy = await FaultProxy.start({
      target: {host: '127.0.0.1', port: broker().port},
      nodes: [1, 2, 3].map((nodeId) => ({nodeId, rack: `rack-${nodeId}`, down: nodeId === 2})),
    })
    try {
      // kcat sees the posed cluster: three brokers, node 2 listed.
      const listing = JSON.parse(await kcat(['-b', proxy.bootstrap, '-L', '-J'])) as {brokers: {id: number}[]}
      expect(listing.brokers.map((entry) => entry.id).sort()).toEqual([1, 2, 3])
      const run = await kctl(['doctor', '-b', proxy.bootstrap, '--window', '0', '-o', 'json'], {env, timeoutMs: 60_000})
      const output = JSON.parse(run.stdout) as Output
      expect(output.brokers).toBe(3)
      expect(output.gathering.unreachableBrokers.map((entry) => entry.id)).toEqual([2])
      expect(output.gathering.unreachableBrokers[0].error).toMatch(/ECONNREFUSED/)
      expect(objectsOf(output, 'availability.under-replicated')).toContain('orders')
      // Three brokers with auto.create.topics.enable=true.
      expect(ids(output).has('data.auto-create-topics')).toBe(true)
      expect(run.code).toBe(output.summary.error > 0 ? 3 : 0)
    } finally {
      await proxy.close()
    }
  })
})
