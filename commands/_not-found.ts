// oclif's command_not_found hook: a mistyped command ("kctl topic list") is a usage error
// (exit 2) with the closest command suggested, instead of oclif's colon-joined id.
import type {Hook} from '@oclif/core'
import {closest} from '../src/config/suggest.js'
import {colour} from '../src/ui/output.js'

const hook: Hook<'command_not_found'> = async function ({id, config}) {
  const typed = id.replaceAll(':', ' ')
  const known = config.commandIDs.map((commandId) => commandId.replaceAll(':', ' '))
  const best = closest(typed, known, Math.max(2, Math.floor(typed.length / 3)))
  const suggestion = best ? `did you mean \`${config.bin} ${best}\`? ` : ''
  process.stderr.write(`${colour.red('error:')} "${typed}" is not a ${config.bin} command\n`)
  process.stderr.write(`${colour.dim('hint:')} ${suggestion}see \`${config.bin} --help\`\n`)
  process.exit(2)
}

export default hook
