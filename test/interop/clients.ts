// Runs real third-party clients (kcat, /usr/bin/python3 with kafka-python and
// confluent-kafka) as child processes for the interop suites.
import {execFile} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))

export async function kcat(args: string[], options: {input?: string} = {}): Promise<string> {
  if (options.input === undefined) {
    const {stdout} = await run('kcat', args, {maxBuffer: 256 * 1024 * 1024, timeout: 60_000})
    return stdout
  }
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, {maxBuffer: 256 * 1024 * 1024, timeout: 60_000}, (error, stdout, stderr) =>
      error ? reject(new Error(`kcat ${args.join(' ')} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    )
    child.stdin?.end(options.input)
  })
}

/** Runs test/interop/py/NAME.py with the system python (Debian's kafka-python and confluent-kafka). */
export async function python<T>(script: string, args: string[]): Promise<T> {
  const {stdout} = await run('/usr/bin/python3', [path.join(here, 'py', `${script}.py`), ...args], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  })
  return JSON.parse(stdout) as T
}
