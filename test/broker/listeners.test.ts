// Listeners and advertised endpoints: Metadata and DescribeCluster answer with the endpoint
// of the listener the request came in on, as Kafka does.
import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {startBroker} from '../../src/broker/index.js'
import {RawClient} from './raw-client.js'

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

describe('broker listeners', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-listeners-'))
  afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

  it('advertises --advertised-host instead of the bind address', async () => {
    const broker = await startBroker({port: 0, dataDir, advertisedHost: 'kafka.local'})
    const client = await RawClient.connect(`127.0.0.1:${broker.port}`)
    try {
      expect(broker.bootstrap).toBe(`kafka.local:${broker.port}`)
      const metadata = await client.request(3, 12, {topics: null})
      expect(metadata.brokers).toEqual([{nodeId: 1, host: 'kafka.local', port: broker.port, rack: null}])
    } finally {
      client.close()
      await broker.close()
    }
  })

  it('serves several named listeners, each advertising its own endpoint', async () => {
    const [internal, external] = [await freePort(), await freePort()]
    const broker = await startBroker({
      dataDir,
      config: {
        listeners: `INTERNAL://127.0.0.1:${internal},EXTERNAL://127.0.0.1:${external}`,
        'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT',
        'advertised.listeners': `EXTERNAL://broker.example:${external}`,
      },
    })
    try {
      expect(broker.listeners.map((l) => [l.name, l.port, l.securityProtocol])).toEqual([
        ['INTERNAL', internal, 'PLAINTEXT'],
        ['EXTERNAL', external, 'PLAINTEXT'],
      ])
      for (const [port, host] of [
        [internal, '127.0.0.1'],
        [external, 'broker.example'],
      ] as const) {
        const client = await RawClient.connect(`127.0.0.1:${port}`)
        const cluster = await client.request(60, 1, {includeClusterAuthorizedOperations: false, endpointType: 1})
        expect(cluster.brokers[0]).toMatchObject({host, port})
        client.close()
      }
    } finally {
      await broker.close()
    }
  })

  it('leaves out the KRaft controller listener of a stock server.properties', async () => {
    const port = await freePort()
    const broker = await startBroker({
      dataDir,
      config: {
        listeners: `PLAINTEXT://:${port},CONTROLLER://:9093`,
        'advertised.listeners': `PLAINTEXT://localhost:${port},CONTROLLER://localhost:9093`,
        'controller.listener.names': 'CONTROLLER',
        'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      },
    })
    try {
      expect(broker.listeners.map((l) => [l.name, l.host, l.port])).toEqual([['PLAINTEXT', '127.0.0.1', port]])
      expect(broker.bootstrap).toBe(`localhost:${port}`)
    } finally {
      await broker.close()
    }
  })

  it('rejects a listener without a security protocol and an advertised listener that is not bound', async () => {
    await expect(startBroker({dataDir, config: {listeners: 'CUSTOM://127.0.0.1:0'}})).rejects.toThrow(
      'unable to configure the broker: listener CUSTOM has no security protocol in listener.security.protocol.map',
    )
    await expect(startBroker({dataDir, config: {listeners: 'PLAINTEXT://127.0.0.1:0', 'advertised.listeners': 'OTHER://x:1'}})).rejects.toThrow(
      'advertised listener OTHER is not in listeners',
    )
    await expect(startBroker({dataDir, config: {listeners: 'localhost:9092'}})).rejects.toThrow('is not NAME://host:port')
    await expect(startBroker({dataDir, config: {listeners: 'PLAINTEXT://127.0.0.1:70000'}})).rejects.toThrow(
      'listeners entry "PLAINTEXT://127.0.0.1:70000" has a port above 65535',
    )
  })

  it('names a --host that does not resolve', async () => {
    await expect(startBroker({port: 0, dataDir, host: 'no-such-host.invalid'})).rejects.toThrow(
      'unable to start the broker: cannot listen on no-such-host.invalid (ENOTFOUND)',
    )
  })
})
