// `kctl topics ...` against the bundled broker, in all three output formats, with the error
// paths (unknown topic 4, refused confirmation 2, bad flags 2, failed rows 1).
import yaml from 'js-yaml'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl, kctlJson} from './kctl.js'

describe('kctl topics', {timeout: 120_000}, () => {
  const broker = useBroker({'group.initial.rebalance.delay.ms': '0'})
  const env = isolatedEnv()
  const b = () => ['-b', broker().bootstrap]

  it('creates topics, one row each, in table, json and yaml', async () => {
    const table = await kctl(['topics', 'create', 't-table', '-p', '3', '-r', '1', ...b()], {env})
    expect(table.code).toBe(0)
    expect(table.stdout).toBe('TOPIC    STATUS   PARTITIONS  RF  ERROR\nt-table  created  3           1   -\n')

    const rows = await kctlJson(['topics', 'create', 't-json-a', 't-json-b', '-p', '2', '-c', 'retention.ms=3600000', ...b()], {env})
    expect(rows).toEqual([
      {topic: 't-json-a', status: 'created', error: null, partitions: 2, replicationFactor: 1},
      {topic: 't-json-b', status: 'created', error: null, partitions: 2, replicationFactor: 1},
    ])

    const yamlRun = await kctl(['topics', 'create', 't-yaml', '--profile', 'single', '-o', 'yaml', ...b()], {env})
    expect(yamlRun.code).toBe(0)
    expect(yaml.load(yamlRun.stdout)).toEqual([{topic: 't-yaml', status: 'created', error: null, partitions: 1, replicationFactor: 1}])
  })

  it('validates without creating with --dry-run', async () => {
    expect(await kctlJson(['topics', 'create', 'dry', '-p', '2', '--dry-run', ...b()], {env})).toEqual([
      {topic: 'dry', status: 'validated', error: null, partitions: 2, replicationFactor: 1},
    ])
    expect((await kctl(['topics', 'describe', 'dry', ...b()], {env})).code).toBe(4)
  })

  it('reports existing topics as "exists" with --if-not-exists, and as a failed row (exit 1) without', async () => {
    expect(await kctlJson(['topics', 'create', 't-table', 't-new', '--if-not-exists', ...b()], {env})).toEqual([
      // t-table was created with 3 partitions: the row shows the topic as it is, not the request.
      {topic: 't-table', status: 'exists', error: null, partitions: 3, replicationFactor: 1},
      {topic: 't-new', status: 'created', error: null, partitions: 1, replicationFactor: 1},
    ])
    const again = await kctl(['topics', 'create', 't-table', 't-other', ...b()], {env})
    expect(again.code).toBe(1)
    expect(again.stdout).toMatch(/^t-table\s+failed\s+1\s+1\s+TOPIC_ALREADY_EXISTS/m)
    expect(again.stdout).toMatch(/^t-other\s+created/m)
    expect(again.stderr).toMatch(/^error: unable to create 1 of 2 topics: TOPIC_ALREADY_EXISTS/)
    expect(again.stderr).toContain('hint: pass --if-not-exists')
  })

  it('checks replication factor and min.insync.replicas before sending', async () => {
    const ha = await kctl(['topics', 'create', 't-ha', '--profile', 'ha', ...b()], {env})
    expect(ha.code).toBe(1)
    expect(ha.stderr).toBe(
      'error: unable to create topic t-ha: replication factor 3 exceeds the 1 live broker\nhint: use --replication-factor 1 or --profile single on a single broker\n',
    )
    const minIsr = await kctl(['topics', 'create', 't-isr', '-c', 'min.insync.replicas=2', ...b()], {env})
    expect(minIsr.code).toBe(1)
    expect(minIsr.stderr).toMatch(/^error: unable to create topic t-isr: min.insync.replicas 2 exceeds replication factor 1\n/)
    const list = await kctlJson<{name: string}[]>(['topics', 'list', ...b()], {env})
    expect(list.map((row) => row.name)).not.toContain('t-ha')
    expect(list.map((row) => row.name)).not.toContain('t-isr')
  })

  it('lists topics in table, json and yaml', async () => {
    await kctl(['topics', 'create', 'list-me', '-p', '4', ...b()], {env})
    const table = await kctl(['topics', 'list', ...b()], {env})
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+PARTITIONS\s+RF\s+UNDER-REPLICATED\s+OFFLINE$/)
    expect(table.stdout).toMatch(/^list-me\s+4\s+1\s+0\s+0$/m)
    const rows = await kctlJson<Record<string, unknown>[]>(['topics', 'list', ...b()], {env})
    expect(rows.find((row) => row.name === 'list-me')).toEqual({name: 'list-me', partitions: 4, replicationFactor: 1, underReplicatedPartitions: 0, offlinePartitions: 0, internal: false})
    expect(rows.map((row) => row.name)).toEqual([...rows.map((row) => row.name)].sort())
    const yamlRun = await kctl(['topics', 'list', '-o', 'yaml', ...b()], {env})
    expect(yaml.load(yamlRun.stdout)).toEqual(rows)
  })

  it('describes partitions and non-default configs with their source; unknown topics exit 4', async () => {
    await kctl(['topics', 'create', 'desc', '-p', '2', '-c', 'retention.bytes=1048576', ...b()], {env})
    await kctl(['produce', 'desc', 'v', '-p', '1', ...b()], {env})
    const view = await kctlJson<Record<string, unknown>>(['topics', 'describe', 'desc', ...b()], {env})
    expect(view).toMatchObject({
      name: 'desc',
      partitionCount: 2,
      replicationFactor: 1,
      partitions: [
        {partition: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], underReplicated: false, logStartOffset: 0, highWatermark: 0},
        {partition: 1, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], underReplicated: false, logStartOffset: 0, highWatermark: 1},
      ],
    })
    expect(view.configs).toContainEqual({name: 'retention.bytes', value: '1048576', source: 'DYNAMIC_TOPIC_CONFIG', sensitive: false, readOnly: false})
    const table = await kctl(['topics', 'describe', 'desc', ...b()], {env})
    expect(table.stdout).toMatch(/^PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+OFFLINE-REPLICAS\s+LOG-START-OFFSET\s+HIGH-WATERMARK$/m)
    expect(table.stdout).toMatch(/^1\s+1\s+1\s+1\s+-\s+0\s+1$/m)
    expect(table.stdout).toMatch(/^retention\.bytes\s+1048576\s+DYNAMIC_TOPIC_CONFIG$/m)
    const yamlRun = await kctl(['topics', 'describe', 'desc', '-o', 'yaml', ...b()], {env})
    expect(yaml.load(yamlRun.stdout)).toEqual(view)

    const missing = await kctl(['topics', 'describe', 'no-such-topic', ...b()], {env})
    expect(missing.code).toBe(4)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toBe(
      'error: unable to describe topic no-such-topic: topic no-such-topic does not exist (UNKNOWN_TOPIC_OR_PARTITION)\nhint: check the name with `kctl topics list`\n',
    )
  })

  it('alters configs only with --yes off a terminal, one row per change', async () => {
    await kctl(['topics', 'create', 'alter-me', '-c', 'retention.ms=1000', ...b()], {env})
    const refused = await kctl(['topics', 'alter', 'alter-me', '-c', 'segment.bytes=1048576', ...b()], {env, input: 'y\n'})
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/^error: refusing to alter topic alter-me without confirmation: stdin is not a terminal\nhint: pass --yes to confirm\n$/)

    const rows = await kctlJson(['topics', 'alter', 'alter-me', '-c', 'segment.bytes=1048576', '--delete-config', 'retention.ms', '--yes', ...b()], {env})
    expect(rows).toEqual([
      {topic: 'alter-me', config: 'segment.bytes', action: 'set', value: '1048576', status: 'altered', error: null},
      {topic: 'alter-me', config: 'retention.ms', action: 'delete', value: null, status: 'altered', error: null},
    ])
    const configs = (await kctlJson<{configs: {name: string; value: string; source: string}[]}>(['topics', 'describe', 'alter-me', ...b()], {env})).configs
    expect(configs.filter((entry) => entry.source === 'DYNAMIC_TOPIC_CONFIG').map((entry) => [entry.name, entry.value])).toEqual([['segment.bytes', '1048576']])

    const overRf = await kctl(['topics', 'alter', 'alter-me', '-c', 'min.insync.replicas=2', '--yes', ...b()], {env})
    expect(overRf.code).toBe(1)
    expect(overRf.stderr).toMatch(/min.insync.replicas 2 exceeds its replication factor 1/)
    const nothing = await kctl(['topics', 'alter', 'alter-me', '--yes', ...b()], {env})
    expect(nothing.code).toBe(2)
    const table = await kctl(['topics', 'alter', 'alter-me', '-c', 'retention.ms=5000', '--yes', ...b()], {env})
    expect(table.stdout).toBe('TOPIC     CONFIG        ACTION  VALUE  STATUS   ERROR\nalter-me  retention.ms  set     5000   altered  -\n')
  })

  it('adds partitions with --yes and reports unknown topics as rows (exit 4)', async () => {
    await kctl(['topics', 'create', 'grow', '-p', '2', ...b()], {env})
    const rows = await kctlJson(['topics', 'add-partitions', 'grow', '-n', '3', '--yes', ...b()], {env})
    expect(rows).toEqual([{topic: 'grow', status: 'altered', error: null, partitions: 5, added: 3}])
    expect((await kctlJson<{partitionCount: number}>(['topics', 'describe', 'grow', ...b()], {env})).partitionCount).toBe(5)
    const mixed = await kctl(['topics', 'add-partitions', 'grow', 'ghost', '-n', '1', '--yes', '-o', 'yaml', ...b()], {env})
    expect(mixed.code).toBe(4)
    expect(yaml.load(mixed.stdout)).toEqual([
      {topic: 'grow', status: 'altered', error: null, partitions: 6, added: 1},
      {topic: 'ghost', status: 'failed', error: 'UNKNOWN_TOPIC_OR_PARTITION: topic does not exist', partitions: 0, added: 0},
    ])
    const refused = await kctl(['topics', 'add-partitions', 'grow', '-n', '1', ...b()], {env})
    expect(refused.code).toBe(2)
  })

  it('deletes only with --yes off a terminal; patterns list the matches first', async () => {
    await kctl(['topics', 'create', 'tmp-1', 'tmp-2', 'keep-1', ...b()], {env})
    const refused = await kctl(['topics', 'delete', 'tmp-1', ...b()], {env, input: 'y\n'})
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('refusing to delete topic tmp-1 without confirmation')
    expect((await kctlJson<{name: string}[]>(['topics', 'list', ...b()], {env})).map((row) => row.name)).toContain('tmp-1')

    const pattern = await kctl(['topics', 'delete', 'tmp-*', '--yes', ...b()], {env})
    expect(pattern.code).toBe(0)
    expect(pattern.stderr).toMatch(/^NAME\s+PARTITIONS\s+RF\s+UNDER-REPLICATED\s+OFFLINE\ntmp-1\s.*\ntmp-2\s/)
    expect(pattern.stdout).toBe('TOPIC  STATUS   ERROR\ntmp-1  deleted  -\ntmp-2  deleted  -\n')
    const names = (await kctlJson<{name: string}[]>(['topics', 'list', ...b()], {env})).map((row) => row.name)
    expect(names).toContain('keep-1')
    expect(names).not.toContain('tmp-1')

    const regex = await kctlJson(['topics', 'delete', 'keep-\\d', '--regex', '--yes', ...b()], {env})
    expect(regex).toEqual([{topic: 'keep-1', status: 'deleted', error: null}])

    const missing = await kctl(['topics', 'delete', 'never-there', '--yes', ...b()], {env})
    expect(missing.code).toBe(4)
    expect(missing.stdout).toMatch(/^never-there\s+failed\s+UNKNOWN_TOPIC_OR_PARTITION/m)
    const noMatch = await kctl(['topics', 'delete', 'zzz-*', '--yes', ...b()], {env})
    expect(noMatch.code).toBe(4)
    expect(noMatch.stderr).toMatch(/no topic matches zzz-\*/)
  })

  it('rejects bad flags with exit 2 and one line', async () => {
    const bad = await kctl(['topics', 'create', 'x', '--partitions', 'many', ...b()], {env})
    expect(bad.code).toBe(2)
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(2)
    const unknown = await kctl(['topics', 'list', '--bogus', ...b()], {env})
    expect(unknown.code).toBe(2)
    const badConfig = await kctl(['topics', 'create', 'x', '-c', 'novalue', ...b()], {env})
    expect(badConfig.code).toBe(2)
    expect(badConfig.stderr).toMatch(/invalid --config "novalue"/)
  })
})
