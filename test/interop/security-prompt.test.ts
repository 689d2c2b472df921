// Ctrl-C in a prompt on a real terminal: `script` gives kctl a pseudo-terminal, and the ETX
// byte (Ctrl-C) typed into it reaches @inquirer in raw mode. kctl must say "interrupted" and
// exit 130 (ExitCode.interrupted), not print inquirer's message with exit 1.
import {execFile, execFileSync} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

/** Runs a kctl command under `script`, types `keys` after the prompt shows, and returns its exit code and output. */
function underTerminal(args: string, keys: string, env: Record<string, string> = {}): Promise<{code: number; output: string}> {
  return new Promise((resolve) => {
    const child = execFile('script', ['-qec', `${process.execPath} ${path.join(root, 'bin/run.js')} ${args}`, '/dev/null'], {
      cwd: root,
      timeout: 30_000,
      env: {...process.env, CI: '', NO_COLOR: '1', KCTL_USER_PASSWORD: '', ...env},
    }, (error, stdout) => resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, output: stdout}))
    let typed = false
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!typed && chunk.toString().includes('?')) {
        typed = true
        child.stdin!.write(keys)
      }
    })
  })
}

describe.skipIf(!hasScript || process.platform !== 'linux')('Ctrl-C in a prompt', () => {
  it('users create: the password prompt exits 130 with "interrupted"', async () => {
    // -b points nowhere: the password is asked before any connection.
    const {code, output} = await underTerminal('users create mallory -b 127.0.0.1:1', 'ab\u0003')
    expect(code).toBe(130)
    expect(output).toContain('error: interrupted')
    expect(output).not.toContain('force closed')
  })

  it('plan: a workload prompt exits 130 with "interrupted"', async () => {
    const {code, output} = await underTerminal('plan', '\u0003')
    expect(code).toBe(130)
    expect(output).toContain('error: interrupted')
  })
})
