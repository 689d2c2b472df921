import {type ContextRow, contextListView, loadContexts, renderContextList} from '../../src/config/context.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'

export default class ContextList extends BaseCommand {
  static description = `Lists saved contexts; * marks the current one ($KCTL_CONTEXT, else the one chosen with \`kctl context use\`). Secrets are never shown: PASSWORD-FROM says where the password is read.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'all contexts'},
    {command: '<%= config.bin %> <%= command.id %> -o json', description: 'as JSON'},
  ]

  static flags = {
    output: outputFlag,
  }

  static summary = 'List saved cluster connections'

  async run(): Promise<ContextRow[]> {
    const {flags} = await this.parse(ContextList)
    const rows = contextListView(loadContexts())
    this.render(rows, flags.output, renderContextList)
    return rows
  }
}
