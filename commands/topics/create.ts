import {Args, Flags} from '@oclif/core'
import {parseKeyValues} from '../../src/admin/key-values.js'
import {renderTopicCreate} from '../../src/admin/topics-render.js'
import {batchError, createTopics, settleMs, type TopicCreateRow, topicProfiles} from '../../src/admin/topics.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class TopicsCreate extends BaseCommand {
  static args = {
    topic: Args.string({description: 'topic name (several may be given)', ignoreStdin: true, required: true}),
  }

  static description = `Creates one or more topics, one status row each. Before anything is sent, the replication factor is checked against the live brokers and min.insync.replicas against the replication factor.

Without flags, partitions and replication factor are the broker's own defaults (num.partitions, default.replication.factor, read from the cluster). --profile sets the durability kctl init writes: ha = replication factor ${topicProfiles.ha.replicationFactor} and min.insync.replicas=${topicProfiles.ha.minInsyncReplicas}; single = replication factor ${topicProfiles.single.replicationFactor} and min.insync.replicas=${topicProfiles.single.minInsyncReplicas}. Explicit --replication-factor and -c win over the profile. Exits 1 when any topic failed (after printing every row).

The broker's answer to the create request decides each row. kctl then waits up to ${settleMs / 1000} s for the new partitions' leaders (a multi-node cluster elects them, and spreads the news, after answering); when they are not there yet the row still says created, with a note on stderr.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders -p 12 --profile ha', description: '12 partitions, RF 3, min.insync.replicas=2'},
    {command: '<%= config.bin %> <%= command.id %> events -p 3 -r 1 -c retention.ms=86400000 -c cleanup.policy=compact', description: 'with topic configs'},
    {command: '<%= config.bin %> <%= command.id %> a b c --if-not-exists', description: 'three topics; existing ones are reported as "exists", not errors'},
    {command: '<%= config.bin %> <%= command.id %> orders -p 6 --dry-run', description: 'let the broker validate without creating'},
  ]

  static flags = {
    ...connectionFlags,
    config: Flags.string({char: 'c', description: 'topic config key=value (repeatable)', multiple: true}),
    'dry-run': Flags.boolean({char: 'd', description: 'validate only (CreateTopics validate_only); nothing is created'}),
    'if-not-exists': Flags.boolean({description: 'report existing topics as "exists" instead of failing'}),
    output: outputFlag,
    partitions: Flags.integer({char: 'p', description: 'number of partitions (default: the broker\'s num.partitions)', min: 1}),
    profile: Flags.option({description: 'durability preset matching `kctl init`', options: ['ha', 'single'] as const})(),
    'replication-factor': Flags.integer({char: 'r', description: 'replicas per partition (default: the profile\'s, else the broker\'s default.replication.factor)', min: 1}),
  }

  static strict = false

  static summary = 'Create topics'

  async run(): Promise<TopicCreateRow[]> {
    const {argv, flags} = await this.parse(TopicsCreate)
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const names = argv as string[]
    const {rows, notes} = await withClient(connectionOptions(flags, `create ${names.length === 1 ? `topic ${names[0]}` : 'topics'}`), (client) =>
      createTopics(client, {
        names,
        partitions: flags.partitions,
        replicationFactor: flags['replication-factor'],
        profile: flags.profile,
        configs: parseKeyValues(flags.config, '--config'),
        ifNotExists: flags['if-not-exists'],
        dryRun: flags['dry-run'],
      }),
    )
    this.render(rows, flags.output, renderTopicCreate)
    for (const note of notes) this.logToStderr(`note: ${note}`)
    const error = batchError(rows, 'create')
    if (error) throw error
    return rows
  }
}
