// The one interpreter for every message schema: encodes and decodes any MessageSpec at any of
// its versions. Each (spec, version) is compiled once into a plan of closures, so the hot path
// never parses version strings or looks fields up by name.
//
// Representation of decoded values:
// - keys are the spec's field names with the first letter lowered (TopicData -> topicData);
// - fields absent from the version read hold their defaults;
// - int64 is a JS number: offsets, timestamps, producer ids and byte counts stay below 2^53
//   (an offset of 2^53 is 285 years of 1M records/s), and numbers keep arithmetic in handlers
//   simple and fast. Values beyond 2^53 decode rounded; on encode, values beyond the int64
//   range are clamped to it (Long.MAX_VALUE sentinels survive as 2^63 and are written back as
//   Long.MAX_VALUE);
// - uuid is Kafka's printed form: base64url of the 16 bytes without padding
//   (zero uuid "AAAAAAAAAAAAAAAAAAAAAA");
// - bytes and records decode as zero-copy subarrays of the frame (null when null): keep a copy
//   if you retain them after the request is answered;
// - records encode from a Buffer or an array of Buffers, passed through as separate output
//   chunks, never copied; left out, they are an empty record set (null only when given null);
// - unknown tagged fields are kept in `_unknownTaggedFields` and written back on encode.
import {KctlError} from '../../errors.js'
import {type Cursor, readUnsignedVarint, writeUnsignedVarint} from './varint.js'
import {
  type Decoded,
  type FieldSpec,
  type Input,
  type MessageSpec,
  type UnknownTaggedField,
  parseVersions,
  validateSpec,
  versionsContain,
} from './schema.js'

/** A frame or value that does not fit the schema. The server closes the connection on it. */
export class ProtocolError extends KctlError {
  constructor(message: string, hint?: string) {
    super(message, {hint})
    this.name = 'ProtocolError'
  }
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
const TWO_POW_32 = 4294967296
const TWO_POW_63 = 9223372036854775808
const EMPTY_BUFFER = Buffer.alloc(0)

// ---- Reader / Writer --------------------------------------------------------------------------

export class Reader implements Cursor {
  constructor(
    public buf: Buffer,
    public pos = 0,
  ) {}

  take(length: number): number {
    const start = this.pos
    const end = start + length
    if (end > this.buf.length) throw new ProtocolError(`a field of ${length} bytes runs past the end of the frame`)
    this.pos = end
    return start
  }
}

/** Appends to a scratch buffer and emits chunks; external Buffers (records) become their own chunks. */
export class Writer {
  readonly chunks: Buffer[] = []
  buf: Buffer
  pos = 0
  private start = 0
  private flushed = 0

  constructor(initialBytes = 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes)
  }

  ensure(length: number): void {
    if (this.pos + length <= this.buf.length) return
    this.flush()
    // Bytes already written stay where they are (earlier chunks reference them); no copy on growth.
    this.buf = Buffer.allocUnsafe(Math.max(length, this.buf.length * 2))
    this.start = this.pos = 0
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos))
      this.flushed += this.pos - this.start
    }
    this.start = this.pos
  }

  /** Adds an external buffer as its own chunk, without copying it. */
  appendChunk(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.flush()
    this.chunks.push(chunk)
    this.flushed += chunk.length
  }

  get length(): number {
    return this.flushed + this.pos - this.start
  }

  finish(): Buffer[] {
    this.flush()
    return this.chunks
  }

  uvarint(value: number): void {
    this.ensure(5)
    this.pos = writeUnsignedVarint(this.buf, this.pos, value)
  }

  int8(value: number): void {
    this.ensure(1)
    this.buf.writeInt8(value, this.pos)
    this.pos += 1
  }

  int16(value: number): void {
    this.ensure(2)
    this.buf.writeInt16BE(value, this.pos)
    this.pos += 2
  }

  int32(value: number): void {
    this.ensure(4)
    this.buf.writeInt32BE(value, this.pos)
    this.pos += 4
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length)
    this.buf.set(src, this.pos)
    this.pos += src.length
  }
}

function readInt64(r: Reader): number {
  const pos = r.take(8)
  return r.buf.readInt32BE(pos) * TWO_POW_32 + r.buf.readUInt32BE(pos + 4)
}

function writeInt64(w: Writer, value: number): void {
  w.ensure(8)
  if (Number.isSafeInteger(value)) {
    const hi = Math.floor(value / TWO_POW_32)
    w.buf.writeInt32BE(hi, w.pos)
    w.buf.writeUInt32BE(value - hi * TWO_POW_32, w.pos + 4)
  } else {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new ProtocolError(`int64 value ${String(value)} is not a number`)
    const big = value >= TWO_POW_63 ? 0x7fffffffffffffffn : value <= -TWO_POW_63 ? -0x8000000000000000n : BigInt(Math.trunc(value))
    w.buf.writeBigInt64BE(big, w.pos)
  }
  w.pos += 8
}

// ---- Plans ------------------------------------------------------------------------------------

type ReadFn = (r: Reader) => unknown
type WriteFn = (w: Writer, value: unknown) => void

interface FieldPlan {
  readonly key: string
  readonly path: string
  readonly tag: number
  readonly ignorable: boolean
  readonly read: ReadFn
  /** Writes the value; `undefined` writes the default. */
  readonly write: WriteFn
  readonly makeDefault: () => unknown
  readonly isDefault: (value: unknown) => boolean
}

interface StructPlan {
  readonly path: string
  readonly flexible: boolean
  readonly present: readonly FieldPlan[]
  readonly tagged: readonly FieldPlan[]
  readonly taggedByTag: ReadonlyMap<number, FieldPlan>
  readonly absent: readonly FieldPlan[]
}

/** Lowers the first letter: the one naming rule between specs and decoded objects. */
export function fieldKey(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

interface Ctx {
  version: number
  flexible: boolean
}

function compileStruct(ctx: Ctx, path: string, fields: readonly FieldSpec[]): StructPlan {
  const present: FieldPlan[] = []
  const tagged: FieldPlan[] = []
  const absent: FieldPlan[] = []
  for (const f of fields) {
    const inVersion = versionsContain(parseVersions(f.versions), ctx.version)
    const plan = compileField(ctx, `${path}.${f.name}`, f)
    if (!inVersion) absent.push(plan)
    else if (f.tag !== undefined) tagged.push(plan)
    else present.push(plan)
  }
  tagged.sort((a, b) => a.tag - b.tag)
  return {path, flexible: ctx.flexible, present, tagged, taggedByTag: new Map(tagged.map((p) => [p.tag, p])), absent}
}

function parseDefault(f: FieldSpec, path: string, kind: 'int' | 'float' | 'bool' | 'string' | 'other'): unknown {
  const d = f.default
  if (d === undefined) return undefined
  if (d === 'null') {
    if (f.nullableVersions === undefined) throw new ProtocolError(`${path}: default null on a field that is never nullable`)
    return null
  }
  switch (kind) {
    case 'int':
    case 'float': {
      const n = typeof d === 'number' ? d : Number(d)
      if (Number.isNaN(n)) throw new ProtocolError(`${path}: default ${String(d)} is not a number`)
      return n
    }
    case 'bool':
      return d === true || d === 'true'
    case 'string':
      return String(d)
    default:
      throw new ProtocolError(`${path}: default ${String(d)} is not supported for type ${f.type}`)
  }
}

function compileField(ctx: Ctx, path: string, f: FieldSpec): FieldPlan {
  const key = fieldKey(f.name)
  const nullable = f.nullableVersions !== undefined && versionsContain(parseVersions(f.nullableVersions), ctx.version)
  const flexible = ctx.flexible && (f.flexibleVersions === undefined || versionsContain(parseVersions(f.flexibleVersions), ctx.version))
  const base = {key, path, tag: f.tag ?? -1, ignorable: f.ignorable === true}
  const type = f.type

  if (type.startsWith('[]')) {
    const elemType = type.slice(2)
    const elem = f.fields
      ? structCodec(ctx, path, f.fields)
      : primitiveCodec(elemType, path, false, flexible, undefined)
    const defaultNull = parseDefault(f, path, 'other') === null
    const readArray: ReadFn = (r) => {
      let count: number
      if (flexible) count = readUnsignedVarint(r) - 1
      else {
        count = r.buf.readInt32BE(r.take(4))
      }
      if (count < 0) {
        if (!nullable) throw new ProtocolError(`${path}: null in a version where it is not nullable`)
        return null
      }
      if (count > r.buf.length - r.pos) throw new ProtocolError(`${path}: array of ${count} elements is longer than the frame`)
      const out = new Array(count)
      for (let i = 0; i < count; i++) out[i] = elem.read(r)
      return out
    }
    const writeArray: WriteFn = (w, value) => {
      if (value === undefined) value = defaultNull ? null : []
      if (value === null) {
        if (!nullable) throw new ProtocolError(`${path}: null in a version where it is not nullable`)
        if (flexible) w.uvarint(0)
        else w.int32(-1)
        return
      }
      const arr = value as readonly unknown[]
      if (flexible) w.uvarint(arr.length + 1)
      else w.int32(arr.length)
      for (let i = 0; i < arr.length; i++) elem.write(w, arr[i])
    }
    return {
      ...base,
      read: readArray,
      write: writeArray,
      makeDefault: () => (defaultNull ? null : []),
      isDefault: (v) => v === undefined || (defaultNull ? v === null : Array.isArray(v) && v.length === 0),
    }
  }

  if (f.fields) {
    const struct = structCodec(ctx, path, f.fields)
    const defaultNull = parseDefault(f, path, 'other') === null
    // A nullable struct is prefixed by an int8: -1 null, 1 present (Kafka's generator).
    return {
      ...base,
      read: nullable
        ? (r) => (r.buf.readInt8(r.take(1)) < 0 ? null : struct.read(r))
        : struct.read,
      write: nullable
        ? (w, v) => {
            if (v === null || (v === undefined && defaultNull)) w.int8(-1)
            else {
              w.int8(1)
              struct.write(w, v)
            }
          }
        : (w, v) => {
            if (v === null) throw new ProtocolError(`${path}: null in a version where it is not nullable`)
            struct.write(w, v)
          },
      makeDefault: () => (defaultNull ? null : struct.makeDefault()),
      isDefault: (v) => v === undefined || (defaultNull ? v === null : v !== null && struct.isDefault(v)),
    }
  }

  const codec = primitiveCodec(type, path, nullable, flexible, f)
  return {...base, ...codec}
}

interface ValueCodec {
  read: ReadFn
  write: WriteFn
  makeDefault: () => unknown
  isDefault: (value: unknown) => boolean
}

function structCodec(ctx: Ctx, path: string, fields: readonly FieldSpec[]): ValueCodec {
  const plan = compileStruct(ctx, path, fields)
  return {
    read: (r) => readStruct(plan, r),
    write: (w, v) => writeStruct(plan, w, (v ?? {}) as Record<string, unknown>),
    makeDefault: () => defaultStruct(plan),
    isDefault: (v) => {
      const obj = v as Record<string, unknown>
      for (const p of plan.present) if (!p.isDefault(obj[p.key])) return false
      for (const p of plan.tagged) if (!p.isDefault(obj[p.key])) return false
      return true
    },
  }
}

function primitiveCodec(type: string, path: string, nullable: boolean, flexible: boolean, f: FieldSpec | undefined): ValueCodec {
  const nullError = () => new ProtocolError(`${path}: null in a version where it is not nullable`)
  const numberCodec = (read: ReadFn, write: WriteFn, kind: 'int' | 'float' = 'int'): ValueCodec => {
    const d = (f ? parseDefault(f, path, kind) : undefined) ?? 0
    return {read, write: (w, v) => write(w, v ?? d), makeDefault: () => d, isDefault: (v) => v === undefined || v === d}
  }
  switch (type) {
    case 'bool': {
      const d = (f ? parseDefault(f, path, 'bool') : undefined) ?? false
      return {
        read: (r) => r.buf[r.take(1)] !== 0,
        write: (w, v) => {
          w.ensure(1)
          w.buf[w.pos++] = (v ?? d) ? 1 : 0
        },
        makeDefault: () => d,
        isDefault: (v) => v === undefined || v === d,
      }
    }
    case 'int8':
      return numberCodec((r) => r.buf.readInt8(r.take(1)), (w, v) => w.int8(v as number))
    case 'int16':
      return numberCodec((r) => r.buf.readInt16BE(r.take(2)), (w, v) => w.int16(v as number))
    case 'uint16':
      return numberCodec(
        (r) => r.buf.readUInt16BE(r.take(2)),
        (w, v) => {
          w.ensure(2)
          w.buf.writeUInt16BE(v as number, w.pos)
          w.pos += 2
        },
      )
    case 'int32':
      return numberCodec((r) => r.buf.readInt32BE(r.take(4)), (w, v) => w.int32(v as number))
    case 'uint32':
      return numberCodec(
        (r) => r.buf.readUInt32BE(r.take(4)),
        (w, v) => {
          w.ensure(4)
          w.buf.writeUInt32BE(v as number, w.pos)
          w.pos += 4
        },
      )
    case 'int64':
      return numberCodec(readInt64, (w, v) => writeInt64(w, v as number))
    case 'float64':
      return numberCodec(
        (r) => r.buf.readDoubleBE(r.take(8)),
        (w, v) => {
          w.ensure(8)
          w.buf.writeDoubleBE(v as number, w.pos)
          w.pos += 8
        },
        'float',
      )
    case 'uuid':
      return {
        read: (r) => r.buf.toString('base64url', r.take(16), r.pos),
        write: (w, v) => {
          const text = (v ?? ZERO_UUID) as string
          w.ensure(16)
          const n = w.buf.write(text, w.pos, 16, 'base64url')
          if (n !== 16 || text.length !== 22) throw new ProtocolError(`${path}: "${text}" is not a uuid (22 base64url characters)`)
          w.pos += 16
        },
        makeDefault: () => ZERO_UUID,
        isDefault: (v) => v === undefined || v === ZERO_UUID,
      }
    case 'string': {
      const d = f ? parseDefault(f, path, 'string') : undefined
      const dflt = d === undefined ? '' : d
      return {
        read: (r) => {
          const len = flexible ? readUnsignedVarint(r) - 1 : r.buf.readInt16BE(r.take(2))
          if (len < 0) {
            if (!nullable) throw nullError()
            return null
          }
          const start = r.take(len)
          return r.buf.toString('utf8', start, start + len)
        },
        write: (w, v) => {
          if (v === undefined) v = dflt
          if (v === null) {
            if (!nullable) throw nullError()
            if (flexible) w.uvarint(0)
            else w.int16(-1)
            return
          }
          const s = v as string
          const len = Buffer.byteLength(s)
          if (flexible) {
            w.ensure(5 + len)
            w.pos = writeUnsignedVarint(w.buf, w.pos, len + 1)
          } else {
            if (len > 0x7fff) throw new ProtocolError(`${path}: string of ${len} bytes exceeds 32767`)
            w.ensure(2 + len)
            w.buf.writeInt16BE(len, w.pos)
            w.pos += 2
          }
          w.pos += w.buf.write(s, w.pos, len, 'utf8')
        },
        makeDefault: () => dflt,
        isDefault: (v) => v === undefined || v === dflt,
      }
    }
    case 'bytes':
    case 'records': {
      const isRecords = type === 'records'
      const d = f ? parseDefault(f, path, 'other') : undefined
      // Records default to an empty record set, not null: Kafka's brokers always send a (possibly
      // empty) set and some clients mishandle a null one, so a handler that leaves records out
      // must not produce one. Pass null explicitly to write null.
      const dflt = d === null ? null : EMPTY_BUFFER
      return {
        read: (r) => {
          const len = flexible ? readUnsignedVarint(r) - 1 : r.buf.readInt32BE(r.take(4))
          if (len < 0) {
            if (!nullable) throw nullError()
            return null
          }
          const start = r.take(len)
          return r.buf.subarray(start, start + len)
        },
        write: (w, v) => {
          if (v === undefined) v = dflt
          if (v === null) {
            if (!nullable) throw nullError()
            if (flexible) w.uvarint(0)
            else w.int32(-1)
            return
          }
          if (Array.isArray(v)) {
            const parts = v as readonly Buffer[]
            let len = 0
            for (let i = 0; i < parts.length; i++) len += parts[i].length
            if (flexible) w.uvarint(len + 1)
            else w.int32(len)
            for (let i = 0; i < parts.length; i++) w.appendChunk(parts[i])
            return
          }
          const b = v as Buffer
          if (flexible) w.uvarint(b.length + 1)
          else w.int32(b.length)
          // Small byte fields are copied into the scratch buffer; large ones (and all records)
          // go out as their own chunk so they are never copied.
          if (isRecords || b.length > 4096) w.appendChunk(b)
          else w.bytes(b)
        },
        makeDefault: () => dflt,
        isDefault: (v) => v === undefined || v === dflt || (dflt !== null && v !== null && (v as {length: number}).length === 0),
      }
    }
    default:
      throw new ProtocolError(`${path}: unknown type ${type}`)
  }
}

function defaultStruct(plan: StructPlan): Record<string, unknown> {
  const obj: Record<string, unknown> = {}
  for (const p of plan.present) obj[p.key] = p.makeDefault()
  for (const p of plan.tagged) obj[p.key] = p.makeDefault()
  for (const p of plan.absent) obj[p.key] = p.makeDefault()
  return obj
}

function readStruct(plan: StructPlan, r: Reader): Record<string, unknown> {
  const obj: Record<string, unknown> = {}
  const present = plan.present
  for (let i = 0; i < present.length; i++) obj[present[i].key] = present[i].read(r)
  const absent = plan.absent
  for (let i = 0; i < absent.length; i++) obj[absent[i].key] = absent[i].makeDefault()
  if (plan.flexible) {
    const tagged = plan.tagged
    for (let i = 0; i < tagged.length; i++) obj[tagged[i].key] = tagged[i].makeDefault()
    readTaggedFields(plan, r, obj)
  }
  return obj
}

function readTaggedFields(plan: StructPlan, r: Reader, obj: Record<string, unknown>): void {
  const count = readUnsignedVarint(r)
  let unknown: UnknownTaggedField[] | undefined
  let lastTag = -1
  for (let i = 0; i < count; i++) {
    const tag = readUnsignedVarint(r)
    if (tag <= lastTag) throw new ProtocolError(`${plan.path}: tagged fields out of order (tag ${tag} after ${lastTag})`)
    lastTag = tag
    const size = readUnsignedVarint(r)
    const start = r.take(size)
    const field = plan.taggedByTag.get(tag)
    if (field) {
      r.pos = start
      obj[field.key] = field.read(r)
      if (r.pos !== start + size) throw new ProtocolError(`${field.path}: tagged field is ${size} bytes but its value took ${r.pos - start}`)
    } else {
      ;(unknown ??= []).push({tag, data: r.buf.subarray(start, start + size)})
    }
  }
  if (unknown) obj._unknownTaggedFields = unknown
}

function writeStruct(plan: StructPlan, w: Writer, obj: Record<string, unknown>): void {
  const absent = plan.absent
  for (let i = 0; i < absent.length; i++) {
    const p = absent[i]
    if (!p.ignorable && !p.isDefault(obj[p.key]))
      throw new ProtocolError(`${p.path}: has a value but does not exist in this version (and is not ignorable)`)
  }
  const present = plan.present
  for (let i = 0; i < present.length; i++) present[i].write(w, obj[present[i].key])
  if (plan.flexible) writeTaggedFields(plan, w, obj)
}

function writeTaggedFields(plan: StructPlan, w: Writer, obj: Record<string, unknown>): void {
  const unknown = obj._unknownTaggedFields as readonly UnknownTaggedField[] | undefined
  const tagged = plan.tagged
  if (tagged.length === 0 && unknown === undefined) {
    w.uvarint(0)
    return
  }
  const out: {tag: number; field?: FieldPlan; data?: Buffer}[] = []
  for (const p of tagged) if (!p.isDefault(obj[p.key])) out.push({tag: p.tag, field: p})
  if (unknown) for (const u of unknown) if (!plan.taggedByTag.has(u.tag)) out.push({tag: u.tag, data: u.data})
  out.sort((a, b) => a.tag - b.tag)
  w.uvarint(out.length)
  for (const t of out) {
    w.uvarint(t.tag)
    let data = t.data
    if (t.field) {
      const sub = new Writer(64)
      t.field.write(sub, obj[t.field.key])
      data = Buffer.concat(sub.finish())
    }
    w.uvarint(data!.length)
    w.bytes(data!)
  }
}

// ---- Public entry points ----------------------------------------------------------------------

const planCache = new WeakMap<MessageSpec, Map<number, StructPlan>>()

/** The compiled plan for a spec at a version; validates the spec the first time it is seen. */
function planFor(spec: MessageSpec, version: number): StructPlan {
  let byVersion = planCache.get(spec)
  if (!byVersion) {
    validateSpec(spec)
    byVersion = new Map()
    planCache.set(spec, byVersion)
  }
  let plan = byVersion.get(version)
  if (!plan) {
    if (!isValidVersion(spec, version)) throw new ProtocolError(`${spec.name} has no version ${version} (valid: ${spec.validVersions})`)
    const flexible = versionsContain(parseVersions(spec.flexibleVersions), version)
    plan = compileStruct({version, flexible}, spec.name, spec.fields)
    byVersion.set(version, plan)
  }
  return plan
}

export function isValidVersion(spec: MessageSpec, version: number): boolean {
  return versionsContain(parseVersions(spec.validVersions), version)
}

export function isFlexibleVersion(spec: MessageSpec, version: number): boolean {
  return versionsContain(parseVersions(spec.flexibleVersions), version)
}

/** Compiles every version of a spec now (the validator runs too); the server calls it at start. */
export function compileSpec(spec: MessageSpec): void {
  const valid = parseVersions(spec.validVersions)
  for (let v = valid.lowest; v <= valid.highest; v++) planFor(spec, v)
}

/** Decodes one message body starting at `r.pos`; advances the reader past it. */
export function readMessage<S extends MessageSpec>(spec: S, version: number, r: Reader): Decoded<S> {
  const plan = planFor(spec, version)
  try {
    return readStruct(plan, r) as Decoded<S>
  } catch (err) {
    throw wrap(err, `decode ${spec.name} v${version}`)
  }
}

/** Appends one message body to a writer. */
export function writeMessage<S extends MessageSpec>(spec: S, version: number, value: Input<S>, w: Writer): void {
  const plan = planFor(spec, version)
  try {
    writeStruct(plan, w, value as Record<string, unknown>)
  } catch (err) {
    throw wrap(err, `encode ${spec.name} v${version}`)
  }
}

/** Decodes a whole buffer as one message (trailing bytes are an error). */
export function decode<S extends MessageSpec>(spec: S, version: number, buf: Buffer): Decoded<S> {
  const r = new Reader(buf)
  const value = readMessage(spec, version, r)
  if (r.pos !== buf.length)
    throw new ProtocolError(`unable to decode ${spec.name} v${version}: ${buf.length - r.pos} bytes left over after the message`)
  return value
}

/** Encodes one message to chunks (records buffers are passed through, not copied). */
export function encode<S extends MessageSpec>(spec: S, version: number, value: Input<S>): Buffer[] {
  const w = new Writer()
  writeMessage(spec, version, value, w)
  return w.finish()
}

function wrap(err: unknown, what: string): ProtocolError {
  const cause = err instanceof Error ? err.message : String(err)
  if (err instanceof ProtocolError && err.message.startsWith('unable to ')) return err
  return new ProtocolError(`unable to ${what}: ${cause}`)
}
