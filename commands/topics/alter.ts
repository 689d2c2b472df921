import {Args, Flags} from '@oclif/core'
import {parseKeyValues} from '../../src/admin/key-values.js'
import {renderTopicAlter} from '../../src/admin/topics-render.js'
import {alterTopicConfigs, batchError, type TopicAlterRow} from '../../src/admin/topics.js'
import {usageError} from '../../src/errors.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'

export default class TopicsAlter extends BaseCommand {
  static args = {
    topic: Args.string({description: 'topic name', ignoreStdin: true, required: true}),
  }

  static description = `Sets (--config k=v) and removes (--delete-config k, back to the cluster default) topic-level configs, one row per change, with IncrementalAlterConfigs. Setting min.insync.replicas above the replication factor is refused before anything is sent. Asks for confirmation on a terminal; elsewhere pass --yes.

Brokers older than Kafka 2.3 only know the legacy AlterConfigs request, which replaces all of a topic's overrides at once: there kctl reads the current overrides, applies the change and writes them back, so an alter made by someone else in that instant would be lost.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders -c retention.ms=604800000 --yes', description: 'keep 7 days'},
    {command: '<%= config.bin %> <%= command.id %> orders --delete-config retention.ms', description: 'back to the cluster default'},
  ]

  static flags = {
    ...connectionFlags,
    config: Flags.string({char: 'c', description: 'set config key=value (repeatable)', multiple: true}),
    'delete-config': Flags.string({description: 'remove a topic-level config (repeatable)', multiple: true}),
    output: outputFlag,
    yes: yesFlag,
  }

  static summary = 'Change topic configs'

  async run(): Promise<TopicAlterRow[]> {
    const {args, flags} = await this.parse(TopicsAlter)
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const set = parseKeyValues(flags.config, '--config')
    const remove = flags['delete-config'] ?? []
    if (Object.keys(set).length === 0 && remove.length === 0) {
      throw usageError(`unable to alter topic ${args.topic}: nothing to change`, 'pass --config key=value or --delete-config key')
    }
    const both = remove.filter((key) => key in set)
    if (both.length > 0) throw usageError(`unable to alter topic ${args.topic}: ${both.join(', ')} is both set and deleted`, 'pick one')
    const changes = [...Object.entries(set).map(([key, value]) => `${key}=${value}`), ...remove.map((key) => `-${key}`)].join(' ')
    const rows = await withClient(connectionOptions(flags, `alter topic ${args.topic}`), async (client) => {
      await confirmOrRefuse(`Alter topic ${args.topic}: ${changes}?`, {yes: flags.yes, action: `alter topic ${args.topic}`})
      return alterTopicConfigs(client, args.topic, set, remove)
    })
    this.render(rows, flags.output, renderTopicAlter)
    const error = batchError(rows, 'alter')
    if (error) throw error
    return rows
  }
}
