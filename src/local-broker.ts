// How a running bundled broker announces itself: `<dataDir>/broker.json`, written by the
// broker once it serves and removed on a graceful stop. Both sides read this contract: the
// broker (refusing a second instance on one data dir) and every client command (finding
// the bundled broker when no cluster is given), so it is a leaf that imports neither.
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {defaultBrokerDataDir} from './paths.js'

/** `<dataDir>/broker.json`: written once the broker serves, removed on graceful stop. */
export interface BrokerInfo {
  pid: number
  host: string
  port: number
  metricsPort: number | null
  dataDir: string
  startedAt: string
  version: string
  logFile: string | null
}

export const BROKER_INFO_FILE = 'broker.json'

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A detached broker outlives its parent; until its new parent reaps it, an exited broker is
  // a zombie that still answers signal 0. On Linux /proc tells the two apart.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

/** The broker running on `dataDir`, or undefined (no broker.json, or its pid is gone). */
export function readRunningBroker(dataDir = defaultBrokerDataDir()): BrokerInfo | undefined {
  let info: BrokerInfo
  try {
    info = JSON.parse(readFileSync(path.join(dataDir, BROKER_INFO_FILE), 'utf8')) as BrokerInfo
  } catch {
    return undefined
  }
  return typeof info.pid === 'number' && isAlive(info.pid) ? info : undefined
}
