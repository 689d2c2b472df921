import {Args} from '@oclif/core'
import type {UserCredentialRow} from '../../src/admin/users.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {renderUsers} from './_shared.js'

export default class UsersList extends BaseCommand {
  static args = {
    user: Args.string({description: 'only these users (several may be given)'}),
  }

  static description = `Lists SCRAM users with their mechanisms and iteration counts (DescribeUserScramCredentials, KIP-554); salts and keys are never shown. Exits 4 when a named user has no credentials.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every SCRAM user'},
    {command: '<%= config.bin %> <%= command.id %> alice -o json', description: "alice's credentials as JSON"},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
  }

  static strict = false

  static summary = 'List SCRAM users'

  async run(): Promise<UserCredentialRow[]> {
    const {argv, flags} = await this.parse(UsersList)
    const {connectionOptions} = await import('../../src/admin/connection.js')
    const {listUsers} = await import('../../src/admin/users.js')
    const rows = await listUsers(connectionOptions(flags), argv as string[])
    this.render(rows, flags.output, renderUsers)
    return rows
  }
}
