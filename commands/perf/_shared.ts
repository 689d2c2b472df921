// Pieces the perf commands share: flags, the cluster address, Ctrl-C, the TTY progress bar.
import {Flags} from '@oclif/core'
import {connectionOptions, resolveConnection} from '../../src/admin/connection.js'
import {KctlError, usageError} from '../../src/errors.js'
import {compressionNames} from '../../src/compression/index.js'
import {parseDurationMs, parseBytes} from '../../src/config/units.js'
import {payloadsFromFile, randomPayloads} from '../../src/perf/payloads.js'
import {withInterrupt} from '../../src/ui/interrupt.js'

/** How much to send and where, shared by perf produce and perf e2e (their defaults for
 *  --throughput and --record-size differ, so those stay with each command). */
export const sendFlags = {
  duration: Flags.string({description: 'how long to send (e.g. 30s, 5m); with --num-records, whichever ends first'}),
  'num-records': Flags.integer({description: 'number of records to send', min: 1}),
  partitions: Flags.integer({description: 'create the topic with N partitions if it does not exist', min: 1}),
  'payload-file': Flags.file({description: 'send payloads from FILE, one per line', exclusive: ['record-size']}),
  report: Flags.string({description: 'write a self-contained HTML report with charts to FILE'}),
}

/** What a producing run sends and for how long, checked the same way for produce and e2e. */
export interface SendPlan {
  numRecords: number
  durationMs: number
  warmupMs: number
  payloads: Buffer[]
}

export function parseSendPlan(flags: {
  duration?: string
  'num-records'?: number
  throughput: number
  'record-size'?: string
  'payload-file'?: string
  warmup?: string
}): SendPlan {
  const durationMs = parseOptionalDurationMs(flags.duration, '--duration')
  if (flags['num-records'] === undefined && durationMs === undefined) {
    throw usageError('unable to start the load test: no length given', 'pass --num-records N or --duration 30s')
  }
  if (flags['record-size'] === undefined && flags['payload-file'] === undefined) {
    throw usageError('unable to start the load test: no payload given', 'pass --record-size 100 or --payload-file FILE')
  }
  if (flags.throughput === 0) throw usageError('invalid --throughput 0', 'use records per second, or -1 for as fast as possible')
  let payloads: Buffer[]
  if (flags['payload-file']) payloads = payloadsFromFile(flags['payload-file'])
  else {
    const recordBytes = parseBytes(flags['record-size']!, '--record-size')
    if (!Number.isInteger(recordBytes) || recordBytes < 1) throw usageError(`invalid --record-size "${flags['record-size']}"`, 'use a whole number of bytes ≥ 1')
    payloads = randomPayloads(recordBytes)
  }
  const warmupMs = flags.warmup ? parseDurationMs(flags.warmup, '--warmup') : 0
  if (durationMs !== undefined && warmupMs >= durationMs) {
    throw usageError(`invalid --warmup ${flags.warmup}: not shorter than --duration ${flags.duration}`, 'the warm-up is left out of the steady-state figures; make it shorter than the run')
  }
  return {numRecords: flags['num-records'] ?? Number.POSITIVE_INFINITY, durationMs: durationMs ?? Number.POSITIVE_INFINITY, warmupMs, payloads}
}

export const producerFlags = {
  acks: Flags.option({description: 'acknowledgements: all (-1), 1 (leader) or 0 (none)', options: ['all', '-1', '0', '1'] as const, default: 'all' as const})(),
  'batch-size': Flags.string({description: 'largest record batch per partition (e.g. 16KiB, 1MiB)', default: '1MiB'}),
  compression: Flags.option({
    description: 'compression codec of the record batches',
    options: compressionNames,
    default: 'none' as const,
  })(),
  'key-pattern': Flags.string({description: 'record keys: none, round-robin:N or random:N (N distinct keys)', default: 'none'}),
  'linger-ms': Flags.integer({description: 'how long a batch waits for more records before it is sent', default: 5, min: 0}),
  'max-in-flight': Flags.integer({description: 'Produce requests in flight per producer', default: 5, min: 1}),
  producers: Flags.integer({description: 'number of producers (each with its own connections)', default: 1, min: 1}),
}

export function parseAcks(acks: string): number {
  return acks === 'all' ? -1 : Number(acks)
}

export function parseBatchBytes(text: string): number {
  const bytes = parseBytes(text, '--batch-size')
  if (bytes < 64 || bytes > 64 * 1024 * 1024) throw usageError(`invalid --batch-size "${text}"`, 'use between 64 bytes and 64MiB')
  return Math.floor(bytes)
}

export function parseOptionalDurationMs(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const ms = parseDurationMs(text, flag)
  if (ms <= 0) throw usageError(`invalid ${flag} "${text}"`, 'use a positive duration such as 30s or 5m')
  return ms
}

/** The bootstrap servers for the lean perf client, which speaks plaintext only. */
export function perfBootstrap(flags: {'bootstrap-server'?: string; context?: string; 'command-config'?: string; debug?: boolean}): string[] {
  const connection = resolveConnection(connectionOptions(flags, 'run a load test'))
  if (connection.tls || connection.sasl) {
    throw new KctlError('unable to run a load test over TLS or SASL: the perf client speaks plaintext only', {
      hint: 'point the test at a PLAINTEXT listener with -b HOST:PORT',
    })
  }
  return connection.brokers
}

/** A one-line progress bar on stderr, only on a TTY and never in json/yaml mode. */
function progressBar(enabled: boolean): {update: (p: {records: number; elapsedMs: number; fraction: number | null}) => void; clear: () => void} {
  const active = enabled && Boolean(process.stderr.isTTY)
  let drawn = false
  return {
    update({records, elapsedMs, fraction}) {
      if (!active) return
      const width = 30
      const filled = fraction === null ? 0 : Math.round(fraction * width)
      const bar = fraction === null ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% `
      process.stderr.write(`\r${bar}${records} records, ${(elapsedMs / 1000).toFixed(1)} s\u001B[K`)
      drawn = true
    },
    clear() {
      if (drawn) process.stderr.write('\r\u001B[K')
      drawn = false
    },
  }
}

export interface RunHooks {
  signal: AbortSignal
  onLine: (line: string) => void
  onProgress: (progress: {records: number; elapsedMs: number; fraction: number | null}) => void
}

/**
 * Runs a load with Ctrl-C and, in text mode, the progress bar wired up: progress lines go
 * through `log` with the bar cleared first, so the two never interleave on a terminal.
 */
export async function withProgress<T>(text: boolean, log: (line: string) => void, run: (hooks: RunHooks) => Promise<T>): Promise<T> {
  const bar = progressBar(text)
  try {
    return await withInterrupt(({signal}) =>
      run({
        signal,
        onLine: (line) => {
          if (!text) return
          bar.clear()
          log(line)
        },
        onProgress: (progress) => bar.update(progress),
      }),
    )
  } finally {
    bar.clear()
  }
}
