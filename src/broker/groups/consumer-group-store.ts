// Durable consumer group metadata (KIP-848 groups): what Kafka writes to __consumer_offsets as
// ConsumerGroupMetadata, ConsumerGroupMemberMetadata, target assignment and current member
// assignment records. The bundled broker keeps one JSON line per change of a group (its whole
// state, or its removal) in groups/consumer-groups.jsonl beside the offsets, replayed on start
// and then rewritten compacted (temp file, rename), so the file holds one line per live group.
// Same durability as the offsets file (offset-store.ts): no fsync; a torn last line is ignored.
import {appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

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

export interface ConsumerGroupStore {
  load(): StoredConsumerGroup[]
  save(group: StoredConsumerGroup): void
  remove(groupId: string): void
  close(): void
}

/** For tests and for coordinators built without a data dir. */
export class MemoryConsumerGroupStore implements ConsumerGroupStore {
  readonly groups = new Map<string, StoredConsumerGroup>()

  load(): StoredConsumerGroup[] {
    return [...this.groups.values()]
  }

  save(group: StoredConsumerGroup): void {
    this.groups.set(group.groupId, group)
  }

  remove(groupId: string): void {
    this.groups.delete(groupId)
  }

  close(): void {}
}

type Line = {g: string; s: StoredConsumerGroup | null}

export class FileConsumerGroupStore implements ConsumerGroupStore {
  private readonly file: string

  constructor(dataDir: string) {
    const dir = path.join(dataDir, 'groups')
    mkdirSync(dir, {recursive: true})
    this.file = path.join(dir, 'consumer-groups.jsonl')
  }

  load(): StoredConsumerGroup[] {
    const groups = new Map<string, StoredConsumerGroup>()
    if (existsSync(this.file)) {
      for (const text of readFileSync(this.file, 'utf8').split('\n')) {
        if (text === '') continue
        let line: Line
        try {
          line = JSON.parse(text) as Line
        } catch {
          continue // a torn tail from a crash mid-write
        }
        if (line.s === null) groups.delete(line.g)
        else groups.set(line.g, line.s)
      }
    }
    const lines = [...groups.values()].map((group) => JSON.stringify({g: group.groupId, s: group} satisfies Line))
    const temp = `${this.file}.tmp`
    writeFileSync(temp, lines.length === 0 ? '' : `${lines.join('\n')}\n`)
    renameSync(temp, this.file)
    return [...groups.values()]
  }

  save(group: StoredConsumerGroup): void {
    appendFileSync(this.file, `${JSON.stringify({g: group.groupId, s: group} satisfies Line)}\n`)
  }

  remove(groupId: string): void {
    appendFileSync(this.file, `${JSON.stringify({g: groupId, s: null} satisfies Line)}\n`)
  }

  close(): void {}
}
