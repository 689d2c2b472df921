// What `kctl consume` prints and where it starts: the record shape, kcat-style --format
// templates and the start position from the flags. Loaded with the command class (the --format
// flag's default is here), so it imports no client code.
import {isUtf8} from 'node:buffer'
import type {IHeaders, KafkaMessage} from 'kafkajs'
import {usageError} from '../errors.js'

export interface ConsumedRecord {
  topic: string
  partition: number
  offset: number
  /** Milliseconds since the epoch (CreateTime or LogAppendTime, as the topic is set). */
  timestamp: number
  /** UTF-8 text, or base64 when keyEncoding says so. */
  key: string | null
  /** UTF-8 text, or base64 when valueEncoding says so. */
  value: string | null
  headers: Record<string, string>
  /** Present only for a key that is not valid UTF-8: `key` holds its bytes in base64. */
  keyEncoding?: 'base64'
  /** Present only for a value that is not valid UTF-8 (Avro, Protobuf, compressed payloads). */
  valueEncoding?: 'base64'
}

// ---- format templates -------------------------------------------------------------------

/**
 * kcat's -f tokens: %t topic, %p partition, %o offset, %k key, %K key length (-1 for null),
 * %s or %v value, %S value length (-1 for null), %h headers as k=v,k=v, %T timestamp (ms),
 * %% a percent sign; escapes \n \r \t \\ . A null key or value prints as nothing.
 */
export function compileFormat(template: string): (record: ConsumedRecord) => string {
  const parts: ((record: ConsumedRecord) => string)[] = []
  let literal = ''
  const flush = () => {
    if (literal !== '') {
      const text = literal
      parts.push(() => text)
      literal = ''
    }
  }
  for (let i = 0; i < template.length; i++) {
    const char = template[i]
    if (char === '\\' && i + 1 < template.length) {
      const escaped = ({n: '\n', r: '\r', t: '\t', '\\': '\\'} as Record<string, string>)[template[i + 1]]
      if (escaped !== undefined) {
        literal += escaped
        i++
        continue
      }
    }
    if (char !== '%') {
      literal += char
      continue
    }
    const token = template[++i]
    if (token === '%') {
      literal += '%'
      continue
    }
    const part = formatTokens[token]
    if (!part) throw usageError(`invalid --format token "%${token ?? ''}"`, 'use %t %p %o %k %K %v %s %S %h %T and %%')
    flush()
    parts.push(part)
  }
  flush()
  return (record) => parts.map((part) => part(record)).join('')
}

const formatTokens: Record<string, (record: ConsumedRecord) => string> = {
  t: (record) => record.topic,
  p: (record) => String(record.partition),
  o: (record) => String(record.offset),
  k: (record) => record.key ?? '',
  K: (record) => String(record.key === null ? -1 : Buffer.byteLength(record.key, record.keyEncoding ?? 'utf8')),
  v: (record) => record.value ?? '',
  s: (record) => record.value ?? '',
  S: (record) => String(record.value === null ? -1 : Buffer.byteLength(record.value, record.valueEncoding ?? 'utf8')),
  h: (record) => Object.entries(record.headers).map(([name, value]) => `${name}=${value}`).join(','),
  T: (record) => String(record.timestamp),
}

export const defaultFormat = '%v\\n'

// ---- start positions --------------------------------------------------------------------

export type StartPosition =
  /** The group's committed offsets; where it has none, `reset` (auto.offset.reset). */
  | {kind: 'committed'; reset: 'earliest' | 'latest'}
  | {kind: 'earliest'}
  | {kind: 'latest'}
  /** N ≥ 0: that offset; N < 0: |N| records before the end (kcat -o -N). */
  | {kind: 'offset'; offset: number}
  | {kind: 'timestamp'; timestampMs: number}

/** From the flags: --offset wins over --from-timestamp over --from-beginning. */
export function startPosition(flags: {offset?: string; fromTimestamp?: string; fromBeginning?: boolean; group?: string}, now = Date.now()): StartPosition {
  if (flags.offset !== undefined) {
    if (flags.offset === 'earliest' || flags.offset === 'beginning') return {kind: 'earliest'}
    if (flags.offset === 'latest' || flags.offset === 'end') return {kind: 'latest'}
    if (!/^-?\d+$/.test(flags.offset)) throw usageError(`invalid --offset "${flags.offset}"`, 'use a number, -N (N before the end), earliest or latest')
    return {kind: 'offset', offset: Number(flags.offset)}
  }
  if (flags.fromTimestamp !== undefined) return {kind: 'timestamp', timestampMs: parseTimestamp(flags.fromTimestamp, now)}
  if (flags.group) return {kind: 'committed', reset: flags.fromBeginning ? 'earliest' : 'latest'}
  return flags.fromBeginning ? {kind: 'earliest'} : {kind: 'latest'}
}

/** Epoch milliseconds, an ISO-8601 date/time, or "-1h" style (that long ago). */
export function parseTimestamp(text: string, now = Date.now()): number {
  if (/^\d+$/.test(text)) return Number(text)
  const ago = /^-(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text)
  if (ago) {
    const unitMs: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}
    return now - Math.round(Number(ago[1]) * unitMs[ago[2]])
  }
  const parsed = Date.parse(text)
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(parsed)) return parsed
  throw usageError(`invalid --from-timestamp "${text}"`, 'use epoch milliseconds, an ISO date like 2025-01-11T16:54:15Z, or -1h for an hour ago')
}

export function toRecord(topic: string, partition: number, message: Pick<KafkaMessage, 'offset' | 'timestamp' | 'key' | 'value' | 'headers'>): ConsumedRecord {
  const key = bytesText(message.key)
  const value = bytesText(message.value)
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: key.text,
    value: value.text,
    headers: headerText(message.headers),
    ...(key.base64 ? {keyEncoding: 'base64' as const} : {}),
    ...(value.base64 ? {valueEncoding: 'base64' as const} : {}),
  }
}

/** UTF-8 text when the bytes are valid UTF-8; else base64, so binary payloads survive json/yaml output intact. */
function bytesText(bytes: Buffer | null | undefined): {text: string | null; base64: boolean} {
  if (bytes === null || bytes === undefined) return {text: null, base64: false}
  if (isUtf8(bytes)) return {text: bytes.toString('utf8'), base64: false}
  return {text: bytes.toString('base64'), base64: true}
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue
    // kafkajs turns repeated header keys into an array; kctl joins them as kcat shows them.
    text[name] = Array.isArray(value) ? value.map(String).join(',') : String(value)
  }
  return text
}
