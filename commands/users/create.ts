import {Args, Flags} from '@oclif/core'
import type {UserCredentialRow} from '../../src/admin/users.js'
import {minIterations, scramMechanisms} from '../../src/kafka/sasl/scram.js'
import {readPassword} from '../../src/ui/password.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {mechanismFlag} from './_shared.js'

export default class UsersCreate extends BaseCommand {
  static args = {
    user: Args.string({description: 'user name (the principal is User:<name>)', required: true}),
  }

  static description = `Creates a SCRAM user, or sets a new password for an existing one, with AlterUserScramCredentials (KIP-554): the bundled broker and Apache Kafka 2.7+ alike. The password never leaves kctl: only a random salt, the iteration count and the salted password are sent.

The password comes from --password-file (its first line; - reads stdin), else $KCTL_USER_PASSWORD, else a prompt on a terminal. It is never a flag value. Exits 5 when the principal running kctl may not alter users (it needs Alter on the cluster).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> alice', description: 'asks for the password; SCRAM-SHA-256 and SCRAM-SHA-512'},
    {command: 'printf %s "$PW" | <%= config.bin %> <%= command.id %> alice --password-file - --mechanism SCRAM-SHA-512', description: 'password on stdin, one mechanism'},
    {command: 'KCTL_USER_PASSWORD=... <%= config.bin %> <%= command.id %> app --iterations 8192', description: 'password from the environment'},
  ]

  static flags = {
    ...connectionFlags,
    iterations: Flags.integer({description: 'SCRAM iteration count (4096..16384)', default: minIterations}),
    mechanism: mechanismFlag(),
    output: outputFlag,
    'password-file': Flags.string({description: 'file whose first line is the password (- = stdin)'}),
  }

  static summary = 'Create a SCRAM user or change its password'

  async run(): Promise<UserCredentialRow[]> {
    const {args, flags} = await this.parse(UsersCreate)
    const {connectionOptions} = await import('../../src/admin/connection.js')
    const {checkNewUser, createUser} = await import('../../src/admin/users.js')
    checkNewUser(args.user, flags.iterations)
    const password = await readPassword({file: flags['password-file'], env: 'KCTL_USER_PASSWORD', subject: `user ${args.user}`, confirm: true})
    const rows = await createUser(connectionOptions(flags), {
      user: args.user,
      password,
      mechanisms: flags.mechanism && flags.mechanism.length > 0 ? [...new Set(flags.mechanism)] : [...scramMechanisms],
      iterations: flags.iterations,
    })
    this.render(rows, flags.output, (created) => `user ${args.user} has credentials for ${created.map((row) => row.mechanism).join(', ')}`)
    return rows
  }
}
