// Consumer group membership: the KIP-848 consumer group protocol of Kafka 4.0
// (ConsumerGroupHeartbeat, ConsumerGroupDescribe), with server-side assignment. Pure: no
// sockets, no codec, no offsets (offsets.ts keeps them; the facade asks validateCommit and
// validateFetch here first).
//
// Behaviour (GroupMetadataManager.consumerGroupHeartbeat in Kafka 4.0):
// - Epochs. The group epoch moves whenever membership, a subscription or the metadata of a
//   subscribed topic changes (a new topic matching a regex, added partitions). A new target
//   assignment is then computed at once by the group's assignor and takes the group epoch as
//   its assignment epoch. Each member reconciles towards its target one heartbeat at a time
//   and carries its own member epoch.
// - Reconciliation (CurrentAssignmentBuilder): partitions leaving a member are revoked first
//   (its epoch stays, state "unrevoked") until it heartbeats an owned set without them; a
//   partition that another member still owns or is revoking is not handed out until that
//   member has released it ("unreleased"). Only then does the member reach the target epoch.
//   A member that does not revoke within its rebalance timeout is fenced (removed).
// - Assignors: group.consumer.assignors (uniform, range; the first is the default); a member
//   may ask for one by name (ServerAssignor) and the one most members ask for wins;
//   any other name is UNSUPPORTED_ASSIGNOR. Client-side assignors do not exist in Kafka 4.0.
// - Subscriptions: topic names, or a regex (SubscribedTopicRegex, v1). Kafka compiles RE2/J;
//   here a JavaScript RegExp matched against the whole topic name. The common subset (classes,
//   alternation, quantifiers, anchors) behaves the same; RE2/J has no backreferences or
//   lookaround (Kafka refuses them as INVALID_REGULAR_EXPRESSION, JavaScript accepts them),
//   and JavaScript has no possessive quantifiers or \Q..\E (refused here, valid in RE2/J).
//   Topic metadata is re-read at every heartbeat, so a new matching topic joins the
//   subscription within one heartbeat interval.
// - Sessions: group.consumer.session.timeout.ms (the broker's, not the member's): a member not
//   heard from that long is removed. Every answer carries group.consumer.heartbeat.interval.ms.
// - Leaving: epoch -1 removes the member; epoch -2 (a static member, KIP-345) keeps its
//   assignment and epoch for one session timeout, and a member rejoining with the same
//   instance id takes them over without a rebalance. Joining with an instance id still held by
//   a live member is UNRELEASED_INSTANCE_ID.
// - Fencing: an epoch above the member's, or below it other than the previous epoch with a
//   subset of its partitions (a lost response), is FENCED_MEMBER_EPOCH; an unknown member id
//   is UNKNOWN_MEMBER_ID; both make the client rejoin with epoch 0.
// - Offsets: a commit or a fetch (OffsetFetch v9) from a member must carry its current member
//   epoch (STALE_MEMBER_EPOCH otherwise); epoch -1 with no member id is an admin commit,
//   accepted only while the group has no members.
// - Durability: each group (epochs, members with their epochs, subscriptions and assignments,
//   the target assignment) is written through its GroupStore whenever it changes, so after
//   a restart members carry on with their epochs and nobody is moved. A heartbeat whose write
//   fails (a full disk) is answered NOT_COORDINATOR (common.ts STORE_WRITE_FAILED) and the group
//   is put back as it was before it; a timer's change (a session that expired) goes ahead and
//   is written with the group's next successful write.
//
// Not implemented: rack-aware assignment (RackId is stored and described only); classic
// members inside a consumer group (the "bidirectional" migration of Kafka 4.0: see the facade).
import {randomUUID} from 'node:crypto'
import {unlessWriteFails} from './append-file.js'
import {type Assignment, type AssignorMember, assignors} from './assignors.js'
import {type CommitRequest, type GroupErrorName, STORE_WRITE_FAILED} from './common.js'
import type {ConsumerGroupStore, StoredConsumerGroup, StoredMember} from './group-store.js'

export type {Assignment} from './assignors.js'

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable'

/** What the coordinator needs of the topics (BrokerLog fits). */
export interface TopicSource {
  topicNames(): string[]
  topic(name: string): {readonly topicId: string; readonly partitions: number} | undefined
}

export interface ConsumerOptions {
  readonly heartbeatIntervalMs: number
  readonly sessionTimeoutMs: number
  /** group.consumer.assignors: the first is the default. */
  readonly assignors: readonly string[]
  readonly maxGroupSize: number
  readonly topics: TopicSource
  readonly store: ConsumerGroupStore
  readonly now: () => number
}

export interface HeartbeatRequest {
  readonly groupId: string
  readonly memberId: string
  readonly memberEpoch: number
  readonly instanceId: string | null
  readonly rackId: string | null
  readonly rebalanceTimeoutMs: number
  readonly subscribedTopicNames: readonly string[] | null
  readonly subscribedTopicRegex: string | null
  readonly serverAssignor: string | null
  readonly ownedTopicPartitions: Assignment | null
  readonly clientId: string
  readonly clientHost: string
  /** v1+ members make up their own member id (KIP-1082). */
  readonly apiVersion: number
}

export interface HeartbeatResult {
  readonly error: GroupErrorName
  readonly errorMessage: string | null
  readonly memberId: string | null
  readonly memberEpoch: number
  readonly heartbeatIntervalMs: number
  readonly assignment: Assignment | null
}

export interface ConsumerMemberSummary {
  readonly memberId: string
  readonly instanceId: string | null
  readonly rackId: string | null
  readonly memberEpoch: number
  readonly clientId: string
  readonly clientHost: string
  readonly subscribedTopicNames: readonly string[]
  readonly subscribedTopicRegex: string | null
  readonly assignment: Assignment
  readonly targetAssignment: Assignment
}

export interface ConsumerGroupSummary {
  readonly groupId: string
  readonly state: ConsumerGroupState
  readonly groupEpoch: number
  readonly assignmentEpoch: number
  readonly assignorName: string
  readonly members: readonly ConsumerMemberSummary[]
}

/** Epoch -1 leaves the group; -2 is a static member leaving for a while (KIP-345). */
const LEAVE_EPOCH = -1
const STATIC_LEAVE_EPOCH = -2

type MemberState = 'stable' | 'unrevoked' | 'unreleased'

interface ConsumerMember {
  readonly memberId: string
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  subscribedTopicNames: readonly string[]
  subscribedTopicRegex: string | null
  serverAssignor: string | null
  memberEpoch: number
  previousMemberEpoch: number
  state: MemberState
  assigned: Assignment
  revoking: Assignment
  sessionTimer?: ReturnType<typeof setTimeout>
  revocationTimer?: ReturnType<typeof setTimeout>
}

export class ConsumerGroup {
  groupEpoch = 0
  assignmentEpoch = 0
  readonly members = new Map<string, ConsumerMember>()
  /** member id -> its target assignment at assignmentEpoch */
  target = new Map<string, Assignment>()
  /** instance id -> member id */
  readonly staticMembers = new Map<string, string>()
  /** The subscribed topics' names, ids and partition counts when the target was computed. */
  metadata = ''
  assignorName: string
  emptySinceMs: number

  constructor(
    readonly groupId: string,
    defaultAssignor: string,
    nowMs: number,
  ) {
    this.assignorName = defaultAssignor
    this.emptySinceMs = nowMs
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty'
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning'
    for (const member of this.members.values()) {
      if (member.memberEpoch >= 0 && (member.memberEpoch !== this.assignmentEpoch || member.state !== 'stable')) return 'Reconciling'
    }
    return 'Stable'
  }

  close(): void {
    for (const member of this.members.values()) {
      clearTimeout(member.sessionTimer)
      clearTimeout(member.revocationTimer)
    }
  }
}

function copy(assignment: Assignment): Assignment {
  return new Map([...assignment].map(([topicId, partitions]) => [topicId, new Set(partitions)]))
}

function has(assignment: Assignment, topicId: string, partition: number): boolean {
  return assignment.get(topicId)?.has(partition) ?? false
}

function isEmpty(assignment: Assignment): boolean {
  for (const partitions of assignment.values()) if (partitions.size > 0) return false
  return true
}

/** a − b */
function minus(a: Assignment, b: Assignment): Assignment {
  const result: Assignment = new Map()
  for (const [topicId, partitions] of a) {
    const left = [...partitions].filter((partition) => !has(b, topicId, partition))
    if (left.length > 0) result.set(topicId, new Set(left))
  }
  return result
}

function intersect(a: Assignment, b: Assignment): Assignment {
  return minus(a, minus(a, b))
}

function sameAssignment(a: Assignment, b: Assignment): boolean {
  return isEmpty(minus(a, b)) && isEmpty(minus(b, a))
}

function subsetOf(a: Assignment, b: Assignment): boolean {
  return isEmpty(minus(a, b))
}

function heartbeatError(error: GroupErrorName, errorMessage: string | null, heartbeatIntervalMs = 0): HeartbeatResult {
  return {error, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs, assignment: null}
}

/** null for a valid pattern, else why not. Matching is against the whole topic name. */
export function compileTopicRegex(pattern: string): RegExp | string {
  try {
    return new RegExp(`^(?:${pattern})$`)
  } catch (error) {
    return (error as Error).message
  }
}

export class ConsumerGroups {
  private readonly groups = new Map<string, ConsumerGroup>()
  /** The last snapshot written per group, so unchanged groups are not written again. */
  private readonly saved = new Map<string, string>()
  private closed = false

  constructor(private readonly options: ConsumerOptions) {
    for (const stored of options.store.load()) {
      this.restore(stored)
      this.saved.set(stored.groupId, JSON.stringify(stored))
    }
  }

  close(): void {
    this.closed = true
    for (const group of this.groups.values()) group.close()
    this.options.store.close()
  }

  get(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId)
  }

  all(): IterableIterator<ConsumerGroup> {
    return this.groups.values()
  }

  /** Drops a group and its stored metadata (DeleteGroups, expiry, conversion to classic);
   *  throws GroupStoreWriteError, changing nothing, when the removal cannot be written. */
  remove(groupId: string): void {
    if (this.saved.has(groupId)) this.options.store.remove(groupId)
    this.groups.get(groupId)?.close()
    this.groups.delete(groupId)
    this.saved.delete(groupId)
  }

  // ---- ConsumerGroupHeartbeat -----------------------------------------------------------------

  /** Checks that need no group (Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid). */
  validate(request: HeartbeatRequest): HeartbeatResult | undefined {
    const invalid = (message: string) => heartbeatError('INVALID_REQUEST', message)
    if (request.groupId === '') return invalid('GroupId can\'t be empty.')
    if (request.apiVersion >= 1 && request.memberId === '') return invalid('MemberId can\'t be empty.')
    if (request.memberEpoch < STATIC_LEAVE_EPOCH) return invalid(`MemberEpoch ${request.memberEpoch} is not valid.`)
    if (request.memberEpoch === STATIC_LEAVE_EPOCH && request.instanceId === null) return invalid('InstanceId can\'t be null when leaving with epoch -2.')
    if (request.memberEpoch === 0) {
      if (request.rebalanceTimeoutMs <= 0) return invalid('RebalanceTimeoutMs must be provided in first request.')
      if (request.ownedTopicPartitions === null || !isEmpty(request.ownedTopicPartitions)) return invalid('TopicPartitions must be empty when (re-)joining.')
      if (request.subscribedTopicNames === null && request.subscribedTopicRegex === null) {
        return invalid('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.')
      }
    }
    if (request.serverAssignor !== null && !this.options.assignors.includes(request.serverAssignor)) {
      return heartbeatError('UNSUPPORTED_ASSIGNOR', `ServerAssignor ${request.serverAssignor} is not supported. Supported assignors: ${this.options.assignors.join(', ')}.`)
    }
    if (request.subscribedTopicRegex !== null) {
      const compiled = compileTopicRegex(request.subscribedTopicRegex)
      if (typeof compiled === 'string') return heartbeatError('INVALID_REGULAR_EXPRESSION', `SubscribedTopicRegex ${request.subscribedTopicRegex} is not a valid regular expression: ${compiled}`)
    }
    return undefined
  }

  /** The group for a heartbeat; the facade has made sure the id is not a live classic group. */
  heartbeat(request: HeartbeatRequest): HeartbeatResult {
    if (this.closed) return heartbeatError('COORDINATOR_NOT_AVAILABLE', null)
    const invalid = this.validate(request)
    if (invalid) return invalid
    let group = this.groups.get(request.groupId)
    const before = group && {stored: this.snapshot(group), emptySinceMs: group.emptySinceMs}
    if (!group) {
      if (request.memberEpoch !== 0) return heartbeatError('UNKNOWN_MEMBER_ID', `Member ${request.memberId} is not a member of group ${request.groupId}.`)
      group = new ConsumerGroup(request.groupId, this.options.assignors[0], this.options.now())
      this.groups.set(request.groupId, group)
    }
    const changed = group
    const result =
      request.memberEpoch === LEAVE_EPOCH || request.memberEpoch === STATIC_LEAVE_EPOCH ? this.leave(group, request)
      : request.memberEpoch === 0 ? this.join(group, request)
      : this.beat(group, request)
    return unlessWriteFails(
      () => {
        this.persist(changed)
        return result
      },
      (error) => {
        // Nothing half-applied: the group goes back to what it was (a new one goes away).
        changed.close()
        this.groups.delete(request.groupId)
        if (before) this.restore(before.stored, before.emptySinceMs)
        return heartbeatError(STORE_WRITE_FAILED, error.message)
      },
    )
  }

  private leave(group: ConsumerGroup, request: HeartbeatRequest): HeartbeatResult {
    const memberId = request.instanceId !== null ? (group.staticMembers.get(request.instanceId) ?? request.memberId) : request.memberId
    const member = group.members.get(memberId)
    if (!member) return heartbeatError('UNKNOWN_MEMBER_ID', `Member ${request.memberId} is not a member of group ${group.groupId}.`)
    if (request.instanceId !== null && memberId !== request.memberId) return heartbeatError('FENCED_INSTANCE_ID', `Instance ${request.instanceId} is held by another member.`)
    if (request.memberEpoch === STATIC_LEAVE_EPOCH) {
      // Kept, with its assignment, until the session times out or the instance comes back.
      if (member.memberEpoch >= 0) member.previousMemberEpoch = member.memberEpoch
      member.memberEpoch = STATIC_LEAVE_EPOCH
      this.armSession(group, member)
    } else {
      this.removeMember(group, member)
    }
    return {error: 'NONE', errorMessage: null, memberId: request.memberId, memberEpoch: request.memberEpoch, heartbeatIntervalMs: 0, assignment: null}
  }

  private join(group: ConsumerGroup, request: HeartbeatRequest): HeartbeatResult {
    const memberId = request.memberId === '' ? randomUUID() : request.memberId
    if (request.instanceId !== null) {
      const heldBy = group.staticMembers.get(request.instanceId)
      const previous = heldBy === undefined ? undefined : group.members.get(heldBy)
      if (previous && previous.memberId !== memberId) {
        if (previous.memberEpoch !== STATIC_LEAVE_EPOCH) {
          return heartbeatError('UNRELEASED_INSTANCE_ID', `Static member ${previous.memberId} with instance id ${request.instanceId} is not released.`)
        }
        // The instance comes back under a new member id: it takes over the old member's
        // epoch, assignment and target, so nobody is moved.
        const member: ConsumerMember = {...previous, memberId, sessionTimer: undefined, revocationTimer: undefined}
        member.memberEpoch = previous.previousMemberEpoch
        clearTimeout(previous.sessionTimer)
        clearTimeout(previous.revocationTimer)
        group.members.delete(previous.memberId)
        group.members.set(memberId, member)
        group.target.set(memberId, group.target.get(previous.memberId) ?? new Map())
        group.target.delete(previous.memberId)
        group.staticMembers.set(request.instanceId, memberId)
        return this.update(group, member, request, true, false)
      }
      if (previous) {
        clearTimeout(previous.sessionTimer)
        clearTimeout(previous.revocationTimer)
      }
    }
    const existing = group.members.get(memberId)
    if (existing) this.removeMember(group, existing) // a fenced member rejoining starts afresh
    else if (group.members.size >= this.options.maxGroupSize) {
      return heartbeatError('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.options.maxGroupSize} members.`)
    }
    const member: ConsumerMember = {
      memberId,
      instanceId: request.instanceId,
      rackId: request.rackId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      subscribedTopicNames: request.subscribedTopicNames ?? [],
      subscribedTopicRegex: request.subscribedTopicRegex,
      serverAssignor: request.serverAssignor,
      memberEpoch: 0,
      previousMemberEpoch: -1,
      state: 'stable',
      assigned: new Map(),
      revoking: new Map(),
    }
    group.members.set(memberId, member)
    if (request.instanceId !== null) group.staticMembers.set(request.instanceId, memberId)
    return this.update(group, member, request, true, true)
  }

  private beat(group: ConsumerGroup, request: HeartbeatRequest): HeartbeatResult {
    const member = group.members.get(request.memberId)
    if (!member) return heartbeatError('UNKNOWN_MEMBER_ID', `Member ${request.memberId} is not a member of group ${group.groupId}.`)
    if (request.instanceId !== null && group.staticMembers.get(request.instanceId) !== member.memberId) {
      return heartbeatError('FENCED_INSTANCE_ID', `Instance ${request.instanceId} is held by another member.`)
    }
    const owned = request.ownedTopicPartitions
    if (request.memberEpoch > member.memberEpoch) {
      return heartbeatError('FENCED_MEMBER_EPOCH', `The consumer group member has a greater member epoch (${request.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}).`)
    }
    if (request.memberEpoch < member.memberEpoch) {
      // The previous epoch is fine if the member just missed our last answer.
      if (request.memberEpoch !== member.previousMemberEpoch || (owned !== null && !subsetOf(owned, member.assigned))) {
        return heartbeatError('FENCED_MEMBER_EPOCH', `The consumer group member has a smaller member epoch (${request.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}).`)
      }
    }
    const full = request.rebalanceTimeoutMs !== -1 && request.subscribedTopicNames !== null && owned !== null
    return this.update(group, member, request, full, false)
  }

  /** Applies the request's changes, moves the epochs and the target (one group epoch for all
   *  that changed at once), reconciles the member. */
  private update(group: ConsumerGroup, member: ConsumerMember, request: HeartbeatRequest, sendAssignment: boolean, joined: boolean): HeartbeatResult {
    let subscriptionChanged = joined
    if (request.subscribedTopicNames !== null && !sameList(request.subscribedTopicNames, member.subscribedTopicNames)) {
      member.subscribedTopicNames = [...request.subscribedTopicNames]
      subscriptionChanged = true
    }
    if (request.subscribedTopicRegex !== null && request.subscribedTopicRegex !== member.subscribedTopicRegex) {
      // An empty regex means "no regex any more" (the client switched to names).
      member.subscribedTopicRegex = request.subscribedTopicRegex === '' ? null : request.subscribedTopicRegex
      subscriptionChanged = true
    }
    if (request.serverAssignor !== null && request.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = request.serverAssignor
      subscriptionChanged = true
    }
    if (request.rebalanceTimeoutMs > 0) member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
    if (request.rackId !== null) member.rackId = request.rackId
    member.clientId = request.clientId
    member.clientHost = request.clientHost
    if (subscriptionChanged || this.metadataOf(group) !== group.metadata) group.groupEpoch++
    if (group.groupEpoch > group.assignmentEpoch) this.computeTarget(group)
    const before = copy(member.assigned)
    this.reconcile(group, member, request.ownedTopicPartitions)
    this.armSession(group, member)
    const changed = !sameAssignment(before, member.assigned)
    return {
      error: 'NONE',
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      assignment: sendAssignment || changed ? copy(member.assigned) : null,
    }
  }

  // ---- Assignment ------------------------------------------------------------------------------

  /** The topics a member may be assigned: named ones that exist, and regex matches. */
  private topicsOf(member: ConsumerMember): {name: string; topicId: string; partitions: number}[] {
    const names = new Set(member.subscribedTopicNames)
    if (member.subscribedTopicRegex !== null) {
      const regex = compileTopicRegex(member.subscribedTopicRegex)
      if (typeof regex !== 'string') for (const name of this.options.topics.topicNames()) if (regex.test(name)) names.add(name)
    }
    const topics: {name: string; topicId: string; partitions: number}[] = []
    for (const name of [...names].sort()) {
      const topic = this.options.topics.topic(name)
      if (topic) topics.push({name, topicId: topic.topicId, partitions: topic.partitions})
    }
    return topics
  }

  private metadataOf(group: ConsumerGroup): string {
    const seen = new Set<string>()
    for (const member of group.members.values()) for (const topic of this.topicsOf(member)) seen.add(`${topic.name}:${topic.topicId}:${topic.partitions}`)
    return [...seen].sort().join(',')
  }

  private chooseAssignor(group: ConsumerGroup): string {
    const votes = new Map<string, number>()
    for (const member of group.members.values()) if (member.serverAssignor !== null) votes.set(member.serverAssignor, (votes.get(member.serverAssignor) ?? 0) + 1)
    let best = this.options.assignors[0]
    let bestVotes = 0
    for (const [name, count] of votes) if (count > bestVotes) [best, bestVotes] = [name, count]
    return best
  }

  private computeTarget(group: ConsumerGroup): void {
    group.assignorName = this.chooseAssignor(group)
    const members: AssignorMember[] = [...group.members.values()].map((member) => ({memberId: member.memberId, topics: this.topicsOf(member)}))
    group.target = assignors[group.assignorName](members, group.target)
    group.metadata = this.metadataOf(group)
    group.assignmentEpoch = group.groupEpoch
  }

  /** One step of CurrentAssignmentBuilder for this member. */
  private reconcile(group: ConsumerGroup, member: ConsumerMember, owned: Assignment | null): void {
    if (member.memberEpoch < 0) return
    if (member.state === 'unrevoked') {
      // Still owning a partition being revoked: keep waiting (the rebalance timeout runs).
      if (owned === null || !isEmpty(intersect(owned, member.revoking))) return
      member.revoking = new Map()
      member.state = 'stable'
      clearTimeout(member.revocationTimer)
      member.revocationTimer = undefined
    }
    const target = group.target.get(member.memberId) ?? new Map()
    if (member.state === 'stable' && member.memberEpoch === group.assignmentEpoch && sameAssignment(member.assigned, target)) return
    const kept = intersect(member.assigned, target)
    const revoke = minus(member.assigned, target)
    if (!isEmpty(revoke)) {
      member.assigned = kept
      member.revoking = revoke
      member.state = 'unrevoked'
      clearTimeout(member.revocationTimer)
      member.revocationTimer = setTimeout(() => this.onRevocationTimeout(group, member), member.rebalanceTimeoutMs)
      member.revocationTimer.unref?.()
      return
    }
    const next = copy(kept)
    let unreleased = false
    for (const [topicId, partitions] of minus(target, kept)) {
      for (const partition of partitions) {
        if (this.heldByOther(group, member, topicId, partition)) unreleased = true
        else {
          if (!next.has(topicId)) next.set(topicId, new Set())
          next.get(topicId)!.add(partition)
        }
      }
    }
    if (member.memberEpoch !== group.assignmentEpoch) {
      member.previousMemberEpoch = member.memberEpoch
      member.memberEpoch = group.assignmentEpoch
    }
    member.assigned = next
    member.state = unreleased ? 'unreleased' : 'stable'
  }

  private heldByOther(group: ConsumerGroup, member: ConsumerMember, topicId: string, partition: number): boolean {
    for (const other of group.members.values()) {
      if (other !== member && (has(other.assigned, topicId, partition) || has(other.revoking, topicId, partition))) return true
    }
    return false
  }

  // ---- Sessions --------------------------------------------------------------------------------

  private armSession(group: ConsumerGroup, member: ConsumerMember): void {
    clearTimeout(member.sessionTimer)
    member.sessionTimer = setTimeout(() => {
      if (group.members.get(member.memberId) !== member) return
      this.removeMember(group, member)
      this.persistFromTimer(group)
    }, this.options.sessionTimeoutMs)
    member.sessionTimer.unref?.()
  }

  private onRevocationTimeout(group: ConsumerGroup, member: ConsumerMember): void {
    if (group.members.get(member.memberId) !== member || member.state !== 'unrevoked') return
    this.removeMember(group, member)
    this.persistFromTimer(group)
  }

  private removeMember(group: ConsumerGroup, member: ConsumerMember): void {
    clearTimeout(member.sessionTimer)
    clearTimeout(member.revocationTimer)
    group.members.delete(member.memberId)
    group.target.delete(member.memberId)
    if (member.instanceId !== null && group.staticMembers.get(member.instanceId) === member.memberId) group.staticMembers.delete(member.instanceId)
    group.groupEpoch++
    if (group.members.size === 0) {
      group.emptySinceMs = this.options.now()
      group.assignmentEpoch = group.groupEpoch
    } else {
      this.computeTarget(group)
    }
  }

  // ---- Offsets ---------------------------------------------------------------------------------

  /** ConsumerGroup.validateOffsetCommit of Kafka 4.0. */
  validateCommit(group: ConsumerGroup, request: CommitRequest): GroupErrorName {
    if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
    if (request.generationId < 0 && group.members.size === 0) return 'NONE'
    const member = group.members.get(request.memberId)
    if (!member) return 'UNKNOWN_MEMBER_ID'
    if (request.generationId !== member.memberEpoch) return 'STALE_MEMBER_EPOCH'
    this.armSession(group, member)
    return 'NONE'
  }

  /** ConsumerGroup.validateOffsetFetch: a member (OffsetFetch v9) must be current. */
  validateFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): GroupErrorName {
    if (memberId === null || (memberId === '' && memberEpoch < 0)) return 'NONE'
    const member = group.members.get(memberId)
    if (!member) return 'UNKNOWN_MEMBER_ID'
    return memberEpoch === member.memberEpoch ? 'NONE' : 'STALE_MEMBER_EPOCH'
  }

  /** The topics the group's members are subscribed to now (OffsetDelete refuses them). */
  subscribedTopics(group: ConsumerGroup): Set<string> {
    const names = new Set<string>()
    for (const member of group.members.values()) for (const topic of this.topicsOf(member)) names.add(topic.name)
    for (const member of group.members.values()) for (const name of member.subscribedTopicNames) names.add(name)
    return names
  }

  // ---- Inspection and durability ---------------------------------------------------------------

  describe(group: ConsumerGroup): ConsumerGroupSummary {
    return {
      groupId: group.groupId,
      state: group.state,
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: group.assignorName,
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        instanceId: member.instanceId,
        rackId: member.rackId,
        memberEpoch: member.memberEpoch,
        clientId: member.clientId,
        clientHost: member.clientHost,
        subscribedTopicNames: member.subscribedTopicNames,
        subscribedTopicRegex: member.subscribedTopicRegex,
        assignment: copy(member.assigned),
        targetAssignment: copy(group.target.get(member.memberId) ?? new Map()),
      })),
    }
  }

  /** Writes the group when it changed since its last write; throws GroupStoreWriteError. */
  private persist(group: ConsumerGroup): void {
    if (this.groups.get(group.groupId) !== group) return
    const stored = this.snapshot(group)
    const text = JSON.stringify(stored)
    if (this.saved.get(group.groupId) === text) return
    this.options.store.save(stored)
    this.saved.set(group.groupId, text)
  }

  /** A timer has no one to answer: a failed write is left for the group's next write. */
  private persistFromTimer(group: ConsumerGroup): void {
    unlessWriteFails(
      () => this.persist(group),
      () => undefined,
    )
  }

  private snapshot(group: ConsumerGroup): StoredConsumerGroup {
    return {
      groupId: group.groupId,
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: group.assignorName,
      metadata: group.metadata,
      members: [...group.members.values()].map((member): StoredMember => ({
        memberId: member.memberId,
        instanceId: member.instanceId,
        rackId: member.rackId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        rebalanceTimeoutMs: member.rebalanceTimeoutMs,
        subscribedTopicNames: [...member.subscribedTopicNames],
        subscribedTopicRegex: member.subscribedTopicRegex,
        serverAssignor: member.serverAssignor,
        memberEpoch: member.memberEpoch,
        previousMemberEpoch: member.previousMemberEpoch,
        state: member.state,
        assigned: toStored(member.assigned),
        revoking: toStored(member.revoking),
        target: toStored(group.target.get(member.memberId) ?? new Map()),
      })),
    }
  }

  /** Rebuilds a group from its stored form: at load, and to undo a heartbeat whose write failed. */
  private restore(stored: StoredConsumerGroup, emptySinceMs = this.options.now()): void {
    const group = new ConsumerGroup(stored.groupId, stored.assignorName, emptySinceMs)
    group.groupEpoch = stored.groupEpoch
    group.assignmentEpoch = stored.assignmentEpoch
    group.metadata = stored.metadata
    for (const saved of stored.members) {
      const member: ConsumerMember = {
        ...saved,
        state: saved.state as MemberState,
        assigned: fromStored(saved.assigned),
        revoking: fromStored(saved.revoking),
      }
      group.members.set(member.memberId, member)
      group.target.set(member.memberId, fromStored(saved.target))
      if (member.instanceId !== null) group.staticMembers.set(member.instanceId, member.memberId)
      // Members get one session timeout to come back, as after a coordinator failover.
      this.armSession(group, member)
      if (member.state === 'unrevoked') {
        member.revocationTimer = setTimeout(() => this.onRevocationTimeout(group, member), member.rebalanceTimeoutMs)
        member.revocationTimer.unref?.()
      }
    }
    this.groups.set(group.groupId, group)
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((name, index) => name === [...b].sort()[index])
}

function toStored(assignment: Assignment): Record<string, number[]> {
  return Object.fromEntries([...assignment].map(([topicId, partitions]) => [topicId, [...partitions].sort((a, b) => a - b)]))
}

function fromStored(stored: Record<string, number[]>): Assignment {
  return new Map(Object.entries(stored).map(([topicId, partitions]) => [topicId, new Set(partitions)]))
}
