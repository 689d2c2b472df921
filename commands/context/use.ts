import {Args} from '@oclif/core'
import {type ContextRow, contextListView, renderContextList, useContext} from '../../src/config/context.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'

export default class ContextUse extends BaseCommand {
  static args = {
    name: Args.string({description: 'context name', ignoreStdin: true, required: true}),
  }

  static description = `Makes a saved context the current one: commands without -b or --context connect to it. $KCTL_CONTEXT still overrides it.`

  static examples = [{command: '<%= config.bin %> <%= command.id %> prod', description: 'switch to "prod"'}]

  static flags = {
    output: outputFlag,
  }

  static summary = 'Switch the current context'

  async run(): Promise<ContextRow> {
    const {args, flags} = await this.parse(ContextUse)
    const row = contextListView(useContext(args.name)).find((candidate) => candidate.name === args.name) as ContextRow
    this.render(row, flags.output, (view) => renderContextList([view]))
    return row
  }
}
