// Output for commands that stream records (produce, consume): json is one object per line
// (JSON Lines, so `jq` reads it as it arrives), yaml one document per record ("---"), and
// table mode a text line per record.
import yaml from 'js-yaml'
import type {OutputFormat} from '../ui/output.js'

export function streamItem(item: object, format: OutputFormat, textLine: () => string): string {
  if (format === 'json') return `${JSON.stringify(item)}\n`
  if (format === 'yaml') return `---\n${yaml.dump(item, {noRefs: true, lineWidth: -1})}`
  return textLine()
}
