import {Args} from '@oclif/core'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {describeGroup, type GroupDescription, renderGroupDescription} from '../../src/admin/groups.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class GroupsDescribe extends BaseCommand {
  static args = {
    group: Args.string({description: 'consumer group id', required: true}),
  }

  static description = `Shows a group's state and protocol, each member (consumer id, static instance id, host,
client id) with the partitions assigned to it (decoded from the consumer protocol), and every
partition's committed offset, log end offset (high watermark), lag and time lag. Exits 4 when
the group does not exist.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> billing', description: 'members, assignments and offsets of "billing"'},
    {command: '<%= config.bin %> <%= command.id %> billing -o json', description: 'the same as JSON'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
  }

  static summary = 'Describe a consumer group: members, assignments, offsets and lag'

  async run(): Promise<GroupDescription> {
    const {args, flags} = await this.parse(GroupsDescribe)
    const view = await withClient(connectionOptions(flags, `describe group ${args.group}`), (cluster) => describeGroup(cluster, args.group))
    this.render(view, flags.output, renderGroupDescription)
    return view
  }
}
