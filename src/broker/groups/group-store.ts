// Durable group metadata: what Kafka writes to __consumer_offsets besides offsets (the
// GroupMetadata record of classic groups; ConsumerGroupMetadata, member metadata, target and
// current assignment records of KIP-848 consumer groups). The bundled broker keeps one JSON line
// per change of a group (its whole state, or its removal) in one file per group type beside the
// offsets (groups/classic-groups.jsonl, groups/consumer-groups.jsonl), replayed on start and then
// rewritten compacted (temp file, rename), so a file holds one line per live group. Same
// durability as the offsets file (offset-store.ts): no fsync; a torn last line is ignored; a
// write that fails throws GroupStoreWriteError and leaves the file as it was.
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {AppendFile} from './append-file.js'

export interface StoredMember {
  readonly memberId: string
  readonly instanceId: string | null
  readonly rackId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly rebalanceTimeoutMs: number
  readonly subscribedTopicNames: string[]
  readonly subscribedTopicRegex: string | null
  readonly serverAssignor: string | null
  readonly memberEpoch: number
  readonly previousMemberEpoch: number
  readonly state: string
  /** topic id -> partitions */
  readonly assigned: Record<string, number[]>
  readonly revoking: Record<string, number[]>
  readonly target: Record<string, number[]>
}

export interface StoredConsumerGroup {
  readonly groupId: string
  readonly groupEpoch: number
  readonly assignmentEpoch: number
  readonly assignorName: string
  readonly metadata: string
  readonly members: readonly StoredMember[]
}

export interface StoredClassicMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly protocolType: string
  /** name -> metadata, base64 */
  readonly protocols: readonly {name: string; metadata: string}[]
  /** base64 */
  readonly assignment: string
}

/** A classic group as of its last Stable generation. */
export interface StoredClassicGroup {
  readonly groupId: string
  readonly generationId: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly leaderId: string | null
  readonly members: readonly StoredClassicMember[]
}

export interface GroupStore<T extends {readonly groupId: string}> {
  load(): T[]
  /** save and remove throw GroupStoreWriteError when the line could not be written. */
  save(group: T): void
  remove(groupId: string): void
  close(): void
}

export type ConsumerGroupStore = GroupStore<StoredConsumerGroup>
export type ClassicGroupStore = GroupStore<StoredClassicGroup>

/** For tests and for coordinators built without a data dir. */
export class MemoryGroupStore<T extends {readonly groupId: string}> implements GroupStore<T> {
  readonly groups = new Map<string, T>()

  load(): T[] {
    return [...this.groups.values()]
  }

  save(group: T): void {
    this.groups.set(group.groupId, group)
  }

  remove(groupId: string): void {
    this.groups.delete(groupId)
  }

  close(): void {}
}

type Line<T> = {g: string; s: T | null}

export class FileGroupStore<T extends {readonly groupId: string}> implements GroupStore<T> {
  private readonly file: string
  private appender: AppendFile | undefined

  /** `name`: classic-groups or consumer-groups. */
  constructor(dataDir: string, name: string) {
    const dir = path.join(dataDir, 'groups')
    mkdirSync(dir, {recursive: true})
    this.file = path.join(dir, `${name}.jsonl`)
  }

  load(): T[] {
    const groups = new Map<string, T>()
    if (existsSync(this.file)) {
      for (const text of readFileSync(this.file, 'utf8').split('\n')) {
        if (text === '') continue
        let line: Line<T>
        try {
          line = JSON.parse(text) as Line<T>
        } catch {
          continue // a torn tail from a crash mid-write
        }
        if (line.s === null) groups.delete(line.g)
        else groups.set(line.g, line.s)
      }
    }
    const lines = [...groups.values()].map((group) => JSON.stringify({g: group.groupId, s: group} satisfies Line<T>))
    const temp = `${this.file}.tmp`
    writeFileSync(temp, lines.length === 0 ? '' : `${lines.join('\n')}\n`)
    renameSync(temp, this.file)
    this.appender?.close()
    this.appender = new AppendFile(this.file)
    return [...groups.values()]
  }

  save(group: T): void {
    this.append({g: group.groupId, s: group})
  }

  remove(groupId: string): void {
    this.append({g: groupId, s: null})
  }

  private append(line: Line<T>): void {
    this.appender ??= new AppendFile(this.file)
    this.appender.append(`${JSON.stringify(line)}\n`)
  }

  close(): void {
    this.appender?.close()
    this.appender = undefined
  }
}
