import {describe, expect, it} from 'vitest'
import {type MessageSpec, SchemaError, parseVersions, schemasByKey, validateSpec} from '../../../src/kafka/protocol/index.js'
import {RequestHeader, ResponseHeader} from '../../../src/kafka/protocol/headers.js'

function spec(fields: MessageSpec['fields'], extra: Partial<MessageSpec> = {}): MessageSpec {
  return {apiKey: 999, type: 'request', name: 'TestRequest', validVersions: '0-5', flexibleVersions: '3+', fields, ...extra}
}

describe('parseVersions', () => {
  it('reads Kafka version strings', () => {
    expect(parseVersions('3+')).toEqual({lowest: 3, highest: 0x7fff})
    expect(parseVersions('0-2')).toEqual({lowest: 0, highest: 2})
    expect(parseVersions('5')).toEqual({lowest: 5, highest: 5})
    const none = parseVersions('none')
    expect(none.lowest > none.highest).toBe(true)
  })

  it('rejects malformed ranges', () => {
    expect(() => parseVersions('2-1')).toThrow(SchemaError)
    expect(() => parseVersions('x')).toThrow(/not a version range/)
    expect(() => parseVersions('+3')).toThrow(SchemaError)
  })
})

describe('validateSpec', () => {
  it('accepts every bundled schema and both headers', () => {
    for (const api of Object.values(schemasByKey)) {
      validateSpec(api.request)
      validateSpec(api.response)
    }
    validateSpec(RequestHeader)
    validateSpec(ResponseHeader)
  })

  it('rejects a closed flexible range', () => {
    expect(() => validateSpec(spec([], {flexibleVersions: '3-4'}))).toThrow(/must be open-ended/)
  })

  it('rejects a tag used twice in one struct', () => {
    const fields = [
      {name: 'A', type: 'int32', versions: '3+', taggedVersions: '3+', tag: 0},
      {name: 'B', type: 'int32', versions: '3+', taggedVersions: '3+', tag: 0},
    ]
    expect(() => validateSpec(spec(fields))).toThrow(/TestRequest\.B: tag 0 is used twice/)
  })

  it('allows the same tag in different structs', () => {
    const fields = [
      {name: 'A', type: 'int32', versions: '3+', taggedVersions: '3+', tag: 0},
      {name: 'S', type: '[]Sub', versions: '0+', fields: [{name: 'C', type: 'int32', versions: '3+', taggedVersions: '3+', tag: 0}]},
    ]
    expect(() => validateSpec(spec(fields))).not.toThrow()
  })

  it('rejects a tagged field outside the flexible versions', () => {
    const fields = [{name: 'A', type: 'int32', versions: '1+', taggedVersions: '1+', tag: 0}]
    expect(() => validateSpec(spec(fields))).toThrow(/taggedVersions "1\+" must lie within flexibleVersions/)
    expect(() => validateSpec(spec(fields, {flexibleVersions: 'none'}))).toThrow(/must lie within flexibleVersions/)
  })

  it('rejects field versions outside validVersions', () => {
    expect(() => validateSpec(spec([{name: 'A', type: 'int32', versions: '6+'}]))).toThrow(/TestRequest\.A: versions "6\+" lie outside validVersions 0-5/)
    const nested = [{name: 'S', type: '[]Sub', versions: '0+', fields: [{name: 'B', type: 'int8', versions: '9+'}]}]
    expect(() => validateSpec(spec(nested))).toThrow(/TestRequest\.S\.B: versions/)
  })

  it('rejects nullable primitives, structs without fields and unknown types', () => {
    expect(() => validateSpec(spec([{name: 'A', type: 'int32', versions: '0+', nullableVersions: '0+'}]))).toThrow(/cannot be nullable/)
    expect(() => validateSpec(spec([{name: 'A', type: '[]Thing', versions: '0+'}]))).toThrow(/needs nested fields/)
    expect(() => validateSpec(spec([{name: 'A', type: 'int32', versions: '0+', fields: []}]))).toThrow(/cannot have nested fields/)
    expect(() => validateSpec(spec([{name: 'A', type: 'int33', versions: '0+'}]))).toThrow(/unknown type int33/)
  })

  it('rejects a tagged field without a tag number', () => {
    expect(() => validateSpec(spec([{name: 'A', type: 'int32', versions: '3+', taggedVersions: '3+'}]))).toThrow(/needs both tag and taggedVersions/)
  })
})
