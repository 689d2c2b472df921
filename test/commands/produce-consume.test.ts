// `kctl produce` and `kctl consume` against the bundled broker: record sources, offsets per
// record, format templates, start positions, groups that commit, and Ctrl-C.
import {once} from 'node:events'
import {mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import yaml from 'js-yaml'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl, startKctl} from './kctl.js'

const jsonLines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)

describe('kctl produce and consume', {timeout: 120_000}, () => {
  const broker = useBroker({'group.initial.rebalance.delay.ms': '0'})
  const env = isolatedEnv()
  const b = () => ['-b', broker().bootstrap]

  it('produces a value argument with key and headers, and consume prints it through a template', async () => {
    await kctl(['topics', 'create', 'one', '-p', '1', ...b()], {env})
    const produced = await kctl(['produce', 'one', 'hello world', '-k', 'user-1', '-H', 'source=cli', '-H', 'trace=7', ...b()], {env})
    expect(produced.code).toBe(0)
    expect(produced.stdout).toBe('Produced to partition 0 at offset 0\n')
    const consumed = await kctl(['consume', 'one', '--from-beginning', '--max-messages', '1', '-f', '%t/%p/%o key=%k(%K) value=%v(%S) headers=%h %%\\n', ...b()], {env})
    expect(consumed.code).toBe(0)
    expect(consumed.stdout).toBe('one/0/0 key=user-1(6) value=hello world(11) headers=source=cli,trace=7 %\n')
    expect(consumed.stderr).toBe('Processed a total of 1 messages\n')
    const asYaml = await kctl(['consume', 'one', '--from-beginning', '--max-messages', '1', '-o', 'yaml', ...b()], {env})
    expect(yaml.loadAll(asYaml.stdout)).toMatchObject([{topic: 'one', partition: 0, offset: 0, key: 'user-1', value: 'hello world', headers: {source: 'cli', trace: '7'}}])
  })

  it('produces one record per stdin line and prints partition and offset of each as JSON lines', async () => {
    await kctl(['topics', 'create', 'lines', '-p', '3', ...b()], {env})
    const run = await kctl(['produce', 'lines', '-o', 'json', ...b()], {env, input: 'a\nb\n\nc\r\nd'})
    expect(run.code).toBe(0)
    const results = jsonLines(run.stdout)
    expect(results).toHaveLength(4)
    for (const result of results) expect(Object.keys(result)).toEqual(['topic', 'partition', 'offset', 'timestamp'])
    // Without keys a batch sticks to one partition (as in Java), so each partition's offsets count up from 0.
    const byPartition = new Map<number, number[]>()
    for (const result of results) byPartition.set(result.partition as number, [...(byPartition.get(result.partition as number) ?? []), result.offset as number])
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, index) => index))

    const consumed = await kctl(['consume', 'lines', '--from-beginning', '--max-messages', '4', '-o', 'json', ...b()], {env})
    const records = jsonLines(consumed.stdout)
    expect(records.map((record) => record.value).sort()).toEqual(['a', 'b', 'c', 'd'])
    for (const record of records) {
      expect(Object.keys(record)).toEqual(['topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'headers'])
      const match = results.find((result) => result.partition === record.partition && result.offset === record.offset)
      expect(match?.timestamp).toBe(record.timestamp)
    }
  })

  it('produces JSON records shaped like the seed message format, from a file, with keys split by a separator', async () => {
    await kctl(['topics', 'create', 'json-in', '-p', '2', ...b()], {env})
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-produce-'))
    const file = path.join(dir, 'records.json')
    writeFileSync(
      file,
      JSON.stringify(
        {key: 'user-123', value: {userId: 'user-123', action: 'login'}, headers: {'correlation-id': 'req-456', 'content-type': 'application/json'}},
        null,
        2,
      ),
    )
    const run = await kctl(['produce', 'json-in', '--format', 'json', '--file', file, '-o', 'yaml', ...b()], {env})
    expect(run.code).toBe(0)
    const [result] = yaml.loadAll(run.stdout) as {partition: number; offset: number}[]
    expect(result.offset).toBe(0)

    const lines = path.join(dir, 'keyed.txt')
    writeFileSync(lines, 'user-123:second\n')
    expect((await kctl(['produce', 'json-in', '--file', lines, '-K', ':', ...b()], {env})).stdout).toBe(`Produced to partition ${result.partition} at offset 1\n`)

    const consumed = await kctl(['consume', 'json-in', '-p', String(result.partition), '--offset', 'earliest', '--max-messages', '2', '-o', 'json', ...b()], {env})
    const records = jsonLines(consumed.stdout)
    expect(records[0]).toMatchObject({
      partition: result.partition,
      offset: 0,
      key: 'user-123',
      value: '{"userId":"user-123","action":"login"}',
      headers: {'correlation-id': 'req-456', 'content-type': 'application/json'},
    })
    expect(records[1]).toMatchObject({offset: 1, key: 'user-123', value: 'second', headers: {}})
  })

  it('sends gzip batches and acks=0 records (whose offsets nobody reports)', async () => {
    await kctl(['topics', 'create', 'codecs', '-p', '1', ...b()], {env})
    const gzip = await kctl(['produce', 'codecs', '--compression', 'gzip', '-o', 'json', ...b()], {env, input: 'x\ny\n'})
    expect(jsonLines(gzip.stdout).map((result) => result.offset)).toEqual([0, 1])
    const fireAndForget = await kctl(['produce', 'codecs', 'z', '--acks', '0', '-o', 'json', ...b()], {env})
    expect(jsonLines(fireAndForget.stdout)).toMatchObject([{topic: 'codecs', partition: 0, offset: null}])
    const consumed = await kctl(['consume', 'codecs', '--from-beginning', '--max-messages', '3', '-f', '%o=%v\n', ...b()], {env})
    expect(consumed.stdout).toBe('0=x\n1=y\n2=z\n')
  })

  it('rejects malformed JSON records and unknown topics or partitions before sending', async () => {
    const bad = await kctl(['produce', 'json-in', '--format', 'json', ...b()], {env, input: '{"key": "a", "value": 1}\n{"key": "a", "vlaue": 1}\n'})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error: invalid JSON record in line 2: unknown field "vlaue"/)
    const unknown = await kctl(['produce', 'nowhere', 'x', ...b()], {env})
    expect(unknown.code).toBe(4)
    expect(unknown.stderr).toMatch(/^error: unable to produce to topic nowhere: topic nowhere does not exist/)
    const partition = await kctl(['produce', 'json-in', 'x', '-p', '9', ...b()], {env})
    expect(partition.code).toBe(4)
    expect(partition.stderr).toMatch(/partition 9 does not exist \(the topic has 2\)/)
    const consumeUnknown = await kctl(['consume', 'nowhere', '--timeout', '1s', ...b()], {env})
    expect(consumeUnknown.code).toBe(4)
  })

  it('refuses a VALUE beside --file, and a --file that does not exist, as one-line usage errors', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-produce-'))
    const file = path.join(dir, 'records.txt')
    writeFileSync(file, 'from-file\n')
    const both = await kctl(['produce', 'json-in', 'from-arg', '--file', file, ...b()], {env})
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/^error: unable to produce: both a VALUE argument and --file given\nhint: /)
    expect(both.stdout).toBe('')
    const missing = await kctl(['produce', 'json-in', '--file', path.join(dir, 'absent.txt'), ...b()], {env})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(`error: invalid --file: No file found at ${path.join(dir, 'absent.txt')}\nhint: see \`kctl produce --help\`\n`)
  })

  it('prints keys and values that are not UTF-8 as base64, marked, in -o json', async () => {
    await kctl(['topics', 'create', 'binary', '-p', '1', ...b()], {env})
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x61])
    // kafkajs stands in for a producer of binary payloads (Avro, Protobuf).
    const {Kafka, logLevel} = await import('kafkajs')
    const producer = new Kafka({brokers: [broker().bootstrap], logLevel: logLevel.NOTHING}).producer()
    await producer.connect()
    await producer.send({topic: 'binary', messages: [{key: Buffer.from([0xc3, 0x28]), value: bytes}, {key: 'text', value: 'plain'}]})
    await producer.disconnect()
    const consumed = await kctl(['consume', 'binary', '--from-beginning', '--max-messages', '2', '-o', 'json', ...b()], {env})
    expect(consumed.code).toBe(0)
    const [binary, text] = jsonLines(consumed.stdout)
    expect(binary).toMatchObject({key: 'wyg=', keyEncoding: 'base64', valueEncoding: 'base64'})
    expect(Buffer.from(binary.value as string, 'base64')).toEqual(bytes)
    expect(Object.keys(text)).toEqual(['topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'headers'])
  })

  it('starts at an offset, N before the end, or a timestamp, and stops after --timeout idle', async () => {
    await kctl(['topics', 'create', 'pos', '-p', '1', ...b()], {env})
    await kctl(['produce', 'pos', ...b()], {env, input: '0\n1\n2\n3\n4\n'})
    const values = async (...args: string[]) => (await kctl(['consume', 'pos', '--timeout', '1500ms', ...args, ...b()], {env})).stdout.split('\n').filter(Boolean)
    expect(await values('--offset', '3')).toEqual(['3', '4'])
    expect(await values('--offset', '-2')).toEqual(['3', '4'])
    expect(await values('--offset', 'latest')).toEqual([])
    expect(await values('--from-beginning', '--max-messages', '2')).toEqual(['0', '1'])
    const future = String(Date.now() + 60_000)
    expect(await values('--from-timestamp', future)).toEqual([])
    expect(await values('--from-timestamp', '0', '-f', '%o\\n')).toEqual(['0', '1', '2', '3', '4'])
    const badOffset = await kctl(['consume', 'pos', '--offset', 'soon', ...b()], {env})
    expect(badOffset.code).toBe(2)
    const groupAndPartition = await kctl(['consume', 'pos', '-g', 'x', '-p', '0', ...b()], {env})
    expect(groupAndPartition.code).toBe(2)
  })

  it('with --group resumes from committed offsets and commits on Ctrl-C, exiting 130', async () => {
    await kctl(['topics', 'create', 'grouped', '-p', '2', ...b()], {env})
    await kctl(['produce', 'grouped', ...b()], {env, input: 'a\nb\nc\nd\n'})
    const first = await kctl(['consume', 'grouped', '-g', 'readers', '--from-beginning', '--max-messages', '3', ...b()], {env})
    expect(first.code).toBe(0)
    expect(first.stdout.split('\n').filter(Boolean)).toHaveLength(3)

    const {child, result} = startKctl(['consume', 'grouped', '-g', 'readers', '-o', 'json', ...b()], {env})
    let seen = ''
    child.stdout?.on('data', (chunk) => (seen += chunk))
    // The one record the first run left is printed once the member has joined; then Ctrl-C.
    while (!seen.includes('\n')) await once(child.stdout as NodeJS.ReadableStream, 'data')
    child.kill('SIGINT')
    const interrupted = await result
    expect(interrupted.code).toBe(130)
    expect(jsonLines(interrupted.stdout)).toHaveLength(1)
    expect(interrupted.stderr).toBe('Processed a total of 1 messages\n')

    await kctl(['produce', 'grouped', 'e', ...b()], {env})
    const resumed = await kctl(['consume', 'grouped', '-g', 'readers', '--from-beginning', '--timeout', '1500ms', ...b()], {env})
    expect(resumed.stdout).toBe('e\n')
  })

  it('joins no consumer group when reading without --group', async () => {
    await kctl(['consume', 'pos', '--from-beginning', '--max-messages', '1', ...b()], {env})
    const {Kafka, logLevel} = await import('kafkajs')
    const admin = new Kafka({brokers: [broker().bootstrap], logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    const {groups} = await admin.listGroups()
    await admin.disconnect()
    expect(groups.map((group) => group.groupId)).toEqual(['readers'])
  })
})
