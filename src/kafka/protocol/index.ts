// Public surface of the Kafka protocol layer, used by src/broker/server.ts (broker side) and
// src/perf (client side). Frames are passed WITHOUT their 4-byte size prefix when decoding;
// encoders return chunks that INCLUDE it, ready for socket.write / writev, with record data
// passed through as its own chunks (never copied).
import {
  ProtocolError,
  Reader,
  Writer,
  isFlexibleVersion,
  isValidVersion,
  readMessage,
  writeMessage,
} from './codec.js'
import {RequestHeader, ResponseHeader, headerVersion} from './headers.js'
import type {Decoded, Input, MessageSpec} from './schema.js'
import {parseVersions} from './schema.js'
import {schemasByKey} from './schemas/index.js'

export {schemasByKey} from './schemas/index.js'
export * from './schemas/index.js'
export {RequestHeader, ResponseHeader, headerVersion} from './headers.js'
export {ErrorCode, type ErrorName, type KafkaError, allErrors, errorByCode, errorByName} from './errors.js'
export {ProtocolError, ZERO_UUID, compileSpec, decode, encode, fieldKey, isFlexibleVersion, isValidVersion} from './codec.js'
export {
  type Decoded,
  type FieldSpec,
  type Input,
  type MessageSpec,
  type UnknownTaggedField,
  type Versions,
  SchemaError,
  parseVersions,
  validateSpec,
} from './schema.js'
export * from './varint.js'
export {crc32c} from './crc32c.js'

type Schemas = typeof schemasByKey
export type ApiKey = keyof Schemas
/** A decoded request body, e.g. `RequestBody<0>` for Produce. */
export type RequestBody<K extends ApiKey> = Decoded<Schemas[K]['request']>
/** What `encodeRequest` accepts for an API (fields optional; records as Buffer or Buffer[]). */
export type RequestInput<K extends ApiKey> = Input<Schemas[K]['request']>
/** A decoded response body. */
export type ResponseBody<K extends ApiKey> = Decoded<Schemas[K]['response']>
/** What `encodeResponse` accepts for an API (fields optional; records as Buffer or Buffer[]). */
export type ResponseInput<K extends ApiKey> = Input<Schemas[K]['response']>

/** API keys by name: `ApiKeys.Produce === 0`. */
export const ApiKeys = Object.freeze(
  Object.fromEntries(Object.entries(schemasByKey).map(([key, api]) => [api.name, Number(key)])),
) as {readonly [K in ApiKey as Schemas[K]['name']]: K}

export interface RequestHeaderInfo {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

/** A decoded request; `apiKey` repeats header.apiKey at the top so TypeScript narrows `body` on it. */
export type DecodedRequest = {
  [K in ApiKey]: {apiKey: K; header: RequestHeaderInfo; body: RequestBody<K>}
}[ApiKey]

/** The broker's version range for an API (Kafka 4.0's), or undefined for an unknown key. */
export function versionRange(apiKey: number): {minVersion: number; maxVersion: number} | undefined {
  const api = (schemasByKey as Record<number, {request: MessageSpec}>)[apiKey]
  if (!api) return undefined
  const v = parseVersions(api.request.validVersions)
  return {minVersion: v.lowest, maxVersion: v.highest}
}

/** True when the key is described here and the version lies in its range. */
export function isSupported(apiKey: number, apiVersion: number): boolean {
  const api = (schemasByKey as Record<number, {request: MessageSpec}>)[apiKey]
  return api !== undefined && isValidVersion(api.request, apiVersion)
}

// Header versions per (api key, version), computed once instead of per request.
interface VersionInfo {
  requestHeaderVersion: number
  responseHeaderVersion: number
}
const versionInfo = new Map<number, VersionInfo>()
for (const [key, api] of Object.entries(schemasByKey)) {
  const v = parseVersions(api.request.validVersions)
  for (let version = v.lowest; version <= v.highest; version++) {
    versionInfo.set(Number(key) * 0x10000 + version, {
      requestHeaderVersion: headerVersion(api.request, isFlexibleVersion(api.request, version)),
      responseHeaderVersion: headerVersion(api.response, isFlexibleVersion(api.response, version)),
    })
  }
}

function lookup(apiKey: number, apiVersion: number): {api: Schemas[ApiKey]; info: VersionInfo} {
  const info = versionInfo.get(apiKey * 0x10000 + apiVersion)
  if (!info) {
    const range = versionRange(apiKey)
    throw new ProtocolError(
      range
        ? `unable to handle API key ${apiKey} v${apiVersion}: supported versions are ${range.minVersion}-${range.maxVersion}`
        : `unable to handle API key ${apiKey}: not a supported API`,
    )
  }
  return {api: (schemasByKey as Record<number, Schemas[ApiKey]>)[apiKey], info}
}

/**
 * Reads the fixed part of a request header (api key, version, correlation id, client id). It
 * works for any api key and version, so the server can answer UNSUPPORTED_VERSION: the client id
 * keeps the non-compact encoding even in header v2.
 */
export function readRequestHeader(frame: Buffer): RequestHeaderInfo {
  if (frame.length < 10) throw new ProtocolError(`unable to read request header: frame of ${frame.length} bytes is shorter than a header`)
  const r = new Reader(frame)
  const header = readMessage(RequestHeader, 1, r)
  return {apiKey: header.requestApiKey, apiVersion: header.requestApiVersion, correlationId: header.correlationId, clientId: header.clientId}
}

/** Decodes a request frame (without its size prefix). Throws ProtocolError for an unsupported
 *  key/version (check `isSupported` first to answer UNSUPPORTED_VERSION) or a malformed frame. */
export function decodeRequest(frame: Buffer): DecodedRequest {
  if (frame.length < 10) throw new ProtocolError(`unable to read request header: frame of ${frame.length} bytes is shorter than a header`)
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const {api, info} = lookup(apiKey, apiVersion)
  const r = new Reader(frame)
  const h = readMessage(RequestHeader, info.requestHeaderVersion, r)
  const body = readMessage(api.request as MessageSpec, apiVersion, r)
  return {apiKey, header: {apiKey, apiVersion, correlationId: h.correlationId, clientId: h.clientId}, body} as unknown as DecodedRequest
}

/** Encodes a response: header (version per the rule in headers.ts) and body, as chunks that
 *  include the 4-byte size prefix. Records given as Buffer or Buffer[] become their own chunks. */
export function encodeResponse<K extends ApiKey>(apiKey: K, apiVersion: number, correlationId: number, body: ResponseInput<K>): Buffer[] {
  const {api, info} = lookup(apiKey, apiVersion)
  const w = new Writer()
  const first = w.buf
  w.int32(0) // size, filled in below
  writeMessage(ResponseHeader, info.responseHeaderVersion, {correlationId}, w)
  writeMessage(api.response as MessageSpec, apiVersion, body as Input<MessageSpec>, w)
  const chunks = w.finish()
  first.writeInt32BE(w.length - 4, 0)
  return chunks
}

/** Client side: encodes a request (size prefix, header, body) as chunks. */
export function encodeRequest<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: RequestInput<K>,
): Buffer[] {
  const {api, info} = lookup(apiKey, apiVersion)
  const w = new Writer()
  const first = w.buf
  w.int32(0)
  writeMessage(RequestHeader, info.requestHeaderVersion, {requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId}, w)
  writeMessage(api.request as MessageSpec, apiVersion, body as Input<MessageSpec>, w)
  const chunks = w.finish()
  first.writeInt32BE(w.length - 4, 0)
  return chunks
}

/** Client side: the correlation id of a response frame (without size prefix), to match it to its request. */
export function readResponseCorrelationId(frame: Buffer): number {
  if (frame.length < 4) throw new ProtocolError(`unable to read response header: frame of ${frame.length} bytes`)
  return frame.readInt32BE(0)
}

/** Client side: decodes a response frame (without its size prefix) for the request it answers. */
export function decodeResponse<K extends ApiKey>(apiKey: K, apiVersion: number, frame: Buffer): {header: {correlationId: number}; body: ResponseBody<K>} {
  const {api, info} = lookup(apiKey, apiVersion)
  const r = new Reader(frame)
  const h = readMessage(ResponseHeader, info.responseHeaderVersion, r)
  const body = readMessage(api.response as MessageSpec, apiVersion, r) as ResponseBody<K>
  return {header: {correlationId: h.correlationId}, body}
}
