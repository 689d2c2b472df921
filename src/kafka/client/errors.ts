// The client's one error type. It carries the Kafka error name as `type` (the field the admin
// layer's error mapping reads, src/admin/errors.ts), whether a retry can help, and which
// broker answered, so callers decide on names, never on message text.
import {KctlError} from '../../errors.js'
import {errorByCode} from '../protocol/errors.js'

export type KafkaClientErrorKind =
  /** The broker answered with a Kafka error code (`type` names it). */
  | 'kafka'
  /** No TCP/TLS connection could be made, or it broke before the answer. */
  | 'connection'
  /** No answer within the request timeout. */
  | 'timeout'
  /** The bytes did not make sense (a non-Kafka service, or a client/broker bug). */
  | 'protocol'

export class KafkaClientError extends KctlError {
  /** The Kafka error name (`NOT_LEADER_OR_FOLLOWER`), or the kind for non-Kafka failures. */
  readonly type: string
  readonly kind: KafkaClientErrorKind
  readonly retriable: boolean
  /** "host:port" of the broker involved, when one was. */
  readonly broker?: string

  constructor(kind: KafkaClientErrorKind, message: string, options: {type?: string; retriable?: boolean; broker?: string; cause?: unknown} = {}) {
    super(message, {cause: options.cause})
    this.name = 'KafkaClientError'
    this.kind = kind
    this.type = options.type ?? kind.toUpperCase()
    this.retriable = options.retriable ?? (kind === 'connection' || kind === 'timeout')
    this.broker = options.broker
  }

  /** An error code from a response, with the broker's own message when it sent one. */
  static fromCode(code: number, brokerMessage?: string | null, broker?: string): KafkaClientError {
    const known = errorByCode(code)
    return new KafkaClientError('kafka', brokerMessage || known.message, {type: known.name, retriable: known.retriable, broker})
  }
}

/** Throws the response's error unless it is NONE (0). */
export function throwIfError(code: number, brokerMessage?: string | null, broker?: string): void {
  if (code !== 0) throw KafkaClientError.fromCode(code, brokerMessage, broker)
}
