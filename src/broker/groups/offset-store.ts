// Durable committed offsets. Kafka keeps them in the compacted __consumer_offsets topic;
// the bundled broker keeps the same facts in one append-only JSON-lines file in the data
// dir (groups/offsets.jsonl): a line per commit or deletion, replayed on start and then
// rewritten compacted (write to a temp file, rename), so the file stays the size of the
// live offsets. Lines are written synchronously without fsync, the same durability as
// Kafka's default flush policy (the OS page cache); a torn last line after a crash is
// ignored on replay. A write that fails (a full disk) throws GroupStoreWriteError and leaves
// the file as it was (append-file.ts); the caller then changes nothing in memory.
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {AppendFile} from './append-file.js'

export interface CommittedOffset {
  readonly offset: number
  readonly leaderEpoch: number
  readonly metadata: string | null
  readonly commitTimestampMs: number
}

/** One change: a commit, the removal of one partition's offset, or of a whole group. */
export type OffsetRecord =
  | {readonly kind: 'commit'; readonly groupId: string; readonly topic: string; readonly partition: number; readonly value: CommittedOffset}
  | {readonly kind: 'delete'; readonly groupId: string; readonly topic: string; readonly partition: number}
  | {readonly kind: 'delete-group'; readonly groupId: string}

/** groupId -> topic -> partition -> offset */
export type OffsetsByGroup = Map<string, Map<string, Map<number, CommittedOffset>>>

export interface OffsetStore {
  /** The live offsets at open time. */
  load(): OffsetsByGroup
  /** All or nothing: throws GroupStoreWriteError when the records could not be written. */
  append(records: readonly OffsetRecord[]): void
  close(): void
}

export function applyOffsetRecord(offsets: OffsetsByGroup, record: OffsetRecord): void {
  if (record.kind === 'delete-group') {
    offsets.delete(record.groupId)
    return
  }
  let topics = offsets.get(record.groupId)
  if (record.kind === 'delete') {
    const partitions = topics?.get(record.topic)
    partitions?.delete(record.partition)
    if (partitions?.size === 0) topics?.delete(record.topic)
    if (topics?.size === 0) offsets.delete(record.groupId)
    return
  }
  if (!topics) offsets.set(record.groupId, (topics = new Map()))
  let partitions = topics.get(record.topic)
  if (!partitions) topics.set(record.topic, (partitions = new Map()))
  partitions.set(record.partition, record.value)
}

/** For tests and for a broker started without a data dir. */
export class MemoryOffsetStore implements OffsetStore {
  readonly records: OffsetRecord[] = []

  load(): OffsetsByGroup {
    const offsets: OffsetsByGroup = new Map()
    for (const record of this.records) applyOffsetRecord(offsets, record)
    return offsets
  }

  append(records: readonly OffsetRecord[]): void {
    this.records.push(...records)
  }

  close(): void {}
}

// Short keys keep the file small: a busy group commits every few seconds per partition.
interface Line {
  k: 'c' | 'd' | 'g'
  g: string
  t?: string
  p?: number
  o?: number
  e?: number
  m?: string | null
  ts?: number
}

function toLine(record: OffsetRecord): Line {
  if (record.kind === 'delete-group') return {k: 'g', g: record.groupId}
  if (record.kind === 'delete') return {k: 'd', g: record.groupId, t: record.topic, p: record.partition}
  const {offset, leaderEpoch, metadata, commitTimestampMs} = record.value
  return {k: 'c', g: record.groupId, t: record.topic, p: record.partition, o: offset, e: leaderEpoch, m: metadata, ts: commitTimestampMs}
}

function fromLine(line: Line): OffsetRecord {
  if (line.k === 'g') return {kind: 'delete-group', groupId: line.g}
  if (line.k === 'd') return {kind: 'delete', groupId: line.g, topic: line.t!, partition: line.p!}
  return {
    kind: 'commit',
    groupId: line.g,
    topic: line.t!,
    partition: line.p!,
    value: {offset: line.o!, leaderEpoch: line.e ?? -1, metadata: line.m ?? null, commitTimestampMs: line.ts ?? 0},
  }
}

export class FileOffsetStore implements OffsetStore {
  private readonly file: string
  private appender: AppendFile | undefined

  constructor(dataDir: string) {
    const dir = path.join(dataDir, 'groups')
    mkdirSync(dir, {recursive: true})
    this.file = path.join(dir, 'offsets.jsonl')
  }

  load(): OffsetsByGroup {
    const offsets: OffsetsByGroup = new Map()
    if (existsSync(this.file)) {
      for (const text of readFileSync(this.file, 'utf8').split('\n')) {
        if (text === '') continue
        let line: Line
        try {
          line = JSON.parse(text) as Line
        } catch {
          continue // a torn tail from a crash mid-write
        }
        applyOffsetRecord(offsets, fromLine(line))
      }
    }
    this.compact(offsets)
    this.appender = new AppendFile(this.file)
    return offsets
  }

  private compact(offsets: OffsetsByGroup): void {
    const lines: string[] = []
    for (const [groupId, topics] of offsets) {
      for (const [topic, partitions] of topics) {
        for (const [partition, value] of partitions) lines.push(JSON.stringify(toLine({kind: 'commit', groupId, topic, partition, value})))
      }
    }
    const temp = `${this.file}.tmp`
    writeFileSync(temp, lines.length === 0 ? '' : `${lines.join('\n')}\n`)
    renameSync(temp, this.file)
  }

  append(records: readonly OffsetRecord[]): void {
    if (records.length === 0) return
    const text = records.map((record) => `${JSON.stringify(toLine(record))}\n`).join('')
    this.appender ??= new AppendFile(this.file)
    this.appender.append(text)
  }

  close(): void {
    this.appender?.close()
    this.appender = undefined
  }
}
