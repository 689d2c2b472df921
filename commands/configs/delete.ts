import {Args} from '@oclif/core'
import type {BrokerConfigChangeRow} from '../../src/admin/broker-configs.js'
import {usageError} from '../../src/errors.js'
import {BrokerConfigsChangeCommand, entityOf} from './_shared.js'

export default class ConfigsDelete extends BrokerConfigsChangeCommand {
  static args = {
    keys: Args.string({description: 'config names', ignoreStdin: true, required: true}),
  }

  static description = `Removes dynamic broker configs of one broker (--broker ID) or of the cluster-wide defaults (--broker-defaults) with IncrementalAlterConfigs, as \`kafka-configs --alter --delete-config\` does: the broker goes back to the next source (the cluster-wide default, then server.properties, then Kafka's default) at once. Asks for confirmation on a terminal; elsewhere pass --yes.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> log.retention.ms --broker-defaults --yes', description: 'back to server.properties or Kafka\'s default'},
  ]

  // oclif reads strict from the command class itself, not from its parent.
  static strict = false

  static summary = 'Delete dynamic broker configs'

  async run(): Promise<BrokerConfigChangeRow[]> {
    const {argv, flags} = await this.parse(ConfigsDelete)
    const entity = entityOf(flags, 'delete broker configs')
    const keys = argv as string[]
    const bad = keys.find((key) => key.includes('='))
    if (bad) throw usageError(`unable to delete broker configs: "${bad}" is not a config name`, 'name configs without values: kctl configs delete KEY --broker ID')
    return this.applyChange(flags, entity, {set: {}, remove: keys, question: 'Delete from'})
  }
}
