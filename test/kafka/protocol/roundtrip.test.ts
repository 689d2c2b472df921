// Every schema round-trips at every valid version: generated values -> encode -> decode ->
// deep-equal, and re-encoding the decoded value gives identical bytes (MessageTest.java's idea).
import {describe, expect, it} from 'vitest'
import {
  type FieldSpec,
  type MessageSpec,
  ZERO_UUID,
  decode,
  encode,
  fieldKey,
  parseVersions,
  schemasByKey,
} from '../../../src/kafka/protocol/index.js'

const inRange = (text: string | undefined, v: number) => {
  if (text === undefined) return false
  const r = parseVersions(text)
  return v >= r.lowest && v <= r.highest
}

// The default a field takes when absent, worked out here independently of the codec.
function defaultOf(f: FieldSpec): unknown {
  if (f.default === 'null') return null
  if (f.type.startsWith('[]')) return []
  if (f.fields) return Object.fromEntries(f.fields.map((g) => [fieldKey(g.name), defaultOf(g)]))
  switch (f.type) {
    case 'bool':
      return f.default === 'true' || f.default === true
    case 'string':
      return f.default === undefined ? '' : String(f.default)
    case 'bytes':
    case 'records': // an empty record set, not null (see codec.ts)
      return Buffer.alloc(0)
    case 'uuid':
      return ZERO_UUID
    default:
      return f.default === undefined ? 0 : Number(f.default)
  }
}

let counter = 0
function sample(type: string, name: string): unknown {
  counter++
  switch (type) {
    case 'bool':
      return counter % 2 === 0
    case 'int8':
      return -(counter % 100) - 2
    case 'int16':
      return 1000 + counter
    case 'uint16':
      return 65000 + (counter % 500)
    case 'int32':
      return -123456 - counter
    case 'int64':
      return counter % 2 === 0 ? 2 ** 40 + counter : -(2 ** 35) - counter
    case 'float64':
      return counter + 0.5
    case 'string':
      return `${name}-é-${counter}`
    case 'bytes':
      return Buffer.from([counter & 0xff, 1, 2, 3])
    case 'records':
      return Buffer.from(`records-${counter}`)
    case 'uuid': {
      const b = Buffer.alloc(16)
      b.writeUInt32BE(counter + 1, 12)
      b[0] = 0xfb
      return b.toString('base64url')
    }
    default:
      throw new Error(`no sample for ${type}`)
  }
}

/** A value for every field of the struct at `version`; absent fields hold their defaults.
 *  With `nulls`, every field nullable in this version is null instead. */
function generate(fields: readonly FieldSpec[], version: number, nulls: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    const key = fieldKey(f.name)
    if (!inRange(f.versions, version)) {
      out[key] = defaultOf(f)
      continue
    }
    if (nulls && inRange(f.nullableVersions, version)) {
      out[key] = null
      continue
    }
    if (f.type.startsWith('[]')) {
      const elem = f.type.slice(2)
      out[key] = f.fields
        ? [generate(f.fields, version, nulls), generate(f.fields, version, nulls)]
        : [sample(elem, f.name), sample(elem, f.name)]
    } else if (f.fields) out[key] = generate(f.fields, version, nulls)
    else out[key] = sample(f.type, f.name)
  }
  return out
}

const specs: MessageSpec[] = Object.values(schemasByKey).flatMap((api) => [api.request, api.response])

describe('every schema round-trips at every valid version', () => {
  for (const spec of specs) {
    const valid = parseVersions(spec.validVersions)
    it(`${spec.name} v${valid.lowest}-${valid.highest}`, () => {
      for (let v = valid.lowest; v <= valid.highest; v++) {
        for (const nulls of [false, true]) {
          const value = generate(spec.fields, v, nulls)
          const bytes = Buffer.concat(encode(spec, v, value as never))
          const decoded = decode(spec, v, bytes)
          expect(decoded, `${spec.name} v${v} nulls=${nulls}`).toEqual(value)
          expect(Buffer.concat(encode(spec, v, decoded as never)).equals(bytes), `${spec.name} v${v} re-encode`).toBe(true)
        }
        // An empty input encodes as all defaults and decodes to them.
        const empty = decode(spec, v, Buffer.concat(encode(spec, v, {})))
        expect(empty).toEqual(Object.fromEntries(spec.fields.map((f) => [fieldKey(f.name), defaultOf(f)])))
      }
    })
  }
})
