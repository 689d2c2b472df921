// Classic group membership: Kafka's classic rebalance protocol (JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup), as ClassicGroup in Kafka 4.0's group coordinator still runs it. Pure:
// no sockets, no codec, no offsets (offsets.ts keeps them; the coordinator facade asks
// validateCommit here before storing a commit).
//
// Behaviour:
// - Member ids are handed out by the coordinator. From JoinGroup v4 a member joining with an
//   empty id gets MEMBER_ID_REQUIRED and its new id, and must join again with it (KIP-394);
//   the id waits as "pending" for one session timeout.
// - A rebalance (PreparingRebalance) waits for every known member to rejoin, at most the
//   largest rebalance timeout (max.poll.interval.ms) of the members; members that did not
//   rejoin by then are removed, and the group goes on without them. A new group first waits
//   group.initial.rebalance.delay.ms for more members (InitialDelayedJoin).
// - The coordinator picks the protocol every member supports with the most first-preference
//   votes; the leader (first member) gets every member's metadata and computes assignments,
//   which SyncGroup hands out. Assignment strategies (eager or cooperative) are the clients'
//   business: a cooperative client keeps its unaffected partitions across the rebalance.
// - Every member has a session timer, re-armed by any JoinGroup, SyncGroup, Heartbeat or
//   OffsetCommit from it; when it fires the member is removed and the group rebalances.
//   Members waiting for a JoinGroup or SyncGroup answer are kept alive, as in Kafka.
// - Static members (group.instance.id, KIP-345): a rejoin with the same instance id takes over
//   the old member id; the old id is then fenced (FENCED_INSTANCE_ID). A stable group whose
//   static member rejoins with unchanged metadata does not rebalance.
// - Commits: a member must carry the current generation; during CompletingRebalance the answer
//   is REBALANCE_IN_PROGRESS (PreparingRebalance accepts them, as Kafka); generation -1 is an
//   "admin" commit, accepted only while the group has no members.
// - A group entry stays while it has members or committed offsets (the facade forgets it).
// - Durability: a group is written through its GroupStore (group-store.ts) each time it
//   becomes Stable (generation, protocol, leader, members with their metadata and assignments)
//   and forgotten there when it starts a rebalance or empties. After a restart a group that was
//   Stable comes back Stable, its members' sessions re-armed, so their heartbeats and commits
//   go on at the same generation and nobody rebalances; a group caught mid-rebalance comes back
//   Empty with its offsets and its members rejoin.
// - A write that fails (a full disk) changes nothing a request asked for, and the request is
//   answered NOT_COORDINATOR (common.ts STORE_WRITE_FAILED): a JoinGroup that would start a
//   rebalance of a Stable group first forgets the stored generation; a SyncGroup that completes
//   one first stores it, and on failure every member waiting is answered the error and the
//   group rebalances again, as Kafka does. A timer (a session that expired, a rebalance that
//   timed out) cannot be answered: its change goes ahead, and the stored generation stays
//   until the next write for the group succeeds (a restart meanwhile brings back that
//   generation, whose members rejoin or expire).
import {randomUUID} from 'node:crypto'
import {decodeSubscriptionTopics} from '../../kafka/consumer-protocol.js'
import {unlessWriteFails} from './append-file.js'
import {type CommitRequest, type GroupErrorName, STORE_WRITE_FAILED} from './common.js'
import type {ClassicGroupStore, StoredClassicGroup} from './group-store.js'

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export interface ClassicOptions {
  readonly initialRebalanceDelayMs: number
  readonly minSessionTimeoutMs: number
  readonly maxSessionTimeoutMs: number
  readonly maxGroupSize: number
  readonly store: ClassicGroupStore
  readonly now: () => number
}

export interface Protocol {
  readonly name: string
  readonly metadata: Buffer
}

export interface JoinRequest {
  readonly groupId: string
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly sessionTimeoutMs: number
  /** -1 (JoinGroup v0) means "same as the session timeout". */
  readonly rebalanceTimeoutMs: number
  readonly protocolType: string
  readonly protocols: readonly Protocol[]
  readonly clientId: string
  readonly clientHost: string
  /** JoinGroup v4+: a member must join with the id the coordinator gives it (KIP-394). */
  readonly requireKnownMemberId: boolean
  /** JoinGroup v9+: a rejoining static leader may keep the current assignment (KIP-814). */
  readonly supportsSkipAssignment: boolean
}

export interface JoinResult {
  readonly error: GroupErrorName
  readonly generationId: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly leader: string
  readonly skipAssignment: boolean
  readonly memberId: string
  readonly members: readonly {memberId: string; groupInstanceId: string | null; metadata: Buffer}[]
}

export interface SyncRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly assignments: readonly {memberId: string; assignment: Buffer}[]
}

export interface SyncResult {
  readonly error: GroupErrorName
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly assignment: Buffer
}

export interface MemberIdentity {
  readonly memberId: string
  readonly groupInstanceId: string | null
}


export interface MemberSummary {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly metadata: Buffer
  readonly assignment: Buffer
}

export interface GroupSummary {
  readonly groupId: string
  readonly state: GroupState
  readonly protocolType: string
  readonly protocolName: string
  readonly generationId: number
  readonly members: readonly MemberSummary[]
}

const NO_BYTES = Buffer.alloc(0)

/** What a JoinGroup sets on a member (updateMember). */
type MemberSettings = Pick<Member, 'protocols' | 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'clientId' | 'clientHost'>

interface Member {
  memberId: string
  readonly groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: readonly Protocol[]
  assignment: Buffer
  joinWaiter?: (result: JoinResult) => void
  syncWaiter?: (result: SyncResult) => void
  sessionTimer?: ReturnType<typeof setTimeout>
}

/** One classic group. Its timers (member sessions, pending ids, the rebalance) live here
 *  and are cleared by close(). */
export class ClassicGroup {
  state: GroupState = 'Empty'
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  readonly members = new Map<string, Member>()
  /** KIP-394 ids handed out and not yet used to join, with their expiry timers. */
  readonly pendingMembers = new Map<string, ReturnType<typeof setTimeout>>()
  /** group.instance.id -> current member id */
  readonly staticMembers = new Map<string, string>()
  rebalanceTimer?: ReturnType<typeof setTimeout>
  /** When the group last became Empty (KIP-211: retention counts from then). */
  emptySinceMs: number
  /** Set while the initial delay of a new group runs; joins do not complete meanwhile. */
  initialDelayRunning = false
  /** The store holds a Stable generation of this group (written when it became Stable). */
  stored = false

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.emptySinceMs = nowMs
  }

  close(): void {
    for (const member of this.members.values()) clearTimeout(member.sessionTimer)
    for (const timer of this.pendingMembers.values()) clearTimeout(timer)
    this.pendingMembers.clear()
    clearTimeout(this.rebalanceTimer)
    this.rebalanceTimer = undefined
  }

  /** No members, none pending: the entry only matters while the group has offsets. */
  isVacant(): boolean {
    return this.state === 'Empty' && this.members.size === 0 && this.pendingMembers.size === 0
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false
    for (const member of this.members.values()) if (!member.joinWaiter) return false
    return true
  }

  /** Protocols that every member (and the candidate, if given) supports, in the first member's order. */
  commonProtocols(candidate?: readonly Protocol[]): string[] {
    const lists = [...this.members.values()].map((member) => member.protocols.map((protocol) => protocol.name))
    if (candidate) lists.push(candidate.map((protocol) => protocol.name))
    if (lists.length === 0) return []
    return lists[0].filter((name) => lists.every((list) => list.includes(name)))
  }

  /** Each member votes for its most preferred common protocol; most votes wins (GroupMetadata.selectProtocol). */
  selectProtocol(): string {
    const candidates = this.commonProtocols()
    const votes = new Map<string, number>(candidates.map((name) => [name, 0]))
    for (const member of this.members.values()) {
      const choice = member.protocols.find((protocol) => votes.has(protocol.name))!.name
      votes.set(choice, votes.get(choice)! + 1)
    }
    let best = candidates[0]
    for (const name of candidates) if (votes.get(name)! > votes.get(best)!) best = name
    return best
  }

  subscribedTopics(): Set<string> | undefined {
    if (this.protocolType !== 'consumer' || this.protocolName === null) return undefined
    const topics = new Set<string>()
    for (const member of this.members.values()) {
      const metadata = member.protocols.find((protocol) => protocol.name === this.protocolName)?.metadata
      if (!metadata) continue
      const decoded = decodeSubscriptionTopics(metadata)
      if (decoded === undefined) return undefined // unreadable: assume nothing
      for (const topic of decoded) topics.add(topic)
    }
    return topics
  }
}

function joinError(error: GroupErrorName, memberId: string): JoinResult {
  return {error, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: []}
}

function syncError(error: GroupErrorName): SyncResult {
  return {error, protocolType: null, protocolName: null, assignment: NO_BYTES}
}

export class ClassicGroups {
  private readonly groups = new Map<string, ClassicGroup>()
  private readonly options: ClassicOptions
  private readonly now: () => number
  private closed = false

  constructor(options: ClassicOptions) {
    this.options = options
    this.now = options.now
    for (const stored of options.store.load()) this.restore(stored)
  }

  close(): void {
    this.closed = true
    this.options.store.close()
    for (const group of this.groups.values()) {
      // Answer anyone still waiting so their connections are not left hanging.
      for (const member of group.members.values()) {
        member.joinWaiter?.(joinError('COORDINATOR_NOT_AVAILABLE', member.memberId))
        member.syncWaiter?.(syncError('COORDINATOR_NOT_AVAILABLE'))
        member.joinWaiter = undefined
        member.syncWaiter = undefined
      }
      group.close()
    }
  }

  get(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId)
  }

  /** The entry of a group known only by its offsets (or an admin commit): Empty, generation 0. */
  ensure(groupId: string): ClassicGroup {
    let group = this.groups.get(groupId)
    if (!group) this.groups.set(groupId, (group = new ClassicGroup(groupId, this.now())))
    return group
  }

  all(): IterableIterator<ClassicGroup> {
    return this.groups.values()
  }

  /** Drops a group entry (DeleteGroups, expiry, or a conversion to a consumer group). */
  /** Throws GroupStoreWriteError, changing nothing, when the stored group cannot be forgotten. */
  remove(groupId: string): void {
    const group = this.groups.get(groupId)
    if (!group) return
    this.unstore(group)
    group.state = 'Dead'
    group.close()
    this.groups.delete(groupId)
  }

  // ---- The stored generation ------------------------------------------------------------------

  /** Forgets the group's stored generation; throws GroupStoreWriteError when that fails. */
  private unstore(group: ClassicGroup): void {
    if (!group.stored) return
    this.options.store.remove(group.groupId)
    group.stored = false
  }

  /** unstore before a request starts a rebalance of `group`: false (nothing changed) when the
   *  write failed, and the request is answered STORE_WRITE_FAILED. */
  private unstoreForRequest(group: ClassicGroup): boolean {
    return unlessWriteFails(
      () => {
        this.unstore(group)
        return true
      },
      () => false,
    )
  }

  /** unstore from a timer, which has no one to answer: a failure leaves the stored generation
   *  for the next write to replace (see Durability above). */
  private unstoreFromTimer(group: ClassicGroup): void {
    unlessWriteFails(
      () => this.unstore(group),
      () => undefined,
    )
  }

  // ---- JoinGroup ------------------------------------------------------------------------------

  joinGroup(request: JoinRequest): Promise<JoinResult> {
    const {groupId, memberId} = request
    if (this.closed) return Promise.resolve(joinError('COORDINATOR_NOT_AVAILABLE', memberId))
    if (groupId === '') return Promise.resolve(joinError('INVALID_GROUP_ID', memberId))
    if (request.sessionTimeoutMs < this.options.minSessionTimeoutMs || request.sessionTimeoutMs > this.options.maxSessionTimeoutMs) {
      return Promise.resolve(joinError('INVALID_SESSION_TIMEOUT', memberId))
    }
    let group = this.groups.get(groupId)
    if (!group) {
      if (memberId !== '') return Promise.resolve(joinError('UNKNOWN_MEMBER_ID', memberId))
      group = this.ensure(groupId)
    }
    if (group.state === 'Dead') return Promise.resolve(joinError('COORDINATOR_NOT_AVAILABLE', memberId))
    if (!this.supportsProtocols(group, request)) return Promise.resolve(joinError('INCONSISTENT_GROUP_PROTOCOL', memberId))
    const normalized = {...request, rebalanceTimeoutMs: request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs}
    return memberId === '' ? this.joinNewMember(group, normalized) : this.joinKnownMember(group, normalized)
  }

  private supportsProtocols(group: ClassicGroup, request: JoinRequest): boolean {
    if (request.protocolType === '' || request.protocols.length === 0) return false
    if (group.members.size === 0) return true
    // GroupMetadata.supportsProtocols: same protocol type, and one protocol every member and
    // the joiner support.
    return group.protocolType === request.protocolType && group.commonProtocols(request.protocols).length > 0
  }

  private joinNewMember(group: ClassicGroup, request: JoinRequest): Promise<JoinResult> {
    const newMemberId = `${request.groupInstanceId ?? request.clientId}-${randomUUID()}`
    if (request.groupInstanceId !== null) return this.joinStaticMember(group, request, newMemberId)
    if (group.members.size >= this.options.maxGroupSize) return Promise.resolve(joinError('GROUP_MAX_SIZE_REACHED', ''))
    if (request.requireKnownMemberId) {
      const timer = setTimeout(() => this.expirePending(group, newMemberId), request.sessionTimeoutMs)
      group.pendingMembers.set(newMemberId, timer)
      return Promise.resolve(joinError('MEMBER_ID_REQUIRED', newMemberId))
    }
    return this.addMemberAndRebalance(group, request, newMemberId)
  }

  private expirePending(group: ClassicGroup, memberId: string): void {
    group.pendingMembers.delete(memberId)
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
  }

  private joinStaticMember(group: ClassicGroup, request: JoinRequest, newMemberId: string): Promise<JoinResult> {
    const oldMemberId = group.staticMembers.get(request.groupInstanceId!)
    const old = oldMemberId === undefined ? undefined : group.members.get(oldMemberId)
    if (!old) return this.addMemberAndRebalance(group, request, newMemberId)
    const keepsGeneration = group.state === 'Stable' && sameProtocols(old.protocols, request.protocols)
    if (!keepsGeneration && !this.unstoreForRequest(group)) return Promise.resolve(joinError(STORE_WRITE_FAILED, request.memberId))
    // Take over the old member id: whoever still holds it is fenced from now on.
    old.joinWaiter?.(joinError('FENCED_INSTANCE_ID', old.memberId))
    old.syncWaiter?.(syncError('FENCED_INSTANCE_ID'))
    old.joinWaiter = undefined
    old.syncWaiter = undefined
    const previous = {...old}
    this.replaceStaticMember(group, old, newMemberId, request)
    this.armSession(group, old)
    if (keepsGeneration) {
      const stored = unlessWriteFails(
        () => {
          this.persist(group)
          return true
        },
        () => false,
      )
      if (!stored) {
        // As Kafka: the instance keeps its old member id, the joiner gets the error.
        this.replaceStaticMember(group, old, previous.memberId, previous)
        return Promise.resolve(joinError(STORE_WRITE_FAILED, request.memberId))
      }
      const isLeader = group.leaderId === newMemberId
      const skipAssignment = isLeader && request.supportsSkipAssignment
      return Promise.resolve({
        error: 'NONE',
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment,
        memberId: newMemberId,
        members: skipAssignment ? this.memberList(group) : [],
      })
    }
    return this.updateMemberAndRebalance(group, old, request)
  }

  /** Gives the static member `member` the id `memberId` (and the leadership it had) and the
   *  settings `from` carries. */
  private replaceStaticMember(group: ClassicGroup, member: Member, memberId: string, from: MemberSettings): void {
    group.members.delete(member.memberId)
    if (group.leaderId === member.memberId) group.leaderId = memberId
    member.memberId = memberId
    group.members.set(memberId, member)
    group.staticMembers.set(member.groupInstanceId!, memberId)
    this.updateMember(member, from)
  }

  private joinKnownMember(group: ClassicGroup, request: JoinRequest): Promise<JoinResult> {
    const {memberId} = request
    if (group.pendingMembers.has(memberId)) {
      if (!this.unstoreForRequest(group)) return Promise.resolve(joinError(STORE_WRITE_FAILED, memberId))
      clearTimeout(group.pendingMembers.get(memberId))
      group.pendingMembers.delete(memberId)
      return this.addMemberAndRebalance(group, request, memberId)
    }
    const fenced = this.validateMember(group, memberId, request.groupInstanceId)
    if (fenced !== 'NONE') return Promise.resolve(joinError(fenced, memberId))
    const member = group.members.get(memberId)!
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, request)
      case 'CompletingRebalance':
        // The join response was lost: answer it again unless the member changed.
        if (sameProtocols(member.protocols, request.protocols)) {
          this.armSession(group, member)
          return Promise.resolve(this.joinResponse(group, member))
        }
        return this.updateMemberAndRebalance(group, member, request)
      case 'Stable':
        if (group.leaderId === memberId || !sameProtocols(member.protocols, request.protocols)) {
          return this.updateMemberAndRebalance(group, member, request)
        }
        this.armSession(group, member)
        return Promise.resolve({...this.joinResponse(group, member), members: []})
      default:
        return Promise.resolve(joinError('UNKNOWN_MEMBER_ID', memberId))
    }
  }

  /** Kafka's validateCurrentMember: static fencing first, then membership. */
  private validateMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): GroupErrorName {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId)
      if (current !== undefined && current !== memberId) return 'FENCED_INSTANCE_ID'
    }
    return group.members.has(memberId) ? 'NONE' : 'UNKNOWN_MEMBER_ID'
  }

  private addMemberAndRebalance(group: ClassicGroup, request: JoinRequest, memberId: string): Promise<JoinResult> {
    if (!this.unstoreForRequest(group)) return Promise.resolve(joinError(STORE_WRITE_FAILED, request.memberId))
    const member: Member = {
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      assignment: NO_BYTES,
    }
    if (group.members.size === 0) group.protocolType = request.protocolType
    group.members.set(memberId, member)
    if (request.groupInstanceId !== null) group.staticMembers.set(request.groupInstanceId, memberId)
    if (group.leaderId === null) group.leaderId = memberId
    const result = this.awaitJoin(member)
    this.armSession(group, member)
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
    else this.prepareRebalance(group)
    return result
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: Member, request: JoinRequest): Promise<JoinResult> {
    if (!this.unstoreForRequest(group)) return Promise.resolve(joinError(STORE_WRITE_FAILED, request.memberId))
    this.updateMember(member, request)
    const result = this.awaitJoin(member)
    this.armSession(group, member)
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
    else this.prepareRebalance(group)
    return result
  }

  private updateMember(member: Member, from: MemberSettings): void {
    member.protocols = from.protocols
    member.sessionTimeoutMs = from.sessionTimeoutMs
    member.rebalanceTimeoutMs = from.rebalanceTimeoutMs
    member.clientId = from.clientId
    member.clientHost = from.clientHost
  }

  private awaitJoin(member: Member): Promise<JoinResult> {
    // A second JoinGroup from the same member replaces the first; the first gets an error
    // so its connection is answered (the client has given up on it anyway).
    member.joinWaiter?.(joinError('UNKNOWN_MEMBER_ID', member.memberId))
    return new Promise((resolve) => {
      member.joinWaiter = resolve
    })
  }

  private prepareRebalance(group: ClassicGroup): void {
    if (group.state === 'CompletingRebalance') {
      for (const member of group.members.values()) {
        member.syncWaiter?.(syncError('REBALANCE_IN_PROGRESS'))
        member.syncWaiter = undefined
        member.assignment = NO_BYTES
      }
    }
    const wasEmpty = group.state === 'Empty'
    this.unstoreFromTimer(group) // a request has done it already, so only a timer can fail here
    group.state = 'PreparingRebalance'
    clearTimeout(group.rebalanceTimer)
    const rebalanceTimeoutMs = Math.max(0, ...[...group.members.values()].map((member) => member.rebalanceTimeoutMs))
    if (wasEmpty && this.options.initialRebalanceDelayMs > 0) {
      // InitialDelayedJoin: give the other members of a new group a moment to arrive, so
      // the first generation is not immediately followed by another.
      group.initialDelayRunning = true
      const delayMs = Math.min(this.options.initialRebalanceDelayMs, rebalanceTimeoutMs)
      group.rebalanceTimer = setTimeout(() => {
        group.initialDelayRunning = false
        const remainingMs = Math.max(0, rebalanceTimeoutMs - delayMs)
        if (group.allMembersJoined() || remainingMs === 0) this.completeJoin(group)
        else group.rebalanceTimer = setTimeout(() => this.completeJoin(group), remainingMs)
      }, delayMs)
      return
    }
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group), rebalanceTimeoutMs)
    this.maybeCompleteJoin(group)
  }

  private maybeCompleteJoin(group: ClassicGroup): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelayRunning && group.allMembersJoined()) this.completeJoin(group)
  }

  private completeJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return
    clearTimeout(group.rebalanceTimer)
    group.rebalanceTimer = undefined
    group.initialDelayRunning = false
    for (const member of [...group.members.values()]) if (!member.joinWaiter) this.removeMember(group, member)
    for (const timer of group.pendingMembers.values()) clearTimeout(timer)
    group.pendingMembers.clear()
    group.generationId++
    if (group.members.size === 0) {
      this.unstoreFromTimer(group)
      group.state = 'Empty'
      group.emptySinceMs = this.now()
      group.protocolName = null
      group.leaderId = null
      return
    }
    group.protocolName = group.selectProtocol()
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!
    group.state = 'CompletingRebalance'
    for (const member of group.members.values()) {
      const respond = member.joinWaiter!
      member.joinWaiter = undefined
      this.armSession(group, member)
      respond(this.joinResponse(group, member))
    }
  }

  private joinResponse(group: ClassicGroup, member: Member): JoinResult {
    const isLeader = group.leaderId === member.memberId
    return {
      error: 'NONE',
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: member.memberId,
      members: isLeader ? this.memberList(group) : [],
    }
  }

  private memberList(group: ClassicGroup): JoinResult['members'] {
    return [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.protocols.find((protocol) => protocol.name === group.protocolName)?.metadata ?? NO_BYTES,
    }))
  }

  // ---- Sessions and leaving -------------------------------------------------------------------

  private armSession(group: ClassicGroup, member: Member): void {
    clearTimeout(member.sessionTimer)
    member.sessionTimer = setTimeout(() => this.onSessionExpired(group, member), member.sessionTimeoutMs)
  }

  private onSessionExpired(group: ClassicGroup, member: Member): void {
    if (group.members.get(member.memberId) !== member) return
    // A member blocked in JoinGroup or SyncGroup cannot heartbeat; Kafka keeps it alive.
    if (member.joinWaiter || member.syncWaiter) {
      this.armSession(group, member)
      return
    }
    this.removeMemberAndUpdate(group, member)
  }

  private removeMember(group: ClassicGroup, member: Member): void {
    clearTimeout(member.sessionTimer)
    member.joinWaiter?.(joinError('UNKNOWN_MEMBER_ID', member.memberId))
    member.syncWaiter?.(syncError('UNKNOWN_MEMBER_ID'))
    member.joinWaiter = undefined
    member.syncWaiter = undefined
    group.members.delete(member.memberId)
    if (member.groupInstanceId !== null && group.staticMembers.get(member.groupInstanceId) === member.memberId) {
      group.staticMembers.delete(member.groupInstanceId)
    }
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null
  }

  private removeMemberAndUpdate(group: ClassicGroup, member: Member): void {
    this.removeMember(group, member)
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group)
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
  }

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): GroupErrorName {
    const group = this.groups.get(groupId)
    if (this.closed || group?.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE'
    if (!group || group.state === 'Empty') return 'UNKNOWN_MEMBER_ID'
    const invalid = this.validateMember(group, memberId, groupInstanceId)
    if (invalid !== 'NONE') return invalid
    if (generationId !== group.generationId) return 'ILLEGAL_GENERATION'
    this.armSession(group, group.members.get(memberId)!)
    return group.state === 'PreparingRebalance' ? 'REBALANCE_IN_PROGRESS' : 'NONE'
  }

  /** One result per leaving member, in request order (LeaveGroup v3+ batches them). */
  leaveGroup(groupId: string, leaving: readonly MemberIdentity[]): {error: GroupErrorName; members: GroupErrorName[]} {
    const group = this.groups.get(groupId)
    if (this.closed || group?.state === 'Dead') return {error: 'COORDINATOR_NOT_AVAILABLE', members: leaving.map(() => 'COORDINATOR_NOT_AVAILABLE')}
    if (!group) return {error: 'NONE', members: leaving.map(() => 'UNKNOWN_MEMBER_ID')}
    const results = leaving.map(({memberId, groupInstanceId}): GroupErrorName => {
      let id = memberId
      if (groupInstanceId !== null) {
        const current = group.staticMembers.get(groupInstanceId)
        if (current === undefined) return 'UNKNOWN_MEMBER_ID'
        if (memberId !== '' && memberId !== current) return 'FENCED_INSTANCE_ID'
        id = current
      } else if (group.pendingMembers.has(memberId)) {
        clearTimeout(group.pendingMembers.get(memberId))
        group.pendingMembers.delete(memberId)
        this.maybeCompleteJoin(group)
        return 'NONE'
      }
      const member = group.members.get(id)
      if (!member) return 'UNKNOWN_MEMBER_ID'
      this.removeMemberAndUpdate(group, member)
      return 'NONE'
    })
    return {error: 'NONE', members: results}
  }

  // ---- SyncGroup ------------------------------------------------------------------------------

  syncGroup(request: SyncRequest): Promise<SyncResult> {
    const group = this.groups.get(request.groupId)
    if (this.closed || group?.state === 'Dead') return Promise.resolve(syncError('COORDINATOR_NOT_AVAILABLE'))
    if (!group) return Promise.resolve(syncError('UNKNOWN_MEMBER_ID'))
    const invalid = this.validateMember(group, request.memberId, request.groupInstanceId)
    if (invalid !== 'NONE') return Promise.resolve(syncError(invalid))
    if (request.generationId !== group.generationId) return Promise.resolve(syncError('ILLEGAL_GENERATION'))
    if ((request.protocolType !== null && request.protocolType !== group.protocolType) ||
        (request.protocolName !== null && request.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError('INCONSISTENT_GROUP_PROTOCOL'))
    }
    const member = group.members.get(request.memberId)!
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError('REBALANCE_IN_PROGRESS'))
      case 'CompletingRebalance': {
        const result = new Promise<SyncResult>((resolve) => {
          member.syncWaiter = resolve
        })
        this.armSession(group, member)
        if (group.leaderId === member.memberId) {
          const assignments = new Map(request.assignments.map(({memberId, assignment}) => [memberId, assignment]))
          const stored = unlessWriteFails(
            () => {
              this.persist(group, assignments)
              return true
            },
            () => false,
          )
          if (!stored) {
            // As Kafka (resetAndPropagateAssignmentWithError): every member waiting for its
            // assignment gets the error, and the group rebalances again.
            for (const each of group.members.values()) {
              each.syncWaiter?.(syncError(STORE_WRITE_FAILED))
              each.syncWaiter = undefined
            }
            this.prepareRebalance(group)
            return result
          }
          group.state = 'Stable'
          for (const each of group.members.values()) {
            each.assignment = assignments.get(each.memberId) ?? NO_BYTES
            const respond = each.syncWaiter
            each.syncWaiter = undefined
            this.armSession(group, each)
            respond?.({error: 'NONE', protocolType: group.protocolType, protocolName: group.protocolName, assignment: each.assignment})
          }
        }
        return result
      }
      case 'Stable':
        this.armSession(group, member)
        return Promise.resolve({error: 'NONE', protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment})
      default:
        return Promise.resolve(syncError('UNKNOWN_MEMBER_ID'))
    }
  }

  /** Stores the group's generation, with `assignments` in place of the members' own when given;
   *  throws GroupStoreWriteError when the write fails. */
  private persist(group: ClassicGroup, assignments?: ReadonlyMap<string, Buffer>): void {
    this.options.store.save({
      groupId: group.groupId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        sessionTimeoutMs: member.sessionTimeoutMs,
        rebalanceTimeoutMs: member.rebalanceTimeoutMs,
        protocolType: member.protocolType,
        protocols: member.protocols.map((protocol) => ({name: protocol.name, metadata: protocol.metadata.toString('base64')})),
        assignment: (assignments ? (assignments.get(member.memberId) ?? NO_BYTES) : member.assignment).toString('base64'),
      })),
    })
    group.stored = true
  }

  private restore(stored: StoredClassicGroup): void {
    const group = this.ensure(stored.groupId)
    group.stored = true
    group.generationId = stored.generationId
    group.protocolType = stored.protocolType
    group.protocolName = stored.protocolName
    group.leaderId = stored.leaderId
    for (const saved of stored.members) {
      const member: Member = {
        ...saved,
        protocols: saved.protocols.map((protocol) => ({name: protocol.name, metadata: Buffer.from(protocol.metadata, 'base64')})),
        assignment: Buffer.from(saved.assignment, 'base64'),
      }
      group.members.set(member.memberId, member)
      if (member.groupInstanceId !== null) group.staticMembers.set(member.groupInstanceId, member.memberId)
    }
    if (group.members.size === 0) return
    group.state = 'Stable'
    // Members get one session timeout to come back, as after a coordinator failover.
    for (const member of group.members.values()) this.armSession(group, member)
  }

  /** Kafka's validateOffsetCommit for classic groups: NONE when the commit may be stored. An
   *  admin commit (generation -1) for an unknown group creates its entry. */
  validateCommit(request: CommitRequest): GroupErrorName {
    if (this.closed) return 'COORDINATOR_NOT_AVAILABLE'
    let group = this.groups.get(request.groupId)
    if (group?.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE'
    if (!group) {
      // Only an admin-style commit may create a group; a member of a group the coordinator
      // does not know is told to rejoin.
      if (request.generationId >= 0) return 'ILLEGAL_GENERATION'
      group = this.ensure(request.groupId)
    }
    if (request.generationId < 0 && group.state === 'Empty') return 'NONE'
    const invalid = this.validateMember(group, request.memberId, request.groupInstanceId)
    if (invalid !== 'NONE') return invalid
    if (request.generationId !== group.generationId) return 'ILLEGAL_GENERATION'
    if (group.state === 'CompletingRebalance') return 'REBALANCE_IN_PROGRESS'
    this.armSession(group, group.members.get(request.memberId)!)
    return 'NONE'
  }

  /** Member metadata and assignments only when Stable, as Kafka (GroupMetadata.summary). */
  describe(group: ClassicGroup): GroupSummary {
    const stable = group.state === 'Stable'
    return {
      groupId: group.groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? (group.protocolName ?? '') : '',
      generationId: group.generationId,
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: stable ? (member.protocols.find((protocol) => protocol.name === group.protocolName)?.metadata ?? NO_BYTES) : NO_BYTES,
        assignment: stable ? member.assignment : NO_BYTES,
      })),
    }
  }
}

function sameProtocols(a: readonly Protocol[], b: readonly Protocol[]): boolean {
  return a.length === b.length && a.every((protocol, index) => protocol.name === b[index].name && protocol.metadata.equals(b[index].metadata))
}
