import {Args, Flags} from '@oclif/core'
import {renderTopicList, renderTopicStatus} from '../../src/admin/topics-render.js'
import {batchError, deleteTopics, listTopics, selectTopics, type TopicStatusRow} from '../../src/admin/topics.js'
import {KctlError} from '../../src/errors.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'

export default class TopicsDelete extends BaseCommand {
  static args = {
    topic: Args.string({description: 'topic name or glob pattern (several may be given)', ignoreStdin: true, required: true}),
  }

  static description = `Deletes topics and their data, one status row each. Arguments with *, ? or [...] are glob patterns (with --regex, regular expressions matching the whole name); patterns never match internal topics, and the matching topics are listed before the question. Asks for confirmation on a terminal; elsewhere (scripts, piped stdin, CI) pass --yes. Exits 4 when a named topic does not exist.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders', description: 'asks, then deletes "orders"'},
    {command: '<%= config.bin %> <%= command.id %> \'test-*\' --yes', description: 'every topic starting with "test-", without asking'},
    {command: '<%= config.bin %> <%= command.id %> \'tmp\\.[0-9]+\' --regex', description: 'by regular expression'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
    regex: Flags.boolean({char: 'r', description: 'treat arguments as regular expressions'}),
    yes: yesFlag,
  }

  static strict = false

  static summary = 'Delete topics'

  async run(): Promise<TopicStatusRow[]> {
    const {argv, flags} = await this.parse(TopicsDelete)
    const {connectionOptions, withClient} = await import('../../src/admin/connection.js')
    const {rows, notes} = await withClient(connectionOptions(flags, 'delete topics'), async (client) => {
      const all = await listTopics(client, {includeInternal: true})
      const selection = selectTopics(argv as string[], all, {regex: flags.regex})
      const missing: TopicStatusRow[] = selection.missing.map((topic) => ({topic, status: 'failed', error: 'UNKNOWN_TOPIC_OR_PARTITION: topic does not exist'}))
      if (selection.topics.length === 0) {
        if (missing.length > 0) return {rows: missing, notes: []}
        throw new KctlError(`unable to delete topics: no topic matches ${(argv as string[]).join(' ')}`, {exitCode: 4, hint: 'check the pattern against `kctl topics list`'})
      }
      if (selection.usedPattern && flags.output === 'table') {
        this.logToStderr(renderTopicList(all.filter((topic) => selection.topics.includes(topic.name))))
      }
      const subject = selection.topics.length === 1 ? `topic ${selection.topics[0]}` : `${selection.topics.length} topics`
      await confirmOrRefuse(`Delete ${subject} and all ${selection.topics.length === 1 ? 'its' : 'their'} data?`, {yes: flags.yes, action: `delete ${subject}`})
      const deleted = await deleteTopics(client, selection.topics)
      return {rows: [...deleted.rows, ...missing], notes: deleted.notes}
    })
    this.render(rows, flags.output, renderTopicStatus)
    for (const note of notes) this.logToStderr(`note: ${note}`)
    const error = batchError(rows, 'delete')
    if (error) throw error
    return rows
  }
}
