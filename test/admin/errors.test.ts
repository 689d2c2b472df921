import kafkajs from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {kafkaErrorName, toKctlError} from '../../src/admin/errors.js'
import {KctlError} from '../../src/errors.js'
import {KafkaClientError} from '../../src/kafka/client/index.js'

// kafkajs's real error classes; its typings declare fewer constructor shapes than it has.
type AnyErrorClass = new (...args: unknown[]) => Error
const {KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSCreateTopicError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError} =
  kafkajs as unknown as Record<string, AnyErrorClass>

describe('toKctlError', () => {
  it('names Kafka errors, with exit 4 for an unknown topic, through kafkajs wrappers', () => {
    const protocol = new KafkaJSProtocolError({message: 'This server does not host this topic-partition', type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3})
    const wrapped = new KafkaJSNumberOfRetriesExceeded(protocol, {retryCount: 3, retryTime: 100})
    const error = toKctlError(wrapped, {action: 'describe topic x'})
    expect(error.message).toBe('unable to describe topic x: UNKNOWN_TOPIC_OR_PARTITION (This server does not host this topic-partition)')
    expect(error.exitCode).toBe(4)
    expect(error.hint).toContain('kctl topics list')
  })

  it('finds errors inside aggregate errors', () => {
    const inner = new KafkaJSCreateTopicError({message: 'Topic already exists', type: 'TOPIC_ALREADY_EXISTS', code: 36}, 't')
    expect(kafkaErrorName(new KafkaJSAggregateError('x', [inner]))).toBe('TOPIC_ALREADY_EXISTS')
  })

  it('treats authorization and SASL failures as exit 5', () => {
    const denied = new KafkaJSProtocolError({message: 'Not authorized', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29})
    expect(toKctlError(denied, {action: 'list topics'}).exitCode).toBe(5)
    const sasl = new KafkaJSSASLAuthenticationError('SASL SCRAM SHA256 authentication failed: bad password')
    const error = toKctlError(sasl, {action: 'list topics'})
    expect(error.exitCode).toBe(5)
    expect(error.message).toContain('SASL authentication failed')
  })

  it('reports unreachable brokers by address with what to check', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1', {broker: '127.0.0.1:1', code: 'ECONNREFUSED'})
    const error = toKctlError(new KafkaJSNumberOfRetriesExceeded(refused, {retryCount: 4, retryTime: 1000}), {action: 'list topics', source: '--bootstrap-server'})
    expect(error.message).toBe('unable to list topics: cannot connect to 127.0.0.1:1 (ECONNREFUSED 127.0.0.1:1)')
    expect(error.exitCode).toBe(1)
    expect(error.hint).toContain('--bootstrap-server')
    const tls = new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', {broker: 'h:9093'})
    expect(toKctlError(tls, {action: 'list topics'}).hint).toMatch(/TLS settings/)
  })

  it('points at security.protocol when the broker drops the connection (a plaintext client on a SASL listener)', () => {
    const closed = new KafkaJSConnectionError('Closed connection', {broker: '127.0.0.1:9094'})
    const error = toKctlError(closed, {action: 'list topics', source: '--bootstrap-server'})
    expect(error.message).toBe('unable to list topics: cannot connect to 127.0.0.1:9094 (Closed connection)')
    expect(error.hint).toMatch(/security\.protocol/)
  })

  it('passes KctlErrors through', () => {
    const original = new KctlError('unable to x: y')
    expect(toKctlError(original, {action: 'z'})).toBe(original)
  })

  it("maps kctl's client errors: Kafka names with their exit codes, refused and dropped connections with what to check", () => {
    const unknown = toKctlError(KafkaClientError.fromCode(3, null, 'h:1'), {action: 'describe topic x'})
    expect(unknown.message).toBe('unable to describe topic x: UNKNOWN_TOPIC_OR_PARTITION (This server does not host this topic-partition.)')
    expect(unknown.exitCode).toBe(4)
    expect(toKctlError(KafkaClientError.fromCode(31, 'denied'), {action: 'create ACLs'}).exitCode).toBe(5)
    expect(kafkaErrorName(new KctlError('wrapped', {cause: KafkaClientError.fromCode(41)}))).toBe('NOT_CONTROLLER')

    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED'})
    const refused = new KafkaClientError('connection', 'cannot connect to 127.0.0.1:1 (ECONNREFUSED)', {broker: '127.0.0.1:1', cause})
    const error = toKctlError(refused, {action: 'list topics', source: '--bootstrap-server'})
    expect(error.message).toBe('unable to list topics: cannot connect to 127.0.0.1:1 (ECONNREFUSED 127.0.0.1:1)')
    expect(error.hint).toContain('(address from --bootstrap-server)')
    // A connection error is no Kafka error name.
    expect(kafkaErrorName(refused)).toBeUndefined()

    const dropped = new KafkaClientError('connection', 'connection to 127.0.0.1:9094 closed by the broker', {broker: '127.0.0.1:9094'})
    expect(toKctlError(dropped, {action: 'list users'}).message).toBe('unable to list users: 127.0.0.1:9094 closed the connection')
    expect(toKctlError(dropped, {action: 'list users'}).hint).toMatch(/security\.protocol/)
    const tls = new KafkaClientError('connection', 'cannot connect to h:9093 (SELF_SIGNED_CERT_IN_CHAIN)', {broker: 'h:9093', cause: new Error('self-signed certificate in certificate chain')})
    expect(toKctlError(tls, {action: 'list topics'}).hint).toMatch(/TLS settings/)
  })
})
