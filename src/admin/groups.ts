// `kctl groups list|describe|reset-offsets|delete`: views built from the group model of
// group-requests.ts (classic and KIP-848 consumer groups alike), plus their table renderers.
// Offsets in describe come from the same lag sample as `kctl lag`, so the two never disagree.
import {formatDurationMs} from '../config/units.js'
import {ExitCode, KctlError, usageError} from '../errors.js'
import type {KafkaClient} from '../kafka/client/index.js'
import {errorByCode} from '../kafka/protocol/index.js'
import {colour, renderKeyValues, renderTable} from '../ui/output.js'
import {
  commitOffsets,
  deleteGroups as deleteGroupsRequest,
  describeGroups,
  fetchCommittedOffsets,
  GROUP_ID_NOT_FOUND,
  type GroupMember,
  type GroupType,
  listAllGroups,
} from './group-requests.js'
import {type LagRow, sampleLag} from './lag/index.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsAt, partitionKey} from './partition-offsets.js'

function notFound(groupId: string, action: string): KctlError {
  return new KctlError(`unable to ${action}: group ${groupId} does not exist`, {exitCode: ExitCode.notFound, hint: 'list the groups with `kctl groups list`'})
}

/** Group types kctl describes; share and streams groups are listed only. */
const DESCRIBED_TYPES: readonly GroupType[] = ['classic', 'consumer']

// ---- list -----------------------------------------------------------------------------------

export interface GroupListRow {
  group: string
  /** classic, consumer (KIP-848), share, streams */
  type: string
  state: string
  protocolType: string
  /** Classic: the assignment strategy; consumer groups: the server assignor. */
  protocol: string
  /** null: not described (a share or streams group). */
  members: number | null
}

/** Kafka 4's states: classic (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead), consumer groups (Assigning, Reconciling too), share groups. */
export const groupStates = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Assigning', 'Reconciling'] as const

export async function listGroups(client: KafkaClient, options: {states?: readonly string[]; types?: readonly string[]} = {}): Promise<GroupListRow[]> {
  const wanted = options.states?.map((state) => state.toLowerCase())
  const unknownState = wanted?.find((state) => !groupStates.some((known) => known.toLowerCase() === state))
  if (unknownState !== undefined) throw usageError(`invalid --state "${unknownState}"`, `use one of ${groupStates.join(', ')}`)
  const wantedTypes = options.types?.map((type) => type.toLowerCase())
  const listed = await listAllGroups(client)
  const selected = listed.filter(
    (group) => (!wanted || wanted.length === 0 || wanted.includes(group.state.toLowerCase())) && (!wantedTypes || wantedTypes.length === 0 || wantedTypes.includes(group.type)),
  )
  const describable = selected.filter((group) => DESCRIBED_TYPES.includes(group.type))
  const described = await describeGroups(client, describable.map((group) => group.groupId), new Map(describable.map((group) => [group.groupId, group.type])))
  return selected.map((group) => {
    const description = described.get(group.groupId)
    return {
      group: group.groupId,
      type: group.type,
      state: (description && description.errorCode === 0 && description.state) || group.state,
      protocolType: group.protocolType,
      protocol: description?.assignor ?? '',
      members: DESCRIBED_TYPES.includes(group.type) ? (description?.members.length ?? 0) : null,
    }
  })
}

export function renderGroupList(rows: GroupListRow[]): string {
  if (rows.length === 0) return colour.dim('no consumer groups')
  return renderTable(
    ['GROUP', 'TYPE', 'STATE', 'PROTOCOL', 'MEMBERS'],
    rows.map((row) => [row.group, row.type, row.state, row.protocol || (row.protocolType === '' ? '-' : row.protocolType), row.members ?? '-']),
    {alignRight: [4]},
  )
}

// ---- describe -------------------------------------------------------------------------------

/** A member as `groups describe` shows it: the one group model's member (group-requests.ts). */
export type GroupMemberDescription = GroupMember

export interface GroupDescription {
  group: string
  type: string
  state: string
  protocolType: string
  /** Classic: the assignment strategy; consumer groups: the server assignor. */
  protocol: string
  groupEpoch: number | null
  assignmentEpoch: number | null
  members: GroupMemberDescription[]
  lag: number
  offsets: LagRow[]
}

export async function describeGroup(client: KafkaClient, groupId: string): Promise<GroupDescription> {
  const action = `describe group ${groupId}`
  const listedType = (await listAllGroups(client)).find((group) => group.groupId === groupId)?.type
  if (listedType !== undefined && !DESCRIBED_TYPES.includes(listedType))
    throw new KctlError(`unable to ${action}: it is a ${listedType} group, which kctl does not describe yet`, {hint: 'kctl groups list shows its state'})
  const described = (await describeGroups(client, [groupId], listedType ? new Map([[groupId, listedType]]) : new Map())).get(groupId)
  if (!described || described.errorCode === GROUP_ID_NOT_FOUND) throw notFound(groupId, action)
  if (described.errorCode !== 0) throw new KctlError(`unable to ${action}: ${errorByCode(described.errorCode).name}`, {hint: errorByCode(described.errorCode).message})
  const report = await sampleLag(client, {groups: [groupId]})
  if (described.state === 'Dead' && report.rows.length === 0) throw notFound(groupId, action)
  return {
    group: groupId,
    type: described.type,
    state: described.state,
    protocolType: described.protocolType,
    protocol: described.assignor,
    groupEpoch: described.groupEpoch,
    assignmentEpoch: described.assignmentEpoch,
    members: described.members,
    lag: report.groups[0]?.lag ?? 0,
    offsets: [...report.rows].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  }
}

function formatAssignment(assignment: GroupMemberDescription['assignment']): string {
  if (assignment === null) return '(not a consumer assignment)'
  if (assignment.length === 0) return '-'
  return assignment.map(({topic, partitions}) => `${topic}:${partitions.join(',')}`).join(' ')
}

function formatSubscription(member: GroupMemberDescription): string {
  const parts = [...member.subscribedTopics]
  if (member.subscribedTopicRegex) parts.push(`/${member.subscribedTopicRegex}/`)
  return parts.length === 0 ? '-' : parts.join(',')
}

export function formatTimeLag(ms: number | null): string {
  return ms === null ? '?' : formatDurationMs(ms)
}

export function renderGroupDescription(view: GroupDescription): string {
  const consumer = view.type === 'consumer'
  const parts = [
    renderKeyValues([
      ['GROUP', view.group],
      ['TYPE', view.type],
      ['STATE', view.state],
      [consumer ? 'ASSIGNOR' : 'PROTOCOL', view.protocol || view.protocolType || '-'],
      ...(consumer ? ([['GROUP-EPOCH', view.groupEpoch], ['ASSIGNMENT-EPOCH', view.assignmentEpoch]] as [string, number | null][]) : []),
      ['MEMBERS', view.members.length],
      ['LAG', view.lag],
    ]),
  ]
  if (view.members.length > 0) {
    parts.push(
      consumer
        ? renderTable(['CONSUMER-ID', 'INSTANCE-ID', 'EPOCH', 'HOST', 'CLIENT-ID', 'SUBSCRIPTION', 'ASSIGNMENT', 'TARGET-ASSIGNMENT'], view.members.map((member) => [
            member.memberId, member.groupInstanceId, member.memberEpoch, member.host, member.clientId, formatSubscription(member), formatAssignment(member.assignment), formatAssignment(member.targetAssignment),
          ]))
        : renderTable(['CONSUMER-ID', 'INSTANCE-ID', 'HOST', 'CLIENT-ID', 'ASSIGNMENT'], view.members.map((member) => [
            member.memberId, member.groupInstanceId, member.host, member.clientId, formatAssignment(member.assignment),
          ])),
    )
  }
  if (view.offsets.length > 0) {
    parts.push(renderTable(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'TIME-LAG', 'CONSUMER-ID'], view.offsets.map((row) => [
      row.topic, row.partition, row.currentOffset, row.logEndOffset, row.lag, formatTimeLag(row.timeLagMs), row.consumerId,
    ]), {alignRight: [1, 2, 3, 4, 5]}))
  } else {
    parts.push(colour.dim('no committed offsets'))
  }
  return parts.join('\n\n')
}

// ---- reset-offsets --------------------------------------------------------------------------

export type ResetMode =
  | {kind: 'earliest'}
  | {kind: 'latest'}
  | {kind: 'offset'; offset: number}
  | {kind: 'datetime'; timestampMs: number}
  | {kind: 'shift'; by: number}

export interface TopicSelection {
  topic: string
  /** undefined = every partition */
  partitions?: number[]
}

/** Parses --topic values: "orders" or "orders:0,1,5". */
export function parseTopicSelection(text: string): TopicSelection {
  const colon = text.lastIndexOf(':')
  if (colon < 0) return {topic: text}
  const topic = text.slice(0, colon)
  const list = text.slice(colon + 1)
  if (topic === '' || !/^\d+(,\d+)*$/.test(list)) {
    throw usageError(`invalid --topic "${text}"`, 'use TOPIC or TOPIC:PARTITION[,PARTITION...], e.g. orders:0,1')
  }
  return {topic, partitions: [...new Set(list.split(',').map(Number))].sort((a, b) => a - b)}
}

/** --to-datetime: ISO 8601 ("2024-05-01T10:00:00Z", "2024-05-01T12:00:00+02:00", "2024-05-01"). */
export function parseDateTime(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN
  if (Number.isNaN(ms)) throw usageError(`invalid --to-datetime "${text}"`, 'use ISO 8601, e.g. 2024-05-01T10:00:00Z')
  return ms
}

export interface ResetRow {
  group: string
  topic: string
  partition: number
  currentOffset: number | null
  newOffset: number
  logStartOffset: number
  logEndOffset: number
  /** Set after --execute: "ok" or the Kafka error name. */
  status?: string
}

export interface ResetResult {
  group: string
  executed: boolean
  rows: ResetRow[]
}

export async function resetOffsets(
  client: KafkaClient,
  request: {group: string; topics: TopicSelection[] | 'all'; mode: ResetMode; execute: boolean; now?: () => number},
): Promise<ResetResult> {
  const {group} = request
  const action = `reset the offsets of group ${group}`
  const listedType = (await listAllGroups(client)).find((listed) => listed.groupId === group)?.type
  const described = (await describeGroups(client, [group], listedType ? new Map([[group, listedType]]) : new Map())).get(group)
  // Kafka refuses too (NON_EMPTY_GROUP for either group type): an active member would
  // overwrite the reset with its next commit.
  if (described && described.members.length > 0) {
    throw new KctlError(`unable to ${action}: NON_EMPTY_GROUP: the group has ${described.members.length} active member${described.members.length === 1 ? '' : 's'} (${described.type} group, state ${described.state})`, {
      hint: 'stop its consumers first and wait for the group to become Empty (`kctl groups describe`)',
    })
  }
  const committed = (await fetchCommittedOffsets(client, [group])).get(group)?.offsets ?? new Map()
  const metadata = await client.metadata(null)
  const partitionsOf = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.map((p) => p.partition).sort((a, b) => a - b)]))
  const selections: TopicSelection[] = request.topics === 'all' ? [...committed.keys()].sort().map((topic: string) => ({topic})) : request.topics
  // --all-topics on a group with nothing committed (or no group at all): nothing to reset, as `groups describe` says 4 for a missing group.
  if (selections.length === 0) throw new KctlError(`unable to ${action}: the group has no committed offsets`, {exitCode: ExitCode.notFound, hint: 'name the topics with --topic'})
  const targets: {topic: string; partition: number}[] = []
  for (const {topic, partitions} of selections) {
    const existing = partitionsOf.get(topic)
    if (!existing) throw new KctlError(`unable to ${action}: topic ${topic} does not exist`, {exitCode: ExitCode.notFound, hint: 'check the name with `kctl topics list`'})
    for (const partition of partitions ?? existing) {
      if (!existing.includes(partition)) throw new KctlError(`unable to ${action}: topic ${topic} has no partition ${partition}`, {exitCode: ExitCode.notFound, hint: `it has partitions 0-${existing.length - 1}`})
      targets.push({topic, partition})
    }
  }
  const [starts, ends] = await Promise.all([listOffsetsAt(client, targets, EARLIEST_TIMESTAMP), listOffsetsAt(client, targets, LATEST_TIMESTAMP)])
  const byTime = request.mode.kind === 'datetime' ? await listOffsetsAt(client, targets, request.mode.timestampMs) : undefined
  const rows: ResetRow[] = targets.map(({topic, partition}) => {
    const key = partitionKey(topic, partition)
    const logStartOffset = starts.get(key) ?? 0
    const logEndOffset = ends.get(key) ?? 0
    const currentOffset = committed.get(topic)?.get(partition)?.offset ?? null
    let target: number
    switch (request.mode.kind) {
      case 'earliest':
        target = logStartOffset
        break
      case 'latest':
        target = logEndOffset
        break
      case 'offset':
        target = request.mode.offset
        break
      case 'datetime': {
        // No record at or after the time: the end (Kafka's tool does the same).
        const found = byTime!.get(key) ?? -1
        target = found < 0 ? logEndOffset : found
        break
      }
      case 'shift':
        target = (currentOffset ?? logStartOffset) + request.mode.by
        break
    }
    // Out-of-range targets are clamped to the log, as kafka-consumer-groups does.
    const newOffset = Math.min(Math.max(target, logStartOffset), logEndOffset)
    return {group, topic, partition, currentOffset, newOffset, logStartOffset, logEndOffset}
  })
  if (!request.execute) return {group, executed: false, rows}
  const errors = await commitOffsets(client, group, rows.map(({topic, partition, newOffset}) => ({topic, partition, offset: newOffset})))
  for (const row of rows) {
    const code = errors.get(`${row.topic}:${row.partition}`) ?? 0
    row.status = code === 0 ? 'ok' : errorByCode(code).name
  }
  const failed = rows.filter((row) => row.status !== 'ok')
  if (failed.length > 0) {
    throw new KctlError(`unable to ${action}: ${failed.length} of ${rows.length} partitions failed (${failed[0].topic}-${failed[0].partition}: ${failed[0].status})`, {
      hint: failed[0].status === 'UNKNOWN_MEMBER_ID' ? 'a consumer joined meanwhile; stop it and retry' : 'see the Kafka error above; run with --debug for details',
    })
  }
  return {group, executed: true, rows}
}

export function renderReset(result: ResetResult): string {
  const headers = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET', 'LOG-START-OFFSET', 'LOG-END-OFFSET']
  const table = renderTable(
    result.executed ? [...headers, 'STATUS'] : headers,
    result.rows.map((row) => {
      const cells = [row.group, row.topic, row.partition, row.currentOffset, row.newOffset, row.logStartOffset, row.logEndOffset]
      return result.executed ? [...cells, row.status] : cells
    }),
    {alignRight: [2, 3, 4, 5, 6]},
  )
  return result.executed ? table : `${table}\n${colour.yellow('dry run: nothing changed; pass --execute to apply')}`
}

// ---- delete ---------------------------------------------------------------------------------

export interface GroupDeleteRow {
  group: string
  status: 'deleted' | 'failed'
  error?: string
}

export async function deleteGroups(client: KafkaClient, groupIds: readonly string[]): Promise<GroupDeleteRow[]> {
  const results = await deleteGroupsRequest(client, groupIds)
  return groupIds.map((group) => {
    const code = results.get(group) ?? 0
    if (code === 0) return {group, status: 'deleted'}
    const error = errorByCode(code)
    const why = error.name === 'NON_EMPTY_GROUP' ? 'the group has active members; stop its consumers first' : error.name === 'GROUP_ID_NOT_FOUND' ? 'no such group' : error.message
    return {group, status: 'failed', error: `${error.name}: ${why}`}
  })
}

export function renderGroupDelete(rows: GroupDeleteRow[]): string {
  return renderTable(['GROUP', 'STATUS', 'ERROR'], rows.map((row) => [row.group, row.status, row.error]))
}
