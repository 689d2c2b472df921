import {Args, Flags} from '@oclif/core'
import {renderTopicPartitions} from '../../src/admin/topics-render.js'
import {addPartitions, batchError, type TopicPartitionsRow} from '../../src/admin/topics.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'

export default class TopicsAddPartitions extends BaseCommand {
  static args = {
    topic: Args.string({description: 'topic name (several may be given)', ignoreStdin: true, required: true}),
  }

  static description = `Adds --num partitions to each topic, one status row each. Partitions can never be removed, and keyed records map to different partitions afterwards (murmur2(key) mod partitions), so it asks for confirmation on a terminal; elsewhere pass --yes. Exits 4 when a topic does not exist.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders -n 6 --yes', description: 'six more partitions for "orders"'},
  ]

  static flags = {
    ...connectionFlags,
    num: Flags.integer({char: 'n', description: 'number of partitions to add', min: 1, required: true}),
    output: outputFlag,
    yes: yesFlag,
  }

  static strict = false

  static summary = 'Add partitions to topics'

  async run(): Promise<TopicPartitionsRow[]> {
    const {argv, flags} = await this.parse(TopicsAddPartitions)
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const topics = argv as string[]
    const subject = topics.length === 1 ? `topic ${topics[0]}` : `${topics.length} topics`
    const {rows, notes} = await withClient(connectionOptions(flags, `add partitions to ${subject}`), async (client) => {
      await confirmOrRefuse(`Add ${flags.num} partition${flags.num === 1 ? '' : 's'} to ${subject}? Keyed records will map to new partitions.`, {
        yes: flags.yes,
        action: `add partitions to ${subject}`,
      })
      return addPartitions(client, topics, flags.num)
    })
    this.render(rows, flags.output, renderTopicPartitions)
    for (const note of notes) this.logToStderr(`note: ${note}`)
    const error = batchError(rows, 'add partitions to')
    if (error) throw error
    return rows
  }
}
