// How every cluster command finds and reaches its cluster.
//
// Order: -b/--bootstrap-server, bootstrap.servers in the
// --command-config file, --context, $KCTL_BOOTSTRAP_SERVER, $KCTL_CONTEXT or the current
// context, the running bundled broker, else an error saying how to start one. A context's
// TLS/SASL settings apply when it supplies the address or is named with --context;
// --command-config's security settings replace a context's (the file is a whole client config).
//
// Commands talk to the cluster through kctl's own client (withClient / connectClient,
// src/kafka/client); only `kctl consume --group` uses kafkajs's consumer, through
// kafkajs-session.ts, which is loaded only then. This module imports kafkajs's types alone, so
// a command that never joins a group never loads kafkajs. Either way the whole connect is
// bounded by connectTimeoutMs (5 s) so an unreachable broker is a one-line error, fast
// (kafkajs alone would retry for a minute).
import type {KafkaConfig, SASLOptions} from 'kafkajs'
import {readRunningBroker} from '../local-broker.js'
import {type ClientSettings, readCommandConfig, type SaslSettings, splitServers, type TlsSettings, validServers} from '../config/client-properties.js'
import {contextSettings, selectContext} from '../config/context.js'
import {KctlError} from '../errors.js'
import {type ClientOptions, KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {type ErrorContext, type SecuritySource, toKctlError} from './errors.js'

export const defaultConnectTimeoutMs = 5000

export interface ConnectionOptions {
  /** -b/--bootstrap-server: "host:port[,host:port]". */
  bootstrapServer?: string
  /** --context NAME. */
  context?: string
  /** --command-config FILE (Apache client .properties). */
  commandConfig?: string
  /** Route kafkajs's log to stderr. */
  debug?: boolean
  /** Budget for connecting, retries included. */
  connectTimeoutMs?: number
  clientId?: string
  /** "<verb> <thing>" for error messages: "list topics". */
  action?: string
}

export type ConnectionSource = 'flag' | 'command-config' | 'context' | 'env' | 'bundled-broker'

export interface ResolvedConnection {
  brokers: string[]
  source: ConnectionSource
  /** Where the address came from, for messages: "-b", "context prod", "the bundled broker". */
  sourceDescription: string
  contextName?: string
  /** Where the TLS/SASL settings came from, for hints. */
  securitySource?: SecuritySource
  tls?: TlsSettings
  sasl?: SaslSettings
  debug: boolean
  connectTimeoutMs: number
  clientId: string
}

/** The shared oclif connection flags (commands/_flags.ts) as ConnectionOptions. */
export function connectionOptions(
  flags: {'bootstrap-server'?: string; context?: string; 'command-config'?: string; debug?: boolean},
  action?: string,
): ConnectionOptions {
  return {
    bootstrapServer: flags['bootstrap-server'],
    context: flags.context,
    commandConfig: flags['command-config'],
    debug: flags.debug,
    action,
  }
}

export function resolveConnection(options: ConnectionOptions = {}): ResolvedConnection {
  const commandConfig = options.commandConfig ? readCommandConfig(options.commandConfig) : undefined
  const explicitContext = options.context ? selectContext(options.context) : undefined

  let brokers: string[] | undefined
  let source: ConnectionSource
  let sourceDescription: string
  let settings: ClientSettings = {}
  let contextName: string | undefined
  const useContext = (selected: NonNullable<ReturnType<typeof selectContext>>) => {
    settings = contextSettings(selected.name, selected.entry)
    contextName = selected.name
  }
  if (explicitContext) useContext(explicitContext)

  if (options.bootstrapServer) {
    brokers = splitServers(options.bootstrapServer)
    source = 'flag'
    sourceDescription = '--bootstrap-server'
  } else if (commandConfig?.bootstrapServers) {
    brokers = commandConfig.bootstrapServers
    source = 'command-config'
    sourceDescription = `bootstrap.servers in ${options.commandConfig}`
  } else if (explicitContext) {
    brokers = settings.bootstrapServers
    source = 'context'
    sourceDescription = `context ${explicitContext.name}`
  } else if (process.env.KCTL_BOOTSTRAP_SERVER) {
    brokers = splitServers(process.env.KCTL_BOOTSTRAP_SERVER)
    source = 'env'
    sourceDescription = 'KCTL_BOOTSTRAP_SERVER'
  } else {
    const selected = selectContext()
    if (selected) {
      useContext(selected)
      brokers = settings.bootstrapServers
      source = 'context'
      sourceDescription = `context ${selected.name}`
    } else {
      const running = readRunningBroker()
      if (!running) {
        throw new KctlError(`unable to ${options.action ?? 'reach the cluster'}: no cluster given and the bundled broker is not running`, {
          hint: 'start it with `kctl broker start --detach`, or pass -b HOST:PORT, set KCTL_BOOTSTRAP_SERVER or `kctl context add`',
        })
      }
      brokers = [`${running.host}:${running.port}`]
      source = 'bundled-broker'
      sourceDescription = 'the bundled broker'
    }
  }
  if (!brokers || !validServers(brokers)) {
    throw new KctlError(`unable to ${options.action ?? 'reach the cluster'}: invalid bootstrap servers "${(brokers ?? []).join(',')}" (from ${sourceDescription})`, {
      exitCode: source === 'flag' ? 2 : 1,
      hint: 'use host:port[,host:port], e.g. 127.0.0.1:9092',
    })
  }
  if (commandConfig) settings = {...settings, tls: commandConfig.tls, sasl: commandConfig.sasl}
  const securitySource: SecuritySource | undefined = options.commandConfig
    ? {kind: 'command-config', name: options.commandConfig}
    : contextName
      ? {kind: 'context', name: contextName}
      : undefined

  return {
    brokers,
    source,
    sourceDescription,
    contextName,
    securitySource,
    tls: settings.tls,
    sasl: settings.sasl,
    debug: Boolean(options.debug),
    connectTimeoutMs: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
    clientId: options.clientId ?? 'kctl',
  }
}

/** What toKctlError needs to know about the connection for its messages and hints. */
export function errorContext(connection: ResolvedConnection, action: string): ErrorContext {
  return {action, brokers: connection.brokers, source: connection.sourceDescription, security: connection.securitySource}
}

/** Kafka's request.timeout.ms default: how long one request may wait for its answer. */
const requestTimeoutMs = 30_000

export function clientOptions(connection: ResolvedConnection): ClientOptions {
  return {
    bootstrap: connection.brokers,
    clientId: connection.clientId,
    tls: connection.tls,
    sasl: connection.sasl,
    connectTimeoutMs: connection.connectTimeoutMs,
    requestTimeoutMs,
  }
}

export interface ClientSession {
  client: KafkaClient
  connection: ResolvedConnection
  /** Maps anything the client threw to a KctlError about `action`. */
  fail(error: unknown, action: string): KctlError
}

/** A KafkaClient on the resolved connection, bootstrapped within the connect budget; the caller closes it. */
export async function connectClient(options: ConnectionOptions = {}): Promise<ClientSession> {
  const connection = resolveConnection(options)
  const action = options.action ?? 'reach the cluster'
  const fail = (error: unknown, failedAction: string) => toKctlError(error, errorContext(connection, failedAction))
  const within = () =>
    new KctlError(`unable to ${action}: cannot connect to ${connection.brokers.join(',')} within ${connection.connectTimeoutMs} ms`, {
      hint: `check the address (from ${connection.sourceDescription}), firewalls, and that security.protocol matches the listener`,
    })
  // Each bootstrap server gets the budget inside KafkaClient.connect; this bounds them all together.
  const connecting = KafkaClient.connect(clientOptions(connection))
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(within()), connection.connectTimeoutMs)
  })
  try {
    return {client: await Promise.race([connecting, timeout]), connection, fail}
  } catch (error) {
    void connecting.then((client) => client.close(), () => undefined)
    if (error instanceof KafkaClientError && error.kind === 'timeout') throw within()
    throw fail(error, action)
  } finally {
    clearTimeout(timer)
  }
}

/** Runs `fn` with a connected client, always closes it, and maps errors to KctlError about options.action. */
export async function withClient<T>(options: ConnectionOptions, fn: (client: KafkaClient, session: ClientSession) => Promise<T>): Promise<T> {
  const session = await connectClient(options)
  try {
    return await fn(session.client, session)
  } catch (error) {
    throw session.fail(error, options.action ?? 'reach the cluster')
  } finally {
    session.client.close()
  }
}

export function kafkaConfig(connection: ResolvedConnection): KafkaConfig {
  const {tls, sasl} = connection
  return {
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: tls
      ? {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          passphrase: tls.passphrase,
          // Kafka's ssl.endpoint.identification.algorithm= (empty) keeps chain checks, drops the name check.
          ...(tls.checkHostname ? {} : {checkServerIdentity: () => undefined}),
        }
      : undefined,
    sasl: sasl ? ({mechanism: sasl.mechanism.toLowerCase(), username: sasl.username, password: sasl.password} as SASLOptions) : undefined,
    connectionTimeout: Math.min(3000, connection.connectTimeoutMs),
    authenticationTimeout: connection.connectTimeoutMs,
    // Short, bounded retries: enough for a leader election, not a minute of silence.
    retry: {retries: 4, initialRetryTime: 100, maxRetryTime: 1000},
    // kafkajs's logLevel.DEBUG and logLevel.NOTHING, as numbers: this module loads no kafkajs code.
    logLevel: connection.debug ? 5 : 0,
    logCreator: () => (entry) => {
      process.stderr.write(`kafkajs ${entry.label} ${entry.namespace}: ${entry.log.message} ${JSON.stringify({...entry.log, message: undefined, timestamp: undefined})}\n`)
    },
  }
}
