// SASL on the running broker over real sockets: the KIP-152 flow (SaslHandshake v1 +
// SaslAuthenticate), the raw-token flow after SaslHandshake v0, failures and their error codes,
// the pre-authentication gate, and users managed with Describe/AlterUserScramCredentials.
import net from 'node:net'
import {once} from 'node:events'
import {describe, expect, it} from 'vitest'
import {BrokerConnection} from '../../../src/kafka/client/index.js'
import {plainMessage} from '../../../src/kafka/sasl/plain.js'
import {saltedPassword, ScramClient} from '../../../src/kafka/sasl/scram.js'
import {decodeResponse, encodeRequest, ErrorCode} from '../../../src/kafka/protocol/index.js'
import {useSecureBroker} from './secure-broker.js'

const config = {
  listeners: 'SASL_PLAINTEXT://127.0.0.1:0,PLAINTEXT://127.0.0.1:0',
}

/** A raw socket that reads whole frames: enough to script exchanges byte by byte. */
class RawConnection {
  private buffered = Buffer.alloc(0)
  private waiters: ((frame: Buffer) => void)[] = []
  closed: Promise<void>

  constructor(readonly socket: net.Socket) {
    socket.on('data', (data) => {
      this.buffered = Buffer.concat([this.buffered, data])
      this.deliver()
    })
    this.closed = once(socket, 'close').then(() => undefined)
    socket.on('error', () => {})
  }

  static async open(address: string): Promise<RawConnection> {
    const [host, port] = address.split(':')
    const socket = net.connect({host, port: Number(port)})
    await once(socket, 'connect')
    return new RawConnection(socket)
  }

  send(chunks: Buffer[]): void {
    for (const chunk of chunks) this.socket.write(chunk)
  }

  sendRaw(token: Buffer): void {
    const size = Buffer.alloc(4)
    size.writeInt32BE(token.length)
    this.socket.write(Buffer.concat([size, token]))
  }

  frame(): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiters.push(resolve)
      this.deliver()
    })
  }

  private deliver(): void {
    while (this.waiters.length > 0 && this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0)
      if (this.buffered.length < 4 + size) return
      const frame = this.buffered.subarray(4, 4 + size)
      this.buffered = this.buffered.subarray(4 + size)
      this.waiters.shift()!(frame)
    }
  }
}

async function call<K extends 17 | 36 | 3 | 18>(raw: RawConnection, apiKey: K, version: number, body: object, correlationId = 1) {
  raw.send(encodeRequest(apiKey, version, correlationId, 'test', body as never))
  return decodeResponse(apiKey, version, await raw.frame()).body
}

/** kctl's client connection: TCP, ApiVersions, then SaslHandshake v1 + SaslAuthenticate. */
function connect(address: string, sasl?: {mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string}) {
  const at = address.lastIndexOf(':')
  return BrokerConnection.open(address.slice(0, at), Number(address.slice(at + 1)), {clientId: 'test', sasl, connectTimeoutMs: 5000, requestTimeoutMs: 10_000})
}

describe('SASL on the bundled broker', () => {
  const secure = useSecureBroker({config, users: {admin: 'admin-secret', alice: 'alice-secret', a: 'b'}})

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`authenticates ${mechanism} with SaslHandshake v1 + SaslAuthenticate and then serves requests`, async () => {
      const client = await connect(secure().address('SASL_PLAINTEXT'), {mechanism, username: 'alice', password: 'alice-secret'})
      try {
        const metadata = await client.send(3, {topics: [], allowAutoTopicCreation: false}, 12)
        expect(metadata.brokers.map((broker) => broker.nodeId)).toEqual([secure().broker.state.nodeId])
      } finally {
        client.close()
      }
    })
  }

  it('answers a wrong password with SASL_AUTHENTICATION_FAILED and closes the connection', async () => {
    const raw = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    const handshake = await call(raw, 17, 1, {mechanism: 'SCRAM-SHA-256'})
    expect(handshake.errorCode).toBe(ErrorCode.NONE)
    const scram = new ScramClient('SCRAM-SHA-256', 'alice', 'wrong')
    const first = await call(raw, 36, 2, {authBytes: scram.first()}, 2)
    expect(first.errorCode).toBe(ErrorCode.NONE)
    const final = await call(raw, 36, 2, {authBytes: scram.final(Buffer.from(first.authBytes))}, 3)
    expect(final.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED)
    expect(final.errorMessage).toBe('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256')
    await raw.closed
  })

  it('answers PLAIN with an unknown user the same way', async () => {
    const raw = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    await call(raw, 17, 1, {mechanism: 'PLAIN'})
    const response = await call(raw, 36, 1, {authBytes: plainMessage('nobody', 'x')}, 2)
    expect(response.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED)
    await raw.closed
  })

  it('refuses an unknown mechanism with UNSUPPORTED_SASL_MECHANISM, lists the enabled ones and closes', async () => {
    const raw = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    const response = await call(raw, 17, 1, {mechanism: 'GSSAPI'})
    expect(response.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM)
    expect(response.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    await raw.closed
  })

  it('closes a connection that sends Metadata before authenticating, but answers ApiVersions', async () => {
    const raw = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    const versions = await call(raw, 18, 3, {clientSoftwareName: 'test', clientSoftwareVersion: '1'})
    expect(versions.apiKeys.map((api) => api.apiKey)).toEqual(expect.arrayContaining([17, 36, 29, 30, 31, 50, 51]))
    raw.send(encodeRequest(3, 12, 2, 'test', {topics: null, allowAutoTopicCreation: false}))
    await raw.closed
  })

  it('takes raw tokens after SaslHandshake v0 (kafka-python\'s flow) for SCRAM and PLAIN', async () => {
    const raw = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    expect((await call(raw, 17, 0, {mechanism: 'SCRAM-SHA-512'})).errorCode).toBe(ErrorCode.NONE)
    const scram = new ScramClient('SCRAM-SHA-512', 'alice', 'alice-secret')
    raw.sendRaw(scram.first())
    raw.sendRaw(scram.final(await raw.frame()))
    scram.verify(await raw.frame())
    const metadata = await call(raw, 3, 1, {topics: null}, 5)
    expect(metadata.brokers).toHaveLength(1)
    raw.socket.destroy()

    const plain = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    await call(plain, 17, 0, {mechanism: 'PLAIN'})
    plain.sendRaw(plainMessage('alice', 'alice-secret'))
    // Kafka answers a successful PLAIN token with an empty token.
    expect(await plain.frame()).toEqual(Buffer.alloc(0))
    expect((await call(plain, 3, 1, {topics: null}, 2)).brokers).toHaveLength(1)
    plain.socket.destroy()
  })

  it('takes a raw PLAIN token shorter than any request header (user a, password b: 4 bytes)', async () => {
    const raw = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    await call(raw, 17, 0, {mechanism: 'PLAIN'})
    raw.sendRaw(plainMessage('a', 'b'))
    expect(await raw.frame()).toEqual(Buffer.alloc(0))
    expect((await call(raw, 3, 1, {topics: null}, 2)).brokers).toHaveLength(1)
    raw.socket.destroy()
  })

  it('closes the connection on a wrong raw token', async () => {
    const raw = await RawConnection.open(secure().address('SASL_PLAINTEXT'))
    await call(raw, 17, 0, {mechanism: 'PLAIN'})
    raw.sendRaw(plainMessage('alice', 'nope-nope'))
    await raw.closed
  })

  it('answers SaslHandshake on a PLAINTEXT listener with ILLEGAL_SASL_STATE', async () => {
    const raw = await RawConnection.open(secure().address('PLAINTEXT'))
    expect((await call(raw, 17, 1, {mechanism: 'PLAIN'})).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE)
    raw.socket.destroy()
  })

  it('creates, describes and deletes users with Alter/DescribeUserScramCredentials, and logins follow', async () => {
    const admin = await connect(secure().address('SASL_PLAINTEXT'), {mechanism: 'SCRAM-SHA-256', username: 'admin', password: 'admin-secret'})
    try {
      const salt = Buffer.from('0123456789abcdef0123456789abcdef')
      const altered = await admin.send(51, {
        deletions: [],
        upsertions: [
          {name: 'bob', mechanism: 1, iterations: 8192, salt, saltedPassword: saltedPassword('SCRAM-SHA-256', 'bob-secret', salt, 8192)},
          {name: 'weak', mechanism: 1, iterations: 1000, salt, saltedPassword: saltedPassword('SCRAM-SHA-256', 'x', salt, 1000)},
          {name: 'odd', mechanism: 9, iterations: 4096, salt, saltedPassword: salt},
        ],
      }, 0)
      expect(altered.results.map((result) => [result.user, result.errorCode])).toEqual([
        ['bob', ErrorCode.NONE],
        ['weak', ErrorCode.UNACCEPTABLE_CREDENTIAL],
        ['odd', ErrorCode.UNSUPPORTED_SASL_MECHANISM],
      ])
      const described = await admin.send(50, {users: [{name: 'bob'}, {name: 'ghost'}]}, 0)
      expect(described.results).toEqual([
        {user: 'bob', errorCode: 0, errorMessage: null, credentialInfos: [{mechanism: 1, iterations: 8192}]},
        {user: 'ghost', errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist', credentialInfos: []},
      ])
      const all = await admin.send(50, {users: null}, 0)
      expect(all.results.map((result) => result.user)).toEqual(['a', 'admin', 'alice', 'bob'])

      const bob = await connect(secure().address('SASL_PLAINTEXT'), {mechanism: 'SCRAM-SHA-256', username: 'bob', password: 'bob-secret'})
      bob.close()
      const deleted = await admin.send(51, {deletions: [{name: 'bob', mechanism: 1}, {name: 'ghost', mechanism: 1}], upsertions: []}, 0)
      expect(deleted.results.map((result) => [result.user, result.errorCode])).toEqual([
        ['bob', ErrorCode.NONE],
        ['ghost', ErrorCode.RESOURCE_NOT_FOUND],
      ])
      await expect(
        connect(secure().address('SASL_PLAINTEXT'), {mechanism: 'SCRAM-SHA-256', username: 'bob', password: 'bob-secret'}),
      ).rejects.toMatchObject({type: 'SASL_AUTHENTICATION_FAILED'})
    } finally {
      admin.close()
    }
  })
})
