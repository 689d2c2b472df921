import {Flags} from '@oclif/core'
import type {AclRow} from '../../src/admin/acls.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {aclFlags, renderAcls, resourceFlags} from './_shared.js'

export default class AclsList extends BaseCommand {
  static description = `Lists ACLs, like kafka-acls.sh --list. Without a resource every ACL is shown; with one, the ACLs of that resource pattern (--resource-pattern-type literal by default; match shows every ACL that applies to a resource of that name: literal, prefixed and the * wildcard; any shows every pattern type with exactly that name). --principal and --operation narrow the list.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every ACL'},
    {command: '<%= config.bin %> <%= command.id %> --topic orders --resource-pattern-type match', description: 'every ACL that applies to the topic orders'},
    {command: '<%= config.bin %> <%= command.id %> --principal User:alice -o json', description: "alice's ACLs as JSON"},
  ]

  static flags = {
    ...connectionFlags,
    ...resourceFlags,
    operation: Flags.string({description: 'only this operation (repeatable)', multiple: true}),
    output: outputFlag,
    principal: Flags.string({description: 'only ACLs of this principal, e.g. User:alice (repeatable)', multiple: true}),
    'resource-pattern-type': Flags.option({
      description: 'literal, prefixed, match (every pattern that applies to the name) or any',
      options: ['literal', 'prefixed', 'match', 'any'] as const,
    })(),
  }

  static summary = 'List ACLs'

  async run(): Promise<AclRow[]> {
    const {flags} = await this.parse(AclsList)
    const {connectionOptions} = await import('../../src/admin/connection.js')
    const {filtersFromFlags, listAcls} = await import('../../src/admin/acls.js')
    const rows = await listAcls(connectionOptions(flags), filtersFromFlags(aclFlags(flags)))
    this.render(rows, flags.output, renderAcls)
    return rows
  }
}
