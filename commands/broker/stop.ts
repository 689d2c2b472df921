import {Flags} from '@oclif/core'
import {stopBroker} from '../../src/broker/daemon.js'
import {defaultBrokerDataDir} from '../../src/paths.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'

export default class BrokerStop extends BaseCommand {
  static description = `Stops the bundled broker running on --data-dir: sends SIGTERM and waits until it has written its
last responses, flushed its log and exited. A broker still running after --timeout seconds (hung,
or suspended with SIGSTOP) is killed with SIGKILL, and the command says so; its log recovers on
the next start. Exits 1 when no broker runs there.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'stop the broker on the default data dir'},
    {command: '<%= config.bin %> <%= command.id %> --data-dir /tmp/kafka-demo', description: 'stop the one on another data dir'},
  ]

  static flags = {
    'data-dir': Flags.string({description: 'data directory of the broker to stop', default: defaultBrokerDataDir()}),
    output: outputFlag,
    timeout: Flags.integer({description: 'seconds to wait for a graceful stop before SIGKILL', default: 15, min: 1}),
  }

  static summary = 'Stop the bundled Kafka broker'

  async run(): Promise<unknown> {
    const {flags} = await this.parse(BrokerStop)
    const {info, killed} = await stopBroker(flags['data-dir'], flags.timeout * 1000)
    const view = {stopped: true, killed, pid: info.pid, bootstrap: `${info.host}:${info.port}`}
    if (killed) this.logToStderr(`warning: the broker did not stop within ${flags.timeout} s; killed it with SIGKILL (its log recovers on the next start)`)
    this.render(view, flags.output, (v) => (v.killed ? `broker killed (pid ${v.pid}, ${v.bootstrap})` : `broker stopped (pid ${v.pid}, ${v.bootstrap})`))
    return view
  }
}
