import {Flags} from '@oclif/core'
import type {AclRow} from '../../src/admin/acls.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {aclFlags, principalFlags, renderAcls, resourceFlags} from './_shared.js'

export default class AclsCreate extends BaseCommand {
  static description = `Creates ACLs the way kafka-acls.sh --add does: every combination of the resources, operations, principals and hosts given. Operations default to All and hosts to *. --producer stands for Write, Describe and Create on the topics (Write and Describe on a --transactional-id, IdempotentWrite on the cluster with --idempotent); --consumer for Read and Describe on the topics and Read on the group. Creating an ACL that exists changes nothing.

The cluster needs an authorizer (authorizer.class.name); without one it answers SECURITY_DISABLED. Exits 5 when the principal running kctl may not alter ACLs (it needs Alter on the cluster).`

  static examples = [
    {
      command: '<%= config.bin %> <%= command.id %> --allow-principal User:alice --operation Read --operation Describe --topic orders',
      description: 'alice may read and describe the topic orders',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --allow-principal User:app --producer --topic orders. --resource-pattern-type prefixed',
      description: 'app may produce to every topic whose name starts with "orders."',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --allow-principal User:etl --consumer --topic orders --group etl',
      description: 'etl may consume orders in group etl',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --deny-principal User:intern --deny-host 10.0.0.7 --operation Write --topic \'*\'',
      description: 'intern may not write to any topic from 10.0.0.7 (DENY wins over ALLOW)',
    },
  ]

  static flags = {
    ...connectionFlags,
    ...resourceFlags,
    ...principalFlags,
    consumer: Flags.boolean({description: 'shortcut: Read, Describe on --topic and Read on --group'}),
    idempotent: Flags.boolean({description: 'with --producer: also IdempotentWrite on the cluster', dependsOn: ['producer']}),
    output: outputFlag,
    producer: Flags.boolean({description: 'shortcut: Write, Describe, Create on --topic (Write, Describe on --transactional-id)'}),
    'resource-pattern-type': Flags.option({
      description: 'how resource names match: literal (exact name, or * for all) or prefixed',
      options: ['literal', 'prefixed'] as const,
      default: 'literal' as const,
    })(),
  }

  static summary = 'Create ACLs'

  async run(): Promise<AclRow[]> {
    const {flags} = await this.parse(AclsCreate)
    const {connectionOptions} = await import('../../src/admin/connection.js')
    const {bindingsFromFlags, createAcls} = await import('../../src/admin/acls.js')
    const rows = await createAcls(connectionOptions(flags), bindingsFromFlags(aclFlags(flags)))
    this.render(rows, flags.output, (created) => `created ${created.length} ACL${created.length === 1 ? '' : 's'}\n${renderAcls(created)}`)
    return rows
  }
}
