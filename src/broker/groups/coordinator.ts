// The group coordinator: the one object handlers and BrokerState see (BrokerState.groups). A
// thin facade over three parts, each of which knows one thing:
// - classic.ts: classic membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup);
// - consumer.ts: KIP-848 consumer group membership (ConsumerGroupHeartbeat);
// - group-store.ts: the durable metadata of both kinds of group;
// - offsets.ts: committed offsets (OffsetCommit/Fetch/Delete, expiry), durable in offset-store.ts.
// It routes each request to the part that owns the group, asks the membership whether a
// commit may be stored before the offsets store it, and answers the questions that span
// parts: which groups exist (ListGroups), which may be deleted, whose offsets expire.
//
// A group id names either a classic group, a consumer group, or only committed offsets
// (listed as an Empty classic group with no protocol type, as Kafka does for groups that only
// ever had admin commits). Classic and consumer groups live side by side under different ids.
// Conversion between the two types happens only when the group has no members, as Kafka 4.0
// does it offline: a consumer-protocol member joining an empty classic group (or a group with
// only offsets) turns it into a consumer group, keeping its offsets; a JoinGroup on an empty
// consumer group turns it back into a classic one.
//
// Full disk: every change is written before it is applied (append-file.ts); a request whose
// write fails is answered NOT_COORDINATOR (common.ts STORE_WRITE_FAILED, as Kafka maps a
// failed append) with nothing changed, and the group works again once a write succeeds.
//
// Not implemented: online migration (group.consumer.migration.policy, default bidirectional
// in Kafka 4.0) of a group that has members. A ConsumerGroupHeartbeat for a classic group
// with members is refused with GROUP_ID_NOT_FOUND, as Kafka answers with the policy disabled
// ("Cannot upgrade classic group ... to consumer group"), and a JoinGroup for a consumer group
// with members gets INCONSISTENT_GROUP_PROTOCOL. Roll a classic group over to the consumer
// protocol by stopping its members first.
import {unlessWriteFails} from './append-file.js'
import {type CommitRequest, type GroupErrorName, type OffsetToCommit, STORE_WRITE_FAILED, type TopicPartitions} from './common.js'
import {ClassicGroups, type GroupState, type GroupSummary, type JoinRequest, type JoinResult, type MemberIdentity, type SyncRequest, type SyncResult} from './classic.js'
import {ConsumerGroups, type ConsumerGroupState, type ConsumerGroupSummary, type HeartbeatRequest, type HeartbeatResult, type TopicSource} from './consumer.js'
import {type ClassicGroupStore, type ConsumerGroupStore, MemoryGroupStore} from './group-store.js'
import {GroupOffsets} from './offsets.js'
import type {CommittedOffset, OffsetStore, OffsetsByGroup} from './offset-store.js'

export type {CommitRequest, GroupErrorName, OffsetToCommit} from './common.js'
export type {Assignment, ConsumerGroupSummary, ConsumerMemberSummary, HeartbeatRequest, HeartbeatResult} from './consumer.js'
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
  /** Where classic groups' metadata lives; in memory by default. */
  readonly classicStore?: ClassicGroupStore
  /** The KIP-848 consumer groups' settings (group.consumer.*) and the topics they assign. */
  readonly consumer?: Partial<ConsumerSettings>
}

export interface ConsumerSettings {
  /** group.consumer.heartbeat.interval.ms */
  readonly heartbeatIntervalMs: number
  /** group.consumer.session.timeout.ms */
  readonly sessionTimeoutMs: number
  /** group.consumer.assignors */
  readonly assignors: readonly string[]
  /** group.consumer.max.size */
  readonly maxGroupSize: number
  readonly topics: TopicSource
  readonly store: ConsumerGroupStore
}

export type GroupType = 'classic' | 'consumer'

export interface ListedGroup {
  readonly groupId: string
  readonly protocolType: string
  readonly state: GroupState | ConsumerGroupState
  readonly type: GroupType
}

const NO_TOPICS: TopicSource = {topicNames: () => [], topic: () => undefined}

export class GroupCoordinator {
  private readonly classic: ClassicGroups
  private readonly consumer: ConsumerGroups
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
      store: options.classicStore ?? new MemoryGroupStore(),
      now,
    })
    const consumer = options.consumer ?? {}
    this.consumer = new ConsumerGroups({
      heartbeatIntervalMs: consumer.heartbeatIntervalMs ?? 5000,
      sessionTimeoutMs: consumer.sessionTimeoutMs ?? 45_000,
      assignors: consumer.assignors ?? ['uniform', 'range'],
      maxGroupSize: consumer.maxGroupSize ?? options.maxGroupSize,
      topics: consumer.topics ?? NO_TOPICS,
      store: consumer.store ?? new MemoryGroupStore(),
      now,
    })
    for (const groupId of this.offsets.groupIds()) if (!this.consumer.get(groupId)) this.classic.ensure(groupId)
    this.expiryTimer = setInterval(() => this.expireOffsets(), options.offsetsRetentionCheckIntervalMs ?? 600_000)
    this.expiryTimer.unref?.()
  }

  close(): void {
    this.closed = true
    clearInterval(this.expiryTimer)
    this.classic.close()
    this.consumer.close()
    this.offsets.close()
  }

  // ---- Classic membership ---------------------------------------------------------------------

  joinGroup(request: JoinRequest): Promise<JoinResult> {
    const consumerGroup = this.consumer.get(request.groupId)
    if (consumerGroup) {
      const refuse = (error: GroupErrorName) =>
        Promise.resolve({error, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: request.memberId, members: []})
      if (consumerGroup.members.size > 0) return refuse('INCONSISTENT_GROUP_PROTOCOL')
      // An empty consumer group becomes classic; offsets stay.
      const removed = unlessWriteFails(
        () => {
          this.consumer.remove(request.groupId)
          return true
        },
        () => false,
      )
      if (!removed) return refuse(STORE_WRITE_FAILED)
    }
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

  // ---- Consumer groups (KIP-848) --------------------------------------------------------------

  consumerGroupHeartbeat(request: HeartbeatRequest): HeartbeatResult {
    const invalid = this.consumer.validate(request)
    if (invalid) return invalid
    const classic = this.classic.get(request.groupId)
    if (classic && classic.state !== 'Dead') {
      if (!classic.isVacant()) {
        return {
          error: 'GROUP_ID_NOT_FOUND',
          errorMessage: `Cannot upgrade classic group ${request.groupId} to consumer group because it has members: online migration is not supported by this broker.`,
          memberId: null,
          memberEpoch: -1,
          heartbeatIntervalMs: 0,
          assignment: null,
        }
      }
      // Converted; offsets stay. A vacant classic group has no stored generation to forget.
      if (request.memberEpoch === 0) this.forget(request.groupId)
    }
    return this.consumer.heartbeat(request)
  }

  /** A consumer group's description, or why there is none (ConsumerGroupDescribe). */
  describeConsumerGroup(groupId: string): ConsumerGroupSummary | {error: GroupErrorName; message: string} {
    const group = this.consumer.get(groupId)
    if (group) return this.consumer.describe(group)
    if (this.classic.get(groupId)) return {error: 'GROUP_ID_NOT_FOUND', message: `Group ${groupId} is not a consumer group.`}
    return {error: 'GROUP_ID_NOT_FOUND', message: `Group ${groupId} not found.`}
  }

  // ---- Offsets --------------------------------------------------------------------------------

  /** Validates the committer with the group's membership; on NONE every offset is stored (each
   *  with its own error). Partition existence is the caller's check (it knows the topics).
   *  Transactional offset commits (TxnOffsetCommit) come through here too. */
  commitOffsets(request: CommitRequest): GroupErrorName | {error: 'NONE'; perOffset: GroupErrorName[]} {
    if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
    if (request.groupId === '') return 'INVALID_GROUP_ID'
    const consumerGroup = this.consumer.get(request.groupId)
    const invalid = consumerGroup ? this.consumer.validateCommit(consumerGroup, request) : this.classic.validateCommit(request)
    if (invalid !== 'NONE') return invalid
    return unlessWriteFails<ReturnType<GroupCoordinator['commitOffsets']>>(
      () => ({error: 'NONE', perOffset: this.offsets.commit(request.groupId, request.offsets)}),
      () => {
        this.forgetIfVacant(request.groupId) // the entry an admin commit made for an unknown group
        return STORE_WRITE_FAILED
      },
    )
  }

  /** The offsets of a committed transaction (TxnOffsetCommit, held by the transaction
   *  coordinator until EndTxn): stored without a membership check, as Kafka applies them when
   *  the COMMIT marker is written; the committer was checked when it sent them. */
  commitTransactionalOffsets(groupId: string, offsets: readonly OffsetToCommit[]): GroupErrorName[] {
    if (this.closed) return offsets.map(() => 'COORDINATOR_NOT_AVAILABLE')
    if (!this.consumer.get(groupId)) this.classic.ensure(groupId)
    return unlessWriteFails(
      () => this.offsets.commit(groupId, offsets),
      () => {
        this.forgetIfVacant(groupId)
        return offsets.map(() => STORE_WRITE_FAILED)
      },
    )
  }

  /** OffsetFetch v9 names the member: a consumer group member must be current (classic
   *  groups do not check, as Kafka). */
  validateFetch(groupId: string, memberId: string | null, memberEpoch: number): GroupErrorName {
    const group = this.consumer.get(groupId)
    return group ? this.consumer.validateFetch(group, memberId, memberEpoch) : 'NONE'
  }

  /** Committed offsets of a group: all of them when `topics` is null. Unknown -> no entry. */
  fetchOffsets(groupId: string, topics: readonly TopicPartitions[] | null): Map<string, Map<number, CommittedOffset>> {
    return this.offsets.fetch(groupId, topics)
  }

  /** OffsetDelete: refused per partition while the group is subscribed to its topic. */
  deleteOffsets(groupId: string, topics: readonly TopicPartitions[]): GroupErrorName | Map<string, Map<number, GroupErrorName>> {
    if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
    const consumerGroup = this.consumer.get(groupId)
    if (consumerGroup) {
      const subscribed = this.consumer.subscribedTopics(consumerGroup)
      return unlessWriteFails<ReturnType<GroupCoordinator['deleteOffsets']>>(
        () => this.offsets.delete(groupId, topics, subscribed),
        () => STORE_WRITE_FAILED,
      )
    }
    const group = this.classic.get(groupId)
    if (!group || group.state === 'Dead') return 'GROUP_ID_NOT_FOUND'
    if (group.state !== 'Empty' && group.protocolType !== 'consumer') return 'NON_EMPTY_GROUP'
    // No readable subscription (a stable group mid-change) is undefined: every partition is refused.
    const subscribed = group.state === 'Empty' ? new Set<string>() : group.subscribedTopics()
    const result = unlessWriteFails<ReturnType<GroupCoordinator['deleteOffsets']>>(
      () => this.offsets.delete(groupId, topics, subscribed),
      () => STORE_WRITE_FAILED,
    )
    this.forgetIfVacant(groupId)
    return result
  }

  /** Removes every committed offset of a deleted topic from every group. When that cannot be
   *  written the offsets stay (the topic is gone either way): a topic created again under the
   *  name would find them, as it would after a restart. */
  deleteTopicOffsets(topic: string): void {
    unlessWriteFails(
      () => this.offsets.deleteTopic(topic),
      () => undefined,
    )
  }

  deleteGroups(groupIds: readonly string[]): GroupErrorName[] {
    return groupIds.map((groupId) => {
      if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
      const consumerGroup = this.consumer.get(groupId)
      if (consumerGroup && consumerGroup.members.size > 0) return 'NON_EMPTY_GROUP'
      const group = this.classic.get(groupId)
      if (!consumerGroup && (!group || group.state === 'Dead')) return 'GROUP_ID_NOT_FOUND'
      if (!consumerGroup && group!.state !== 'Empty') return 'NON_EMPTY_GROUP'
      // Offsets first: a group left without them after a failed second write is an empty group
      // without offsets, which expiry removes anyway.
      return unlessWriteFails<GroupErrorName>(
        () => {
          this.offsets.deleteGroup(groupId)
          if (consumerGroup) this.consumer.remove(groupId)
          else this.classic.remove(groupId)
          return 'NONE'
        },
        () => STORE_WRITE_FAILED,
      )
    })
  }

  /** Kafka's periodic offset expiry (KIP-211): the offsets of a group that has been Empty
   *  for offsets.retention.minutes go; an Empty group left with no offsets is removed. */
  expireOffsets(): void {
    // A write that fails here is tried again at the next check.
    unlessWriteFails(
      () =>
        this.offsets.expire((groupId) => {
          const consumerGroup = this.consumer.get(groupId)
          if (consumerGroup) return consumerGroup.members.size === 0 ? consumerGroup.emptySinceMs : undefined
          const group = this.classic.get(groupId)
          return group === undefined || group.state === 'Empty' ? (group?.emptySinceMs ?? 0) : undefined
        }),
      () => undefined,
    )
    for (const group of [...this.classic.all()]) this.forgetIfVacant(group.groupId)
    // An empty consumer group without offsets is gone too (Kafka's cleanupGroupMetadata).
    for (const group of [...this.consumer.all()]) if (group.members.size === 0 && !this.offsets.has(group.groupId)) this.forget(group.groupId)
  }

  private forgetIfVacant(groupId: string): void {
    if (this.classic.get(groupId)?.isVacant() && !this.offsets.has(groupId)) this.forget(groupId)
  }

  // Drops a group that nobody is waiting on; when that cannot be written it stays for the next try.
  private forget(groupId: string): void {
    unlessWriteFails(
      () => (this.consumer.get(groupId) ? this.consumer.remove(groupId) : this.classic.remove(groupId)),
      () => undefined,
    )
  }

  // ---- Inspection (ListGroups, DescribeGroups, metrics) ---------------------------------------

  listGroups(): ListedGroup[] {
    return [
      ...[...this.classic.all()].map((group): ListedGroup => ({groupId: group.groupId, protocolType: group.protocolType ?? '', state: group.state, type: 'classic'})),
      ...[...this.consumer.all()].map((group): ListedGroup => ({groupId: group.groupId, protocolType: 'consumer', state: group.state, type: 'consumer'})),
    ]
  }

  /** A classic group's summary; undefined for an unknown group and for a consumer group (Kafka
   *  4.0's DescribeGroups describes classic groups only). Member metadata and assignments only
   *  when Stable, as Kafka. */
  describeGroup(groupId: string): GroupSummary | undefined {
    const group = this.classic.get(groupId)
    return group ? this.classic.describe(group) : undefined
  }

  /** Every committed offset, for the broker's metrics endpoint. */
  allOffsets(): OffsetsByGroup {
    return this.offsets.all()
  }
}
