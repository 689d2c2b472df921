// Entry of the detached broker process that `kctl broker start --detach` runs: options as one
// JSON argument, log lines to stdout, a failure as `error:`/`hint:` lines on stderr (both go
// to <dataDir>/broker.log). It imports only the broker, so it starts fast and stays small.
import {KctlError} from '../errors.js'
import {type DaemonOptions, runBroker, stdoutLogger} from './daemon.js'

const options = JSON.parse(process.argv[2] ?? '{}') as DaemonOptions
const logger = stdoutLogger()
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
