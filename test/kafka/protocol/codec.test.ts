import {describe, expect, it} from 'vitest'
import {
  ApiKeys,
  FetchResponse,
  type MessageSpec,
  MetadataRequest,
  ProduceRequest,
  ProtocolError,
  ZERO_UUID,
  crc32c,
  decode,
  decodeRequest,
  decodeResponse,
  encode,
  encodeRequest,
  encodeResponse,
  readRequestHeader,
  readUnsignedVarint,
  readVarint,
  readVarlong,
  unsignedVarintSize,
  varintSize,
  varlongSize,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from '../../../src/kafka/protocol/index.js'
import {RequestHeader, ResponseHeader, headerVersion} from '../../../src/kafka/protocol/headers.js'

const hex = (chunks: Buffer[] | Buffer) => (Array.isArray(chunks) ? Buffer.concat(chunks) : chunks).toString('hex')

describe('varint', () => {
  it('writes unsigned varints as protobuf does', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16384, '808001'],
      [0xffffffff, 'ffffffff0f'],
    ]
    for (const [value, bytes] of cases) {
      const buf = Buffer.alloc(5)
      const end = writeUnsignedVarint(buf, 0, value)
      expect(buf.subarray(0, end).toString('hex')).toBe(bytes)
      expect(unsignedVarintSize(value)).toBe(end)
      const c = {buf: Buffer.from(bytes, 'hex'), pos: 0}
      expect(readUnsignedVarint(c)).toBe(value)
      expect(c.pos).toBe(end)
    }
  })

  it('zigzag-encodes signed varints (0,-1,1,-2 -> 0,1,2,3)', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-2, '03'],
      [63, '7e'],
      [-64, '7f'],
      [64, '8001'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ]
    for (const [value, bytes] of cases) {
      const buf = Buffer.alloc(5)
      const end = writeVarint(buf, 0, value)
      expect(buf.subarray(0, end).toString('hex')).toBe(bytes)
      expect(varintSize(value)).toBe(end)
      expect(readVarint({buf: Buffer.from(bytes, 'hex'), pos: 0})).toBe(value)
    }
  })

  it('round-trips varlongs up to 2^53 and matches the 10-byte form of large values', () => {
    for (const value of [0, -1, 1, 1e12, -1e12, 1700000000000, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      const buf = Buffer.alloc(10)
      const end = writeVarlong(buf, 0, value)
      expect(varlongSize(value)).toBe(end)
      const c = {buf, pos: 0}
      expect(readVarlong(c)).toBe(value)
      expect(c.pos).toBe(end)
    }
    // 2^32 zigzags to 2^33: bytes 80 80 80 80 20
    const buf = Buffer.alloc(10)
    expect(buf.subarray(0, writeVarlong(buf, 0, 2 ** 32)).toString('hex')).toBe('8080808020')
  })

  it('agrees with a BigInt reference encoding for varlongs across the safe range', () => {
    const reference = (value: number) => {
      let z = (BigInt(value) << 1n) ^ (BigInt(value) >> 63n)
      z = BigInt.asUintN(64, z)
      const bytes: number[] = []
      while (z >= 128n) {
        bytes.push(Number(z & 127n) | 128)
        z >>= 7n
      }
      bytes.push(Number(z))
      return Buffer.from(bytes).toString('hex')
    }
    const values = [2 ** 30, -(2 ** 30) - 1, 2 ** 31, -(2 ** 31), 2 ** 35 + 1, -(2 ** 47) + 3, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]
    for (let i = 0; i < 200; i++) values.push(Math.round((Math.random() - 0.5) * 2 * Number.MAX_SAFE_INTEGER))
    for (const value of values) {
      const buf = Buffer.alloc(10)
      const end = writeVarlong(buf, 0, value)
      expect(buf.subarray(0, end).toString('hex'), String(value)).toBe(reference(value))
      expect(readVarlong({buf, pos: 0})).toBe(value)
    }
  })

  it('rejects truncated and overlong varints', () => {
    expect(() => readUnsignedVarint({buf: Buffer.from('80', 'hex'), pos: 0})).toThrow(/past the end/)
    expect(() => readUnsignedVarint({buf: Buffer.from('ffffffff7f', 'hex'), pos: 0})).toThrow(/longer than 5 bytes/)
    expect(() => writeVarlong(Buffer.alloc(10), 0, 2 ** 60)).toThrow(/not a safe integer/)
  })
})

describe('crc32c', () => {
  it('matches the CRC-32C check value and continues across chunks', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    const whole = crc32c(Buffer.from('hello world'))
    expect(crc32c(Buffer.from(' world'), crc32c(Buffer.from('hello')))).toBe(whole)
  })
})

// A small flexible spec to exercise tagged fields, nullability and the absent-field rule.
const TaggedSpec = {
  apiKey: 999,
  type: 'request',
  name: 'TaggedRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {name: 'Id', type: 'int32', versions: '0+'},
    {name: 'Note', type: 'string', versions: '1+', nullableVersions: '2+', default: 'null'},
    {name: 'Strict', type: 'int32', versions: '3+'},
    {name: 'Loose', type: 'int32', versions: '3+', ignorable: true},
    {name: 'Extra', type: 'string', versions: '2+', taggedVersions: '2+', tag: 1, default: 'x'},
    {name: 'Where', type: 'Place', versions: '2+', taggedVersions: '2+', tag: 4, fields: [
      {name: 'Host', type: 'string', versions: '2+'},
      {name: 'Port', type: 'int32', versions: '2+', default: '-1'},
    ]},
  ],
} as const satisfies MessageSpec

describe('codec', () => {
  it('writes tagged fields only when they differ from their default, in tag order', () => {
    expect(hex(encode(TaggedSpec, 2, {id: 7, note: 'a'}))).toBe('00000007' + '0261' + '00')
    const both = hex(encode(TaggedSpec, 2, {id: 7, note: null, extra: 'yz', where: {host: 'h', port: 9}}))
    // id, null compact string, 2 tagged fields: tag 1 size 3 "yz"; tag 4 size 7 {host "h", port 9, no tags}
    expect(both).toBe('00000007' + '00' + '02' + '0103' + '03797a' + '0407' + '0268' + '00000009' + '00')
    expect(decode(TaggedSpec, 2, Buffer.from(both, 'hex'))).toEqual({
      id: 7,
      note: null,
      strict: 0,
      loose: 0,
      extra: 'yz',
      where: {host: 'h', port: 9},
    })
  })

  it('keeps unknown tagged fields and writes them back in order', () => {
    // tags 0 (unknown), 1 (Extra) and 9 (unknown)
    const bytes = Buffer.from('00000001' + '00' + '03' + '0002abcd' + '0102' + '0241' + '0901ff', 'hex')
    const decoded = decode(TaggedSpec, 2, bytes)
    expect(decoded.extra).toBe('A')
    expect(decoded._unknownTaggedFields).toEqual([
      {tag: 0, data: Buffer.from('abcd', 'hex')},
      {tag: 9, data: Buffer.from('ff', 'hex')},
    ])
    expect(hex(encode(TaggedSpec, 2, decoded))).toBe(bytes.toString('hex'))
  })

  it('rejects tagged fields out of order and a tagged value that overruns its size', () => {
    expect(() => decode(TaggedSpec, 2, Buffer.from('00000001' + '00' + '02' + '0900' + '0100', 'hex'))).toThrow(/out of order/)
    expect(() => decode(TaggedSpec, 2, Buffer.from('00000001' + '00' + '01' + '0101' + '05', 'hex'))).toThrow(ProtocolError)
  })

  it('gives absent fields their defaults and refuses a non-default value for a field the version lacks', () => {
    expect(decode(TaggedSpec, 0, Buffer.from('00000005', 'hex'))).toEqual({id: 5, note: null, strict: 0, loose: 0, extra: 'x', where: {host: '', port: -1}})
    expect(() => encode(TaggedSpec, 2, {id: 1, strict: 3})).toThrow(/TaggedRequest\.Strict: has a value but does not exist in this version/)
    // ignorable fields are silently dropped in versions without them
    expect(hex(encode(TaggedSpec, 2, {id: 1, note: 'n', loose: 3}))).toBe('00000001' + '026e' + '00')
  })

  it('enforces nullability per version', () => {
    expect(() => encode(TaggedSpec, 1, {id: 1, note: null})).toThrow(/TaggedRequest\.Note: null in a version where it is not nullable/)
    expect(() => decode(TaggedSpec, 1, Buffer.from('00000001ffff', 'hex'))).toThrow(/not nullable/)
    expect(hex(encode(TaggedSpec, 3, {id: 1, note: null, strict: 2}))).toBe('00000001' + '00' + '00000002' + '00000000' + '00')
  })

  it('reports truncated frames as ProtocolError naming the message and version', () => {
    expect(() => decode(MetadataRequest, 4, Buffer.from('00000001000a', 'hex'))).toThrow(/unable to decode MetadataRequest v4: .*past the end/)
    expect(() => decode(MetadataRequest, 4, Buffer.from('ffffffff0100', 'hex'))).toThrow(/1 bytes left over/)
  })

  it('encodes the numeric types Kafka specs use but these APIs do not (uint16, uint32, float64, []int64)', () => {
    const spec = {
      type: 'header',
      name: 'Numbers',
      validVersions: '0',
      flexibleVersions: 'none',
      fields: [
        {name: 'Port', type: 'uint16', versions: '0+'},
        {name: 'Big', type: 'uint32', versions: '0+'},
        {name: 'Ratio', type: 'float64', versions: '0+'},
        {name: 'Offsets', type: '[]int64', versions: '0+'},
      ],
    } as const satisfies MessageSpec
    const value = {port: 65535, big: 4294967295, ratio: -0.25, offsets: [-1, 2 ** 52]}
    const bytes = Buffer.concat(encode(spec, 0, value))
    expect(bytes.toString('hex')).toBe('ffff' + 'ffffffff' + 'bfd0000000000000' + '00000002' + 'ffffffffffffffff' + '0010000000000000')
    expect(decode(spec, 0, bytes)).toEqual(value)
    // Long.MAX_VALUE / MIN_VALUE sentinels survive as +-2^63 and are written back exactly
    const sentinels = Buffer.concat(encode(spec, 0, {offsets: [2 ** 63, -(2 ** 63)]}))
    expect(sentinels.subarray(-16).toString('hex')).toBe('7fffffffffffffff' + '8000000000000000')
    expect(decode(spec, 0, sentinels).offsets).toEqual([2 ** 63, -(2 ** 63)])
  })

  it('decodes int64 as a number and uuid as base64url', () => {
    const topicId = Buffer.from('0123456789abcdef0123456789abcdef', 'hex').toString('base64url')
    const body = {throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{topicId, partitions: [{partitionIndex: 0, highWatermark: 2 ** 50, logStartOffset: -1, records: null}]}]}
    const bytes = Buffer.concat(encode(FetchResponse, 13, body))
    const decoded = decode(FetchResponse, 13, bytes)
    expect(decoded.responses[0].topicId).toBe('ASNFZ4mrze8BI0VniavN7w')
    expect(decoded.responses[0].partitions[0].highWatermark).toBe(2 ** 50)
    expect(decoded.responses[0].partitions[0].lastStableOffset).toBe(-1)
    expect(decoded.responses[0].partitions[0].records).toBeNull()
    expect(decode(FetchResponse, 13, Buffer.concat(encode(FetchResponse, 13, {responses: [{partitions: [{}]}]}))).responses[0].topicId).toBe(ZERO_UUID)
    expect(() => encode(FetchResponse, 13, {responses: [{topicId: 'short'}]})).toThrow(/is not a uuid/)
  })

  it('passes record buffers through as chunks without copying them', () => {
    const a = Buffer.alloc(300_000, 1)
    const b = Buffer.alloc(200_000, 2)
    const chunks = encodeResponse(ApiKeys.Fetch, 11, 9, {
      responses: [{topic: 't', partitions: [{partitionIndex: 0, records: [a, b]}, {partitionIndex: 1, records: a}]}],
    })
    // the very same Buffer objects appear among the chunks
    expect(chunks.filter((c) => c === a).length).toBe(2)
    expect(chunks.includes(b)).toBe(true)
    const frame = Buffer.concat(chunks)
    expect(frame.readInt32BE(0)).toBe(frame.length - 4)
    const {header, body} = decodeResponse(ApiKeys.Fetch, 11, frame.subarray(4))
    expect(header.correlationId).toBe(9)
    const records0 = body.responses[0].partitions[0].records!
    expect(records0.length).toBe(500_000)
    expect(records0.equals(Buffer.concat([a, b]))).toBe(true)
    // decoded records are a view of the frame, not a copy
    expect(records0.buffer).toBe(frame.buffer)
  })

  it('decodes Produce records as a subarray of the request frame', () => {
    const records = Buffer.from('not really a record batch')
    const frame = Buffer.concat(
      encodeRequest(ApiKeys.Produce, 9, 77, 'cli', {acks: -1, timeoutMs: 1000, topicData: [{name: 't', partitionData: [{index: 2, records}]}]}),
    ).subarray(4)
    const req = decodeRequest(frame)
    expect(req.apiKey).toBe(0)
    expect(req.header).toEqual({apiKey: 0, apiVersion: 9, correlationId: 77, clientId: 'cli'})
    if (req.apiKey !== ApiKeys.Produce) throw new Error('not a produce request')
    const got = req.body.topicData[0].partitionData[0].records!
    expect(got.equals(records)).toBe(true)
    expect(got.buffer).toBe(frame.buffer)
    expect(req.body.transactionalId).toBeNull()
    expect(decode(ProduceRequest, 9, frame.subarray(frame.length - Buffer.concat(encode(ProduceRequest, 9, req.body)).length)).acks).toBe(-1)
  })
})

describe('headers', () => {
  it('picks header versions by the one rule', () => {
    expect(headerVersion(MetadataRequest, false)).toBe(1)
    expect(headerVersion(MetadataRequest, true)).toBe(2)
    expect(headerVersion(FetchResponse, false)).toBe(0)
    expect(headerVersion(FetchResponse, true)).toBe(1)
  })

  it('answers ApiVersions v3 with a v0 response header (no tagged-field byte)', () => {
    const frame = Buffer.concat(encodeResponse(ApiKeys.ApiVersions, 3, 0x01020304, {errorCode: 0, apiKeys: [], throttleTimeMs: 0}))
    // size, correlation id, then the body starts at once: error code 0000, compact empty array 01, throttle, body tags 00
    expect(frame.toString('hex')).toBe('0000000c' + '01020304' + '0000' + '01' + '00000000' + '00')
    // a flexible Metadata response has the v1 header: correlation id then an empty tag section
    const meta = Buffer.concat(encodeResponse(ApiKeys.Metadata, 12, 5, {}))
    expect(meta.subarray(4, 9).toString('hex')).toBe('0000000500')
  })

  it('reads the header of an unknown API and of a flexible request', () => {
    const unknown = Buffer.from('03e7' + '0005' + '0000002a' + '0003' + '616263' + 'ffff', 'hex')
    expect(readRequestHeader(unknown)).toEqual({apiKey: 999, apiVersion: 5, correlationId: 42, clientId: 'abc'})
    expect(() => decodeRequest(unknown)).toThrow(/API key 999: not a supported API/)
    const tooNew = Buffer.from('0012' + '0063' + '00000001' + 'ffff', 'hex')
    expect(readRequestHeader(tooNew)).toMatchObject({apiKey: 18, apiVersion: 99, clientId: null})
    expect(() => decodeRequest(tooNew)).toThrow(/supported versions are 0-4/)
    // Metadata v12 uses header v2: non-compact client id, then a tag section; the body is compact
    const flexible = Buffer.concat(encodeRequest(ApiKeys.Metadata, 12, 3, 'me', {topics: null, allowAutoTopicCreation: true})).subarray(4)
    expect(flexible.toString('hex')).toBe('0003' + '000c' + '00000003' + '0002' + '6d65' + '00' + '00' + '01' + '00' + '00')
    expect(decodeRequest(flexible).body).toEqual({topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false})
    expect(RequestHeader.fields[3].flexibleVersions).toBe('none')
    expect(ResponseHeader.validVersions).toBe('0-1')
  })
})

describe('malformed frames', () => {
  it('truncated or corrupted requests fail with ProtocolError only', () => {
    const frames = [
      Buffer.concat(encodeRequest(ApiKeys.Metadata, 12, 1, 'c', {topics: [{name: 'a'}, {name: 'b'}]})),
      Buffer.concat(encodeRequest(ApiKeys.Fetch, 16, 2, 'c', {topics: [{topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{partition: 0, fetchOffset: 5}]}], rackId: 'r'})),
      Buffer.concat(encodeRequest(ApiKeys.Produce, 7, 3, null, {acks: 1, topicData: [{name: 't', partitionData: [{index: 0, records: Buffer.alloc(40, 7)}]}]})),
    ].map((f) => f.subarray(4))
    let seed = 12345
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const frame of frames) {
      for (let cut = 0; cut < frame.length; cut++) {
        try {
          decodeRequest(frame.subarray(0, cut))
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError)
        }
      }
      for (let i = 0; i < 300; i++) {
        const bad = Buffer.from(frame)
        bad[4 + Math.floor(random() * (bad.length - 4))] = Math.floor(random() * 256)
        try {
          decodeRequest(bad)
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError)
        }
      }
    }
  })
})
