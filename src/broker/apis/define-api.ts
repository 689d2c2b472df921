// The shape of one API handler file (apis/NN-name.ts): its key, Kafka 4.0's version range
// and the handler. The registry (apis/index.ts) lists every definition; ApiVersions is
// computed from that list, so nothing is kept in sync by hand.
import type {ConnectionInfo} from '../server.js'
import type {BrokerState} from '../state.js'

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

export interface HandlerContext {
  state: BrokerState
  connection: ConnectionInfo
  /** The request's version (same as header.apiVersion). */
  apiVersion: number
  header: RequestHeader
}

/** A response body, or null for "send no response" (Produce with acks=0). */
export type HandlerResult<Res> = Res | null | Promise<Res | null>

export interface ApiDefinition<Req = any, Res = any> {
  readonly key: number
  readonly name: string
  /** Inclusive [min, max], as Kafka 4.0 advertises them (clients.md). */
  readonly versions: readonly [number, number]
  handle(request: Req, ctx: HandlerContext): HandlerResult<Res>
}

export function defineApi<Req = any, Res = any>(definition: ApiDefinition<Req, Res>): ApiDefinition<Req, Res> {
  const [min, max] = definition.versions
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min > max)
    throw new Error(`${definition.name}(${definition.key}): bad version range [${min}, ${max}]`)
  return definition
}
