import {Flags} from '@oclif/core'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {type GroupListRow, listGroups, renderGroupList} from '../../src/admin/groups.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class GroupsList extends BaseCommand {
  static description = `Lists consumer groups with their type and state, the assignment protocol and the member count. Kafka 4 has two kinds of consumer group: classic groups (the JoinGroup/SyncGroup protocol; states Empty, PreparingRebalance, CompletingRebalance, Stable, Dead; PROTOCOL is the strategy the members agreed on, such as range or cooperative-sticky) and consumer groups (KIP-848, group.protocol=consumer; states Empty, Assigning, Reconciling, Stable, Dead; PROTOCOL is the server-side assignor, uniform or range). Share and streams groups are listed with their type. Groups that only hold committed offsets show as Empty with no protocol.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every group'},
    {command: '<%= config.bin %> <%= command.id %> --state Stable --state PreparingRebalance', description: 'only groups in these states'},
    {command: '<%= config.bin %> <%= command.id %> --type consumer', description: 'only KIP-848 consumer groups'},
    {command: '<%= config.bin %> <%= command.id %> -o json', description: 'as JSON'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
    state: Flags.string({char: 's', description: 'only groups in this state (repeatable, case-insensitive)', multiple: true}),
    type: Flags.string({char: 't', description: 'only groups of this type (repeatable)', multiple: true, options: ['classic', 'consumer', 'share', 'streams']}),
  }

  static summary = 'List consumer groups'

  async run(): Promise<GroupListRow[]> {
    const {flags} = await this.parse(GroupsList)
    const rows = await withClient(connectionOptions(flags, 'list consumer groups'), (cluster) => listGroups(cluster, {states: flags.state, types: flags.type}))
    this.render(rows, flags.output, renderGroupList)
    return rows
  }
}
