// Turns errors of kctl's client (KafkaClientError) and of kafkajs into one-line KctlErrors:
// Kafka error codes by name with a hint and kctl's exit code (not found 4,
// authentication/authorization 5), connection failures as "cannot connect to <address>" with
// what to check. Both carry the Kafka error name as `type`.
import {ExitCode, type ExitCodeValue, KctlError} from '../errors.js'
import {KafkaClientError} from '../kafka/client/errors.js'

interface KafkaErrorAdvice {
  exitCode?: ExitCodeValue
  hint: string
}

/** Advice per Kafka error name (kafkajs's `type`); names not listed get a generic hint. */
const adviceByErrorName: Record<string, KafkaErrorAdvice> = {
  UNKNOWN_TOPIC_OR_PARTITION: {exitCode: ExitCode.notFound, hint: 'check the topic name with `kctl topics list`'},
  UNKNOWN_TOPIC_ID: {exitCode: ExitCode.notFound, hint: 'check the topic name with `kctl topics list`'},
  GROUP_ID_NOT_FOUND: {exitCode: ExitCode.notFound, hint: 'check the group id with `kctl groups list`'},
  TOPIC_ALREADY_EXISTS: {hint: 'pass --if-not-exists to skip topics that exist'},
  INVALID_TOPIC_EXCEPTION: {hint: 'topic names use letters, digits, ".", "_" and "-", at most 249 characters'},
  INVALID_REPLICATION_FACTOR: {hint: 'the replication factor cannot exceed the number of brokers (see `kctl cluster describe`)'},
  INVALID_PARTITIONS: {hint: 'the partition count must be positive and can only grow'},
  INVALID_REQUEST: {hint: 'the broker rejected the request as malformed; run with --debug and report it'},
  INVALID_CONFIG: {hint: 'check the config names and values (see the Kafka topic configs reference)'},
  POLICY_VIOLATION: {hint: 'the cluster\'s create/alter topic policy refused the request; ask its operators'},
  NOT_CONTROLLER: {hint: 'the controller moved; run the command again'},
  REQUEST_TIMED_OUT: {hint: 'the cluster is slow or overloaded; run the command again'},
  LEADER_NOT_AVAILABLE: {hint: 'a partition has no leader yet; wait a moment and retry'},
  NOT_ENOUGH_REPLICAS: {hint: 'fewer in-sync replicas than min.insync.replicas; check broker health or use --acks 1'},
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: {hint: 'fewer in-sync replicas than min.insync.replicas; check broker health'},
  MESSAGE_TOO_LARGE: {hint: 'the record exceeds max.message.bytes; raise it with `kctl topics alter --config`'},
  RECORD_LIST_TOO_LARGE: {hint: 'the batch exceeds max.message.bytes; raise it with `kctl topics alter --config`'},
  UNSUPPORTED_VERSION: {hint: 'the broker does not support this request version (kctl needs Kafka 2.1 or newer)'},
  UNSUPPORTED_COMPRESSION_TYPE: {hint: 'pick another --compression'},
  TOPIC_AUTHORIZATION_FAILED: {exitCode: ExitCode.auth, hint: 'the principal lacks a topic ACL; ask an admin (`kctl acls create`)'},
  GROUP_AUTHORIZATION_FAILED: {exitCode: ExitCode.auth, hint: 'the principal lacks a group ACL; ask an admin (`kctl acls create`)'},
  CLUSTER_AUTHORIZATION_FAILED: {exitCode: ExitCode.auth, hint: 'the principal lacks a cluster ACL; ask an admin (`kctl acls create`)'},
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: {exitCode: ExitCode.auth, hint: 'the principal lacks a transactional-id ACL'},
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: {exitCode: ExitCode.auth, hint: 'the principal may not use delegation tokens'},
  SASL_AUTHENTICATION_FAILED: {exitCode: ExitCode.auth, hint: 'check the username, password and mechanism (context or --command-config)'},
  UNSUPPORTED_SASL_MECHANISM: {exitCode: ExitCode.auth, hint: 'the broker does not enable this SASL mechanism; check sasl.mechanism'},
  ILLEGAL_SASL_STATE: {exitCode: ExitCode.auth, hint: 'check security.protocol matches the listener (SASL_PLAINTEXT or SASL_SSL)'},
}

/** The hint kctl gives for a Kafka error name. */
export function adviceFor(name: string | undefined): string {
  return (name && adviceByErrorName[name]?.hint) || 'see the Kafka protocol error codes; run with --debug for details'
}

/** "<NAME>: <broker message>" for a batch row: the innermost cause that carries the Kafka error name. */
export function kafkaErrorSummary(error: unknown): string {
  const named = causeChain(error).filter(isNamedKafkaError)
  const innermost = named[named.length - 1] as (Error & {type: string}) | undefined
  if (innermost) return `${innermost.type}: ${innermost.message}`
  return describeCause(causeChain(error)) || String(error)
}

/** Walks kafkajs's wrapping (retries exceeded, non-retriable, aggregate) to the first cause with a Kafka error name. */
export function kafkaErrorName(error: unknown): string | undefined {
  const named = causeChain(error).find(isNamedKafkaError)
  return named ? (named as {type: string}).type : undefined
}

/** An error carrying a Kafka error name (a client error's connection and timeout kinds do not). */
function isNamedKafkaError(cause: unknown): boolean {
  if (cause instanceof KafkaClientError) return cause.kind === 'kafka'
  const type = (cause as {type?: unknown}).type
  return typeof type === 'string' && type !== 'UNKNOWN'
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  const queue = [error]
  while (queue.length > 0 && chain.length < 20) {
    const current = queue.shift()
    if (!current || typeof current !== 'object' || chain.includes(current)) continue
    chain.push(current)
    const {cause, originalError, errors} = current as {cause?: unknown; originalError?: unknown; errors?: unknown}
    queue.push(cause, originalError)
    if (Array.isArray(errors)) queue.push(...errors)
  }
  return chain
}

export interface ErrorContext {
  /** What kctl was doing, as "<verb> <thing>": "create topic orders". */
  action: string
  /** The addresses being used and where they came from, for connection hints. */
  brokers?: string[]
  source?: string
  /** Where the TLS/SASL settings came from, so a hint can say where to fix them. */
  security?: SecuritySource
}

/** A saved context (its name) or an Apache client .properties file (its path). */
export interface SecuritySource {
  kind: 'context' | 'command-config'
  name: string
}

/** A KctlError for anything the client or kafkajs threw; other KctlErrors pass through unchanged. */
export function toKctlError(error: unknown, context: ErrorContext): KctlError {
  if (error instanceof KafkaClientError) return clientError(error, context)
  if (error instanceof KctlError) return error
  const chain = causeChain(error)
  const name = kafkaErrorName(error)
  const rootMessage = describeCause(chain)
  if (name) {
    const advice = adviceByErrorName[name]
    const brokerMessage = rootMessage && !rootMessage.includes(name) ? ` (${rootMessage})` : ''
    return new KctlError(`unable to ${context.action}: ${name}${brokerMessage}`, {
      exitCode: advice?.exitCode ?? ExitCode.error,
      hint: saslHint(name, context) ?? adviceFor(name),
      cause: error,
    })
  }
  const names = chain.map((cause) => (cause as Error).name)
  if (names.includes('KafkaJSSASLAuthenticationError')) {
    return new KctlError(`unable to ${context.action}: SASL authentication failed (${rootMessage})`, {
      exitCode: ExitCode.auth,
      hint: saslHint('SASL_AUTHENTICATION_FAILED', context),
      cause: error,
    })
  }
  const refused = chain.find((cause) => certificateProblem(cause) !== undefined) as (Error & {broker?: string}) | undefined
  if (refused) return certificateError(certificateProblem(refused)!, refused.broker, context, error)
  const connectionError = chain.find((cause) =>
    ['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSNoBrokerAvailableError', 'KafkaJSBrokerNotFound', 'KafkaJSRequestTimeoutError'].includes(
      (cause as Error).name,
    ),
  ) as (Error & {broker?: string}) | undefined
  if (connectionError) {
    const address = connectionError.broker ?? context.brokers?.join(',') ?? 'the cluster'
    return new KctlError(`unable to ${context.action}: cannot connect to ${address} (${tidyConnectionMessage(connectionError.message)})`, {
      hint: connectionHint(connectionError.message, context),
      cause: error,
    })
  }
  return new KctlError(`unable to ${context.action}: ${rootMessage || String(error)}`, {cause: error})
}

function clientError(error: KafkaClientError, context: ErrorContext): KctlError {
  if (error.kind === 'kafka') {
    const advice = adviceByErrorName[error.type]
    const brokerMessage = error.message && !error.message.includes(error.type) ? ` (${error.message})` : ''
    return new KctlError(`unable to ${context.action}: ${error.type}${brokerMessage}`, {
      exitCode: advice?.exitCode ?? ExitCode.error,
      hint: saslHint(error.type, context) ?? adviceFor(error.type),
      cause: error,
    })
  }
  if (error.kind === 'protocol') return new KctlError(`unable to ${context.action}: ${error.message}`, {hint: adviceFor(undefined), cause: error})
  const certificate = certificateProblem(error.cause)
  if (certificate) return certificateError(certificate, error.broker, context, error)
  const address = error.broker ?? context.brokers?.join(',') ?? 'the cluster'
  // A SASL or TLS listener answers ApiVersions, or nothing, then drops a client that speaks
  // another security protocol.
  if (/closed by the broker/.test(error.message)) {
    return new KctlError(`unable to ${context.action}: ${address} closed the connection`, {
      hint: 'check that security.protocol (--command-config or the context) matches the listener: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL',
      cause: error,
    })
  }
  const cause = error.cause instanceof Error ? tidyConnectionMessage(error.cause.message) : error.message
  return new KctlError(`unable to ${context.action}: cannot connect to ${address} (${cause})`, {hint: connectionHint(cause, context), cause: error})
}

/**
 * For a rejected login, where to fix it: the context (`kctl context add --overwrite`) or the
 * --command-config file that supplied the SASL settings. Undefined for other errors.
 */
function saslHint(name: string, context: ErrorContext): string | undefined {
  const {security} = context
  if (name === 'SASL_AUTHENTICATION_FAILED') {
    if (security?.kind === 'context') {
      return `check the username and the password (the variable or file that context ${security.name} names); fix them with \`kctl context add ${security.name} --overwrite --username USER --password-env VAR\``
    }
    if (security) return `check username and password in sasl.jaas.config of ${security.name}`
    return adviceFor(name)
  }
  if (name === 'UNSUPPORTED_SASL_MECHANISM') {
    const where =
      security?.kind === 'context'
        ? `re-add context ${security.name} with \`kctl context add ${security.name} --overwrite --sasl-mechanism MECHANISM\``
        : security
          ? `set sasl.mechanism in ${security.name}`
          : 'set sasl.mechanism (--command-config) or the context\'s --sasl-mechanism'
    return `use a mechanism the broker enables: ${where}`
  }
  return undefined
}

type CertificateProblem = {kind: 'untrusted' | 'hostname' | 'expired'; detail: string}

// Node's (OpenSSL's) codes for a server certificate the client refused.
const untrustedCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
])

function certificateProblem(cause: unknown): CertificateProblem | undefined {
  if (!cause || typeof cause !== 'object') return undefined
  const {code, message} = cause as {code?: unknown; message?: unknown}
  const detail = typeof message === 'string' ? message.replace(/^Connection error: /, '').split('\n')[0] : String(code)
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return {kind: 'hostname', detail}
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return {kind: 'expired', detail}
  if (typeof code === 'string' && untrustedCodes.has(code)) return {kind: 'untrusted', detail}
  return undefined
}

/** One line naming the certificate problem and where the CA or the host name is set. */
function certificateError(problem: CertificateProblem, broker: string | undefined, context: ErrorContext, cause: unknown): KctlError {
  const address = broker ?? context.brokers?.join(',') ?? 'the cluster'
  const contextName = context.security?.kind === 'context' ? context.security.name : 'NAME'
  const fileNote = context.security?.kind === 'command-config' ? ` in ${context.security.name}` : ''
  const what = {
    untrusted: 'the broker\'s certificate is not signed by a CA kctl trusts',
    hostname: 'the broker\'s certificate does not name this host',
    expired: 'the broker\'s certificate is expired or not yet valid',
  }[problem.kind]
  const fix = {
    untrusted: `give the CA that signed it: \`kctl context add ${contextName} --overwrite --ca CA.pem\`, or ssl.truststore.location${fileNote} (the bundled broker's CA is <data-dir>/tls/ca.pem)`,
    hostname: `connect with a name the certificate lists, or keep the chain check and skip the name check: \`kctl context add ${contextName} --overwrite --skip-hostname-check\` (ssl.endpoint.identification.algorithm= with --command-config)`,
    expired: 'renew the broker\'s certificate, or check this machine\'s clock',
  }[problem.kind]
  return new KctlError(`unable to ${context.action}: cannot connect to ${address}: ${what} (${problem.detail})`, {hint: `check the TLS settings: ${fix}`, cause})
}

function describeCause(chain: unknown[]): string {
  // The innermost message is usually the broker's or the socket's own words.
  for (const cause of [...chain].reverse()) {
    const message = (cause as Error).message
    if (typeof message === 'string' && message !== '') return message.split('\n')[0]
  }
  return ''
}

function tidyConnectionMessage(message: string): string {
  return message.replace(/^Connection error: /, '').replace(/^connect /, '')
}

export function connectionHint(message: string, context: Pick<ErrorContext, 'source'>): string {
  if (/certificate|SSL|TLS|self.signed|EPROTO/i.test(message)) {
    return 'check the TLS settings: the CA (ssl.truststore.location or `context add --ca`) and whether the listener speaks TLS'
  }
  // A SASL or TLS listener drops a plaintext client's first request without answering.
  if (/closed connection|ECONNRESET|socket hang up/i.test(message)) {
    return 'the broker closed the connection: check that security.protocol matches the listener (a SASL listener needs --command-config or a context with SASL, a TLS one needs TLS)'
  }
  if (/timed? ?out/i.test(message)) {
    return 'check the address, firewalls, and that security.protocol matches the listener'
  }
  const from = context.source ? ` (address from ${context.source})` : ''
  return `check that a broker listens there${from}; for a local one run \`kctl broker start --detach\``
}
