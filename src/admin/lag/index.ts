// `kctl lag`: one sample of every group's lag, and the loop behind --watch and --serve.
//
// A sample is a fixed number of round trips whatever the group count (target: 50 groups x
// 1,000 partitions in <= 2 s): Metadata; ListGroups per broker (v5 says each group's type:
// classic or KIP-848 consumer); one batched FindCoordinator; per coordinator one
// DescribeGroups or ConsumerGroupDescribe and one OffsetFetch (v8 multi-group); per leader two
// ListOffsets (earliest, latest); per leader one Fetch for the time lag, more only when the
// groups stand further apart than one Fetch's batches reach.
import {ExitCode, KctlError} from '../../errors.js'
import type {KafkaClient} from '../../kafka/client/index.js'
import {type CommittedOffsets, describeGroups, fetchCommittedOffsets, GROUP_ID_NOT_FOUND, type GroupType, listAllGroups} from '../group-requests.js'
import {partitionBounds, recordTimestamps} from '../partition-offsets.js'
import {errorByCode} from '../../kafka/protocol/index.js'
import {buildLagReport, type GroupObservation, type LagReport, type PartitionOffsets, timeLagReads} from './compute.js'
import {type GroupTrend, LagWindow} from './watch.js'

export * from './compute.js'
export {LagWindow, type GroupTrend, type LagStatus, lagStatuses} from './watch.js'
export {renderPrometheus} from './prometheus.js'

export interface LagQuery {
  /** --group (repeatable); empty = every consumer group. */
  groups?: readonly string[]
  /** --topic (repeatable); empty = every topic the groups consume. */
  topics?: readonly string[]
  /** Skip the Fetch round trips (time lag reported as null). */
  skipTimeLag?: boolean
  now?: () => number
}

/** Group types whose offsets measure consumer lag; share groups track no committed offsets. */
const LAG_GROUP_TYPES: readonly GroupType[] = ['classic', 'consumer', 'streams']

export async function sampleLag(client: KafkaClient, query: LagQuery = {}): Promise<LagReport & {brokers: number}> {
  const metadata = await client.metadata(null)
  const partitionsOf = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.map((p) => p.partition)]))
  const missingTopic = query.topics?.find((topic) => !partitionsOf.has(topic))
  if (missingTopic !== undefined) {
    throw new KctlError(`unable to read the lag of topic ${missingTopic}: no such topic`, {exitCode: ExitCode.notFound, hint: 'list the topics with `kctl topics list`'})
  }
  const listed = await listAllGroups(client)
  const types = new Map(listed.map((group) => [group.groupId, group.type]))
  let groupIds = query.groups ? [...new Set(query.groups)] : []
  if (groupIds.length === 0) {
    // Offset-only groups (admin commits, Connect-less tools) have protocol type "".
    groupIds = listed
      .filter((group) => LAG_GROUP_TYPES.includes(group.type) && (group.type !== 'classic' || group.protocolType === 'consumer' || group.protocolType === ''))
      .map((group) => group.groupId)
  }
  // One FindCoordinator for both requests below, which find the coordinators cached; a failed
  // look-up is made again there and reported per group.
  await client.coordinatorsOf('group', groupIds).catch(() => undefined)
  const [described, committed] = await Promise.all([describeGroups(client, groupIds, types), fetchCommittedOffsets(client, groupIds)])

  const observations: GroupObservation[] = []
  for (const groupId of groupIds) {
    const description = described.get(groupId)
    const offsets = committed.get(groupId)
    const unknown = description && (description.errorCode === GROUP_ID_NOT_FOUND || (description.state === 'Dead' && description.members.length === 0))
    if (query.groups && unknown && (offsets?.offsets.size ?? 0) === 0) {
      throw new KctlError(`unable to read the lag of group ${groupId}: no such group`, {exitCode: ExitCode.notFound, hint: 'list the groups with `kctl groups list`'})
    }
    const errorCode = offsets?.errorCode || (description && description.errorCode !== GROUP_ID_NOT_FOUND ? description.errorCode : 0)
    observations.push({
      groupId,
      type: description?.type ?? types.get(groupId) ?? 'classic',
      state: description?.state ?? 'Unknown',
      members: (description?.members ?? []).map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        host: member.host,
        assignment: member.assignment ?? [],
      })),
      committed: committedOffsetsOnly(offsets?.offsets),
      ...(errorCode ? {error: errorByCode(errorCode).name} : {}),
    })
  }

  const topicFilter = query.topics && query.topics.length > 0 ? new Set(query.topics) : undefined
  const consumed = new Set<string>()
  for (const observation of observations) {
    for (const topic of observation.committed.keys()) consumed.add(topic)
    for (const member of observation.members) for (const {topic} of member.assignment) consumed.add(topic)
  }
  const needed = [...consumed].filter((topic) => partitionsOf.has(topic) && (!topicFilter || topicFilter.has(topic)))
  const bounds = await partitionBounds(client, needed.flatMap((topic) => partitionsOf.get(topic)!.map((partition) => ({topic, partition}))))
  const partitionsByTopic = new Map<string, PartitionOffsets[]>()
  for (const bound of bounds.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)) {
    const list = partitionsByTopic.get(bound.topic) ?? []
    list.push(bound)
    partitionsByTopic.set(bound.topic, list)
  }

  const now = query.now ?? Date.now
  const timestamps = query.skipTimeLag ? new Map<string, number>() : await recordTimestamps(client, timeLagReads(observations, partitionsByTopic, topicFilter))
  // "now" after the reads: the time lag is measured against the moment the records were seen.
  const report = buildLagReport({groups: observations, partitionsByTopic, timestamps, nowMs: now(), topicFilter})
  // `kctl lag -t orders` over every group: groups that do not read orders are noise. A group
  // named with --group stays, even with no partitions of the topic.
  if (topicFilter && !query.groups?.length) report.groups = report.groups.filter((total) => total.partitions > 0 || total.error)
  return {...report, brokers: metadata.brokers.length}
}

/** topic -> partition -> committed offset, without the commit metadata. */
function committedOffsetsOnly(offsets: CommittedOffsets['offsets'] | undefined): Map<string, Map<number, number>> {
  const result = new Map<string, Map<number, number>>()
  for (const [topic, partitions] of offsets ?? []) {
    const byPartition = new Map<number, number>()
    for (const [partition, value] of partitions) byPartition.set(partition, value.offset)
    result.set(topic, byPartition)
  }
  return result
}

export interface WatchOptions {
  query: LagQuery
  intervalMs: number
  /** Samples per group kept in the sliding window. */
  windowSize: number
  signal: AbortSignal
  onSample(report: LagReport & {brokers: number}, trends: GroupTrend[], sample: number): void | Promise<void>
  /** A failed sample (broker restarting, coordinator moving) is reported and the watch goes on. */
  onError(error: unknown, sample: number): void
}

/** Re-samples every intervalMs until the signal aborts. */
export async function watchLag(client: KafkaClient, options: WatchOptions): Promise<void> {
  const window = new LagWindow(options.windowSize)
  for (let sample = 1; !options.signal.aborted; sample++) {
    const startedMs = Date.now()
    try {
      const report = await sampleLag(client, options.query)
      window.add(report)
      await options.onSample(report, window.classify(), sample)
    } catch (error) {
      if (options.signal.aborted) break
      options.onError(error, sample)
    }
    const waitMs = Math.max(0, options.intervalMs - (Date.now() - startedMs))
    // The abort listener goes when the wait ends: one left per sample would pile up on the
    // signal for as long as the watch runs (Node's MaxListenersExceededWarning after 10).
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        options.signal.removeEventListener('abort', onAbort)
        resolve()
      }, waitMs)
      options.signal.addEventListener('abort', onAbort, {once: true})
    })
  }
}
