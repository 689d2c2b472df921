import {Args, Flags} from '@oclif/core'
import {renderBrokerConfigs} from '../../src/admin/broker-configs-render.js'
import {type BrokerConfigRow, describeBrokerConfigs, entityLabel} from '../../src/admin/broker-configs.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {entityFlags, entityOf} from './_shared.js'

export default class ConfigsDescribe extends BaseCommand {
  static args = {
    keys: Args.string({description: 'only these config names', ignoreStdin: true, required: false}),
  }

  static description = `Lists a broker's dynamic configs (set with \`kctl configs set\`, source DYNAMIC_BROKER_CONFIG) and the cluster-wide defaults it takes (DYNAMIC_DEFAULT_BROKER_CONFIG), as \`kafka-configs --describe --entity-type brokers\` does; --all adds every other config with its source (STATIC_BROKER_CONFIG from server.properties, DEFAULT_CONFIG). With --broker-defaults, only the cluster-wide defaults. Sensitive values (passwords) are never returned by the broker. Naming configs shows just those, whatever their source. Exits 4 when the broker id is not in the cluster.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --broker 1', description: 'dynamic configs of broker 1'},
    {command: '<%= config.bin %> <%= command.id %> --broker 1 --all -o json', description: 'every config of broker 1 with sources and synonyms'},
    {command: '<%= config.bin %> <%= command.id %> --broker-defaults', description: 'the cluster-wide defaults'},
    {command: '<%= config.bin %> <%= command.id %> log.retention.ms message.max.bytes --broker 1', description: 'two configs, wherever their values come from'},
  ]

  static flags = {
    ...connectionFlags,
    ...entityFlags,
    all: Flags.boolean({description: 'every config, not only the dynamic ones'}),
    output: outputFlag,
  }

  static strict = false

  static summary = 'Describe broker configs'

  async run(): Promise<BrokerConfigRow[]> {
    const {argv, flags} = await this.parse(ConfigsDescribe)
    const entity = entityOf(flags, 'describe broker configs')
    const keys = (argv as string[]).length > 0 ? (argv as string[]) : undefined
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const rows = await withClient(connectionOptions(flags, `describe the configs of ${entityLabel(entity)}`), (client) =>
      describeBrokerConfigs(client, entity, {all: flags.all, keys}),
    )
    this.render(rows, flags.output, renderBrokerConfigs)
    return rows
  }
}
