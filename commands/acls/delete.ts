import {Flags} from '@oclif/core'
import type {AclRow} from '../../src/admin/acls.js'
import {ExitCode, KctlError, usageError} from '../../src/errors.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'
import {aclFlags, principalFlags, renderAcls, resourceFlags} from './_shared.js'

export default class AclsDelete extends BaseCommand {
  static description = `Deletes ACLs, like kafka-acls.sh --remove: the ACLs of the given resources, narrowed by principal (--allow-principal / --deny-principal), host and operation; without a principal every principal's ACLs on those resources go. The matching ACLs are listed first, then it asks for confirmation on a terminal; elsewhere pass --yes. Exits 4 when nothing matches.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --topic orders --allow-principal User:alice --operation Read', description: "remove alice's Read ACL on orders"},
    {command: '<%= config.bin %> <%= command.id %> --topic orders. --resource-pattern-type prefixed --yes', description: 'remove every ACL of the prefix "orders." without asking'},
  ]

  static flags = {
    ...connectionFlags,
    ...resourceFlags,
    ...principalFlags,
    output: outputFlag,
    'resource-pattern-type': Flags.option({
      description: 'literal, prefixed, match (every pattern that applies to the name) or any',
      options: ['literal', 'prefixed', 'match', 'any'] as const,
    })(),
    yes: yesFlag,
  }

  static summary = 'Delete ACLs'

  async run(): Promise<AclRow[]> {
    const {flags} = await this.parse(AclsDelete)
    const {connectionOptions} = await import('../../src/admin/connection.js')
    const {deleteAcls, filtersFromFlags, listAcls} = await import('../../src/admin/acls.js')
    const shared = aclFlags(flags)
    if (!flags.topic && !flags.group && !flags.cluster && !flags['transactional-id']) {
      throw usageError('unable to delete ACLs: no resource given', 'add --topic, --group, --cluster or --transactional-id (use --topic \'*\' for the wildcard ACLs)')
    }
    const filters = filtersFromFlags(shared)
    const options = connectionOptions(flags)
    const matching = await listAcls(options, filters)
    if (matching.length === 0) {
      throw new KctlError('unable to delete ACLs: none match', {exitCode: ExitCode.notFound, hint: 'see them with `kctl acls list`'})
    }
    if (flags.output === 'table') this.logToStderr(renderAcls(matching))
    const subject = `${matching.length} ACL${matching.length === 1 ? '' : 's'}`
    await confirmOrRefuse(`Delete ${subject}?`, {yes: flags.yes, action: `delete ${subject}`})
    const rows = await deleteAcls(options, filters)
    this.render(rows, flags.output, (deleted) => `deleted ${deleted.length} ACL${deleted.length === 1 ? '' : 's'}`)
    return rows
  }
}
