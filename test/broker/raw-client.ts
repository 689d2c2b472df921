// A bare Kafka protocol client over one socket, built on the project's codec, for tests that
// need exact control of frames: pipelining, acks=0, unknown versions, malformed frames.
import net from 'node:net'
import {type ApiKey, type RequestInput, type ResponseBody, decodeResponse, encodeRequest} from '../../src/kafka/protocol/index.js'

export class RawClient {
  private buffered = Buffer.alloc(0)
  private readonly frames: Buffer[] = []
  private waiters: (() => void)[] = []
  private nextCorrelationId = 1
  closed = false

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (data) => {
      this.buffered = Buffer.concat([this.buffered, data])
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0)
        this.frames.push(this.buffered.subarray(4, 4 + size))
        this.buffered = this.buffered.subarray(4 + size)
      }
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => {})
  }

  static connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = [bootstrap.slice(0, bootstrap.lastIndexOf(':')), Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1))]
    return new Promise((resolve, reject) => {
      const socket = net.connect({host, port, noDelay: true}, () => resolve(new RawClient(socket)))
      socket.once('error', reject)
    })
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** Writes one request without waiting; returns its correlation id. */
  send<K extends ApiKey>(apiKey: K, version: number, body: RequestInput<K>, correlationId = this.nextCorrelationId++): number {
    for (const chunk of encodeRequest(apiKey, version, correlationId, 'raw-test', body)) this.socket.write(chunk)
    return correlationId
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** The next response frame (without size prefix), or undefined when the socket closed or `timeoutMs` passed. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs
    while (this.frames.length === 0) {
      if (this.closed || Date.now() >= deadline) return undefined
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now())
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.frames.shift()
  }

  async request<K extends ApiKey>(apiKey: K, version: number, body: RequestInput<K>): Promise<ResponseBody<K>> {
    const correlationId = this.send(apiKey, version, body)
    const frame = await this.nextFrame()
    if (!frame) throw new Error(`no response to API ${apiKey} v${version}`)
    const decoded = decodeResponse(apiKey, version, frame)
    if (decoded.header.correlationId !== correlationId) throw new Error(`correlation id ${decoded.header.correlationId}, expected ${correlationId}`)
    return decoded.body
  }

  /** Resolves true once the broker has closed the connection (within `timeoutMs`). */
  async closedByPeer(timeoutMs = 5000): Promise<boolean> {
    const frame = await this.nextFrame(timeoutMs)
    return frame === undefined && this.closed
  }

  close(): void {
    this.socket.destroy()
  }
}
