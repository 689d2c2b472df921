// The server-side assignors of KIP-848 consumer groups (group.consumer.assignors): given the
// members' subscriptions, the topics and the previous target assignment, the next target.
// Pure functions; the coordinator (consumer.ts) picks one per group and computes a target
// whenever the group epoch moves.
// - uniform: every member gets an equal share (±1) of the partitions it can have; sticky: a
//   partition stays with its previous owner while that owner is subscribed and under its share.
//   Equal shares are exact when every member subscribes to the same topics; with different
//   subscriptions each partition goes to the least loaded member subscribed to it.
// - range: per topic, the members subscribed to it (in member id order) get contiguous ranges,
//   the first (partitions % members) one partition more, as the classic RangeAssignor does.

/** topic id -> partitions */
export type Assignment = Map<string, Set<number>>

export interface AssignableTopic {
  readonly topicId: string
  readonly partitions: number
}

export interface AssignorMember {
  readonly memberId: string
  /** The topics the member may get partitions of (names resolved, regex matched). */
  readonly topics: readonly AssignableTopic[]
}

export type Assignor = (members: readonly AssignorMember[], previous: ReadonlyMap<string, Assignment>) => Map<string, Assignment>

function add(assignment: Assignment, topicId: string, partition: number): void {
  let partitions = assignment.get(topicId)
  if (!partitions) assignment.set(topicId, (partitions = new Set()))
  partitions.add(partition)
}

function size(assignment: Assignment): number {
  let total = 0
  for (const partitions of assignment.values()) total += partitions.size
  return total
}

const uniform: Assignor = (members, previous) => {
  const result = new Map<string, Assignment>(members.map((member) => [member.memberId, new Map()]))
  const subscribers = new Map<string, string[]>()
  const partitionCounts = new Map<string, number>()
  for (const member of members) {
    for (const topic of member.topics) {
      partitionCounts.set(topic.topicId, topic.partitions)
      subscribers.set(topic.topicId, [...(subscribers.get(topic.topicId) ?? []), member.memberId])
    }
  }
  const total = [...partitionCounts.values()].reduce((sum, count) => sum + count, 0)
  const minQuota = members.length === 0 ? 0 : Math.floor(total / members.length)
  let extras = members.length === 0 ? 0 : total % members.length
  const taken = new Set<string>()
  // Sticky pass: keep what each member had, up to its share.
  for (const member of [...members].sort((a, b) => a.memberId.localeCompare(b.memberId))) {
    const mine = result.get(member.memberId)!
    for (const [topicId, partitions] of previous.get(member.memberId) ?? []) {
      const count = partitionCounts.get(topicId)
      if (count === undefined || !subscribers.get(topicId)!.includes(member.memberId)) continue
      for (const partition of [...partitions].sort((a, b) => a - b)) {
        if (partition >= count || taken.has(`${topicId}:${partition}`)) continue
        const held = size(mine)
        if (held >= minQuota + 1 || (held >= minQuota && extras === 0)) break
        if (held === minQuota) extras--
        add(mine, topicId, partition)
        taken.add(`${topicId}:${partition}`)
      }
    }
  }
  // Everything else to the least loaded subscriber (ties by member id, for determinism).
  for (const [topicId, count] of [...partitionCounts].sort(([a], [b]) => a.localeCompare(b))) {
    const candidates = subscribers.get(topicId)!
    for (let partition = 0; partition < count; partition++) {
      if (taken.has(`${topicId}:${partition}`)) continue
      let best = candidates[0]
      for (const candidate of candidates) {
        const load = size(result.get(candidate)!)
        const bestLoad = size(result.get(best)!)
        if (load < bestLoad || (load === bestLoad && candidate < best)) best = candidate
      }
      add(result.get(best)!, topicId, partition)
    }
  }
  return result
}

const range: Assignor = (members) => {
  const result = new Map<string, Assignment>(members.map((member) => [member.memberId, new Map()]))
  const topics = new Map<string, {partitions: number; members: string[]}>()
  for (const member of members) {
    for (const topic of member.topics) {
      const entry = topics.get(topic.topicId) ?? {partitions: topic.partitions, members: []}
      entry.members.push(member.memberId)
      topics.set(topic.topicId, entry)
    }
  }
  for (const [topicId, {partitions, members: subscribed}] of topics) {
    subscribed.sort()
    const base = Math.floor(partitions / subscribed.length)
    const extra = partitions % subscribed.length
    let next = 0
    subscribed.forEach((memberId, index) => {
      const count = base + (index < extra ? 1 : 0)
      for (let i = 0; i < count; i++) add(result.get(memberId)!, topicId, next++)
    })
  }
  return result
}

export const assignors: Readonly<Record<string, Assignor>> = {uniform, range}
