import {Args} from '@oclif/core'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {deleteGroups, type GroupDeleteRow, renderGroupDelete} from '../../src/admin/groups.js'
import {ExitCode, KctlError} from '../../src/errors.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'

export default class GroupsDelete extends BaseCommand {
  static args = {
    group: Args.string({description: 'consumer group id (several may be given)', required: true}),
  }

  static description = `Deletes consumer groups and their committed offsets, one status row each. A group with
active members cannot be deleted (NON_EMPTY_GROUP): stop its consumers first. Asks for
confirmation on a terminal; elsewhere pass --yes. Exits 4 when every named group is missing,
1 when any deletion failed.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> old-billing', description: 'asks, then deletes the group and its offsets'},
    {command: '<%= config.bin %> <%= command.id %> tmp-1 tmp-2 --yes', description: 'two groups, without asking'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
    yes: yesFlag,
  }

  static strict = false

  static summary = 'Delete consumer groups and their offsets'

  async run(): Promise<GroupDeleteRow[]> {
    const {argv, flags} = await this.parse(GroupsDelete)
    const groups = [...new Set(argv as string[])]
    const subject = groups.length === 1 ? `group ${groups[0]}` : `${groups.length} groups`
    await confirmOrRefuse(`Delete ${subject} and its committed offsets?`, {yes: flags.yes, action: `delete ${subject}`})
    const rows = await withClient(connectionOptions(flags, `delete ${subject}`), (cluster) => deleteGroups(cluster, groups))
    this.render(rows, flags.output, renderGroupDelete)
    const failed = rows.filter((row) => row.status === 'failed')
    if (failed.length > 0) {
      const allMissing = failed.length === rows.length && failed.every((row) => row.error?.startsWith('GROUP_ID_NOT_FOUND'))
      throw new KctlError(`unable to delete ${subject}: ${failed.length} of ${rows.length} failed`, {
        exitCode: allMissing ? ExitCode.notFound : ExitCode.error,
        hint: allMissing ? 'list the groups with `kctl groups list`' : 'see the ERROR column',
      })
    }
    return rows
  }
}
