// `kctl cluster describe` and `kctl context ...`, and how commands find their cluster: -b,
// KCTL_BOOTSTRAP_SERVER, contexts, the running bundled broker, or a clear error.
import {mkdirSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import yaml from 'js-yaml'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl, kctlJson} from './kctl.js'

describe('kctl cluster describe', {timeout: 120_000}, () => {
  const broker = useBroker()
  const env = isolatedEnv()

  it('shows cluster id, controller, brokers and API versions in table, json and yaml', async () => {
    const view = await kctlJson<{clusterId: string; controller: number; brokers: unknown[]; apiVersions: {apiKey: number; name: string; kctlVersion: number | null}[]}>(
      ['cluster', 'describe', '-b', broker().bootstrap],
      {env},
    )
    expect(view.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(view.controller).toBe(1)
    expect(view.brokers).toEqual([{nodeId: 1, host: '127.0.0.1', port: broker().port, rack: null, controller: true}])
    expect(view.apiVersions.find((api) => api.apiKey === 3)).toEqual({apiKey: 3, name: 'Metadata', minVersion: 0, maxVersion: 13, kctlVersion: 13})
    expect(view.apiVersions.find((api) => api.apiKey === 60)).toMatchObject({name: 'DescribeCluster', kctlVersion: 2})

    const table = await kctl(['cluster', 'describe', '-b', broker().bootstrap], {env})
    expect(table.stdout).toContain(`CLUSTER-ID  ${view.clusterId}\nCONTROLLER  1\nBROKERS     1\n`)
    expect(table.stdout).toMatch(new RegExp(`^1\\s+127\\.0\\.0\\.1\\s+${broker().port}\\s+-\\s+yes$`, 'm'))
    expect(table.stdout).toMatch(/^\s+3\s+Metadata\s+0\s+13\s+v13$/m)
    const yamlRun = await kctl(['cluster', 'describe', '-o', 'yaml', '-b', broker().bootstrap], {env})
    expect(yaml.load(yamlRun.stdout)).toEqual(view)
  })

  it('fails fast with one line naming the address when nothing listens there', async () => {
    const run = await kctl(['cluster', 'describe', '-b', '127.0.0.1:1'], {env})
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      'error: unable to describe the cluster: cannot connect to 127.0.0.1:1 (ECONNREFUSED 127.0.0.1:1)\nhint: check that a broker listens there (address from --bootstrap-server); for a local one run `kctl broker start --detach`\n',
    )
  })

  it('gives up on a listener that never answers after the connect timeout, with one line', async () => {
    const silent = net.createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const address = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`
    try {
      const run = await kctl(['topics', 'list', '-b', address], {env})
      expect(run.code).toBe(1)
      expect(run.stderr).toBe(
        `error: unable to list topics: cannot connect to ${address} within 5000 ms\nhint: check the address (from --bootstrap-server), firewalls, and that security.protocol matches the listener\n`,
      )
    } finally {
      silent.close()
    }
  })

  it('says how to start the bundled broker when no cluster is configured', async () => {
    const run = await kctl(['topics', 'list'], {env})
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^error: unable to list topics: no cluster given and the bundled broker is not running\nhint: start it with `kctl broker start --detach`/)
  })

  it('finds the cluster through KCTL_BOOTSTRAP_SERVER and the running bundled broker', async () => {
    const viaEnv = await kctl(['topics', 'list', '-o', 'json'], {env: {...env, KCTL_BOOTSTRAP_SERVER: broker().bootstrap}})
    expect(viaEnv.code).toBe(0)
    const dataDir = path.join(isolatedEnv().KCTL_BROKER_DATA_DIR)
    mkdirSync(dataDir, {recursive: true})
    // broker.json as `kctl broker start` writes it; this test process's pid is alive.
    writeFileSync(path.join(dataDir, 'broker.json'), JSON.stringify({pid: process.pid, host: '127.0.0.1', port: broker().port}))
    const viaBundled = await kctl(['cluster', 'describe', '-o', 'json'], {env: {...env, KCTL_BROKER_DATA_DIR: dataDir}})
    expect(viaBundled.code).toBe(0)
    expect(JSON.parse(viaBundled.stdout).brokers[0].port).toBe(broker().port)
  })
})

describe('kctl context', {timeout: 120_000}, () => {
  const broker = useBroker()
  const env = isolatedEnv()

  it('adds, lists, switches and deletes contexts in all three formats, never showing secrets', async () => {
    const added = await kctlJson(['context', 'add', 'local', '-b', broker().bootstrap], {env})
    expect(added).toEqual({name: 'local', current: true, bootstrapServers: [broker().bootstrap], saslMechanism: null, username: null, passwordFrom: null, tls: false, commandConfig: null})
    const prod = await kctl(
      ['context', 'add', 'prod', '-b', 'kafka-1:9093,kafka-2:9093', '--sasl-mechanism', 'SCRAM-SHA-512', '--username', 'ops', '--password-env', 'PROD_PASSWORD', '--tls'],
      {env: {...env, PROD_PASSWORD: 'hunter2'}},
    )
    expect(prod.code).toBe(0)
    expect(prod.stdout).toMatch(/^\s+prod\s+kafka-1:9093,kafka-2:9093\s+SCRAM-SHA-512\s+ops\s+env:PROD_PASSWORD\s+yes\s+-$/m)

    const table = await kctl(['context', 'list'], {env: {...env, PROD_PASSWORD: 'hunter2'}})
    expect(table.stdout.split('\n')[0]).toMatch(/^CURRENT\s+NAME\s+BOOTSTRAP\s+SASL\s+USER\s+PASSWORD-FROM\s+TLS\s+COMMAND-CONFIG$/)
    expect(table.stdout).toMatch(/^\*\s+local\s/m)
    expect(table.stdout).not.toContain('hunter2')
    const rows = await kctlJson<{name: string; current: boolean}[]>(['context', 'list'], {env})
    expect(rows.map((row) => [row.name, row.current])).toEqual([
      ['local', true],
      ['prod', false],
    ])
    const yamlRows = await kctl(['context', 'list', '-o', 'yaml'], {env})
    expect(yaml.load(yamlRows.stdout)).toEqual(rows)

    expect((await kctlJson<{current: boolean}>(['context', 'use', 'prod'], {env})).current).toBe(true)
    expect((await kctl(['context', 'use', 'nope'], {env})).code).toBe(4)
    const refused = await kctl(['context', 'delete', 'prod'], {env, input: 'y\n'})
    expect(refused.code).toBe(2)
    expect(await kctlJson(['context', 'delete', 'prod', '--yes'], {env})).toEqual({name: 'prod', status: 'deleted'})
    expect((await kctlJson<{name: string}[]>(['context', 'list'], {env})).map((row) => row.name)).toEqual(['local'])
  })

  it('connects through the current context, --context and KCTL_CONTEXT', async () => {
    const contextEnv = isolatedEnv()
    await kctl(['context', 'add', 'good', '-b', broker().bootstrap], {env: contextEnv})
    await kctl(['context', 'add', 'dead', '-b', '127.0.0.1:1'], {env: contextEnv})
    expect((await kctl(['topics', 'list'], {env: contextEnv})).code).toBe(0)
    const dead = await kctl(['topics', 'list', '--context', 'dead'], {env: contextEnv})
    expect(dead.code).toBe(1)
    expect(dead.stderr).toContain('(address from context dead)')
    expect((await kctl(['topics', 'list'], {env: {...contextEnv, KCTL_CONTEXT: 'dead'}})).code).toBe(1)
    expect((await kctl(['topics', 'list', '--context', 'missing'], {env: contextEnv})).code).toBe(4)
  })

  it('refuses SASL contexts without a password source, and passwords as arguments', async () => {
    const run = await kctl(['context', 'add', 'x', '-b', 'h:1', '--sasl-mechanism', 'PLAIN', '--username', 'u'], {env})
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('passwords are never stored in the config file')
    expect((await kctl(['context', 'add', 'x', '-b', 'h:1', '--password', 'secret'], {env})).code).toBe(2)
  })

  it('refuses a context whose bootstrap servers are not host:port, and saves nothing', async () => {
    const run = await kctl(['context', 'add', 'no-port', '-b', 'kafka-1'], {env})
    expect(run.code).toBe(2)
    expect(run.stderr).toBe('error: unable to add context no-port: invalid bootstrap servers "kafka-1"\nhint: use host:port[,host:port], e.g. 127.0.0.1:9092\n')
    expect((await kctl(['context', 'list', '-o', 'json'], {env})).stdout).not.toContain('no-port')
  })
})
