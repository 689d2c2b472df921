// The handler registry against the protocol schemas: every handler's name and range come from
// its schema (validVersions, Kafka 4.0's), and a key registered twice fails at load.
import {describe, expect, it} from 'vitest'
import {defineApi} from '../../../src/broker/apis/define-api.js'
import {apiRegistry} from '../../../src/broker/apis/index.js'
import {apiVersionsBody, buildRegistry} from '../../../src/broker/apis/registry.js'
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
    const body = apiVersionsBody(apiRegistry, 0)
    expect(body.apiKeys!.map((k) => k.apiKey)).toEqual([...apiRegistry.keys()])
    expect([...apiRegistry.keys()]).toEqual([...apiRegistry.keys()].sort((a, b) => a - b))
  })

  it('refuses a key registered twice, naming both handlers', () => {
    const one = defineApi(3, {handle: () => null})
    const two = defineApi(3, {handle: () => null})
    expect(() => buildRegistry([one, two])).toThrow('API key 3 is registered twice: Metadata and Metadata')
  })

  it('refuses a key that has no schema', () => {
    expect(() => defineApi(99 as 3, {handle: () => null})).toThrow('API key 99 has no schema')
  })
})
