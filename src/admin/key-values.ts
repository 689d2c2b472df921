// Repeatable `k=v` flags (-c/--config, -H/--header): split at the first "=", later wins.
import {usageError} from '../errors.js'

export function parseKeyValues(items: string[] | undefined, flag: string): Record<string, string> {
  const pairs: Record<string, string> = {}
  for (const item of items ?? []) {
    const equals = item.indexOf('=')
    if (equals <= 0) throw usageError(`invalid ${flag} "${item}"`, `use ${flag} key=value`)
    pairs[item.slice(0, equals)] = item.slice(equals + 1)
  }
  return pairs
}
