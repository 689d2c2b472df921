import {Flags} from '@oclif/core'
import {brokerStatus} from '../../src/broker/daemon.js'
import {formatBytes, formatDurationMs} from '../../src/config/units.js'
import {defaultBrokerDataDir} from '../../src/paths.js'
import {renderKeyValues} from '../../src/ui/output.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'

export default class BrokerStatus extends BaseCommand {
  static description = `Shows whether the bundled broker runs on --data-dir: pid, address, uptime, and topics, partitions
and bytes on disk as the broker reports them. Exits 1 with a hint when it is not running.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'status of the broker on the default data dir'},
    {command: '<%= config.bin %> <%= command.id %> -o json', description: 'as JSON'},
  ]

  static flags = {
    'data-dir': Flags.string({description: 'data directory of the broker', default: defaultBrokerDataDir()}),
    output: outputFlag,
  }

  static summary = 'Show the bundled broker\'s status'

  async run(): Promise<unknown> {
    const {flags} = await this.parse(BrokerStatus)
    const status = await brokerStatus(flags['data-dir'])
    this.render(status, flags.output, (s) =>
      renderKeyValues([
        ['STATUS', 'running'],
        ['PID', s.pid],
        ['BOOTSTRAP', s.bootstrap],
        ['UPTIME', formatDurationMs(s.uptimeMs)],
        ['TOPICS', s.topics ?? `unknown: ${s.queryError}`],
        ['PARTITIONS', s.partitions ?? 'unknown'],
        ['BYTES-ON-DISK', formatBytes(s.bytesOnDisk)],
        ['DATA-DIR', s.dataDir],
        ['LOG-FILE', s.logFile ?? '(foreground)'],
        ['METRICS', s.metricsPort ? `http://${s.bootstrap.split(':')[0]}:${s.metricsPort}/metrics` : '-'],
        ['VERSION', s.version],
      ]),
    )
    return status
  }
}
