// Message specs in Kafka's own vocabulary (clients/src/main/resources/common/message/*.json),
// so each schema module can be checked line by line against upstream. Schemas are written as
// `as const` literals; the TypeScript types of decoded messages are derived from them here.

export interface FieldSpec {
  readonly name: string
  /** bool, int8, int16, int32, int64, uint16, float64, string, bytes, records, uuid,
   *  []int32 ..., []StructName (with `fields`), or StructName (with `fields`). */
  readonly type: string
  readonly versions: string
  readonly nullableVersions?: string
  readonly taggedVersions?: string
  readonly tag?: number
  /** As in Kafka's JSON: a string ("-1", "null", "true", "0x7fffffff"); numbers and booleans are accepted too. */
  readonly default?: string | number | boolean
  readonly ignorable?: boolean
  /** Field-level override; Kafka uses it only for RequestHeader.ClientId ("none"). */
  readonly flexibleVersions?: string
  readonly mapKey?: boolean
  readonly entityType?: string
  readonly about?: string
  readonly fields?: readonly FieldSpec[]
}

export interface MessageSpec {
  readonly apiKey?: number
  readonly type: 'request' | 'response' | 'header'
  readonly name: string
  readonly validVersions: string
  readonly flexibleVersions: string
  readonly fields: readonly FieldSpec[]
}

/** An inclusive version range; `none` is empty (lowest > highest). */
export interface Versions {
  readonly lowest: number
  readonly highest: number
}

export const NO_VERSIONS: Versions = {lowest: 0, highest: -1}
const MAX_VERSION = 0x7fff

export class SchemaError extends Error {}

/** Parses Kafka's version strings: "3+", "0-2", "5", "none". */
export function parseVersions(text: string): Versions {
  const t = text.trim()
  if (t === 'none') return NO_VERSIONS
  let m = /^(\d+)\+$/.exec(t)
  if (m) return {lowest: Number(m[1]), highest: MAX_VERSION}
  m = /^(\d+)-(\d+)$/.exec(t)
  if (m) {
    const lowest = Number(m[1])
    const highest = Number(m[2])
    if (lowest > highest) throw new SchemaError(`version range "${text}" has its lowest above its highest`)
    return {lowest, highest}
  }
  m = /^(\d+)$/.exec(t)
  if (m) return {lowest: Number(m[1]), highest: Number(m[1])}
  throw new SchemaError(`"${text}" is not a version range (expected "3+", "0-2", "5" or "none")`)
}

export function versionsContain(v: Versions, version: number): boolean {
  return version >= v.lowest && version <= v.highest
}

function isEmpty(v: Versions): boolean {
  return v.lowest > v.highest
}

function intersects(a: Versions, b: Versions): boolean {
  return !isEmpty(a) && !isEmpty(b) && a.lowest <= b.highest && b.lowest <= a.highest
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'string', 'bytes', 'records', 'uuid'])
const NULLABLE_TYPES = new Set(['string', 'bytes', 'records'])

/** Kafka's spec rules that the codec relies on (MessageSpec.java, StructSpec.java, README.md of
 *  the message folder). Run at load time for every schema; throws SchemaError naming the field. */
export function validateSpec(spec: MessageSpec): void {
  const where = spec.name
  const valid = parseVersions(spec.validVersions)
  if (isEmpty(valid)) throw new SchemaError(`${where}: validVersions must not be "none"`)
  const flexible = parseVersions(spec.flexibleVersions)
  // Flexibility is a one-way door: once a message is flexible, every later version is too.
  if (!isEmpty(flexible) && flexible.highest !== MAX_VERSION)
    throw new SchemaError(`${where}: flexibleVersions "${spec.flexibleVersions}" must be open-ended ("N+") or "none"`)
  validateFields(where, spec.fields, valid, flexible)
}

function validateFields(where: string, fields: readonly FieldSpec[], valid: Versions, flexible: Versions): void {
  const names = new Set<string>()
  const tags = new Set<number>()
  for (const f of fields) {
    const at = `${where}.${f.name}`
    if (names.has(f.name)) throw new SchemaError(`${at}: duplicate field name`)
    names.add(f.name)
    const versions = parseVersions(f.versions)
    if (!intersects(versions, valid))
      throw new SchemaError(`${at}: versions "${f.versions}" lie outside validVersions ${valid.lowest}-${valid.highest}`)
    const elem = f.type.startsWith('[]') ? f.type.slice(2) : f.type
    const isStruct = !PRIMITIVES.has(elem)
    // Struct type names are PascalCase (FetchTopic); anything else that is not a primitive is a typo.
    if (isStruct && !/^[A-Z][A-Za-z0-9]*$/.test(elem)) throw new SchemaError(`${at}: unknown type ${f.type}`)
    if (isStruct !== (f.fields !== undefined))
      throw new SchemaError(isStruct ? `${at}: struct type ${f.type} needs nested fields` : `${at}: primitive type ${f.type} cannot have nested fields`)
    if (f.nullableVersions !== undefined) {
      const nullable = parseVersions(f.nullableVersions)
      if (!f.type.startsWith('[]') && !isStruct && !NULLABLE_TYPES.has(f.type))
        throw new SchemaError(`${at}: type ${f.type} cannot be nullable`)
      if (!isEmpty(nullable) && !intersects(nullable, versions))
        throw new SchemaError(`${at}: nullableVersions "${f.nullableVersions}" lie outside the field's versions`)
    }
    if (f.tag !== undefined || f.taggedVersions !== undefined) {
      if (f.tag === undefined || f.taggedVersions === undefined)
        throw new SchemaError(`${at}: a tagged field needs both tag and taggedVersions`)
      if (!Number.isInteger(f.tag) || f.tag < 0) throw new SchemaError(`${at}: tag ${f.tag} must be a non-negative integer`)
      if (tags.has(f.tag)) throw new SchemaError(`${at}: tag ${f.tag} is used twice in the same struct`)
      tags.add(f.tag)
      const tagged = parseVersions(f.taggedVersions)
      // Tagged fields exist only in the tagged-field section of flexible versions (KIP-482).
      if (isEmpty(tagged) || tagged.lowest < flexible.lowest || isEmpty(flexible))
        throw new SchemaError(`${at}: taggedVersions "${f.taggedVersions}" must lie within flexibleVersions`)
      if (tagged.highest !== MAX_VERSION) throw new SchemaError(`${at}: taggedVersions "${f.taggedVersions}" must be open-ended`)
      if (tagged.lowest !== versions.lowest || tagged.highest !== versions.highest)
        throw new SchemaError(`${at}: taggedVersions must equal versions for a tagged field`)
    }
    if (f.fields) validateFields(at, f.fields, valid, flexible)
  }
}

// ---- Types derived from the `as const` literals -------------------------------------------------
// A decoded message is an object whose keys are the field names with the first letter lowered.
// Types are exact for the field shapes; they do not narrow by version (a field present only in
// some versions is still typed as present, holding its default in the others).

type ElementType<T extends string> = T extends `[]${infer E}` ? E : T

type PrimitiveValue<T extends string> = T extends 'bool'
  ? boolean
  : T extends 'string' | 'uuid'
    ? string
    : T extends 'bytes'
      ? Buffer
      : T extends 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64'
        ? number
        : never

type NullableOf<F extends FieldSpec> = F extends {readonly nullableVersions: string} ? null : never

type DecodedFieldValue<F extends FieldSpec> = F['type'] extends 'records'
  ? Buffer | null
  : F extends {readonly fields: infer Fs extends readonly FieldSpec[]}
    ? F['type'] extends `[]${string}`
      ? Array<DecodedStruct<Fs>> | NullableOf<F>
      : DecodedStruct<Fs> | NullableOf<F>
    : F['type'] extends `[]${string}`
      ? Array<PrimitiveValue<ElementType<F['type']>>> | NullableOf<F>
      : PrimitiveValue<F['type']> | NullableOf<F>

type InputFieldValue<F extends FieldSpec> = F['type'] extends 'records'
  ? Buffer | readonly Buffer[] | null
  : F extends {readonly fields: infer Fs extends readonly FieldSpec[]}
    ? F['type'] extends `[]${string}`
      ? ReadonlyArray<InputStruct<Fs>> | NullableOf<F>
      : InputStruct<Fs> | NullableOf<F>
    : F['type'] extends `[]${string}`
      ? ReadonlyArray<PrimitiveValue<ElementType<F['type']>>> | NullableOf<F>
      : PrimitiveValue<F['type']> | NullableOf<F>

/** A tagged field whose tag this schema does not know, kept so it can be written back. */
export interface UnknownTaggedField {
  tag: number
  data: Buffer
}

export type DecodedStruct<Fs extends readonly FieldSpec[]> = {
  [F in Fs[number] as Uncapitalize<F['name']>]: DecodedFieldValue<F>
} & {_unknownTaggedFields?: UnknownTaggedField[]}

/** What the encoder accepts: every field may be left out (it then takes its default). */
export type InputStruct<Fs extends readonly FieldSpec[]> = {
  [F in Fs[number] as Uncapitalize<F['name']>]?: InputFieldValue<F>
} & {_unknownTaggedFields?: readonly UnknownTaggedField[]}

/** The decoded form of a message spec (e.g. `Decoded<typeof ProduceRequest>`). */
export type Decoded<S extends MessageSpec> = DecodedStruct<S['fields']>
/** The encodable form of a message spec: fields optional, records as Buffer or Buffer[]. */
export type Input<S extends MessageSpec> = InputStruct<S['fields']>
