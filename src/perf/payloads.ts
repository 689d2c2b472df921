// Payloads and keys, generated once before the run so the generator does no per-record
// allocation. Keys go to partitions as Kafka's default partitioner sends them (murmur2 of
// the key bytes, made positive, modulo the partition count), so a keyed run loads the
// same partitions a Java producer would.
import {readFileSync} from 'node:fs'
import {KctlError, usageError} from '../errors.js'

/** Distinct payloads cycled through; enough that batches do not compress to nothing. */
const payloadPoolSize = 64

/** Random upper-case letters, as kafka-producer-perf-test fills its --record-size payloads. */
export function randomPayloads(recordBytes: number, count = payloadPoolSize): Buffer[] {
  const pool: Buffer[] = []
  for (let index = 0; index < count; index++) {
    const payload = Buffer.allocUnsafe(recordBytes)
    for (let byte = 0; byte < recordBytes; byte++) payload[byte] = 65 + Math.floor(Math.random() * 26)
    pool.push(payload)
  }
  return pool
}

/** One payload per line (or per `delimiter`), like the Java tool's --payload-file. */
export function payloadsFromFile(file: string, delimiter = '\n'): Buffer[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new KctlError(`unable to read payload file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'pass an existing UTF-8 text file with one payload per line',
    })
  }
  const payloads = text.split(delimiter).filter((line) => line.length > 0).map((line) => Buffer.from(line, 'utf8'))
  if (payloads.length === 0) {
    throw usageError(`unable to read payload file ${file}: it has no payloads`, 'put one payload per line in the file')
  }
  return payloads
}

export type KeyPattern = {kind: 'none'} | {kind: 'round-robin' | 'random'; count: number}

/** `none`, `round-robin:N` or `random:N` (N distinct keys `key-0` … `key-N-1`). */
export function parseKeyPattern(text: string): KeyPattern {
  if (text === 'none') return {kind: 'none'}
  const match = /^(round-robin|random):(\d+)$/.exec(text)
  if (!match || Number(match[2]) < 1) {
    throw usageError(`invalid --key-pattern "${text}"`, 'use none, round-robin:N or random:N with N ≥ 1 distinct keys')
  }
  return {kind: match[1] as 'round-robin' | 'random', count: Number(match[2])}
}

export interface KeyPool {
  keys: Buffer[]
  partitions: Int32Array
}

export function keyPool(pattern: KeyPattern, partitionCount: number): KeyPool | null {
  if (pattern.kind === 'none') return null
  const keys: Buffer[] = []
  const partitions = new Int32Array(pattern.count)
  for (let index = 0; index < pattern.count; index++) {
    const key = Buffer.from(`key-${index}`)
    keys.push(key)
    partitions[index] = (murmur2(key) & 0x7fffffff) % partitionCount
  }
  return {keys, partitions}
}

/** Kafka's Utils.murmur2 (seed 0x9747b28c), the hash of its default partitioner. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  const r = 24
  let h = (0x9747b28c ^ length) | 0
  const length4 = length >> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = (data[i4] & 0xff) | ((data[i4 + 1] & 0xff) << 8) | ((data[i4 + 2] & 0xff) << 16) | ((data[i4 + 3] & 0xff) << 24)
    k = Math.imul(k, m)
    k ^= k >>> r
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  const tail = length4 * 4
  const rest = length % 4
  if (rest === 3) h ^= (data[tail + 2] & 0xff) << 16
  if (rest >= 2) h ^= (data[tail + 1] & 0xff) << 8
  if (rest >= 1) {
    h ^= data[tail] & 0xff
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}
