// `kctl configs ...` (broker configs) against the bundled broker: set, describe and delete a
// dynamic config of one broker and of the cluster-wide defaults, in table and json, a
// read-only key refused with Kafka's error (exit 1), an unknown broker id (exit 4).
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl, kctlJson} from './kctl.js'

describe('kctl configs', {timeout: 120_000}, () => {
  const broker = useBroker()
  const env = isolatedEnv()
  const b = () => ['-b', broker().bootstrap]

  it('sets, describes and deletes a broker config', async () => {
    const set = await kctl(['configs', 'set', 'log.retention.ms=7200000', 'num.io.threads=4', '--broker', '1', '--yes', ...b()], {env})
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    expect(set.stdout).toBe(
      [
        'ENTITY  CONFIG            ACTION  VALUE    STATUS   ERROR',
        '1       log.retention.ms  set     7200000  altered  -',
        '1       num.io.threads    set     4        altered  -',
        '',
      ].join('\n'),
    )
    const rows = await kctlJson<{name: string; value: string; source: string; readOnly: boolean}[]>(['configs', 'describe', '--broker', '1', ...b()], {env})
    expect(rows.map(({name, value, source, readOnly}) => ({name, value, source, readOnly}))).toEqual([
      {name: 'log.retention.ms', value: '7200000', source: 'DYNAMIC_BROKER_CONFIG', readOnly: false},
      {name: 'num.io.threads', value: '4', source: 'DYNAMIC_BROKER_CONFIG', readOnly: false},
    ])
    const table = await kctl(['configs', 'describe', 'log.retention.ms', 'node.id', '--broker', '1', ...b()], {env})
    expect(table.stdout).toBe(
      ['NAME              VALUE    SOURCE                 READ-ONLY', 'log.retention.ms  7200000  DYNAMIC_BROKER_CONFIG  no', 'node.id           1        DEFAULT_CONFIG         yes', ''].join('\n'),
    )

    const deleted = await kctlJson<{status: string}[]>(['configs', 'delete', 'log.retention.ms', 'num.io.threads', '--broker', '1', '--yes', ...b()], {env})
    expect(deleted.map((row) => row.status)).toEqual(['altered', 'altered'])
    expect((await kctl(['configs', 'describe', '--broker', '1', ...b()], {env})).stdout).toBe('no dynamic configs (kctl configs describe --all lists every config)\n')
  })

  it('sets the cluster-wide defaults', async () => {
    expect((await kctl(['configs', 'set', 'log.segment.bytes=2097152', '--broker-defaults', '--yes', ...b()], {env})).code).toBe(0)
    const defaults = await kctlJson<{name: string; source: string}[]>(['configs', 'describe', '--broker-defaults', ...b()], {env})
    expect(defaults.map((row) => [row.name, row.source])).toEqual([['log.segment.bytes', 'DYNAMIC_DEFAULT_BROKER_CONFIG']])
    const all = await kctlJson<{name: string; source: string; synonyms: {source: string}[]}[]>(['configs', 'describe', '--broker', '1', '--all', ...b()], {env})
    const segment = all.find((row) => row.name === 'log.segment.bytes')!
    expect(segment.synonyms.map((s) => s.source)).toEqual(['DYNAMIC_DEFAULT_BROKER_CONFIG', 'DEFAULT_CONFIG'])
    expect((await kctl(['configs', 'delete', 'log.segment.bytes', '--broker-defaults', '--yes', ...b()], {env})).code).toBe(0)
  })

  it('refuses a read-only key with Kafka\'s error, an unknown broker with exit 4, a missing entity with exit 2', async () => {
    const refused = await kctl(['configs', 'set', 'node.id=5', '--broker', '1', '--yes', ...b()], {env})
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('INVALID_REQUEST: Cannot update these configs dynamically: Set(node.id)')
    const unknown = await kctl(['configs', 'describe', '--broker', '9', ...b()], {env})
    expect(unknown.code).toBe(4)
    expect(unknown.stderr).toContain('broker 9 is not in the cluster')
    const missing = await kctl(['configs', 'describe', ...b()], {env})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('pass --broker ID or --broker-defaults')
    const unconfirmed = await kctl(['configs', 'delete', 'log.retention.ms', '--broker', '1', ...b()], {env})
    expect(unconfirmed.code).toBe(2)
  })
})
