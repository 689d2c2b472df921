// Start-up (issue 16): `kctl --version` and help pages are answered by bin/fast-start.js
// without oclif's entry point, kafkajs, the broker or the perf engine; and what it prints is
// oclif's own help, page for page.
import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {format, promisify} from 'node:util'
import {Config, Help} from '@oclif/core'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
// @ts-expect-error plain JavaScript module without declarations
import {fastOutput} from '../bin/fast-start.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')
const recorder = path.join(root, 'test/helpers/record-imports.mjs')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-imports-'))
const heavy = [/\/node_modules\/kafkajs\//, /\/src\/broker\//, /\/src\/perf\//]

/** Runs bin/run.js with argv and answers its exit code, stdout and every module it loaded. */
async function loadedModules(argv: string[]): Promise<{code: number; stdout: string; modules: string[]}> {
  const record = path.join(tmp, `${argv.join('_').replaceAll(/\W/g, '') || 'none'}.txt`)
  const env = {...process.env, NO_COLOR: '1', KCTL_RECORD_IMPORTS: record}
  const {stdout} = await run(process.execPath, ['--import', recorder, 'bin/run.js', ...argv], {cwd: root, env})
  const modules = readFileSync(record, 'utf8').split('\n').filter(Boolean)
  return {code: 0, stdout, modules}
}

afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe('kctl start-up loads nothing it does not need', () => {
  for (const argv of [['--version'], ['-v'], ['--help'], ['topics', 'list', '--help'], ['plan', '--help'], ['topics']]) {
    it(`kctl ${argv.join(' ')}`, async () => {
      const {stdout, modules} = await loadedModules(argv)
      expect(stdout).not.toBe('')
      expect(modules.some((m) => m.endsWith('/bin/fast-start.js'))).toBe(true) // the recorder saw the run
      for (const pattern of heavy) expect(modules.filter((m) => pattern.test(m))).toEqual([])
      // The fast path answered: oclif's entry point (its ~160 modules) was not loaded.
      expect(modules.filter((m) => m.includes('/@oclif/core/lib/index.js'))).toEqual([])
    })
  }

  it('prints the same as oclif does, through bin/run.js', async () => {
    for (const argv of [['--version'], ['-v'], ['topics', 'list', '--help']]) {
      const fast = await run(process.execPath, ['bin/run.js', ...argv], {cwd: root})
      const oclif = await run(process.execPath, ['bin/run.js', ...argv], {cwd: root, env: {...process.env, KCTL_NO_FAST_START: '1'}})
      expect(fast.stdout).toBe(oclif.stdout)
    }
  })
})

describe('loading a command class loads no client, broker or perf engine', () => {
  // Commands import kafkajs (through src/admin/connection.js), the broker and the perf engine
  // inside run(); loading the class (oclif does for --help when a flag's help is dynamic, and
  // before parsing flags) stays light. Not yet so, each for the reason given:
  const notYet: Record<string, string> = {
    'produce.js': 'being changed in the work tree (issue 16 left it alone)',
    'lag.js': 'being changed in the work tree (issue 16 left it alone)',
    'groups/': 'being changed in the work tree (issue 16 left them alone)',
    'perf/': 'perf/_shared.ts is being changed in the work tree and imports the connection',
    'broker/': "the broker commands are another engineer's",
    'doctor.js': 'new in the work tree; imports src/admin/connection.js at the top',
    'transactions/': 'new in the work tree; import src/admin/connection.js at the top',
  }
  const dir = path.join(root, 'dist/commands')
  const modules = (readdirSync(dir, {recursive: true}) as string[])
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => file.endsWith('.js') && !file.split('/').at(-1)!.startsWith('_'))
    .sort()
  for (const file of modules) {
    const reason = Object.entries(notYet).find(([prefix]) => file.startsWith(prefix))?.[1]
    it.skipIf(reason !== undefined)(`commands/${file.replace(/\.js$/, '.ts')}${reason ? ` (not yet: ${reason})` : ''}`, async () => {
      const record = path.join(tmp, `module-${file.replaceAll(/\W/g, '_')}.txt`)
      const url = new URL(`file://${path.join(dir, file)}`).href
      await run(process.execPath, ['--import', recorder, '--input-type=module', '-e', `await import(${JSON.stringify(url)})`], {cwd: root, env: {...process.env, KCTL_RECORD_IMPORTS: record}})
      const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean)
      expect(loaded.some((m) => m.endsWith(`/dist/commands/${file}`))).toBe(true)
      for (const pattern of heavy) expect(loaded.filter((m) => pattern.test(m))).toEqual([])
    })
  }
})

describe('fast help pages are oclif help pages', () => {
  const saved = {XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, XDG_DATA_HOME: process.env.XDG_DATA_HOME}
  beforeAll(() => {
    // No user theme and no user plugins, for oclif and the fast path alike.
    process.env.XDG_CONFIG_HOME = path.join(tmp, 'config')
    process.env.XDG_DATA_HOME = path.join(tmp, 'data')
  })
  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })

  /** What oclif's main.run prints for a help request: Help.showHelp(argv) on a fresh Config. */
  async function oclifHelp(argv: string[], maxWidth: number): Promise<string> {
    const config = await Config.load({root})
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    try {
      await new Help(config, {maxWidth}).showHelp(argv)
      return log.mock.calls.map((args) => format(...args) + '\n').join('')
    } finally {
      log.mockRestore()
    }
  }

  const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
  const ids = Object.keys(manifest.commands)
  const topics = [...new Set(ids.flatMap((id) => id.split(':').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join(' '))))]
  const pages: string[][] = [
    [],
    ['--help'],
    ['-o', 'json', '--help'],
    ['--help', 'topics', 'list'],
    ['topics', 'list', '-o', 'json', '--help'],
    ['help', '--help'],
    ['autocomplete', '--help'],
    ...topics.map((topic) => [...topic.split(' '), '--help']),
    ...ids.map((id) => [...id.split(':'), '--help']),
  ]

  for (const width of [80, 132, 50]) {
    it(`every page at ${width} columns`, async () => {
      const env = {...process.env, OCLIF_COLUMNS: String(width)}
      for (const argv of pages) {
        const fast = fastOutput(argv, root, env)
        expect(fast, `kctl ${argv.join(' ')}`).toBeTypeOf('string')
        expect(fast, `kctl ${argv.join(' ')}`).toBe(await oclifHelp(argv, width))
      }
      // A bare topic (`kctl topics`): main.run shows that topic's help.
      for (const topic of topics) expect(fastOutput(topic.split(' '), root, env)).toBe(await oclifHelp([topic.replaceAll(' ', ':')], width))
    })
  }

  it('leaves to oclif what it does not reproduce', () => {
    expect(fastOutput(['nosuch', '--help'], root)).toBeUndefined() // oclif's "command not found"
    expect(fastOutput(['topics', 'nosuch', '--help'], root)).toBeUndefined()
    expect(fastOutput(['perf', 'run', '--', '--help'], root)).toBeUndefined() // after --: an argument
    expect(fastOutput(['topics', 'list'], root)).toBeUndefined() // a command to run
    expect(fastOutput(['--help'], root, {...process.env, KCTL_NO_FAST_START: '1'})).toBeUndefined()
    expect(fastOutput(['--help'], root, {...process.env, DEBUG: '*'})).toBeUndefined()
  })
})
