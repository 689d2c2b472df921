import {Flags} from '@oclif/core'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {listTransactions, renderTransactionList, type TransactionListRow, transactionStates} from '../../src/admin/transactions.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'

export default class TransactionsList extends BaseCommand {
  static description = `Lists the transactional ids the cluster's transaction coordinators know (every broker is
asked, as kafka-transactions.sh list does), with the coordinator, the producer id and the
transaction state: ${transactionStates.join(', ')}. Ongoing ones are open; Complete* ones are idle.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every transactional id'},
    {command: '<%= config.bin %> <%= command.id %> --state Ongoing --duration 60000', description: 'transactions open for more than a minute (hanging ones)'},
    {command: '<%= config.bin %> <%= command.id %> -o json', description: 'as JSON'},
  ]

  static flags = {
    ...connectionFlags,
    output: outputFlag,
    state: Flags.string({char: 's', description: 'only transactions in this state (repeatable, case-insensitive)', multiple: true}),
    'producer-id': Flags.integer({description: 'only this producer id (repeatable)', multiple: true, min: 0}),
    duration: Flags.integer({description: 'only transactions running longer than this many ms (Kafka 3.8+ brokers)', min: 0}),
  }

  static summary = 'List transactional ids and their transaction state'

  async run(): Promise<TransactionListRow[]> {
    const {flags} = await this.parse(TransactionsList)
    const rows = await withClient(connectionOptions(flags, 'list transactions'), (cluster) =>
      listTransactions(cluster, {states: flags.state, producerIds: flags['producer-id'], minDurationMs: flags.duration}),
    )
    this.render(rows, flags.output, renderTransactionList)
    return rows
  }
}
