// `kctl transactions list|describe` and `kctl consume --isolation` against the bundled broker,
// with transactions made by kafkajs: one committed, one aborted, one left open.
import {Kafka, logLevel, type Producer} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl} from './kctl.js'

describe('kctl transactions and consume --isolation', {timeout: 120_000}, () => {
  const broker = useBroker()
  const env = isolatedEnv()
  const b = () => ['-b', broker().bootstrap]
  let open: Producer

  beforeAll(async () => {
    const kafka = new Kafka({brokers: [broker().bootstrap], clientId: 'kctl-txn', logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'ledger', numPartitions: 2}]})
    await admin.disconnect()
    const done = kafka.producer({transactionalId: 'ledger-done', idempotent: true, maxInFlightRequests: 1})
    await done.connect()
    const committed = await done.transaction()
    await committed.send({topic: 'ledger', messages: [{value: 'kept-1', partition: 0}, {value: 'kept-2', partition: 1}]})
    await committed.commit()
    const aborted = await done.transaction()
    await aborted.send({topic: 'ledger', messages: [{value: 'dropped', partition: 0}]})
    await aborted.abort()
    await done.disconnect()
    open = kafka.producer({transactionalId: 'ledger-open', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 120_000})
    await open.connect()
    const pending = await open.transaction()
    await pending.send({topic: 'ledger', messages: [{value: 'pending', partition: 1}]})
  })

  afterAll(async () => {
    await open?.disconnect()
  })

  it('lists every transactional id with its state, and filters by state', async () => {
    const all = await kctl(['transactions', 'list', '-o', 'json', ...b()], {env})
    expect(all.code).toBe(0)
    const rows = JSON.parse(all.stdout) as {transactionalId: string; coordinator: number; producerId: number; state: string}[]
    expect(rows.map((row) => [row.transactionalId, row.state])).toEqual([
      ['ledger-done', 'CompleteAbort'],
      ['ledger-open', 'Ongoing'],
    ])
    expect(rows.every((row) => row.coordinator === 1 && row.producerId >= 0)).toBe(true)
    const ongoing = await kctl(['transactions', 'list', '--state', 'ongoing', ...b()], {env})
    expect(ongoing.stdout).toMatch(/TRANSACTIONAL-ID\s+COORDINATOR\s+PRODUCER-ID\s+STATE/)
    expect(ongoing.stdout).toContain('ledger-open')
    expect(ongoing.stdout).not.toContain('ledger-done')
    const bad = await kctl(['transactions', 'list', '--state', 'Running', ...b()], {env})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('invalid --state "Running"')
  })

  it('describes an open transaction with its partitions, and exits 4 for an unknown id', async () => {
    const described = await kctl(['transactions', 'describe', 'ledger-open', '-o', 'json', ...b()], {env})
    expect(described.code).toBe(0)
    const view = JSON.parse(described.stdout)
    expect(view).toMatchObject({transactionalId: 'ledger-open', coordinator: 1, state: 'Ongoing', producerEpoch: 0, timeoutMs: 120_000, partitions: ['ledger-1']})
    expect(view.durationMs).toBeGreaterThanOrEqual(0)
    expect(Date.parse(view.startTime)).toBeLessThanOrEqual(Date.now())
    const table = await kctl(['transactions', 'describe', 'ledger-done', ...b()], {env})
    expect(table.stdout).toMatch(/STATE\s+CompleteAbort/)
    const missing = await kctl(['transactions', 'describe', 'nobody', ...b()], {env})
    expect(missing.code).toBe(4)
    expect(missing.stderr).toContain('unable to describe transaction nobody: the transactional id does not exist')
  })

  it('consume reads committed records by default and every record with --isolation read_uncommitted', async () => {
    const read = async (...extra: string[]) => {
      const run = await kctl(['consume', 'ledger', '--from-beginning', '--timeout', '2s', '-f', '%s\\n', ...extra, ...b()], {env})
      expect(run.code).toBe(0)
      return run.stdout.split('\n').filter(Boolean).sort()
    }
    expect(await read()).toEqual(['kept-1', 'kept-2'])
    expect(await read('--isolation', 'read_uncommitted')).toEqual(['dropped', 'kept-1', 'kept-2', 'pending'])
    expect(await read('-g', 'ledger-readers')).toEqual(['kept-1', 'kept-2'])
  })
})
