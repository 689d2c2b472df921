// Flags that mean the same in every command. Kept out of command discovery by the
// globPatterns in package.json.
import {Flags} from '@oclif/core'
import {outputFormats} from '../src/ui/output.js'

export const outputFlag = Flags.option({
  char: 'o',
  description: 'output format',
  options: outputFormats,
  default: 'table' as const,
})()

export const connectionFlags = {
  'bootstrap-server': Flags.string({
    char: 'b',
    description: 'host:port[,host:port] of the cluster (default: $KCTL_BOOTSTRAP_SERVER, the current context, or the running bundled broker)',
    helpGroup: 'CONNECTION',
  }),
  context: Flags.string({description: 'saved context to use (see `kctl context list`)', helpGroup: 'CONNECTION'}),
  'command-config': Flags.file({
    description: 'Apache client .properties file (security.protocol, sasl.*, ssl.*)',
    exists: true,
    helpGroup: 'CONNECTION',
  }),
}

export const yesFlag = Flags.boolean({char: 'y', description: 'do not ask for confirmation'})
