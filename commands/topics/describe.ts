import {Args} from '@oclif/core'
import {renderTopicDescription} from '../../src/admin/topics-render.js'
import {describeTopic, type TopicDescription} from '../../src/admin/topics.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class TopicsDescribe extends BaseCommand {
  static args = {
    topic: Args.string({description: 'topic name', ignoreStdin: true, required: true}),
  }

  static description = `Shows each partition's leader, replicas, in-sync replicas (ISR), offline replicas, log start offset and high watermark, then the topic's configs whose value does not come from Kafka's built-in default, with their source (DYNAMIC_TOPIC_CONFIG for topic overrides, STATIC_BROKER_CONFIG for server.properties, ...). For a compacted topic (cleanup.policy=compact) on kctl's bundled broker, each partition also shows its dirty ratio (the share of closed segments not yet cleaned) and when the log cleaner last finished with it; Kafka does not report these, so they are absent there. Exits 4 when the topic does not exist.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders', description: 'partitions and non-default configs of "orders"'},
    {command: '<%= config.bin %> <%= command.id %> orders -o yaml', description: 'as YAML'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
  }

  static summary = 'Describe a topic: partitions, replicas, ISR and configs'

  async run(): Promise<TopicDescription> {
    const {args, flags} = await this.parse(TopicsDescribe)
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const view = await withClient(connectionOptions(flags, `describe topic ${args.topic}`), (client) => describeTopic(client, args.topic))
    this.render(view, flags.output, renderTopicDescription)
    return view
  }
}
