// JoinGroup (key 11), versions 2-9.
//
// Behavior:
// - The classic rebalance protocol of groups/classic.ts: the answer waits for the
//   rendezvous (every member rejoined, or the rebalance timeout), so this handler is async.
// - Member ids are made by the coordinator: clientId (or group.instance.id) plus a UUID.
// - The client host is the connection's address with Kafka's leading slash ("/127.0.0.1").
// - ACLs: READ on the group (GROUP_AUTHORIZATION_FAILED), as for SyncGroup, Heartbeat,
//   LeaveGroup and OffsetCommit.
// - A KIP-848 consumer group id: while it has members, INCONSISTENT_GROUP_PROTOCOL; once it is
//   empty the join turns it into a classic group again, its offsets kept (groups/coordinator.ts).
// - A member that does not rejoin within its rebalance timeout (the Java client's
//   max.poll.interval.ms) is dropped when the rebalance completes without it.
//
// Not implemented:
// - Classic members inside a consumer group (Kafka 4.0's default online migration,
//   group.consumer.migration.policy=bidirectional).
// - The join reason (v8+) is accepted and dropped (Kafka only logs it).
//
// Version notes:
// - v2-v3: same as v1 (throttle time from v2). v4: MEMBER_ID_REQUIRED round trip (KIP-394).
// - v5: group.instance.id (KIP-345). v6: flexible. v7: protocol type in the response (KIP-559).
// - v8: reason (KIP-800). v9: SkipAssignment for a rejoining static leader (KIP-814).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(11, {
  async handle(request, ctx) {
    if (!ctx.state.allowed(ctx.connection, 'READ', 'GROUP', request.groupId)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, generationId: -1, protocolName: ctx.apiVersion >= 7 ? null : '', leader: '', memberId: request.memberId, members: []}
    }
    const result = await ctx.state.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.connection.remoteAddress}`,
      requireKnownMemberId: ctx.apiVersion >= 4,
      supportsSkipAssignment: ctx.apiVersion >= 9,
    })
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode[result.error],
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Non-nullable before v7: an error answer carries "" there.
      protocolName: result.protocolName ?? (ctx.apiVersion >= 7 ? null : ''),
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members,
    }
  },
})
