// Request and response headers, and the one rule that picks their versions.
import type {MessageSpec} from './schema.js'

// Header v0 (no client id) served only ControlledShutdown v0, which Kafka 4.0 no longer
// accepts (KIP-896), so only v1 and v2 are described here.
export const RequestHeader = {
  type: 'header',
  name: 'RequestHeader',
  validVersions: '1-2',
  flexibleVersions: '2+',
  fields: [
    {name: 'RequestApiKey', type: 'int16', versions: '0+'},
    {name: 'RequestApiVersion', type: 'int16', versions: '0+'},
    {name: 'CorrelationId', type: 'int32', versions: '0+'},
    // Pinned to the non-compact encoding in every version so that a broker can read the header
    // of a request whose version (and hence flexibility) it does not know.
    {name: 'ClientId', type: 'string', versions: '1+', nullableVersions: '1+', ignorable: true, flexibleVersions: 'none'},
  ],
} as const satisfies MessageSpec

export const ResponseHeader = {
  type: 'header',
  name: 'ResponseHeader',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [{name: 'CorrelationId', type: 'int32', versions: '0+'}],
} as const satisfies MessageSpec

/**
 * The header version for a request or response message at `apiVersion` (Kafka's
 * ApiMessageTypeGenerator rule): flexible requests use header v2, others v1; flexible responses
 * use v1, others v0 — except ApiVersions responses, which are always v0 so that a client that
 * sent a version the broker does not know can still read the broker's answer (KIP-511).
 */
export function headerVersion(spec: MessageSpec, flexible: boolean): number {
  if (spec.type === 'request') return flexible ? 2 : 1
  if (spec.apiKey === 18) return 0
  return flexible ? 1 : 0
}
