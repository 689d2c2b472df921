import {Args} from '@oclif/core'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {describeTransaction, renderTransactionDescription, type TransactionDescription} from '../../src/admin/transactions.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class TransactionsDescribe extends BaseCommand {
  static args = {
    'transactional-id': Args.string({description: 'transactional.id of a producer', required: true}),
  }

  static description = `Shows what the transaction coordinator knows of a transactional id, as
kafka-transactions.sh describe does: its coordinator, state, producer id and epoch, transaction
timeout, and for an open transaction its start time, how long it has run and its partitions.
Exits 4 when the transactional id does not exist.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders-etl', description: 'the transaction of producer "orders-etl"'},
    {command: '<%= config.bin %> <%= command.id %> orders-etl -o yaml', description: 'the same as YAML'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
  }

  static summary = 'Describe the transaction of a transactional id'

  async run(): Promise<TransactionDescription> {
    const {args, flags} = await this.parse(TransactionsDescribe)
    const id = args['transactional-id']
    const view = await withClient(connectionOptions(flags, `describe transaction ${id}`), (cluster) => describeTransaction(cluster, id))
    this.render(view, flags.output, renderTransactionDescription)
    return view
  }
}
