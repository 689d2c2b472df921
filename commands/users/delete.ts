import {Args} from '@oclif/core'
import type {UserCredentialRow} from '../../src/admin/users.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'
import {mechanismFlag} from './_shared.js'

export default class UsersDelete extends BaseCommand {
  static args = {
    user: Args.string({description: 'user name', required: true}),
  }

  static description = `Deletes a SCRAM user's credentials: every mechanism it has, or only those given with --mechanism. Connections already authenticated stay open (Kafka does not re-check them). Asks for confirmation on a terminal; elsewhere pass --yes. Exits 4 when the user has no such credential.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> alice', description: 'asks, then deletes all of alice\'s credentials'},
    {command: '<%= config.bin %> <%= command.id %> alice --mechanism SCRAM-SHA-256 --yes', description: 'only the SHA-256 one, without asking'},
  ]

  static flags = {
    ...connectionFlags,
    mechanism: mechanismFlag(),
    output: outputFlag,
    yes: yesFlag,
  }

  static summary = 'Delete a SCRAM user'

  async run(): Promise<UserCredentialRow[]> {
    const {args, flags} = await this.parse(UsersDelete)
    const {connectionOptions} = await import('../../src/admin/connection.js')
    const {deleteUser} = await import('../../src/admin/users.js')
    await confirmOrRefuse(`Delete SCRAM user ${args.user}?`, {yes: flags.yes, action: `delete user ${args.user}`})
    const rows = await deleteUser(connectionOptions(flags), args.user, flags.mechanism ?? [])
    this.render(rows, flags.output, (deleted) => `deleted ${deleted.map((row) => row.mechanism).join(', ')} credentials of ${args.user}`)
    return rows
  }
}
