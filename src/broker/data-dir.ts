// Creating the broker's data dir, with one error for every way that fails. The directories are
// made one level at a time rather than with mkdirSync's `recursive`: Node 20's recursive mkdir
// never returns for a path under /proc (mkdir there answers ENOENT, so it retries the parent
// for ever), and a typo in --data-dir must not hang the command.
import {accessSync, constants, existsSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import {KctlError} from '../errors.js'

/** Creates `dataDir` and its missing parents; throws a KctlError when it cannot be written. */
export function makeDataDir(dataDir: string): void {
  try {
    const missing: string[] = []
    for (let dir = path.resolve(dataDir); !existsSync(dir); dir = path.dirname(dir)) {
      missing.unshift(dir)
      if (path.dirname(dir) === dir) break
    }
    for (const dir of missing) mkdirSync(dir)
    accessSync(dataDir, constants.W_OK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new KctlError(`unable to start the broker: data dir ${dataDir} is not writable (${code})`, {
      hint: 'choose a writable directory with --data-dir',
    })
  }
}
