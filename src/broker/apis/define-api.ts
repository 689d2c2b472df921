// The shape of one API handler file (apis/NN-name.ts): `defineApi(key, {handle})`. The API's
// name and Kafka 4.0's version range come from its schema (src/kafka/protocol/schemas), so
// they are declared once; the registry (apis/index.ts) lists every definition and ApiVersions
// is computed from that list.
import {type ApiKey, type RequestBody, type ResponseInput, schemasByKey, versionRange} from '../../kafka/protocol/index.js'
import type {BrokerState} from '../state.js'
import type {ApiRange, ConnectionInfo, RequestHeader} from '../types.js'

export interface HandlerContext {
  state: BrokerState
  connection: ConnectionInfo
  /** The request's version (same as header.apiVersion). */
  apiVersion: number
  header: RequestHeader
}

/** A response body, or null for "send no response" (Produce with acks=0). */
export type HandlerResult<Res> = Res | null | Promise<Res | null>

export interface ApiDefinition<Req = any, Res = any> extends ApiRange {
  handle(request: Req, ctx: HandlerContext): HandlerResult<Res>
}

export function defineApi<K extends ApiKey>(
  key: K,
  handler: {handle(request: RequestBody<K>, ctx: HandlerContext): HandlerResult<ResponseInput<K>>},
): ApiDefinition<RequestBody<K>, ResponseInput<K>> {
  const range = versionRange(key)
  if (!range) throw new Error(`API key ${key} has no schema in src/kafka/protocol/schemas`)
  return {key, name: schemasByKey[key].name, versions: [range.minVersion, range.maxVersion], handle: handler.handle}
}
