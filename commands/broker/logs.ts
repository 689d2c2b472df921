import {existsSync, statSync} from 'node:fs'
import path from 'node:path'
import {Flags} from '@oclif/core'
import {BROKER_LOG_FILE, readFrom} from '../../src/broker/daemon.js'
import {KctlError} from '../../src/errors.js'
import {defaultBrokerDataDir} from '../../src/paths.js'
import {withInterrupt} from '../../src/ui/interrupt.js'
import {BaseCommand} from '../_base.js'

export default class BrokerLogs extends BaseCommand {
  static description = `Prints the log of the bundled broker started with --detach (<data-dir>/broker.log). With -f it
keeps printing new lines until Ctrl-C.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'print the whole log'},
    {command: '<%= config.bin %> <%= command.id %> -f --lines 20', description: 'the last 20 lines, then follow'},
  ]

  static flags = {
    'data-dir': Flags.string({description: 'data directory of the broker', default: defaultBrokerDataDir()}),
    follow: Flags.boolean({char: 'f', description: 'keep printing new lines'}),
    lines: Flags.integer({char: 'n', description: 'print only the last N lines first', min: 0}),
  }

  static summary = 'Print the bundled broker\'s log'

  async run(): Promise<void> {
    const {flags} = await this.parse(BrokerLogs)
    const file = path.join(flags['data-dir'], BROKER_LOG_FILE)
    if (!existsSync(file))
      throw new KctlError(`unable to read the broker log: ${file} does not exist`, {hint: 'the log is written by `kctl broker start --detach`'})
    let text = readFrom(file, 0)
    if (flags.lines !== undefined) {
      const lines = text.split('\n')
      const trailing = lines.at(-1) === '' ? lines.pop() : undefined
      text = lines.slice(Math.max(0, lines.length - flags.lines)).join('\n') + (trailing === '' ? '\n' : '')
    }
    process.stdout.write(text)
    if (!flags.follow) return
    let position = statSync(file).size
    await withInterrupt(({signal}) => new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (!existsSync(file)) return
        const size = statSync(file).size
        if (size < position) position = 0 // the file was truncated or replaced
        if (size > position) {
          process.stdout.write(readFrom(file, position))
          position = size
        }
      }, 250)
      signal.addEventListener('abort', () => {
        clearInterval(timer)
        resolve()
      }, {once: true})
    }))
  }
}
