// Building the API table from handler definitions, and the ApiVersions body it implies. Kept
// apart from the list of handlers (apis/index.ts) so that the ApiVersions handler can use it
// without importing the list that imports it.
import type {ResponseInput} from '../../kafka/protocol/index.js'
import type {ApiRange} from '../types.js'
import type {ApiDefinition} from './define-api.js'

export type ApiRegistry = ReadonlyMap<number, ApiDefinition>

/** Keyed by API key, sorted; a key defined twice is an error. */
export function buildRegistry(list: ApiDefinition[]): Map<number, ApiDefinition> {
  const registry = new Map<number, ApiDefinition>()
  for (const definition of list) {
    const existing = registry.get(definition.key)
    if (existing) throw new Error(`API key ${definition.key} is registered twice: ${existing.name} and ${definition.name}`)
    registry.set(definition.key, definition)
  }
  return new Map([...registry].sort(([a], [b]) => a - b))
}

/** The ApiVersions body: every registered key with its range (used by the handler and by the
 *  server's UNSUPPORTED_VERSION fallback). */
export function apiVersionsBody(registry: ReadonlyMap<number, ApiRange>, errorCode: number): ResponseInput<18> {
  return {
    errorCode,
    apiKeys: [...registry.values()].map((api) => ({apiKey: api.key, minVersion: api.versions[0], maxVersion: api.versions[1]})),
    throttleTimeMs: 0,
  }
}
