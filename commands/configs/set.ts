import {Args} from '@oclif/core'
import {renderBrokerConfigChanges} from '../../src/admin/broker-configs-render.js'
import {alterBrokerConfigs, type BrokerConfigChangeRow, entityLabel} from '../../src/admin/broker-configs.js'
import {parseKeyValues} from '../../src/admin/key-values.js'
import {usageError} from '../../src/errors.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'
import {changesFailed, entityFlags, entityOf} from './_shared.js'

export default class ConfigsSet extends BaseCommand {
  static args = {
    configs: Args.string({description: 'KEY=VALUE pairs', ignoreStdin: true, required: true}),
  }

  static description = `Sets dynamic broker configs with IncrementalAlterConfigs, on one broker (--broker ID) or as the cluster-wide default (--broker-defaults), as \`kafka-configs --alter --add-config\` does. They apply at once, without a restart, and override server.properties. Kafka refuses read-only configs (node.id, listeners of a running KRaft broker, log.dirs, ...) with INVALID_REQUEST "Cannot update these configs dynamically"; the whole change is refused then. Asks for confirmation on a terminal; elsewhere pass --yes.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> log.retention.ms=86400000 --broker-defaults --yes', description: 'one day of retention for every topic without its own'},
    {command: '<%= config.bin %> <%= command.id %> log.cleaner.backoff.ms=5000 message.max.bytes=2097152 --broker 1', description: 'two configs of broker 1'},
  ]

  static flags = {
    ...connectionFlags,
    ...entityFlags,
    output: outputFlag,
    yes: yesFlag,
  }

  static strict = false

  static summary = 'Set dynamic broker configs'

  async run(): Promise<BrokerConfigChangeRow[]> {
    const {argv, flags} = await this.parse(ConfigsSet)
    const entity = entityOf(flags, 'set broker configs')
    const set = parseKeyValues(argv as string[], 'config')
    if (Object.keys(set).length === 0) throw usageError('unable to set broker configs: nothing to set', 'pass KEY=VALUE')
    const action = `set the configs of ${entityLabel(entity)}`
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const rows = await withClient(connectionOptions(flags, action), async (client) => {
      const changes = Object.entries(set).map(([key, value]) => `${key}=${value}`).join(' ')
      await confirmOrRefuse(`Set on ${entityLabel(entity)}: ${changes}?`, {yes: flags.yes, action})
      return alterBrokerConfigs(client, entity, set, [])
    })
    this.render(rows, flags.output, renderBrokerConfigChanges)
    const error = changesFailed(rows, action)
    if (error) throw error
    return rows
  }
}
