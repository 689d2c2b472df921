import {Flags} from '@oclif/core'
import {connectionOptions, withCluster} from '../../src/admin/connection.js'
import {type GroupListRow, listGroups, renderGroupList} from '../../src/admin/groups.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class GroupsList extends BaseCommand {
  static description = `Lists consumer groups with their state (Empty, PreparingRebalance, CompletingRebalance,
Stable, Dead), the assignment protocol the members agreed on (range, roundrobin,
cooperative-sticky ...) and the member count. Groups that only hold committed offsets show as
Empty with no protocol.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every group'},
    {command: '<%= config.bin %> <%= command.id %> --state Stable --state PreparingRebalance', description: 'only groups in these states'},
    {command: '<%= config.bin %> <%= command.id %> -o json', description: 'as JSON'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
    state: Flags.string({char: 's', description: 'only groups in this state (repeatable, case-insensitive)', multiple: true}),
  }

  static summary = 'List consumer groups'

  async run(): Promise<GroupListRow[]> {
    const {flags} = await this.parse(GroupsList)
    const rows = await withCluster(connectionOptions(flags, 'list consumer groups'), (cluster) => listGroups(cluster, {states: flags.state}))
    this.render(rows, flags.output, renderGroupList)
    return rows
  }
}
