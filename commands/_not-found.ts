// oclif's command_not_found hook: a mistyped command ("kctl topic list") is a usage error
// (exit 2) with the closest command suggested, instead of oclif's colon-joined id.
import type {Hook} from '@oclif/core'
import {colour} from '../src/ui/output.js'

const hook: Hook<'command_not_found'> = async function ({id, config}) {
  const typed = id.replaceAll(':', ' ')
  const known = config.commandIDs.map((commandId) => commandId.replaceAll(':', ' '))
  const [best] = known
    .map((candidate) => ({candidate, distance: editDistance(typed, candidate)}))
    .sort((a, b) => a.distance - b.distance)
  const suggestion = best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? `did you mean \`${config.bin} ${best.candidate}\`? ` : ''
  process.stderr.write(`${colour.red('error:')} "${typed}" is not a ${config.bin} command\n`)
  process.stderr.write(`${colour.dim('hint:')} ${suggestion}see \`${config.bin} --help\`\n`)
  process.exit(2)
}

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

export default hook
