import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Flags} from '@oclif/core'
import {type CommandResult, runTour} from '../src/demo.js'
import {withInterrupt} from '../src/ui/interrupt.js'
import {colour} from '../src/ui/output.js'
import {BaseCommand} from './_base.js'

export default class Demo extends BaseCommand {
  static description = `Starts a bundled broker on a free port in a temporary directory (or --data-dir), then runs real kctl commands against it one after another, showing each command line and its output: topics, produce and consume, a consumer group and its lag, a short load test, a capacity plan and a health check of the result (kctl doctor). The broker stops and its data is removed at the end unless --keep is given.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'take the tour on a throwaway broker'},
    {command: '<%= config.bin %> <%= command.id %> --keep', description: 'keep the broker running afterwards to try commands yourself'},
  ]

  static flags = {
    'data-dir': Flags.string({description: 'data directory for the tour broker (default: a new temporary directory)'}),
    keep: Flags.boolean({description: 'leave the broker running and its data in place after the tour (Ctrl-C stops it)'}),
    port: Flags.integer({description: 'port for the tour broker (default: a free one)', default: 0, min: 0, max: 65_535}),
  }

  static summary = 'Tour kctl on a bundled broker in one command'

  async run(): Promise<void> {
    const {flags} = await this.parse(Demo)
    const {startBroker} = await import('../src/broker/index.js')
    const dataDir = flags['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'kctl-demo-'))
    const broker = await startBroker({port: flags.port, host: '127.0.0.1', dataDir, config: {}})
    this.log(colour.bold(`Bundled broker listening on ${broker.bootstrap} (data in ${dataDir})`))
    const bin = path.join(this.config.root, 'bin', 'run.js')
    let exitCode = 1
    try {
      exitCode = await runTour({
        bootstrap: broker.bootstrap,
        run: (args, input) => runKctl(bin, args, input),
        write: (text) => this.log(text),
        heading: (step, index, command) => `\n${colour.dim(`# ${index + 1}. ${step.title}`)}\n${colour.cyan(`$ ${command}`)}`,
      })
    } finally {
      if (flags.keep) {
        this.log(`\nThe broker keeps running on ${broker.bootstrap}; try: kctl topics list -b ${broker.bootstrap}  (Ctrl-C stops it)`)
        await withInterrupt(({signal}) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true})))
      }
      await broker.close()
      if (!flags.keep && !flags['data-dir']) rmSync(dataDir, {recursive: true, force: true})
    }
    if (exitCode !== 0) this.exit(exitCode)
    this.log(`\n${colour.green('Tour complete.')} Start a broker of your own with: kctl broker start --detach`)
  }
}

function runKctl(bin: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, NO_COLOR: process.env.NO_COLOR ?? ''}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({stdout, stderr, exitCode: code ?? 1}))
    child.stdin.end(input ?? '')
  })
}
