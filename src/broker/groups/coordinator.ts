// The group coordinator: the one object handlers and BrokerState see (BrokerState.groups). A
// thin facade over three parts, each of which knows one thing:
// - classic.ts: classic membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup);
// - offsets.ts: committed offsets (OffsetCommit/Fetch/Delete, expiry), durable in offset-store.ts.
// It routes each request to the part that owns the group, asks the membership whether a
// commit may be stored before the offsets store it, and answers the questions that span
// parts: which groups exist (ListGroups), which may be deleted, whose offsets expire.
//
// A group id names a classic group, or only committed offsets (listed as an Empty classic
// group with no protocol type, as Kafka does for groups that only ever had admin commits).
import type {CommitRequest, GroupErrorName, TopicPartitions} from './common.js'
import {ClassicGroups, type GroupState, type GroupSummary, type JoinRequest, type JoinResult, type MemberIdentity, type SyncRequest, type SyncResult} from './classic.js'
import {GroupOffsets} from './offsets.js'
import type {CommittedOffset, OffsetStore, OffsetsByGroup} from './offset-store.js'

export type {CommitRequest, GroupErrorName} from './common.js'
export type {GroupState, GroupSummary, JoinRequest, JoinResult, MemberIdentity, MemberSummary, Protocol, SyncRequest, SyncResult} from './classic.js'

export interface CoordinatorOptions {
  readonly store: OffsetStore
  readonly initialRebalanceDelayMs: number
  readonly minSessionTimeoutMs: number
  readonly maxSessionTimeoutMs: number
  readonly maxGroupSize: number
  /** offsets.retention.minutes in ms: offsets of a group that has been Empty this long expire. */
  readonly offsetsRetentionMs?: number
  /** offsets.retention.check.interval.ms */
  readonly offsetsRetentionCheckIntervalMs?: number
  /** offset.metadata.max.bytes */
  readonly maxMetadataBytes?: number
  /** Injected for tests; Date.now by default (vitest fake timers move it too). */
  readonly now?: () => number
}

export class GroupCoordinator {
  private readonly classic: ClassicGroups
  private readonly offsets: GroupOffsets
  private readonly expiryTimer: ReturnType<typeof setInterval>
  private closed = false

  constructor(options: CoordinatorOptions) {
    const now = options.now ?? Date.now
    this.offsets = new GroupOffsets({
      store: options.store,
      maxMetadataBytes: options.maxMetadataBytes ?? 4096,
      retentionMs: options.offsetsRetentionMs ?? 7 * 24 * 3_600_000,
      now,
    })
    this.classic = new ClassicGroups({
      initialRebalanceDelayMs: options.initialRebalanceDelayMs,
      minSessionTimeoutMs: options.minSessionTimeoutMs,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs,
      maxGroupSize: options.maxGroupSize,
      now,
    })
    for (const groupId of this.offsets.groupIds()) this.classic.ensure(groupId)
    this.expiryTimer = setInterval(() => this.expireOffsets(), options.offsetsRetentionCheckIntervalMs ?? 600_000)
    this.expiryTimer.unref?.()
  }

  close(): void {
    this.closed = true
    clearInterval(this.expiryTimer)
    this.classic.close()
    this.offsets.close()
  }

  // ---- Classic membership ---------------------------------------------------------------------

  joinGroup(request: JoinRequest): Promise<JoinResult> {
    return this.classic.joinGroup(request)
  }

  syncGroup(request: SyncRequest): Promise<SyncResult> {
    return this.classic.syncGroup(request)
  }

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): GroupErrorName {
    return this.classic.heartbeat(groupId, generationId, memberId, groupInstanceId)
  }

  /** One result per leaving member, in request order (LeaveGroup v3+ batches them). */
  leaveGroup(groupId: string, leaving: readonly MemberIdentity[]): {error: GroupErrorName; members: GroupErrorName[]} {
    return this.classic.leaveGroup(groupId, leaving)
  }

  // ---- Offsets --------------------------------------------------------------------------------

  /** Validates the committer with the group's membership; on NONE every offset is stored (each
   *  with its own error). Partition existence is the caller's check (it knows the topics).
   *  Transactional offset commits (TxnOffsetCommit) come through here too. */
  commitOffsets(request: CommitRequest): GroupErrorName | {error: 'NONE'; perOffset: GroupErrorName[]} {
    if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
    if (request.groupId === '') return 'INVALID_GROUP_ID'
    const invalid = this.classic.validateCommit(request)
    if (invalid !== 'NONE') return invalid
    return {error: 'NONE', perOffset: this.offsets.commit(request.groupId, request.offsets)}
  }

  /** Committed offsets of a group: all of them when `topics` is null. Unknown -> no entry. */
  fetchOffsets(groupId: string, topics: readonly TopicPartitions[] | null): Map<string, Map<number, CommittedOffset>> {
    return this.offsets.fetch(groupId, topics)
  }

  /** OffsetDelete: refused per partition while the group is subscribed to its topic. */
  deleteOffsets(groupId: string, topics: readonly TopicPartitions[]): GroupErrorName | Map<string, Map<number, GroupErrorName>> {
    if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
    const group = this.classic.get(groupId)
    if (!group || group.state === 'Dead') return 'GROUP_ID_NOT_FOUND'
    if (group.state !== 'Empty' && group.protocolType !== 'consumer') return 'NON_EMPTY_GROUP'
    // No readable subscription (a stable group mid-change) is undefined: every partition is refused.
    const subscribed = group.state === 'Empty' ? new Set<string>() : group.subscribedTopics()
    const result = this.offsets.delete(groupId, topics, subscribed)
    this.forgetIfVacant(groupId)
    return result
  }

  /** Removes every committed offset of a deleted topic from every group. */
  deleteTopicOffsets(topic: string): void {
    this.offsets.deleteTopic(topic)
  }

  deleteGroups(groupIds: readonly string[]): GroupErrorName[] {
    return groupIds.map((groupId) => {
      if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
      const group = this.classic.get(groupId)
      if (!group || group.state === 'Dead') return 'GROUP_ID_NOT_FOUND'
      if (group.state !== 'Empty') return 'NON_EMPTY_GROUP'
      this.classic.remove(groupId)
      this.offsets.deleteGroup(groupId)
      return 'NONE'
    })
  }

  /** Kafka's periodic offset expiry (KIP-211): the offsets of a group that has been Empty
   *  for offsets.retention.minutes go; an Empty group left with no offsets is removed. */
  expireOffsets(): void {
    this.offsets.expire((groupId) => {
      const group = this.classic.get(groupId)
      return group === undefined || group.state === 'Empty' ? (group?.emptySinceMs ?? 0) : undefined
    })
    for (const group of [...this.classic.all()]) this.forgetIfVacant(group.groupId)
  }

  private forgetIfVacant(groupId: string): void {
    if (this.classic.get(groupId)?.isVacant() && !this.offsets.has(groupId)) this.classic.remove(groupId)
  }

  // ---- Inspection (ListGroups, DescribeGroups, metrics) ---------------------------------------

  listGroups(): {groupId: string; protocolType: string; state: GroupState}[] {
    return [...this.classic.all()].map((group) => ({groupId: group.groupId, protocolType: group.protocolType ?? '', state: group.state}))
  }

  /** undefined for an unknown group. Member metadata and assignments only when Stable, as Kafka. */
  describeGroup(groupId: string): GroupSummary | undefined {
    const group = this.classic.get(groupId)
    return group ? this.classic.describe(group) : undefined
  }

  /** Every committed offset, for the broker's metrics endpoint. */
  allOffsets(): OffsetsByGroup {
    return this.offsets.all()
  }
}
