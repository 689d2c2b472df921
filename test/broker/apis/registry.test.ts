// The handler registry against the protocol schemas: every handler's range is its schema's
// validVersions (Kafka 4.0's), and a key registered twice fails at load.
import {describe, expect, it} from 'vitest'
import {defineApi} from '../../../src/broker/apis/define-api.js'
import {apiRegistry, apiVersionsBody, buildRegistry} from '../../../src/broker/apis/index.js'
import {versionRange} from '../../../src/kafka/protocol/index.js'

describe('API registry', () => {
  it('gives every handler exactly its schema\'s version range', () => {
    for (const api of apiRegistry.values()) {
      expect({key: api.key, name: api.name, range: versionRange(api.key)}).toEqual({
        key: api.key,
        name: api.name,
        range: {minVersion: api.versions[0], maxVersion: api.versions[1]},
      })
    }
  })

  it('advertises in ApiVersions exactly what is registered, sorted by key', () => {
    const body = apiVersionsBody(0)
    expect(body.apiKeys!.map((k) => k.apiKey)).toEqual([...apiRegistry.keys()])
    expect([...apiRegistry.keys()]).toEqual([...apiRegistry.keys()].sort((a, b) => a - b))
  })

  it('refuses a key registered twice, naming both handlers', () => {
    const one = defineApi({key: 3, name: 'Metadata', versions: [0, 13], handle: () => null})
    const two = defineApi({key: 3, name: 'OtherMetadata', versions: [0, 1], handle: () => null})
    expect(() => buildRegistry([one, two])).toThrow('API key 3 is registered twice: Metadata and OtherMetadata')
  })

  it('refuses an empty or inverted version range', () => {
    expect(() => defineApi({key: 1, name: 'Fetch', versions: [5, 4], handle: () => null})).toThrow('Fetch(1): bad version range [5, 4]')
  })
})
