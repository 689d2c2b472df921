// Runs the built CLI (node bin/run.js, after `npm run build`) as an operator would, with a
// private config dir and no bundled broker to fall back on, unless a test says otherwise.
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const runJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js')

export interface KctlResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface KctlOptions {
  /** Written to stdin, which is then closed (stdin is a pipe, never a TTY). */
  input?: string
  env?: Record<string, string | undefined>
  timeoutMs?: number
}

/** A fresh config home and an empty bundled-broker data dir, for one suite or test. */
export function isolatedEnv(): Record<string, string> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kctl-cmd-'))
  return {XDG_CONFIG_HOME: path.join(home, 'config'), KCTL_BROKER_DATA_DIR: path.join(home, 'broker')}
}

export function startKctl(args: string[], options: KctlOptions = {}): {child: ChildProcess; result: Promise<KctlResult>} {
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', KCTL_BOOTSTRAP_SERVER: undefined, KCTL_CONTEXT: undefined, CI: undefined, ...options.env}
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  const child = spawn(process.execPath, [runJs, ...args], {env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk) => (stdout += chunk))
  child.stderr?.on('data', (chunk) => (stderr += chunk))
  child.stdin?.end(options.input ?? '')
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000)
  const result = new Promise<KctlResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
  })
  return {child, result}
}

export function kctl(args: string[], options: KctlOptions = {}): Promise<KctlResult> {
  return startKctl(args, options).result
}

/** stdout of a successful run parsed as JSON (fails the test with stderr otherwise). */
export async function kctlJson<T = unknown>(args: string[], options: KctlOptions = {}): Promise<T> {
  const run = await kctl([...args, '-o', 'json'], options)
  if (run.code !== 0) throw new Error(`kctl ${args.join(' ')} exited ${run.code}: ${run.stderr}`)
  return JSON.parse(run.stdout) as T
}
