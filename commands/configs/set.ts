import {Args} from '@oclif/core'
import type {BrokerConfigChangeRow} from '../../src/admin/broker-configs.js'
import {parseKeyValues} from '../../src/admin/key-values.js'
import {usageError} from '../../src/errors.js'
import {BrokerConfigsChangeCommand, entityOf} from './_shared.js'

export default class ConfigsSet extends BrokerConfigsChangeCommand {
  static args = {
    configs: Args.string({description: 'KEY=VALUE pairs', ignoreStdin: true, required: true}),
  }

  static description = `Sets dynamic broker configs with IncrementalAlterConfigs, on one broker (--broker ID) or as the cluster-wide default (--broker-defaults), as \`kafka-configs --alter --add-config\` does. They apply at once, without a restart, and override server.properties. Kafka refuses read-only configs (node.id, listeners of a running KRaft broker, log.dirs, ...) with INVALID_REQUEST "Cannot update these configs dynamically"; the whole change is refused then. Asks for confirmation on a terminal; elsewhere pass --yes.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> log.retention.ms=86400000 --broker-defaults --yes', description: 'one day of retention for every topic without its own'},
    {command: '<%= config.bin %> <%= command.id %> log.cleaner.backoff.ms=5000 message.max.bytes=2097152 --broker 1', description: 'two configs of broker 1'},
  ]

  // oclif reads strict from the command class itself, not from its parent.
  static strict = false

  static summary = 'Set dynamic broker configs'

  async run(): Promise<BrokerConfigChangeRow[]> {
    const {argv, flags} = await this.parse(ConfigsSet)
    const entity = entityOf(flags, 'set broker configs')
    const set = parseKeyValues(argv as string[], 'config')
    if (Object.keys(set).length === 0) throw usageError('unable to set broker configs: nothing to set', 'pass KEY=VALUE')
    return this.applyChange(flags, entity, {set, remove: [], question: 'Set on'})
  }
}
