// What a multi-node Kafka cluster does to kctl (issue #17), played by the fault proxy
// (test/helpers/fault-proxy.ts) in front of the bundled broker: metadata that has not heard of
// a topic yet, leaders not elected yet or moved, a controller that moved, a node that is down,
// a coordinator that moved. kctl runs as a user runs it (test/commands/kctl.ts) against the
// proxy's addresses; what landed in the broker is read back with kcat on the broker itself.
import {afterEach, describe, expect, it} from 'vitest'
import {KafkaClient, throwIfError} from '../../src/kafka/client/index.js'
import {isolatedEnv, kctl} from '../commands/kctl.js'
import {useBroker} from '../helpers/broker.js'
import {FaultProxy, type FaultProxyOptions} from '../helpers/fault-proxy.js'
import {kcat} from '../interop/clients.js'

describe('kctl on a cluster that moves (fault proxy)', {timeout: 240_000}, () => {
  const broker = useBroker({'auto.create.topics.enable': 'false', 'group.initial.rebalance.delay.ms': '0', 'num.partitions': '2'})
  const env = isolatedEnv()
  const proxies: FaultProxy[] = []
  const clients: KafkaClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()))
  })
  const proxy = async (options: Omit<FaultProxyOptions, 'target'> = {}) => {
    const started = await FaultProxy.start({target: {host: '127.0.0.1', port: broker().port}, ...options})
    proxies.push(started)
    return started
  }
  /** Three nodes on three racks, all served by the one broker. */
  const threeNodes = (down: number[] = []) => [1, 2, 3].map((nodeId) => ({nodeId, rack: `rack-${'abc'[nodeId - 1]}`, down: down.includes(nodeId)}))
  const partitionsOf = async (topic: string) => {
    const listing = JSON.parse(await kcat(['-b', broker().bootstrap, '-L', '-t', topic, '-J'])) as {topics: {topic: string; partitions: unknown[]}[]}
    return listing.topics.find((entry) => entry.topic === topic)?.partitions.length ?? 0
  }

  it('topics create succeeds while Metadata does not know the new topic yet, exit 0 (issue #17)', async () => {
    const cluster = await proxy({nodes: threeNodes()})
    cluster.fail({apiKey: 3, times: 5, topicError: 'UNKNOWN_TOPIC_OR_PARTITION', topics: ['sec']})
    const run = await kctl(['topics', 'create', 'sec', '-p', '3', '-r', '1', '-b', cluster.bootstrap], {env})
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^sec\s+created\s+3\s+1\s+-$/m)
    // Every scripted UNKNOWN_TOPIC_OR_PARTITION was served, and kctl read on past them.
    expect(cluster.requests.filter((request) => request.apiKey === 3 && request.faulted)).toHaveLength(5)
    expect(await partitionsOf('sec')).toBe(3)
  })

  it('reports "created, leaders not yet elected" with exit 0 when no leader shows up within the bound', async () => {
    const cluster = await proxy({nodes: threeNodes()})
    cluster.fail({apiKey: 3, times: Number.POSITIVE_INFINITY, leaderless: true, topics: ['unled']})
    const run = await kctl(['topics', 'create', 'unled', '-p', '2', '-r', '1', '-o', 'json', '-b', cluster.bootstrap], {env})
    expect(run.code).toBe(0)
    // The json shape is the usual one; the news goes to stderr.
    expect(JSON.parse(run.stdout)).toEqual([{topic: 'unled', status: 'created', error: null, partitions: 2, replicationFactor: 1}])
    expect(run.stderr).toMatch(/^note: topic unled created, leaders not yet elected after 10 s/)
    expect(await partitionsOf('unled')).toBe(2)
  })

  it('sends CreateTopics again after NOT_CONTROLLER, and add-partitions waits out a lagging Metadata', async () => {
    const cluster = await proxy({nodes: threeNodes()})
    cluster.fail({apiKey: 19, times: 1, topicError: 'NOT_CONTROLLER'})
    const created = await kctl(['topics', 'create', 'moved', '-p', '1', '-r', '1', '-b', cluster.bootstrap], {env})
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^moved\s+created/m)
    expect(cluster.count(19)).toBe(2)

    // The new partitions' leaders are not shown for a while: the change stands, exit 0.
    cluster.fail({apiKey: 3, times: 3, leaderless: true, topics: ['moved']})
    const grown = await kctl(['topics', 'add-partitions', 'moved', '-n', '2', '--yes', '-b', cluster.bootstrap], {env})
    expect(grown.code).toBe(0)
    expect(grown.stdout).toMatch(/^moved\s+altered\s+3\s+2\s+-$/m)
    expect(await partitionsOf('moved')).toBe(3)
  })

  it('produce goes to each partition\'s leader and is retried through NOT_LEADER_OR_FOLLOWER, each record landing once', async () => {
    expect((await kctl(['topics', 'create', 'leaders', '-p', '3', '-b', broker().bootstrap], {env})).code).toBe(0)
    const leaderOf = (_topic: string, partition: number) => [1, 2, 3][partition]
    const cluster = await proxy({nodes: threeNodes(), leaderOf})
    cluster.fail({apiKey: 0, times: 2, partitionError: 'NOT_LEADER_OR_FOLLOWER'})
    const input = Array.from({length: 12}, (_, index) => `k${index}:v${index}`).join('\n')
    const run = await kctl(['produce', 'leaders', '-K', ':', '-o', 'json', '-b', cluster.bootstrap], {env, input})
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const produced = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as {partition: number; offset: number})
    expect(produced).toHaveLength(12)
    expect(cluster.requests.filter((request) => request.apiKey === 0 && request.faulted)).toHaveLength(2)
    // Every Produce went to the port of the node leading its partitions.
    const produces = cluster.requests.filter((request) => request.apiKey === 0)
    expect(new Set(produces.map((request) => request.nodeId)).size).toBeGreaterThan(1)
    for (const request of produces) {
      const partitions = (request.body?.topicData as {partitionData: {index: number}[]}[]).flatMap((topic) => topic.partitionData.map((p) => p.index))
      for (const partition of partitions) expect(request.nodeId).toBe(leaderOf('leaders', partition))
    }
    // kcat, on the broker itself: each record once, at the partition and offset kctl printed.
    const landed = (await kcat(['-b', broker().bootstrap, '-C', '-t', 'leaders', '-e', '-q', '-f', '%p %o %k=%s\\n'])).trim().split('\n').sort()
    expect(landed).toHaveLength(12)
    const expected = produced.map((record, index) => `${record.partition} ${record.offset} k${index}=v${index}`).sort()
    expect(landed).toEqual(expected)
  })

  it('cluster describe and topics describe answer with a node down: racks, offline replicas, leaders among the live', async () => {
    expect((await kctl(['topics', 'create', 'racked', '-p', '2', '-b', broker().bootstrap], {env})).code).toBe(0)
    expect((await kctl(['produce', 'racked', 'x', '-p', '1', '-b', broker().bootstrap], {env})).code).toBe(0)
    const cluster = await proxy({nodes: threeNodes([2]), leaderOf: (_topic, partition) => [1, 3][partition], controllerId: 3})
    // The first bootstrap server is the node that is down.
    const bootstrap = `${cluster.address(2)},${cluster.bootstrap}`
    const described = await kctl(['cluster', 'describe', '-o', 'json', '-b', bootstrap], {env})
    expect(described.code).toBe(0)
    const view = JSON.parse(described.stdout) as {controller: number; brokers: {nodeId: number; rack: string; controller: boolean}[]}
    expect(view.controller).toBe(3)
    expect(view.brokers.map((b) => [b.nodeId, b.rack, b.controller])).toEqual([
      [1, 'rack-a', false],
      [2, 'rack-b', false],
      [3, 'rack-c', true],
    ])
    const topic = await kctl(['topics', 'describe', 'racked', '-o', 'json', '-b', bootstrap], {env})
    expect(topic.code).toBe(0)
    expect(JSON.parse(topic.stdout).partitions).toEqual([
      {partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 3], offlineReplicas: [2], underReplicated: true, logStartOffset: 0, highWatermark: 0},
      {partition: 1, leader: 3, replicas: [1, 2, 3], isr: [1, 3], offlineReplicas: [2], underReplicated: true, logStartOffset: 0, highWatermark: 1},
    ])
    const list = await kctl(['topics', 'list', '-b', bootstrap], {env})
    expect(list.stdout).toMatch(/^racked\s+2\s+3\s+2\s+0$/m)
  })

  it('cluster describe falls back to Metadata when DescribeCluster is refused', async () => {
    const cluster = await proxy({nodes: threeNodes(), controllerId: 2})
    cluster.fail({apiKey: 60, error: 'CLUSTER_AUTHORIZATION_FAILED'})
    const run = await kctl(['cluster', 'describe', '-o', 'json', '-b', cluster.bootstrap], {env})
    expect(run.code).toBe(0)
    const view = JSON.parse(run.stdout) as {controller: number; brokers: {nodeId: number; rack: string}[]}
    expect(view.controller).toBe(2)
    expect(view.brokers.map((b) => [b.nodeId, b.rack])).toEqual([
      [1, 'rack-a'],
      [2, 'rack-b'],
      [3, 'rack-c'],
    ])
    expect(cluster.requests.filter((request) => request.apiKey === 60 && request.faulted)).toHaveLength(1)
  })

  it('reads broker defaults from a live broker, retries ListOffsets after NOT_LEADER_OR_FOLLOWER, and leaves offsets blank behind a down leader', async () => {
    // Node 3 is listed first and down: the defaults (num.partitions=2) come from the next broker
    // (node 1, the one whose id the broker behind the proxy answers DescribeConfigs for).
    const firstDown = await proxy({nodes: [3, 1, 2].map((nodeId) => ({nodeId, down: nodeId === 3}))})
    const created = await kctl(['topics', 'create', 'offsets-t', '-o', 'json', '-b', firstDown.bootstrap], {env})
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout)).toEqual([{topic: 'offsets-t', status: 'created', error: null, partitions: 2, replicationFactor: 1}])
    expect((await kctl(['produce', 'offsets-t', 'x', '-p', '0', '-b', broker().bootstrap], {env})).code).toBe(0)

    const cluster = await proxy({nodes: threeNodes([2]), leaderOf: (_topic, partition) => [1, 2][partition]})
    cluster.fail({apiKey: 2, times: 2, partitionError: 'NOT_LEADER_OR_FOLLOWER', topics: ['offsets-t']})
    const described = await kctl(['topics', 'describe', 'offsets-t', '-o', 'json', '-b', cluster.bootstrap], {env})
    expect(described.code).toBe(0)
    const partitions = JSON.parse(described.stdout).partitions as {partition: number; leader: number; logStartOffset: number | null; highWatermark: number | null}[]
    expect(partitions.map((p) => [p.partition, p.leader, p.logStartOffset, p.highWatermark])).toEqual([
      [0, 1, 0, 1],
      [1, 2, null, null],
    ])
    expect(cluster.requests.filter((request) => request.apiKey === 2 && request.faulted)).toHaveLength(2)
  })

  it('the client looks the coordinator up again after NOT_COORDINATOR, and survives a dropped connection', async () => {
    const single = await proxy()
    const client = await KafkaClient.connect({bootstrap: [single.bootstrap], clientId: 'multi-node-test', connectTimeoutMs: 3000, requestTimeoutMs: 5000})
    clients.push(client)
    single.fail({apiKey: 10, times: 2, error: 'NOT_COORDINATOR'})
    expect(await client.retry(() => client.coordinatorOf('group', 'moving-group'))).toBe(broker().state.nodeId)
    expect(single.count(10)).toBe(3)

    single.fail({apiKey: 9, times: 1, error: 'NOT_COORDINATOR'})
    const fetched = await client.retry(async () => {
      const coordinator = await client.coordinator('group', 'moving-group')
      const response = await coordinator.send(9, {groups: [{groupId: 'moving-group', topics: null}], requireStable: false})
      throwIfError(response.groups[0].errorCode)
      return response.groups[0]
    })
    expect(fetched.groupId).toBe('moving-group')
    // The cached coordinator was forgotten and asked for again.
    expect(single.count(10)).toBe(4)
    expect(single.count(9)).toBe(2)

    single.fail({apiKey: 3, drop: true})
    const metadata = await client.retry(() => client.metadata([]))
    expect(metadata.brokers).toHaveLength(1)
    expect(single.requests.filter((request) => request.apiKey === 3 && request.faulted)).toHaveLength(1)
  })
})
