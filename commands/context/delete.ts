import {Args} from '@oclif/core'
import {deleteContext, loadContexts} from '../../src/config/context.js'
import {KctlError} from '../../src/errors.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {renderTable} from '../../src/ui/output.js'
import {BaseCommand} from '../_base.js'
import {outputFlag, yesFlag} from '../_flags.js'

export default class ContextDelete extends BaseCommand {
  static args = {
    name: Args.string({description: 'context name', ignoreStdin: true, required: true}),
  }

  static description = `Removes a saved context (the cluster is not touched). Asks for confirmation on a terminal; elsewhere pass --yes. Deleting the current context leaves none current.`

  static examples = [{command: '<%= config.bin %> <%= command.id %> staging --yes', description: 'forget "staging"'}]

  static flags = {
    output: outputFlag,
    yes: yesFlag,
  }

  static summary = 'Delete a saved context'

  async run(): Promise<{name: string; status: string}> {
    const {args, flags} = await this.parse(ContextDelete)
    if (!loadContexts().contexts[args.name]) {
      throw new KctlError(`unable to delete context ${args.name}: it does not exist`, {exitCode: 4, hint: 'see `kctl context list`'})
    }
    await confirmOrRefuse(`Delete context ${args.name}?`, {yes: flags.yes, action: `delete context ${args.name}`})
    deleteContext(args.name)
    const row = {name: args.name, status: 'deleted'}
    this.render(row, flags.output, (view) => renderTable(['NAME', 'STATUS'], [[view.name, view.status]]))
    return row
  }
}
