// withInterrupt in a real process receiving real signals (from the built dist/, as the CLI
// runs it): the first Ctrl-C or SIGTERM only aborts, a second one exits with the shell's
// code for it, and once the work settles the process's own signal handling is back.
// The commands' exit codes on Ctrl-C are checked where they run: test/lag (lag --watch
// exits 0), test/commands/produce-consume (consume exits 130), test/perf/broker (130).
import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

// mode "clean": the work returns once aborted; "hang": its cleanup never ends;
// "settled": the work returns at once and the process stays up.
const script = `
  import {withInterrupt} from ${JSON.stringify(path.join(root, 'dist/src/ui/interrupt.js'))}
  const mode = process.argv[1]
  // Signal handlers do not keep a process alive; this does, until the work settles.
  const alive = setInterval(() => {}, 1000)
  await withInterrupt(async ({signal}) => {
    if (mode === 'settled') return
    process.stdout.write('ready\\n')
    await new Promise((resolve) => signal.addEventListener('abort', resolve))
    process.stdout.write('aborted\\n')
    if (mode === 'hang') await new Promise(() => {})
  })
  process.stdout.write('settled\\n')
  if (mode !== 'settled') clearInterval(alive)
`

function start(mode: 'clean' | 'hang' | 'settled'): {child: ChildProcess; saw: (line: string) => Promise<void>; exit: Promise<{code: number | null; signal: NodeJS.Signals | null}>} {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, mode], {stdio: ['ignore', 'pipe', 'inherit']})
  let stdout = ''
  const waiting: {line: string; resolve: () => void}[] = []
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    for (const wait of waiting) if (stdout.split('\n').includes(wait.line)) wait.resolve()
  })
  const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.once('exit', (code, signal) => resolve({code, signal})))
  const saw = (line: string) =>
    new Promise<void>((resolve, reject) => {
      if (stdout.split('\n').includes(line)) return resolve()
      waiting.push({line, resolve})
      void exit.then(() => reject(new Error(`exited before printing "${line}"; stdout: ${stdout}`)))
    })
  return {child, saw, exit}
}

describe('withInterrupt', () => {
  it('the first Ctrl-C aborts the signal and lets the work finish: the process ends on its own, exit 0', async () => {
    const run = start('clean')
    await run.saw('ready')
    run.child.kill('SIGINT')
    await run.saw('settled')
    expect(await run.exit).toEqual({code: 0, signal: null})
  })

  it('a second Ctrl-C while the cleanup hangs exits 130 at once', async () => {
    const run = start('hang')
    await run.saw('ready')
    run.child.kill('SIGINT')
    await run.saw('aborted')
    run.child.kill('SIGINT')
    expect(await run.exit).toEqual({code: 130, signal: null})
  })

  it('SIGTERM stops the same way, and a second one exits 143', async () => {
    const run = start('hang')
    await run.saw('ready')
    run.child.kill('SIGTERM')
    await run.saw('aborted')
    run.child.kill('SIGTERM')
    expect(await run.exit).toEqual({code: 143, signal: null})
  })

  it('removes its handlers once the work settles: Ctrl-C then kills the process as usual', async () => {
    const run = start('settled')
    await run.saw('settled')
    run.child.kill('SIGINT')
    expect(await run.exit).toEqual({code: null, signal: 'SIGINT'})
  })
})
