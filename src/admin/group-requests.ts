// Consumer groups as kctl sees them on any Kafka ≥ 2.8, over kctl's one client: ONE group
// model for both protocols.
//
// Kafka 4 has two kinds of consumer group. A `classic` group runs the JoinGroup/SyncGroup
// protocol; DescribeGroups describes it and its assignments are consumer-protocol bytes. A
// `consumer` group runs KIP-848 (ConsumerGroupHeartbeat, server-side assignors); only
// ConsumerGroupDescribe describes it — DescribeGroups answers GROUP_ID_NOT_FOUND ("not a
// classic group") or a Dead state, which is how older tools misreport it. ListGroups v5 says
// each group's type. So: list with v5 (types and states), describe `consumer` groups with
// ConsumerGroupDescribe and the rest with DescribeGroups; on a broker without ListGroups v5
// every group is taken as classic, and a group that DescribeGroups does not know is tried with
// ConsumerGroupDescribe where the broker has it. Share (KIP-932) and streams groups are listed
// with their type and never described as consumer groups.
//
// Every request goes to the group's coordinator (FindCoordinator, batched with v4) and is
// retried on NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS with the coordinator looked up
// again: coordinators move when brokers restart.
import {decodeAssignment} from '../kafka/consumer-protocol.js'
import {type BrokerConnection, KafkaClient, KafkaClientError} from '../kafka/client/index.js'
import {errorByName} from '../kafka/protocol/index.js'

/** ListGroups v5's types; anything else a newer broker reports is kept as its own string. */
export type GroupType = 'classic' | 'consumer' | 'share' | 'streams' | (string & {})

export interface TopicPartitions {
  topic: string
  partitions: number[]
}

export interface GroupMember {
  memberId: string
  /** group.instance.id of a static member. */
  groupInstanceId: string | null
  clientId: string
  host: string
  /** Consumer groups: the member's epoch; classic: null. */
  memberEpoch: number | null
  /** Topics the member subscribed to (classic: decoded from its subscription when it is a consumer). */
  subscribedTopics: string[]
  /** Consumer groups subscribed by regex (RE2/J). */
  subscribedTopicRegex: string | null
  /** What the member owns now; null when a classic member's bytes are not a consumer assignment. */
  assignment: TopicPartitions[] | null
  /** Consumer groups: what the assignor wants the member to own once reconciled. */
  targetAssignment: TopicPartitions[] | null
}

export interface GroupInfo {
  groupId: string
  type: GroupType
  /** Kafka's state for the type: classic Empty/PreparingRebalance/CompletingRebalance/Stable/Dead; consumer Empty/Assigning/Reconciling/Stable/Dead. */
  state: string
  /** Classic: "consumer", "connect", "" (offsets only); consumer groups: "consumer". */
  protocolType: string
  /** Classic: the chosen assignment strategy; consumer groups: the server assignor. */
  assignor: string
  /** Consumer groups only. */
  groupEpoch: number | null
  assignmentEpoch: number | null
  members: GroupMember[]
  /** 0, or the Kafka error code the coordinator answered (GROUP_ID_NOT_FOUND = 69 for an unknown group). */
  errorCode: number
}

export interface ListedGroup {
  groupId: string
  type: GroupType
  protocolType: string
  state: string
}

export const GROUP_ID_NOT_FOUND = 69

/** ListGroups on every broker (each lists the groups it coordinates); `types`/`states` filter where v5/v4 allow. */
export async function listAllGroups(client: KafkaClient, filter: {types?: readonly string[]; states?: readonly string[]} = {}): Promise<ListedGroup[]> {
  const lists = await Promise.all(
    client.brokers().map((node) =>
      client.retry(async () => {
        const connection = await client.broker(node.nodeId)
        const version = connection.version(16) ?? 0
        const response = await connection.send(16, {statesFilter: version >= 4 ? [...(filter.states ?? [])] : [], typesFilter: version >= 5 ? [...(filter.types ?? [])] : []})
        if (response.errorCode !== 0) throw KafkaClientError.fromCode(response.errorCode, null, connection.address)
        return response.groups.map((group) => ({
          groupId: group.groupId,
          // Before v5 every group was a classic one (or a share/streams group the broker could not name).
          type: version >= 5 ? group.groupType || 'classic' : 'classic',
          protocolType: group.protocolType,
          state: group.groupState || 'Unknown',
        }))
      }),
    ),
  )
  const byId = new Map<string, ListedGroup>()
  for (const group of lists.flat()) byId.set(group.groupId, group)
  return [...byId.values()].sort((a, b) => a.groupId.localeCompare(b.groupId))
}

/**
 * Describes groups of any type. `types` (from listAllGroups) picks the API per group; a group
 * without a known type is described with DescribeGroups first.
 */
export async function describeGroups(client: KafkaClient, groupIds: readonly string[], types: ReadonlyMap<string, GroupType> = new Map()): Promise<Map<string, GroupInfo>> {
  const result = new Map<string, GroupInfo>()
  const consumerGroups = groupIds.filter((id) => types.get(id) === 'consumer')
  const otherGroups = groupIds.filter((id) => types.get(id) !== 'consumer')
  for (const [id, info] of await onCoordinators(client, otherGroups, describeClassic, (groupId, code) => ({...unknownGroup(groupId, 'classic'), errorCode: code}))) result.set(id, info)
  // A group DescribeGroups does not know may be a consumer group on a broker whose ListGroups
  // could not say so (or was not asked): ConsumerGroupDescribe decides.
  const retryAsConsumer = otherGroups.filter((id) => !types.has(id) && isUnknown(result.get(id)))
  for (const [id, info] of await onCoordinators(client, [...consumerGroups, ...retryAsConsumer], describeConsumer, (groupId, code) => ({...unknownGroup(groupId, 'consumer'), errorCode: code}))) {
    if (info.errorCode === 0 || !result.has(id)) result.set(id, info)
  }
  return result
}

function isUnknown(info: GroupInfo | undefined): boolean {
  return info === undefined || info.errorCode === GROUP_ID_NOT_FOUND || (info.state === 'Dead' && info.members.length === 0)
}

/** DescribeGroups at one coordinator. */
async function describeClassic(connection: BrokerConnection, groupIds: string[]): Promise<GroupInfo[]> {
  const response = await connection.send(15, {groups: groupIds, includeAuthorizedOperations: false})
  return response.groups.map((group) => ({
    groupId: group.groupId,
    type: 'classic',
    // v6 answers an unknown group with GROUP_ID_NOT_FOUND; older versions with state Dead.
    state: group.groupState,
    protocolType: group.protocolType,
    assignor: group.protocolData,
    groupEpoch: null,
    assignmentEpoch: null,
    errorCode: group.errorCode,
    members: group.members.map((member) => {
      const isConsumer = group.protocolType === 'consumer'
      const assignment = isConsumer ? (decodeAssignment(member.memberAssignment)?.partitions ?? null) : null
      return {
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId ?? null,
        clientId: member.clientId,
        host: member.clientHost,
        memberEpoch: null,
        subscribedTopics: isConsumer ? subscribedTopics(member.memberMetadata) : [],
        subscribedTopicRegex: null,
        assignment: assignment && sortedPartitions(assignment.map(({topic, partitions}) => ({topic, partitions: [...partitions]}))),
        targetAssignment: null,
      }
    }),
  }))
}

/** ConsumerGroupDescribe at one coordinator; a broker without it answers every group as unknown. */
async function describeConsumer(connection: BrokerConnection, groupIds: string[]): Promise<GroupInfo[]> {
  if (!connection.supports(69)) return groupIds.map((groupId) => unknownGroup(groupId, 'consumer'))
  const response = await connection.send(69, {groupIds, includeAuthorizedOperations: false})
  return response.groups.map((group) => ({
    groupId: group.groupId,
    type: 'consumer',
    state: group.groupState,
    protocolType: 'consumer',
    assignor: group.assignorName,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    errorCode: group.errorCode,
    members: group.members.map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.instanceId ?? null,
      clientId: member.clientId,
      host: member.clientHost,
      memberEpoch: member.memberEpoch,
      subscribedTopics: [...member.subscribedTopicNames],
      subscribedTopicRegex: member.subscribedTopicRegex ?? null,
      assignment: sortedPartitions(member.assignment.topicPartitions.map((tp) => ({topic: tp.topicName, partitions: [...tp.partitions]}))),
      targetAssignment: sortedPartitions(member.targetAssignment.topicPartitions.map((tp) => ({topic: tp.topicName, partitions: [...tp.partitions]}))),
    })),
  }))
}

function unknownGroup(groupId: string, type: GroupType): GroupInfo {
  return {groupId, type, state: 'Dead', protocolType: '', assignor: '', groupEpoch: null, assignmentEpoch: null, members: [], errorCode: GROUP_ID_NOT_FOUND}
}

function sortedPartitions(list: TopicPartitions[]): TopicPartitions[] {
  return list.map(({topic, partitions}) => ({topic, partitions: [...partitions].sort((a, b) => a - b)})).sort((a, b) => a.topic.localeCompare(b.topic))
}

/** The topics of a classic consumer's JoinGroup subscription (version int16, then topics). */
function subscribedTopics(metadata: Buffer): string[] {
  if (metadata.length < 6) return []
  try {
    const count = metadata.readInt32BE(2)
    const topics: string[] = []
    let position = 6
    for (let index = 0; index < count && position + 2 <= metadata.length; index++) {
      const length = metadata.readInt16BE(position)
      if (length < 0 || position + 2 + length > metadata.length) return topics
      topics.push(metadata.toString('utf8', position + 2, position + 2 + length))
      position += 2 + length
    }
    return topics
  } catch {
    return []
  }
}

export interface CommittedOffsets {
  /** topic -> partition -> {offset, metadata} */
  offsets: Map<string, Map<number, {offset: number; metadata: string | null}>>
  errorCode: number
}

/** Every committed offset of each group: one OffsetFetch v8+ per coordinator for all its groups
 *  (KIP-709), else one per group with topics null (= all, v2+). */
export async function fetchCommittedOffsets(client: KafkaClient, groupIds: readonly string[]): Promise<Map<string, CommittedOffsets>> {
  const collect = (
    groupId: string,
    errorCode: number,
    topics: readonly {name: string; partitions: readonly {partitionIndex: number; committedOffset: number; metadata: string | null; errorCode: number}[]}[],
  ): [string, CommittedOffsets] => {
    const offsets = new Map<string, Map<number, {offset: number; metadata: string | null}>>()
    for (const topic of topics) {
      const partitions = new Map<number, {offset: number; metadata: string | null}>()
      for (const partition of topic.partitions) {
        // -1 = nothing committed (Kafka answers unknown partitions that way, without an error).
        if (partition.errorCode === 0 && partition.committedOffset >= 0) partitions.set(partition.partitionIndex, {offset: partition.committedOffset, metadata: partition.metadata})
      }
      if (partitions.size > 0) offsets.set(topic.name, partitions)
    }
    return [groupId, {offsets, errorCode}]
  }
  const fetched = await onCoordinators(client, groupIds, async (connection, ids) => {
    if (connection.supports(9, 8)) {
      const response = await connection.send(9, {groups: ids.map((groupId) => ({groupId, memberId: null, memberEpoch: -1, topics: null})), requireStable: false})
      return response.groups.map((group) => collect(group.groupId, group.errorCode, group.topics))
    }
    if (!connection.supports(9, 2)) throw new KafkaClientError('kafka', 'OffsetFetch for all topics needs Kafka 0.10.2 or newer', {type: 'UNSUPPORTED_VERSION', retriable: false})
    return Promise.all(
      ids.map(async (groupId) => {
        const response = await connection.send(9, {groupId, topics: null, requireStable: false})
        return collect(groupId, response.errorCode, response.topics)
      }),
    )
  }, (groupId, code) => [groupId, {offsets: new Map(), errorCode: code}])
  return new Map([...fetched].map(([groupId, entry]) => [groupId, entry[1]]))
}

/** OffsetCommit as an admin (generation -1, no member): Kafka accepts it only while the group
 *  has no members, as its own reset tool relies on. "topic:partition" -> error code. */
export async function commitOffsets(client: KafkaClient, groupId: string, offsets: readonly {topic: string; partition: number; offset: number}[]): Promise<Map<string, number>> {
  const byTopic = new Map<string, {partition: number; offset: number}[]>()
  for (const {topic, partition, offset} of offsets) {
    const list = byTopic.get(topic) ?? []
    list.push({partition, offset})
    byTopic.set(topic, list)
  }
  return client.retry(async () => {
    const connection = await client.coordinator('group', groupId)
    const response = await connection.send(8, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [...byTopic].map(([name, partitions]) => ({
        name,
        partitions: partitions.map(({partition, offset}) => ({partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null})),
      })),
    })
    const errors = new Map<string, number>()
    for (const topic of response.topics) for (const partition of topic.partitions) errors.set(`${topic.name}:${partition.partitionIndex}`, partition.errorCode)
    const moved = [...errors.values()].find((code) => code === 16 || code === 14 || code === 15)
    if (moved !== undefined) throw KafkaClientError.fromCode(moved, null, connection.address)
    return errors
  })
}

/** DeleteGroups: one request per coordinator. Group id -> error code. */
export async function deleteGroups(client: KafkaClient, groupIds: readonly string[]): Promise<Map<string, number>> {
  const results = await onCoordinators(client, groupIds, async (connection, ids) => {
    const response = await connection.send(42, {groupsNames: ids})
    return response.results.map((entry) => [entry.groupId, entry.errorCode] as [string, number])
  }, (groupId, code) => [groupId, code])
  return new Map([...results].map(([groupId, entry]) => [groupId, entry[1]]))
}

/** Error codes meaning "ask the coordinator again": NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS. */
const COORDINATOR_MOVED = new Set([14, 15, 16])

/**
 * Runs `request` once per coordinator with the groups it coordinates, in parallel. Groups whose
 * answer says the coordinator moved are asked again at the new one (retry with backoff); a group
 * whose coordinator cannot be found gets an unknown-group entry with that error.
 */
async function onCoordinators<T extends {groupId: string; errorCode: number} | [string, unknown]>(
  client: KafkaClient,
  groupIds: readonly string[],
  request: (connection: BrokerConnection, groupIds: string[]) => Promise<T[]>,
  failed: (groupId: string, errorCode: number) => T,
): Promise<Map<string, T>> {
  const result = new Map<string, T>()
  let pending = [...new Set(groupIds)]
  if (pending.length === 0) return result
  const idOf = (entry: T) => (Array.isArray(entry) ? entry[0] : entry.groupId)
  const codeOf = (entry: T) => (Array.isArray(entry) ? (typeof entry[1] === 'number' ? entry[1] : (entry[1] as {errorCode: number}).errorCode) : entry.errorCode)
  await client
    .retry(async () => {
      const found = await client.coordinatorsOf('group', pending)
      const byNode = new Map<number, string[]>()
      for (const groupId of pending) {
        const node = found.get(groupId)
        if (node === undefined || node instanceof KafkaClientError) continue
        let list = byNode.get(node)
        if (!list) byNode.set(node, (list = []))
        list.push(groupId)
      }
      const moved: string[] = []
      const unreachable: string[] = []
      for (const [groupId, node] of found) {
        if (!(node instanceof KafkaClientError)) continue
        if (node.retriable) unreachable.push(groupId)
        else result.set(groupId, failed(groupId, errorCodeOf(node)))
      }
      await Promise.all(
        [...byNode].map(async ([node, ids]) => {
          let entries: T[]
          try {
            entries = await request(await client.broker(node), ids)
          } catch (error) {
            if (error instanceof KafkaClientError && error.retriable) {
              moved.push(...ids)
              return
            }
            throw error
          }
          for (const entry of entries) {
            if (COORDINATOR_MOVED.has(codeOf(entry))) moved.push(idOf(entry))
            else result.set(idOf(entry), entry)
          }
        }),
      )
      pending = [...moved, ...unreachable]
      if (pending.length > 0) throw KafkaClientError.fromCode(16, `${pending.length} group coordinators moved`)
    })
    .catch((error: unknown) => {
      // Out of retries with coordinators still moving: those groups report the error.
      if (!(error instanceof KafkaClientError) || !error.retriable) throw error
      for (const groupId of pending) result.set(groupId, failed(groupId, errorCodeOf(error)))
    })
  return result
}

function errorCodeOf(error: KafkaClientError): number {
  if (error.kind !== 'kafka') return 15 // COORDINATOR_NOT_AVAILABLE: no broker answered
  try {
    return errorByName(error.type).code
  } catch {
    return -1
  }
}
