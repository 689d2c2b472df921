import {Flags} from '@oclif/core'
import {renderTopicList} from '../../src/admin/topics-render.js'
import {listTopics, type TopicListRow} from '../../src/admin/topics.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class TopicsList extends BaseCommand {
  static description = `Lists topics with their partition count, replication factor, and how many partitions are under-replicated (ISR smaller than the replica set) or offline (no leader). Internal topics (__consumer_offsets, __transaction_state: the broker's isInternal flag) are hidden unless --internal is given.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'topics of the current cluster'},
    {command: '<%= config.bin %> <%= command.id %> --internal -o json', description: 'all topics, internal ones included, as JSON'},
    {command: '<%= config.bin %> <%= command.id %> -b kafka-1:9092 --command-config client.properties', description: 'a secured cluster'},
  ]

  static flags = {
    ...connectionFlags,
    internal: Flags.boolean({char: 'i', description: 'include internal topics'}),
    output: outputFlag,
  }

  static summary = 'List topics'

  async run(): Promise<TopicListRow[]> {
    const {flags} = await this.parse(TopicsList)
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const rows = await withClient(connectionOptions(flags, 'list topics'), (client) => listTopics(client, {includeInternal: flags.internal}))
    this.render(rows, flags.output, renderTopicList)
    return rows
  }
}
