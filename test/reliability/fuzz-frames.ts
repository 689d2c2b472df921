// The protocol fuzzer's frame generator. It knows every request schema the broker speaks
// (src/kafka/protocol/schemas): it builds a valid request body for any API key and version by
// walking the schema's fields, encodes it with the project's codec, and then breaks it in one of
// the ways a hostile or broken client would:
// - random bytes behind a correct size prefix;
// - a valid header and a mutated body (bit flips, overwritten bytes, lengths forced to -1,
//   -2, 0x7fffffff or 0xffffffff at a random position, unsigned varints of 5 bytes);
// - truncation (the body cut short, the size prefix telling the truth about the cut);
// - a size prefix above socket.request.max.bytes, or negative;
// - a version outside the broker's range, an unknown API key;
// - Produce requests whose record batch lies: batchLength, recordCount and record lengths
//   that do not match the bytes, a wrong CRC, a compressed batch that inflates to gigabytes;
// - valid requests too (the broker must answer them).
// Everything is driven by a seeded PRNG, so a failing run is repeated with its seed.
import {gzipSync} from 'node:zlib'
import {buildRecordBatch} from '../../src/kafka/protocol/record-batch.js'
import {crc32c} from '../../src/kafka/protocol/crc32c.js'
import {encodeRequest, schemasByKey, type ApiKey} from '../../src/kafka/protocol/index.js'
import {type FieldSpec, type MessageSpec, parseVersions, versionsContain} from '../../src/kafka/protocol/schema.js'

export type FrameKind =
  | 'valid'
  | 'random-bytes'
  | 'mutated-body'
  | 'bad-length'
  | 'truncated'
  | 'oversize'
  | 'negative-size'
  | 'bad-version'
  | 'lying-records'
  | 'decompression-bomb'

export interface FuzzFrame {
  kind: FrameKind
  apiKey: number
  version: number
  correlationId: number
  /** Size prefix included. */
  bytes: Buffer
}

/** mulberry32: small, fast and good enough to pick mutations. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const INT_EDGES = [0, 1, -1, 2, 100, 127, -128, 32767, -32768, 2147483647, -2147483648]
const KINDS: FrameKind[] = ['valid', 'random-bytes', 'mutated-body', 'mutated-body', 'bad-length', 'bad-length', 'truncated', 'oversize', 'negative-size', 'bad-version', 'lying-records', 'lying-records']

export interface GeneratorOptions {
  seed: number
  /** socket.request.max.bytes of the broker under test. */
  maxRequestBytes: number
  /** Topics that exist, so some Produce and Fetch requests reach the log (fuzzed requests may delete them). */
  topics: string[]
  /** A compacted topic the fuzzed requests never name, for the decompression bombs. */
  compactedTopic?: string
  /** Frames of this kind come with this weight beside the others (default: none of them). */
  bombEvery?: number
}

export class FrameGenerator {
  private readonly rng: () => number
  private readonly apis: {key: number; spec: MessageSpec; versions: {lowest: number; highest: number}}[]
  private correlationId = 1
  private count = 0
  private bomb: Buffer | undefined

  constructor(private readonly options: GeneratorOptions) {
    this.rng = makeRng(options.seed)
    this.apis = Object.entries(schemasByKey).map(([key, api]) => ({key: Number(key), spec: api.request as MessageSpec, versions: parseVersions(api.request.validVersions)}))
  }

  private int(below: number): number {
    return Math.floor(this.rng() * below)
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]
  }

  next(): FuzzFrame {
    this.count++
    if (this.options.bombEvery && this.count % this.options.bombEvery === 0) return this.decompressionBomb()
    const kind = this.pick(KINDS)
    const api = this.pick(this.apis)
    const version = api.versions.lowest + this.int(api.versions.highest - api.versions.lowest + 1)
    const correlationId = this.correlationId++
    switch (kind) {
      case 'valid':
        return {kind, apiKey: api.key, version, correlationId, bytes: this.encode(api.key, version, correlationId, this.body(api.spec, version))}
      case 'random-bytes': {
        const body = Buffer.alloc(this.int(64) + 1)
        for (let i = 0; i < body.length; i++) body[i] = this.int(256)
        return {kind, apiKey: -1, version: -1, correlationId, bytes: withSize(body)}
      }
      case 'mutated-body': {
        const bytes = this.encode(api.key, version, correlationId, this.body(api.spec, version))
        const flips = 1 + this.int(4)
        // The first 12 bytes (size, key, version, correlation id) stay, so the body is what breaks.
        for (let i = 0; i < flips && bytes.length > 12; i++) {
          const at = 12 + this.int(bytes.length - 12)
          bytes[at] = this.rng() < 0.5 ? bytes[at] ^ (1 << this.int(8)) : this.int(256)
        }
        return {kind, apiKey: api.key, version, correlationId, bytes}
      }
      case 'bad-length': {
        const bytes = this.encode(api.key, version, correlationId, this.body(api.spec, version))
        if (bytes.length > 16) {
          const at = 12 + this.int(bytes.length - 16)
          const choice = this.int(5)
          if (choice === 0) bytes.writeInt32BE(-1, at)
          else if (choice === 1) bytes.writeInt32BE(0x7fffffff, at)
          else if (choice === 2) bytes.writeInt16BE(-2, at)
          else if (choice === 3) bytes.writeInt16BE(0x7fff, at)
          // An unsigned varint of 5 bytes: a compact length near 2^32.
          else bytes.set([0xff, 0xff, 0xff, 0xff, 0x0f], Math.min(at, bytes.length - 5))
        }
        return {kind, apiKey: api.key, version, correlationId, bytes}
      }
      case 'truncated': {
        const full = this.encode(api.key, version, correlationId, this.body(api.spec, version))
        const keep = 4 + this.int(full.length - 4)
        return {kind, apiKey: api.key, version, correlationId, bytes: withSize(full.subarray(4, keep))}
      }
      case 'oversize': {
        const head = Buffer.alloc(12)
        head.writeInt32BE(this.options.maxRequestBytes + 1 + this.int(1000), 0)
        head.writeInt16BE(api.key, 4)
        head.writeInt16BE(version, 6)
        head.writeInt32BE(correlationId, 8)
        return {kind, apiKey: api.key, version, correlationId, bytes: head}
      }
      case 'negative-size': {
        const head = Buffer.alloc(12)
        head.writeInt32BE(-1 - this.int(0x7fffffff), 0)
        return {kind, apiKey: api.key, version, correlationId, bytes: head}
      }
      case 'bad-version': {
        const bytes = this.encode(api.key, version, correlationId, this.body(api.spec, version))
        const unknownKey = this.rng() < 0.3
        if (unknownKey) bytes.writeInt16BE(this.pick([-1, 27, 34, 999, 32767]), 4)
        else bytes.writeInt16BE(this.pick([api.versions.highest + 1, -1, 32767]), 6)
        return {kind, apiKey: api.key, version, correlationId, bytes}
      }
      case 'lying-records':
        return this.lyingProduce(correlationId)
      default:
        throw new Error(`unknown frame kind ${kind as string}`)
    }
  }

  private encode(apiKey: number, version: number, correlationId: number, body: unknown): Buffer {
    return Buffer.concat(encodeRequest(apiKey as ApiKey, version, correlationId, 'fuzz', body as never))
  }

  /** A valid value for every field of `spec` present at `version` (tagged fields left out). */
  body(spec: {fields: readonly FieldSpec[]}, version: number): Record<string, unknown> {
    return this.struct(spec.fields, version, 0)
  }

  private struct(fields: readonly FieldSpec[], version: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const field of fields) {
      if (field.tag !== undefined || !versionsContain(parseVersions(field.versions), version)) continue
      const key = field.name.charAt(0).toLowerCase() + field.name.slice(1)
      const nullable = field.nullableVersions !== undefined && versionsContain(parseVersions(field.nullableVersions), version)
      if (nullable && this.rng() < 0.15) {
        out[key] = null
        continue
      }
      out[key] = this.value(field, version, depth)
    }
    return out
  }

  private value(field: FieldSpec, version: number, depth: number): unknown {
    if (field.type.startsWith('[]')) {
      const length = depth > 3 ? 0 : this.int(3)
      const element = field.type.slice(2)
      return Array.from({length}, () => (field.fields ? this.struct(field.fields, version, depth + 1) : this.primitive(element, field.name)))
    }
    if (field.fields) return this.struct(field.fields, version, depth + 1)
    return this.primitive(field.type, field.name)
  }

  private primitive(type: string, name: string): unknown {
    switch (type) {
      case 'bool':
        return this.rng() < 0.5
      case 'int8':
        return this.pick([0, 1, -1, 127, -128])
      case 'int16':
        return this.pick([0, 1, -1, 3, 32767, -32768])
      case 'uint16':
        return this.pick([0, 1, 65535])
      case 'int32':
      case 'uint32': {
        const value = this.pick(INT_EDGES)
        return type === 'uint32' ? value >>> 0 : value
      }
      case 'int64':
        return this.pick([0, 1, -1, -2, 1000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])
      case 'float64':
        return this.pick([0, 1.5, -1, Number.MAX_VALUE])
      case 'uuid':
        return 'AAAAAAAAAAAAAAAAAAAAAA'
      case 'string':
        if (/topic|name/i.test(name) && this.rng() < 0.6) return this.pick(this.options.topics)
        return this.pick(['', 'fuzz', 'a'.repeat(this.int(300)), '\u0000\uffff', 'consumer', 'PLAIN', 'SCRAM-SHA-512', '__consumer_offsets'])
      case 'bytes': {
        const bytes = Buffer.alloc(this.int(40))
        for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(256)
        return bytes
      }
      case 'records':
        return buildRecordBatch({records: Array.from({length: 1 + this.int(3)}, (_, i) => ({key: this.rng() < 0.5 ? null : `k${i}`, value: `v${this.int(1000)}`}))})
      default:
        throw new Error(`the fuzzer does not know type ${type}`)
    }
  }

  /** Produce v3-v12 (magic 2) of one batch whose fields lie about its bytes. */
  private lyingProduce(correlationId: number): FuzzFrame {
    const version = 3 + this.int(10)
    const batch = buildRecordBatch({records: Array.from({length: 1 + this.int(5)}, (_, i) => ({key: `k${i}`, value: 'x'.repeat(this.int(200))}))})
    const lie = this.int(6)
    if (lie === 0) batch.writeInt32BE(this.pick([-1, 0, 0x7fffffff, batch.length, batch.length * 2]), 8) // batchLength
    else if (lie === 1) batch.writeInt32BE(this.pick([-1, 0, 0x7fffffff, 1_000_000]), 57) // recordCount
    else if (lie === 2) {
      // The first record's length varint (just after the 61-byte header), then a fresh CRC so
      // that only the length lies.
      batch[61] = this.pick([0x01, 0xfe, 0xff, 0x7f])
      batch.writeUInt32BE(crc32c(batch.subarray(21)), 17)
    } else if (lie === 3) batch.writeUInt32BE((batch.readUInt32BE(17) ^ 1) >>> 0, 17) // CRC
    else if (lie === 4) batch[16] = this.pick([0, 1, 3, 255]) // magic
    else batch.writeInt32BE(this.pick([-1, 1000, 0x7fffffff]), 23) // lastOffsetDelta
    const body = {
      transactionalId: null,
      acks: this.pick([-1, 1, 0]),
      timeoutMs: 1000,
      topicData: [{name: this.pick(this.options.topics), partitionData: [{index: 0, records: batch}]}],
    }
    return {kind: 'lying-records', apiKey: 0, version, correlationId, bytes: this.encode(0, version, correlationId, body)}
  }

  /**
   * A Produce of one gzip batch whose records section inflates to about 1 GiB of zeros: 16
   * copies of one 64 MiB gzip member (gunzip reads concatenated members), about 1 MB on the
   * wire. Sent to the compacted topic, where the broker looks inside batches.
   */
  private decompressionBomb(): FuzzFrame {
    this.bomb ??= Buffer.concat(Array.from({length: 16}, () => gzipMember64MiB()))
    const template = buildRecordBatch({records: [{key: 'k', value: 'v'}]})
    const header = Buffer.from(template.subarray(0, 61))
    const batch = Buffer.concat([header, this.bomb])
    batch.writeInt32BE(batch.length - 12, 8)
    batch.writeInt16BE(1, 21) // attributes: gzip
    batch.writeInt32BE(1, 57)
    batch.writeUInt32BE(crc32c(batch.subarray(21)), 17)
    const correlationId = this.correlationId++
    const body = {transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{name: this.options.compactedTopic ?? this.options.topics[0], partitionData: [{index: 0, records: batch}]}]}
    return {kind: 'decompression-bomb', apiKey: 0, version: 9, correlationId, bytes: this.encode(0, 9, correlationId, body)}
  }
}

let member: Buffer | undefined
function gzipMember64MiB(): Buffer {
  member ??= gzipSync(Buffer.alloc(64 * 1024 * 1024), {level: 9})
  return member
}

function withSize(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length)
  out.writeInt32BE(body.length, 0)
  body.copy(out, 4)
  return out
}
