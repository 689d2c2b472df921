// Entry of the broker process that `kctl broker start` runs (detached, or in the foreground
// with the terminal's stdio): options as one JSON argument, log lines to stdout, a failure as
// `error:`/`hint:` lines on stderr (both go to <dataDir>/broker.log when detached). It imports
// only the broker, so it starts fast and stays small.
import {KctlError} from '../errors.js'
import {type DaemonOptions, lineLogger, runBroker} from './daemon.js'

const options = JSON.parse(process.argv[2] ?? '{}') as DaemonOptions
// A reader that goes away (`kctl broker start | head`, a closed terminal) makes stdout fail
// with EPIPE; the broker keeps serving and stops logging, as Kafka's log4j would, instead of
// dying on an unhandled 'error' event.
let stdoutOpen = true
process.stdout.on('error', () => (stdoutOpen = false))
process.stderr.on('error', () => {})
const logger = lineLogger((line) => {
  if (stdoutOpen) process.stdout.write(line)
})
try {
  // Everything is closed and flushed once runBroker resolves; exit now rather than wait for
  // stray handles (this process exists only to run the broker).
  process.exit(await runBroker(options, logger))
} catch (err) {
  // The parent looks for these two lines to report the failure on one line.
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`error: ${message}\n`)
  if (err instanceof KctlError && err.hint) process.stderr.write(`hint: ${err.hint}\n`)
  if (!(err instanceof KctlError)) process.stderr.write(`${(err as Error).stack ?? ''}\n`)
  process.exitCode = err instanceof KctlError ? err.exitCode : 1
}
