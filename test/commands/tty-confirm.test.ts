// Confirmation on a terminal: `script` (util-linux) runs kctl on a pseudo-terminal, the test
// types the answer once the question is shown.
import {spawn, spawnSync} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {isolatedEnv, kctl, kctlJson} from './kctl.js'

const runJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js')
const hasScript = spawnSync('script', ['--version']).status === 0

function onTerminal(args: string[], answer: string, env: Record<string, string>): Promise<{code: number | null; output: string}> {
  const command = [process.execPath, runJs, ...args].map((word) => `'${word}'`).join(' ')
  // A person at a terminal: CI=true (set by the CI runner) would make kctl refuse to ask.
  const child = spawn('script', ['-qec', command, '/dev/null'], {env: {...process.env, CI: '', ...env, NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'pipe']})
  let output = ''
  let answered = false
  child.stdout.on('data', (chunk) => {
    output += chunk
    if (!answered && output.includes('(y/N)')) {
      answered = true
      child.stdin.write(`${answer}\r`)
    }
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({code, output})))
}

describe.skipIf(!hasScript)('confirmation on a terminal (needs util-linux script)', {timeout: 120_000}, () => {
  const broker = useBroker()
  const env = isolatedEnv()

  it('deletes after "y" and changes nothing after "n"', async () => {
    await kctl(['topics', 'create', 'ask-1', 'ask-2', '-b', broker().bootstrap], {env})
    const yes = await onTerminal(['topics', 'delete', 'ask-1', '-b', broker().bootstrap], 'y', env)
    expect(yes.code).toBe(0)
    expect(yes.output).toContain('Delete topic ask-1 and all its data?')
    expect(yes.output).toMatch(/ask-1\s+deleted/)
    const no = await onTerminal(['topics', 'delete', 'ask-2', '-b', broker().bootstrap], 'n', env)
    expect(no.code).toBe(1)
    expect(no.output).toContain('delete topic ask-2: cancelled, nothing changed')
    const names = (await kctlJson<{name: string}[]>(['topics', 'list', '-b', broker().bootstrap], {env})).map((row) => row.name)
    expect(names).toEqual(['ask-2'])
  })

  it('does not ask with CI=true even on a terminal, and says that is why', async () => {
    const ci = await onTerminal(['topics', 'delete', 'ask-2', '-b', broker().bootstrap], 'y', {...env, CI: 'true'})
    expect(ci.code).toBe(2)
    expect(ci.output).toContain('refusing to delete topic ask-2 without confirmation: CI=true')
    expect(ci.output).not.toContain('(y/N)')
  })
})
