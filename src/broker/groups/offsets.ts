// Committed offsets of every group, classic or consumer: what OffsetCommit stores, OffsetFetch
// reads, OffsetDelete and DeleteGroups remove, and what expires (KIP-211). Who may commit is
// the membership's question (classic.ts / consumer.ts ask it first); this part only checks
// the offsets themselves (offset.metadata.max.bytes) and keeps them durable in the
// OffsetStore (offset-store.ts), replayed at start. Every change is written first and applied
// in memory only once written, so a failed write (GroupStoreWriteError, thrown to the caller)
// changes nothing.
import type {GroupErrorName, OffsetToCommit, TopicPartitions} from './common.js'
import {applyOffsetRecord, type CommittedOffset, type OffsetRecord, type OffsetStore, type OffsetsByGroup} from './offset-store.js'

export interface OffsetsOptions {
  readonly store: OffsetStore
  /** offset.metadata.max.bytes */
  readonly maxMetadataBytes: number
  /** offsets.retention.minutes in ms */
  readonly retentionMs: number
  readonly now: () => number
}

export class GroupOffsets {
  private readonly byGroup: OffsetsByGroup

  constructor(private readonly options: OffsetsOptions) {
    this.byGroup = options.store.load()
  }

  close(): void {
    this.options.store.close()
  }

  groupIds(): string[] {
    return [...this.byGroup.keys()]
  }

  has(groupId: string): boolean {
    return this.byGroup.has(groupId)
  }

  // Writes the records, then applies them (throws GroupStoreWriteError, changing nothing).
  private write(records: readonly OffsetRecord[]): void {
    this.options.store.append(records)
    for (const record of records) applyOffsetRecord(this.byGroup, record)
  }

  /** Stores every offset whose metadata fits; one error name per offset, in order. */
  commit(groupId: string, offsets: readonly OffsetToCommit[]): GroupErrorName[] {
    const timestampMs = this.options.now()
    const records: OffsetRecord[] = []
    const perOffset = offsets.map(({topic, partition, offset, leaderEpoch, metadata}): GroupErrorName => {
      if (metadata !== null && Buffer.byteLength(metadata) > this.options.maxMetadataBytes) return 'OFFSET_METADATA_TOO_LARGE'
      records.push({kind: 'commit', groupId, topic, partition, value: {offset, leaderEpoch, metadata, commitTimestampMs: timestampMs}})
      return 'NONE'
    })
    this.write(records)
    return perOffset
  }

  /** Committed offsets of a group: all of them when `topics` is null. Unknown -> no entry. */
  fetch(groupId: string, topics: readonly TopicPartitions[] | null): Map<string, Map<number, CommittedOffset>> {
    const committed = this.byGroup.get(groupId)
    const result = new Map<string, Map<number, CommittedOffset>>()
    if (!committed) return result
    if (topics === null) return new Map([...committed].map(([topic, partitions]) => [topic, new Map(partitions)]))
    for (const {topic, partitions} of topics) {
      const found = new Map<number, CommittedOffset>()
      for (const partition of partitions) {
        const value = committed.get(topic)?.get(partition)
        if (value) found.set(partition, value)
      }
      result.set(topic, found)
    }
    return result
  }

  /** OffsetDelete: a partition of a topic in `subscribed` is refused (undefined = the
   *  subscription is unknown, so every partition is refused). */
  delete(groupId: string, topics: readonly TopicPartitions[], subscribed: ReadonlySet<string> | undefined): Map<string, Map<number, GroupErrorName>> {
    const records: OffsetRecord[] = []
    const result = new Map<string, Map<number, GroupErrorName>>()
    const committed = this.byGroup.get(groupId)
    for (const {topic, partitions} of topics) {
      const errors = new Map<number, GroupErrorName>()
      result.set(topic, errors)
      for (const partition of partitions) {
        if (subscribed === undefined || subscribed.has(topic)) {
          errors.set(partition, 'GROUP_SUBSCRIBED_TO_TOPIC')
          continue
        }
        if (committed?.get(topic)?.has(partition)) records.push({kind: 'delete', groupId, topic, partition})
        errors.set(partition, 'NONE')
      }
    }
    this.write(records)
    return result
  }

  /** Removes every committed offset of a deleted topic from every group. */
  deleteTopic(topic: string): void {
    const records: OffsetRecord[] = []
    for (const [groupId, committed] of this.byGroup) {
      for (const partition of committed.get(topic)?.keys() ?? []) records.push({kind: 'delete', groupId, topic, partition})
    }
    this.write(records)
  }

  deleteGroup(groupId: string): void {
    this.write([{kind: 'delete-group', groupId}])
  }

  /** Kafka's periodic expiry (KIP-211): the offsets of a group that has been empty for the
   *  retention go, counted from the later of the commit and the moment the group became empty.
   *  `emptySinceMs` answers undefined for a group that has members (its offsets stay). */
  expire(emptySinceMs: (groupId: string) => number | undefined): void {
    const nowMs = this.options.now()
    const records: OffsetRecord[] = []
    for (const [groupId, committed] of this.byGroup) {
      const since = emptySinceMs(groupId)
      if (since === undefined) continue
      for (const [topic, partitions] of committed) {
        for (const [partition, value] of partitions) {
          if (nowMs - Math.max(value.commitTimestampMs, since) >= this.options.retentionMs) records.push({kind: 'delete', groupId, topic, partition})
        }
      }
    }
    this.write(records)
  }

  /** Every committed offset, for the broker's metrics endpoint. */
  all(): OffsetsByGroup {
    return this.byGroup
  }
}
