// startBroker(): the bundled broker in this process, for `kctl broker start` and for tests.
// Kept lean on purpose: this module graph must not load oclif or kafkajs (start ≤ 500 ms,
// idle RSS ≤ 80 MB).
import type http from 'node:http'
import path from 'node:path'
import {KctlError} from '../errors.js'
import {apiRegistry} from './apis/index.js'
import {makeDataDir} from './data-dir.js'
import {Security} from './auth/index.js'
import {createGroupCoordinator} from './groups/index.js'
import {openLogManager} from './log-adapter.js'
import {BrokerMetrics, serveMetrics} from './metrics.js'
import {BrokerServer} from './server.js'
import {BrokerSettings, resolveSettings} from './settings.js'
import {BrokerState} from './state.js'
import {createTransactionCoordinator} from './txn/index.js'
import type {ListenerSpec, Logger, SecurityProtocol} from './types.js'

export interface StartBrokerOptions {
  /** Port of the default PLAINTEXT listener; 0 = ephemeral. Ignored when `listeners` is configured. */
  port?: number
  host?: string
  /** Host returned to clients in Metadata (default: host). */
  advertisedHost?: string
  dataDir: string
  /** Kafka broker settings by their own names. */
  config?: Record<string, string>
  /** Serve Prometheus /metrics on this port (0 = ephemeral); undefined = no metrics endpoint. */
  metricsPort?: number
  /** fsync after every append ('always') or on log.flush.interval.ms ('interval', the default). */
  fsync?: 'always' | 'interval'
  logger?: Logger
}

export interface RunningBroker {
  port: number
  host: string
  bootstrap: string
  metricsPort?: number
  dataDir: string
  /** Every bound listener (the first is `port`). */
  listeners: ListenerSpec[]
  state: BrokerState
  close(): Promise<void>
}

/** Warnings and errors to stderr; quiet otherwise (tests). `kctl broker start` passes its own. */
export const quietLogger: Logger = {
  info: () => {},
  debug: () => {},
  warn: (message) => process.stderr.write(`broker warning: ${message}\n`),
  error: (message) => process.stderr.write(`broker error: ${message}\n`),
}

export async function startBroker(options: StartBrokerOptions): Promise<RunningBroker> {
  const logger = options.logger ?? quietLogger
  const config = {...options.config}
  if (options.fsync === 'always') config['log.flush.interval.messages'] = '1'
  const resolved = resolveSettings(config)
  for (const warning of resolved.warnings) logger.warn(warning)
  const settings = new BrokerSettings(resolved)
  const dataDir = path.resolve(options.dataDir)
  makeDataDir(dataDir)
  const host = options.host ?? '127.0.0.1'
  const listeners = configuredListeners(settings, host, options.port ?? 9092)

  // The broker composed once: every part is built here and handed to BrokerState, which
  // never fills a part in later.
  const log = openLogManager(dataDir, settings, logger)
  let state: BrokerState
  try {
    const metrics = new BrokerMetrics()
    const security = new Security(settings.values, dataDir, options.advertisedHost ? [options.advertisedHost] : [])
    const groups = createGroupCoordinator({settings, dataDir, log, metrics})
    // Producer ids come from the state's block allocator; the coordinator asks for one only
    // when serving InitProducerId, after the state exists.
    const txn = createTransactionCoordinator({settings, dataDir, log, groups, logger, allocateProducerId: () => state.allocateProducerId()})
    state = new BrokerState({settings, dataDir, log, logger, metrics, security, groups, txn, apis: apiRegistry})
  } catch (err) {
    log.close()
    throw err
  }
  let server: BrokerServer | undefined
  let metricsServer: http.Server | undefined
  try {
    server = new BrokerServer(state, apiRegistry)
    state.listeners = await bindListeners(server, listeners)
    state.advertised = advertisedListeners(settings, state.listeners, options.advertisedHost)
    if (options.metricsPort !== undefined) metricsServer = await bindMetrics(state, host, options.metricsPort)
  } catch (err) {
    state.close()
    state.txn.close()
    await server?.close()
    log.close()
    throw err
  }
  const first = state.listeners[0]
  logger.info(
    `broker ${state.nodeId} of cluster ${state.clusterId} listening on ${state.listeners.map((l) => `${l.name}://${l.host}:${l.port}`).join(', ')}` +
      ` (data ${dataDir}${metricsServer ? `, metrics on :${(metricsServer.address() as {port: number}).port}` : ''})`,
  )
  let closing: Promise<void> | undefined
  return {
    port: first.port,
    host: first.host,
    bootstrap: `${state.advertisedFor(first.name).host}:${state.advertisedFor(first.name).port}`,
    metricsPort: metricsServer ? (metricsServer.address() as {port: number}).port : undefined,
    dataDir,
    listeners: state.listeners,
    state,
    close: () => {
      closing ??= (async () => {
        state.close()
        const stopped = server!.close()
        metricsServer?.close()
        metricsServer?.closeAllConnections()
        await state.groups.close()
        state.txn.close()
        await stopped
        log.close()
        logger.info('broker stopped; logs flushed')
      })()
      return closing
    },
  }
}


/** `listeners` (NAME://host:port,...) or one PLAINTEXT listener on host:port. */
function configuredListeners(settings: BrokerSettings, host: string, port: number): ListenerSpec[] {
  const text = settings.get('listeners')
  if (!text) return [{name: 'PLAINTEXT', host, port, securityProtocol: 'PLAINTEXT'}]
  const protocolMap = new Map(
    (settings.get('listener.security.protocol.map') ?? '').split(',').map((pair) => pair.trim().split(':') as [string, string]),
  )
  // A KRaft server.properties declares the controller's own listener too; there is no
  // separate controller here, so it is not bound (and not advertised).
  const controllerNames = new Set((settings.get('controller.listener.names') ?? '').split(',').map((name) => name.trim().toUpperCase()))
  const listeners = parseListenerList('listeners', text).filter(({name}) => !controllerNames.has(name))
  if (listeners.length === 0)
    throw new KctlError('unable to configure the broker: every listener is a controller listener', {
      hint: 'add a broker listener to listeners, such as PLAINTEXT://127.0.0.1:9092',
    })
  return listeners.map(({name, host: listenerHost, port: listenerPort}) => {
    const protocol = protocolMap.get(name)
    if (!protocol || !['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol))
      throw new KctlError(`unable to configure the broker: listener ${name} has no security protocol in listener.security.protocol.map`, {
        hint: `add ${name}:PLAINTEXT (or SSL, SASL_PLAINTEXT, SASL_SSL) to listener.security.protocol.map`,
      })
    return {name, host: listenerHost || host, port: listenerPort, securityProtocol: protocol as SecurityProtocol}
  })
}

function parseListenerList(key: string, text: string): {name: string; host: string; port: number}[] {
  return text.split(',').map((item) => {
    const match = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(item.trim())
    if (!match)
      throw new KctlError(`unable to configure the broker: ${key} entry "${item.trim()}" is not NAME://host:port`, {
        hint: `for example ${key}=PLAINTEXT://127.0.0.1:9092`,
      })
    if (Number(match[3]) > 65535)
      throw new KctlError(`unable to configure the broker: ${key} entry "${item.trim()}" has a port above 65535`, {hint: 'use a port from 0 to 65535'})
    return {name: match[1].toUpperCase(), host: match[2].replace(/^\[|\]$/g, ''), port: Number(match[3])}
  })
}

async function bindListeners(server: BrokerServer, listeners: ListenerSpec[]): Promise<ListenerSpec[]> {
  try {
    return await server.listen(listeners)
  } catch (err) {
    // EADDRNOTAVAIL names the address; a host name that does not resolve (ENOTFOUND) the hostname.
    const e = err as NodeJS.ErrnoException & {port?: number; address?: string; hostname?: string}
    if (e.code === 'EADDRINUSE')
      throw new KctlError(`unable to start the broker: port ${e.port} on ${e.address} is already in use`, {
        hint: 'stop whatever holds it or choose another with --port',
      })
    if (e.code === 'EACCES')
      throw new KctlError(`unable to start the broker: no permission to listen on port ${e.port}`, {hint: 'choose a port above 1023 with --port'})
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
      throw new KctlError(`unable to start the broker: cannot listen on ${e.address ?? e.hostname ?? 'that address'} (${e.code})`, {
        hint: 'use --host with an address of this machine, such as 127.0.0.1',
      })
    throw err
  }
}

async function bindMetrics(state: BrokerState, host: string, port: number): Promise<http.Server> {
  try {
    return await serveMetrics(state.metrics, host, port)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new KctlError(`unable to start the broker: metrics port ${port} is already in use`, {hint: 'choose another with --metrics-port'})
    throw err
  }
}

/** advertised.listeners, else the bound listeners with --advertised-host (a wildcard bind
 *  address is no use to a client, so 0.0.0.0 advertises 127.0.0.1 unless told otherwise). */
function advertisedListeners(settings: BrokerSettings, bound: ListenerSpec[], advertisedHost?: string): Map<string, {host: string; port: number}> {
  const advertised = new Map<string, {host: string; port: number}>()
  for (const listener of bound) {
    const host = advertisedHost ?? (listener.host === '0.0.0.0' || listener.host === '::' ? '127.0.0.1' : listener.host)
    advertised.set(listener.name, {host, port: listener.port})
  }
  const text = settings.get('advertised.listeners')
  if (text) {
    const controllerNames = new Set((settings.get('controller.listener.names') ?? '').split(',').map((name) => name.trim().toUpperCase()))
    for (const entry of parseListenerList('advertised.listeners', text)) {
      if (controllerNames.has(entry.name)) continue
      if (!advertised.has(entry.name))
        throw new KctlError(`unable to configure the broker: advertised listener ${entry.name} is not in listeners`, {
          hint: 'every advertised.listeners name must also appear in listeners',
        })
      advertised.set(entry.name, {host: entry.host || advertised.get(entry.name)!.host, port: entry.port})
    }
  }
  return advertised
}
