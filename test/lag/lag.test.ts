// `kctl lag` and `kctl groups` against the bundled broker with real kafkajs consumer groups:
// exact lag numbers, time lag within tolerance, thresholds' exit codes, every reset-offsets
// mode, group deletion, one real --watch run and the --serve endpoint. CLI cases spawn
// bin/run.js (built by `npm run build`, as `npm test` does first).
import {execFile, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import yaml from 'js-yaml'
import {type Consumer, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {describeGroup, deleteGroups, listGroups, resetOffsets} from '../../src/admin/groups.js'
import {type LagReport, sampleLag} from '../../src/admin/lag/index.js'
import {commitOffsets} from '../../src/admin/group-requests.js'
import {useBroker} from '../helpers/broker.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const broker = useBroker({'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000'})
let kafka: Kafka
const consumers: Consumer[] = []

function kctl(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'run.js'), ...args, '-b', broker().bootstrap], {cwd: root, timeout: 60_000, env: {...process.env, NO_COLOR: '1', CI: 'true'}}, (error, stdout, stderr) =>
      resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    )
  })
}

function lag(query: Parameters<typeof sampleLag>[1]): Promise<LagReport> {
  return withClient(connectionOptions({'bootstrap-server': broker().bootstrap}), (client) => sampleLag(client, query))
}

const cluster = <T>(fn: Parameters<typeof withClient<T>>[1]) => withClient(connectionOptions({'bootstrap-server': broker().bootstrap}), fn)

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** An admin commit (generation -1), as `kafka-consumer-groups --reset-offsets` makes; faster
 *  than kafkajs's admin.setOffsets, which joins the group first. */
async function setOffsets(groupId: string, topic: string, offsets: Record<number, number>): Promise<void> {
  await cluster(async (client) => {
    const errors = await commitOffsets(client, groupId, Object.entries(offsets).map(([partition, offset]) => ({topic, partition: Number(partition), offset})))
    expect([...errors.values()].every((code) => code === 0)).toBe(true)
  })
}

const MINUTE_MS = 60_000
/** Records of "events" carry a timestamp `ageMs` in the past. */
async function produce(topic: string, partition: number, count: number, ageMs = 0): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  const timestamp = String(Date.now() - ageMs)
  await producer.send({topic, messages: Array.from({length: count}, (_, index) => ({partition, value: `r${index}`, timestamp}))})
  await producer.disconnect()
}

/** A consumer that reads `limit` records of the topic, committing after each, then pauses. */
async function consumeSome(groupId: string, topic: string, limit: number): Promise<{consumer: Consumer; seen: () => number}> {
  const consumer = kafka.consumer({groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100})
  consumers.push(consumer)
  let seen = 0
  await consumer.connect()
  await consumer.subscribe({topic, fromBeginning: true})
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({topic: from, partition, message}) => {
      if (seen >= limit) {
        consumer.pause([{topic: from}])
        return
      }
      seen++
      await consumer.commitOffsets([{topic: from, partition, offset: String(Number(message.offset) + 1)}])
    },
  })
  await until(() => seen >= limit, `${groupId} to consume ${limit} records`)
  return {consumer, seen: () => seen}
}

beforeAll(async () => {
  kafka = new Kafka({clientId: 'lag-test', brokers: [broker().bootstrap], logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [
    {topic: 'events', numPartitions: 2},
    {topic: 'single', numPartitions: 1},
    {topic: 'resets', numPartitions: 2},
  ]})
  await admin.disconnect()
  await produce('events', 0, 30, 2 * MINUTE_MS)
  await produce('events', 1, 20, 2 * MINUTE_MS)
  await produce('single', 0, 50, 0)
  await produce('resets', 0, 10, 60 * MINUTE_MS)
  await produce('resets', 0, 10, 0)
  await produce('resets', 1, 5, 0)
})

afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.disconnect().catch(() => undefined)))
})

describe('kctl lag numbers', () => {
  it('counts lag exactly for a live kafkajs group: committed to high watermark, with member details', async () => {
    const {consumer} = await consumeSome('live', 'single', 20)
    const report = await lag({groups: ['live']})
    expect(report.rows).toHaveLength(1)
    const [row] = report.rows
    expect(row).toMatchObject({group: 'live', topic: 'single', partition: 0, currentOffset: 20, logEndOffset: 50, lag: 30, clientId: 'lag-test'})
    expect(row.consumerId).toMatch(/^lag-test-/)
    expect(row.host).toBe('/127.0.0.1')
    // the records were produced just now: time lag is small but known
    expect(row.timeLagMs).not.toBeNull()
    expect(row.timeLagMs!).toBeLessThan(MINUTE_MS)
    expect(report.groups[0]).toMatchObject({group: 'live', state: 'Stable', members: 1, lag: 30})
    await consumer.disconnect()
  })

  it('counts the whole backlog of a partition never committed and measures time lag of the first unconsumed record', async () => {
    await setOffsets('half', 'events', {0: 10})
    const report = await lag({groups: ['half']})
    const byPartition = new Map(report.rows.map((row) => [row.partition, row]))
    expect(byPartition.get(0)).toMatchObject({currentOffset: 10, logEndOffset: 30, lag: 20})
    expect(byPartition.get(1)).toMatchObject({currentOffset: null, logEndOffset: 20, lag: 20})
    // produced with timestamps two minutes old: time lag 2 min, give or take the test's own runtime
    for (const row of report.rows) {
      expect(row.timeLagMs!).toBeGreaterThanOrEqual(2 * MINUTE_MS)
      expect(row.timeLagMs!).toBeLessThan(2 * MINUTE_MS + 30_000)
    }
    expect(report.topics).toEqual([expect.objectContaining({group: 'half', topic: 'events', partitions: 2, lag: 40})])
  })

  it('reports zero lag and zero time lag when caught up, and filters by --topic', async () => {
    await setOffsets('caught-up', 'single', {0: 50})
    await setOffsets('caught-up', 'events', {0: 0})
    const report = await lag({groups: ['caught-up'], topics: ['single']})
    expect(report.rows.map((row) => [row.topic, row.lag, row.timeLagMs])).toEqual([['single', 0, 0]])
  })

  it('with --topic and no --group, lists only the groups that read the topic; an unknown topic exits 4', async () => {
    await setOffsets('reads-single', 'single', {0: 45})
    await setOffsets('reads-events', 'events', {0: 30})
    const report = await lag({topics: ['single']})
    expect(report.groups.map((total) => total.group)).toContain('reads-single')
    expect(report.groups.map((total) => total.group)).not.toContain('reads-events')
    expect(report.groups.every((total) => total.partitions > 0 || total.error)).toBe(true)
    // a named group stays, even when it reads nothing of the topic
    expect((await lag({groups: ['reads-events'], topics: ['single']})).groups).toEqual([expect.objectContaining({group: 'reads-events', partitions: 0})])
    const missing = await kctl(['lag', '--topic', 'no-such-topic'])
    expect(missing.code).toBe(4)
    expect(missing.stderr).toContain('no such topic')
  })

  it('exits 4 for an unknown --group', async () => {
    const result = await kctl(['lag', '--group', 'no-such-group'])
    expect(result.code).toBe(4)
    expect(result.stderr).toContain('no such group')
  })
})

describe('kctl lag thresholds', () => {
  it('exits 3 when --max-lag is crossed and 0 when not, with the table still printed', async () => {
    const over = await kctl(['lag', '--group', 'half', '--max-lag', '19'])
    expect(over.code).toBe(3)
    expect(over.stdout).toContain('LOG-END-OFFSET')
    expect(over.stderr).toContain('lag threshold crossed: 2 partitions over the limit')
    const under = await kctl(['lag', '--group', 'half', '--max-lag', '20'])
    expect(under.code).toBe(0)
  })

  it('exits 3 when --max-time-lag is crossed, and -o json stays parseable', async () => {
    const over = await kctl(['lag', '--group', 'half', '--max-time-lag', '1m', '-o', 'json'])
    expect(over.code).toBe(3)
    const parsed = JSON.parse(over.stdout) as LagReport
    expect(parsed.groups[0].lag).toBe(40)
    const under = await kctl(['lag', '--group', 'half', '--max-time-lag', '1h'])
    expect(under.code).toBe(0)
    const bad = await kctl(['lag', '--max-time-lag', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('invalid --max-time-lag')
  })
})

describe('kctl groups', () => {
  it('lists and describes groups with members and decoded assignments', async () => {
    const {consumer} = await consumeSome('described', 'events', 5)
    const rows = await cluster((c) => listGroups(c))
    expect(rows.find((row) => row.group === 'described')).toMatchObject({state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner', members: 1})
    const view = await cluster((c) => describeGroup(c, 'described'))
    expect(view.members).toHaveLength(1)
    expect(view.members[0].assignment).toEqual([{topic: 'events', partitions: [0, 1]}])
    expect(view.offsets.map((row) => row.partition)).toEqual([0, 1])
    expect(view.offsets.reduce((sum, row) => sum + (row.currentOffset ?? 0), 0)).toBe(5)
    const text = await kctl(['groups', 'describe', 'described'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('events:0,1')
    // cannot reset or delete while the consumer is in the group
    const refused = await kctl(['groups', 'reset-offsets', '--group', 'described', '--topic', 'events', '--to-earliest'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('the group has 1 active member')
    const notDeleted = await cluster((c) => deleteGroups(c, ['described']))
    expect(notDeleted[0]).toMatchObject({status: 'failed'})
    expect(notDeleted[0].error).toContain('NON_EMPTY_GROUP')
    await consumer.disconnect()
  })

  it('deletes an empty group with --yes, refuses without it when not on a terminal', async () => {
    await setOffsets('doomed', 'single', {0: 1})
    const unconfirmed = await kctl(['groups', 'delete', 'doomed'])
    expect(unconfirmed.code).toBe(2)
    const deleted = await kctl(['groups', 'delete', 'doomed', '--yes'])
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toMatch(/doomed\s+deleted/)
    const again = await kctl(['groups', 'delete', 'doomed', '--yes'])
    expect(again.code).toBe(4)
  })
})

describe('kctl groups reset-offsets', () => {
  const group = 'resetter'
  // partition 0: offsets 0-9 an hour old, 10-19 new; partition 1: 0-4 new
  const reset = (mode: Parameters<typeof resetOffsets>[1]['mode'], topics: Parameters<typeof resetOffsets>[1]['topics'] = [{topic: 'resets'}], execute = true) =>
    cluster((c) => resetOffsets(c, {group, topics, mode, execute}))
  const current = async () => (await lag({groups: [group]})).rows.sort((a, b) => a.partition - b.partition).map((row) => row.currentOffset)

  it('dry run shows before and after and changes nothing', async () => {
    await setOffsets(group, 'resets', {0: 12, 1: 2})
    const plan = await reset({kind: 'earliest'}, [{topic: 'resets'}], false)
    expect(plan.executed).toBe(false)
    expect(plan.rows.map((row) => [row.partition, row.currentOffset, row.newOffset])).toEqual([[0, 12, 0], [1, 2, 0]])
    expect(await current()).toEqual([12, 2])
    const text = await kctl(['groups', 'reset-offsets', '--group', group, '--topic', 'resets', '--to-latest'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('dry run: nothing changed')
    expect(await current()).toEqual([12, 2])
  })

  it('--to-earliest, --to-latest, --to-offset (clamped), --shift-by, --to-datetime and --by-duration', async () => {
    await reset({kind: 'earliest'})
    expect(await current()).toEqual([0, 0])
    await reset({kind: 'latest'})
    expect(await current()).toEqual([20, 5])
    await reset({kind: 'offset', offset: 7})
    expect(await current()).toEqual([7, 5]) // partition 1 ends at 5
    await reset({kind: 'shift', by: -3})
    expect(await current()).toEqual([4, 2])
    await reset({kind: 'shift', by: 100}, [{topic: 'resets', partitions: [0]}])
    expect(await current()).toEqual([20, 2])
    // 30 minutes ago: partition 0's first new record is offset 10; all of partition 1 is newer
    await reset({kind: 'datetime', timestampMs: Date.now() - 30 * MINUTE_MS})
    expect(await current()).toEqual([10, 0])
    // in the future: nothing that new, so the end
    await reset({kind: 'datetime', timestampMs: Date.now() + MINUTE_MS})
    expect(await current()).toEqual([20, 5])
    const byDuration = await kctl(['groups', 'reset-offsets', '--group', group, '--topic', 'resets:0', '--by-duration', '2h', '--execute', '--yes', '-o', 'json'])
    expect(byDuration.code).toBe(0)
    expect(JSON.parse(byDuration.stdout).rows.map((row: {newOffset: number; status: string}) => [row.newOffset, row.status])).toEqual([[0, 'ok']])
    expect(await current()).toEqual([0, 5])
  })

  it('rejects bad input with usage errors', async () => {
    const noTarget = await kctl(['groups', 'reset-offsets', '--group', group, '--topic', 'resets'])
    expect(noTarget.code).toBe(2)
    const badTopic = await kctl(['groups', 'reset-offsets', '--group', group, '--topic', 'resets:x', '--to-earliest'])
    expect(badTopic.code).toBe(2)
    const missing = await kctl(['groups', 'reset-offsets', '--group', group, '--topic', 'resets:9', '--to-earliest'])
    expect(missing.code).toBe(4)
    const twoModes = await kctl(['groups', 'reset-offsets', '--group', group, '--topic', 'resets', '--to-earliest', '--to-latest'])
    expect(twoModes.code).toBe(2)
    const nothingCommitted = await kctl(['groups', 'reset-offsets', '--group', 'never-committed', '--all-topics', '--to-earliest'])
    expect(nothingCommitted.code).toBe(4)
    const badState = await kctl(['groups', 'list', '--state', 'sleeping'])
    expect(badState.code).toBe(2)
    expect(badState.stderr).toContain('invalid --state "sleeping"')
    const badWatch = await kctl(['lag', '--watch', 'abc'])
    expect(badWatch.code).toBe(2)
    expect(badWatch.stderr).toContain('invalid --watch interval "abc"')
  }, 90_000) // seven kctl processes, each a Node start
})

describe('kctl lag --watch and --serve', () => {
  it('classifies a group with lag and no members as STOP after three samples (one real run)', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'lag', '--group', 'half', '--watch', '200ms', '-o', 'json', '-b', broker().bootstrap], {cwd: root})
    let buffered = ''
    const samples: {trends: {group: string; status: string; complete: boolean}[]}[] = []
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString()
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        samples.push(JSON.parse(buffered.slice(0, newline)))
        buffered = buffered.slice(newline + 1)
      }
    })
    await until(() => samples.length >= 3, 'three watch samples', 30_000)
    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    expect(samples[0].trends[0]).toMatchObject({group: 'half', status: 'OK', complete: false})
    expect(samples[2].trends[0]).toMatchObject({group: 'half', status: 'STOP', complete: true})
  })

  it('keeps one abort listener however many samples it takes (no MaxListenersExceededWarning)', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'lag', '--watch', '100ms', '-o', 'json', '-b', broker().bootstrap], {cwd: root})
    let samples = 0
    let stderr = ''
    child.stdout.on('data', (data: Buffer) => (samples += data.toString().split('\n').length - 1))
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
    await until(() => samples >= 13, 'thirteen watch samples', 25_000)
    child.kill('SIGINT')
    await new Promise((resolve) => child.on('exit', resolve))
    expect(stderr).not.toContain('MaxListenersExceededWarning')
  })

  it('-o yaml: one YAML document per sample', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'lag', '--watch', '100ms', '-o', 'yaml', '-b', broker().bootstrap], {cwd: root})
    let stdout = ''
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()))
    await until(() => (stdout.match(/^sampledAtMs:/gm) ?? []).length >= 3, 'three yaml samples', 25_000)
    child.kill('SIGINT')
    await new Promise((resolve) => child.on('exit', resolve))
    const documents = yaml.loadAll(stdout) as {sampledAtMs: number}[]
    expect(documents.length).toBeGreaterThanOrEqual(3)
    expect(documents[1].sampledAtMs).toBeGreaterThan(documents[0].sampledAtMs)
  })

  it('serves kafka_exporter metrics on loopback', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), 'lag', '--serve', '127.0.0.1:0', '-b', broker().bootstrap], {cwd: root})
    let stderr = ''
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
    await until(() => /serving metrics on (\S+)/.test(stderr), 'the metrics endpoint', 30_000)
    const url = /serving metrics on (\S+)/.exec(stderr)![1]
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    const text = await (await fetch(url)).text()
    child.kill('SIGINT')
    await new Promise((resolve) => child.on('exit', resolve))
    expect(text).toContain('kafka_consumergroup_lag{consumergroup="half",topic="events",partition="0"} 20\n')
    expect(text).toContain('kafka_consumergroup_lag_sum{consumergroup="half",topic="events"} 40\n')
    expect(text).toContain('kafka_topic_partition_current_offset{topic="events",partition="0"} 30\n')
  })
})
