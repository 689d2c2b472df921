// kctl's one client against the real bundled broker: bootstrap, metadata, routing to leaders
// and coordinators, pipelining, SASL over plaintext and TLS, timeouts and connection errors.
import {readFileSync} from 'node:fs'
import net from 'node:net'
import {afterAll, describe, expect, it} from 'vitest'
import {BrokerConnection, KafkaClient, KafkaClientError} from '../../../src/kafka/client/index.js'
import {useBroker} from '../../helpers/broker.js'
import {useSecureBroker} from '../../broker/auth/secure-broker.js'

const base = {clientId: 'client-test', connectTimeoutMs: 3000, requestTimeoutMs: 5000}

describe('KafkaClient on the bundled broker', () => {
  const broker = useBroker({'auto.create.topics.enable': 'false'})
  const clients: KafkaClient[] = []
  const connect = async () => {
    const client = await KafkaClient.connect({...base, bootstrap: [broker().bootstrap]})
    clients.push(client)
    return client
  }
  afterAll(() => clients.forEach((client) => client.close()))

  it('bootstraps and lists the broker with its advertised address', async () => {
    const client = await connect()
    expect(client.brokers()).toEqual([{nodeId: broker().state.nodeId, host: '127.0.0.1', port: broker().port, rack: null}])
  })

  it('skips an unreachable bootstrap server and uses the next', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const {port} = server.address() as net.AddressInfo
        server.close(() => resolve(port))
      })
    })
    const client = await KafkaClient.connect({...base, bootstrap: [`127.0.0.1:${closed}`, broker().bootstrap]})
    clients.push(client)
    expect(client.brokers()).toHaveLength(1)
  })

  it('routes to the leader and the group coordinator, and pipelines requests on one connection', async () => {
    const client = await connect()
    const connection = await client.anyBroker()
    const created = await connection.send(19, {topics: [{name: 'client-t', numPartitions: 3, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000})
    expect(created.topics[0].errorCode).toBe(0)
    expect(await client.leaderOf('client-t', 2)).toBe(broker().state.nodeId)
    expect(await client.coordinatorOf('group', 'g1')).toBe(broker().state.nodeId)
    const leader = await client.broker(await client.leaderOf('client-t', 0))
    const answers = await Promise.all(
      [0, 1, 2].map((partition) => leader.send(2, {replicaId: -1, isolationLevel: 0, topics: [{name: 'client-t', partitions: [{partitionIndex: partition, timestamp: -1}]}]})),
    )
    expect(answers.map((answer) => answer.topics[0].partitions[0].partitionIndex)).toEqual([0, 1, 2])
  })

  it('reports an unknown partition as a retriable Kafka error, and gives up after its budget', async () => {
    const client = await connect()
    let attempts = 0
    const failure = await client
      .retry(
        async () => {
          attempts++
          return client.leaderOf('no-such-topic', 0)
        },
        {retries: 3, initialBackoffMs: 10, maxBackoffMs: 20},
      )
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(KafkaClientError)
    expect((failure as KafkaClientError).type).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(attempts).toBe(4)
  })

  it('fails a request to a broker that accepts and never answers within the timeout', async () => {
    const silent = net.createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const {port} = silent.address() as net.AddressInfo
    const failure = await BrokerConnection.open('127.0.0.1', port, {...base, connectTimeoutMs: 300, requestTimeoutMs: 300}).catch((error: unknown) => error)
    silent.close()
    expect(failure).toBeInstanceOf(KafkaClientError)
    expect((failure as KafkaClientError).kind).toBe('timeout')
  })

  it('names the address when nothing listens there', async () => {
    const failure = await KafkaClient.connect({...base, bootstrap: ['127.0.0.1:1']}).catch((error: unknown) => error)
    expect((failure as KafkaClientError).message).toMatch(/cannot connect to 127\.0\.0\.1:1 \(ECONNREFUSED\)/)
  })
})

describe('KafkaClient with SASL and TLS', () => {
  const secure = useSecureBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    },
    users: {alice: 'alice-secret'},
  })

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`authenticates with ${mechanism} on SASL_PLAINTEXT and SASL_SSL`, async () => {
      for (const protocol of ['SASL_PLAINTEXT', 'SASL_SSL'] as const) {
        const tls = protocol === 'SASL_SSL' ? {ca: readFileSync(secure().caFile, 'utf8'), checkHostname: true} : undefined
        const client = await KafkaClient.connect({...base, bootstrap: [secure().address(protocol)], tls, sasl: {mechanism, username: 'alice', password: 'alice-secret'}})
        const metadata = await client.metadata(null)
        client.close()
        expect(metadata.brokers.length).toBe(1)
      }
    })
  }

  it('fails a wrong password with SASL_AUTHENTICATION_FAILED, not a retry', async () => {
    const failure = await KafkaClient.connect({...base, bootstrap: [secure().address('SASL_PLAINTEXT')], sasl: {mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'wrong'}}).catch(
      (error: unknown) => error,
    )
    expect((failure as KafkaClientError).type).toBe('SASL_AUTHENTICATION_FAILED')
    expect((failure as KafkaClientError).retriable).toBe(false)
  })

  it('refuses a TLS listener whose CA it does not trust', async () => {
    const failure = await KafkaClient.connect({...base, bootstrap: [secure().address('SASL_SSL')], tls: {checkHostname: true}, sasl: {mechanism: 'PLAIN', username: 'alice', password: 'alice-secret'}}).catch(
      (error: unknown) => error,
    )
    expect((failure as KafkaClientError).kind).toBe('connection')
    expect((failure as KafkaClientError).message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i)
  })
})
