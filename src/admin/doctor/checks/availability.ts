// Availability: can every partition be read and written with acks=all now, and after one
// broker or rack goes? Findings are per topic (partition numbers in the text) so a topic with
// 200 bad partitions is one line, not 200.
import {type Check, finding, type Finding} from '../findings.js'
import {brokerSetting, brokersObject, listItems, minInsyncReplicas, rackByBroker, racks, replicationFactor, topicSetting} from '../queries.js'
import type {SnapshotPartition, SnapshotTopic} from '../snapshot.js'

// A voter counts as lagging when it has not been caught up with the quorum leader for this long
// (DescribeQuorum v1 lastCaughtUpTimestamp) or, without timestamps, is this many records behind.
const quorumLagMs = 10_000
const quorumLagRecords = 1_000
// Kafka's auto leader rebalance acts at 10% imbalance per broker
// (leader.imbalance.per.broker.percentage); fewer misplaced leaders are routine.
const preferredLeaderWarnFraction = 0.1

function topicObject(topic: SnapshotTopic): Finding['object'] {
  return {kind: 'topic', name: topic.name}
}

function missingFromIsr(partitions: SnapshotPartition[]): number[] {
  const missing = new Set<number>()
  for (const partition of partitions) for (const replica of partition.replicas) if (!partition.isr.includes(replica)) missing.add(replica)
  return [...missing].sort((a, b) => a - b)
}

export const offlinePartitions: Check = (snapshot) => snapshot.topics.flatMap((topic) => {
  const offline = topic.partitions.filter((partition) => partition.leader < 0)
  if (offline.length === 0) return []
  const down = [...new Set(offline.flatMap((partition) => partition.replicas))].sort((a, b) => a - b)
  return [finding('availability.offline-partitions', 'error', topicObject(topic), {
    problem: `${offline.length} of ${topic.partitions.length} partition(s) have no leader: ${listItems(offline.map((partition) => partition.partition))} (replicas on broker(s) ${listItems(down)})`,
    why: 'Producers and consumers of these partitions get errors until a replica from the last ISR comes back.',
    fix: `bring broker(s) ${listItems(down)} back, then check with: kctl topics describe ${topic.name}`,
  })]
})

export const underMinIsr: Check = (snapshot) => snapshot.topics.flatMap((topic) => {
  const minIsr = minInsyncReplicas(topic)
  // min.insync.replicas above the replica count is a setting, not an ISR, problem: min-isr-too-high's.
  const under = topic.partitions.filter((partition) => partition.leader >= 0 && partition.isr.length < minIsr && minIsr <= partition.replicas.length)
  if (under.length === 0) return []
  const missing = missingFromIsr(under)
  return [finding('availability.under-min-isr', 'error', topicObject(topic), {
    problem: `${under.length} partition(s) have fewer in-sync replicas than min.insync.replicas=${minIsr}: ${listItems(under.map((partition) => partition.partition))} (out of sync: broker(s) ${listItems(missing)})`,
    why: 'Producers with acks=all get NOT_ENOUGH_REPLICAS on these partitions right now.',
    fix: `bring broker(s) ${listItems(missing)} back in sync (kctl topics describe ${topic.name} shows the ISR)`,
  })]
})

export const underReplicated: Check = (snapshot) => snapshot.topics.flatMap((topic) => {
  const minIsr = minInsyncReplicas(topic)
  // Partitions below min.insync.replicas are under-min-isr's, reported once there.
  const under = topic.partitions.filter((partition) => partition.leader >= 0 && partition.isr.length < partition.replicas.length && partition.isr.length >= minIsr)
  if (under.length === 0) return []
  const missing = missingFromIsr(under)
  return [finding('availability.under-replicated', 'warning', topicObject(topic), {
    problem: `${under.length} partition(s) are under-replicated: ${listItems(under.map((partition) => partition.partition))} (out of sync: broker(s) ${listItems(missing)})`,
    why: 'One more broker failure can stop acks=all writes or lose the only up-to-date copy.',
    fix: `check broker(s) ${listItems(missing)} (down, slow disk, or throttled replication); kctl topics describe ${topic.name} shows the ISR`,
  })]
})

export const logDirOffline: Check = (snapshot) => snapshot.brokers.flatMap((broker) =>
  broker.logDirs.filter((dir) => dir.error !== undefined).map((dir) => finding('availability.log-dir-offline', 'error', {kind: 'log-dir', name: `${broker.id}:${dir.path}`}, {
    problem: `log dir ${dir.path} on broker ${broker.id} reports ${dir.error}`,
    why: 'The replicas in a failed log dir are offline; the broker does not serve them until the dir is back.',
    fix: `repair or replace the disk behind ${dir.path}, then restart broker ${broker.id}`,
  })))

export const minIsrTooHigh: Check = (snapshot) => snapshot.topics.flatMap((topic) => {
  const rf = replicationFactor(topic)
  const minIsr = minInsyncReplicas(topic)
  if (rf === 0 || minIsr < rf || rf === 1) return []
  const target = Math.max(1, rf - 1)
  const always = minIsr > rf
  return [finding('availability.min-isr-too-high', always ? 'error' : 'warning', topicObject(topic), {
    problem: `min.insync.replicas=${minIsr} with replication factor ${rf}`,
    why: always
      ? 'There can never be that many in-sync replicas: every acks=all write fails.'
      : 'Any one replica down (a broker restart included) stops acks=all writes.',
    fix: `kctl topics alter ${topic.name} -c min.insync.replicas=${target} --yes`,
  })]
})

export const minIsrTooLow: Check = (snapshot) => snapshot.topics.flatMap((topic) => {
  const rf = replicationFactor(topic)
  if (rf < 3 || minInsyncReplicas(topic) !== 1) return []
  return [finding('availability.min-isr-too-low', 'warning', topicObject(topic), {
    problem: `min.insync.replicas=1 with replication factor ${rf}`,
    why: 'An acks=all write is acknowledged with one copy; losing that broker loses acknowledged data.',
    fix: `kctl topics alter ${topic.name} -c min.insync.replicas=2 --yes`,
  })]
})

export const lowReplicationFactor: Check = (snapshot) => {
  if (snapshot.brokers.length < 3) return []
  return snapshot.topics.flatMap((topic) => {
    const rf = replicationFactor(topic)
    if (rf === 0 || rf >= 3) return []
    return [finding('availability.low-replication-factor', 'warning', topicObject(topic), {
      problem: `replication factor ${rf} on a cluster of ${snapshot.brokers.length} brokers`,
      why: rf === 1 ? 'Losing the one broker that holds a partition makes it unavailable, and its data is gone if the disk is.' : 'With two copies, one broker down leaves no spare: a second failure loses data or availability.',
      fix: `add replicas with kafka-reassign-partitions.sh (a reassignment listing 3 brokers per partition; kctl topics alter cannot change RF)`,
    })]
  })
}

export const uncleanLeaderElection: Check = (snapshot) => {
  const findings: Finding[] = []
  const brokers = snapshot.brokers.filter((broker) => brokerSetting(broker, 'unclean.leader.election.enable') === 'true').map((broker) => broker.id)
  if (brokers.length > 0) {
    findings.push(finding('availability.unclean-leader-election', 'warning', brokersObject(snapshot, brokers), {
      problem: `unclean.leader.election.enable=true on broker(s) ${listItems(brokers)}`,
      why: 'An out-of-sync replica may become leader and silently drop acknowledged writes.',
      fix: 'unclean.leader.election.enable=false in server.properties on every broker',
    }))
  }
  // Topics that inherit the broker value are covered above; an override is the topic's own.
  for (const topic of snapshot.topics) {
    if (topic.configs['unclean.leader.election.enable']?.source === 'DYNAMIC_TOPIC_CONFIG' && topicSetting(topic, 'unclean.leader.election.enable') === 'true') {
      findings.push(finding('availability.unclean-leader-election', 'warning', topicObject(topic), {
        problem: 'unclean.leader.election.enable=true on the topic',
        why: 'An out-of-sync replica may become leader and silently drop acknowledged writes.',
        fix: `kctl topics alter ${topic.name} --delete-config unclean.leader.election.enable --yes`,
      }))
    }
  }
  return findings
}

export const quorumSize: Check = (snapshot) => {
  const quorum = snapshot.quorum
  if (quorum === undefined || snapshot.brokers.length < 3) return []
  const voters = quorum.voters.length
  if (voters >= 3 && voters % 2 === 1) return []
  return [finding('availability.quorum-size', 'warning', {kind: 'controller-quorum', name: quorum.voters.map((voter) => voter.id).join(',')}, {
    problem: `${voters} controller voter(s) for ${snapshot.brokers.length} brokers`,
    why: voters < 3 ? 'Losing one controller stops metadata changes: no leader elections, topic changes or broker registrations.' : 'An even number of voters tolerates no more failures than one voter fewer.',
    fix: 'run 3 (or 5) controllers: controller.quorum.voters / kafka-metadata-quorum.sh add-controller',
  })]
}

export const quorumVoterLagging: Check = (snapshot) => {
  const quorum = snapshot.quorum
  if (quorum === undefined) return []
  const leader = quorum.voters.find((voter) => voter.id === quorum.leaderId)
  if (!leader) return []
  return quorum.voters.filter((voter) => voter.id !== leader.id).flatMap((voter) => {
    const behindRecords = leader.logEndOffset - voter.logEndOffset
    const sinceCaughtUpMs = voter.lastCaughtUpTimestampMs === undefined ? undefined : snapshot.takenAtMs - voter.lastCaughtUpTimestampMs
    const lagging = sinceCaughtUpMs === undefined ? behindRecords > quorumLagRecords : sinceCaughtUpMs > quorumLagMs && behindRecords > 0
    if (!lagging) return []
    return [finding('availability.quorum-voter-lagging', 'warning', {kind: 'controller-quorum', name: String(voter.id)}, {
      problem: `controller ${voter.id} is ${behindRecords} record(s) behind leader ${leader.id}${sinceCaughtUpMs === undefined ? '' : `, last caught up ${Math.round(sinceCaughtUpMs / 1000)} s ago`}`,
      why: 'A lagging voter does not count towards the majority: one more controller failure stops metadata changes.',
      fix: `check controller ${voter.id}'s network, disk and logs (kafka-metadata-quorum.sh describe --replication)`,
    })]
  })
}

export const preferredLeader: Check = (snapshot) => {
  let total = 0
  const misplaced = new Map<string, number>()
  for (const topic of snapshot.topics) {
    for (const partition of topic.partitions) {
      if (partition.leader < 0 || partition.replicas.length === 0) continue
      total++
      if (partition.leader !== partition.replicas[0]) misplaced.set(topic.name, (misplaced.get(topic.name) ?? 0) + 1)
    }
  }
  const count = [...misplaced.values()].reduce((sum, value) => sum + value, 0)
  if (count === 0) return []
  const autoRebalance = snapshot.brokers.every((broker) => brokerSetting(broker, 'auto.leader.rebalance.enable') !== 'false')
  return [finding('availability.preferred-leader', count / total > preferredLeaderWarnFraction ? 'warning' : 'info', {kind: 'cluster', name: snapshot.clusterId}, {
    problem: `${count} of ${total} partitions are not led by their preferred replica (topics ${listItems([...misplaced.keys()].sort(), 5)})`,
    why: 'Leadership piles up on some brokers, which then carry more of the produce and fetch load.',
    fix: `kafka-leader-election.sh --bootstrap-server <host:port> --election-type PREFERRED --all-topic-partitions${autoRebalance ? '' : '; and auto.leader.rebalance.enable=true'}`,
  })]
}

export const replicasInOneRack: Check = (snapshot) => {
  if (racks(snapshot).length < 2) return []
  const rackOf = rackByBroker(snapshot)
  return snapshot.topics.flatMap((topic) => {
    const minIsr = minInsyncReplicas(topic)
    const offline: number[] = []
    const belowMinIsr: number[] = []
    for (const partition of topic.partitions) {
      const rf = partition.replicas.length
      // With min.insync.replicas ≥ RF any single loss stops writes, wherever the replicas sit: min-isr-too-high's.
      if (rf < 2 || minIsr >= rf || partition.replicas.some((id) => !rackOf.has(id))) continue
      const perRack = new Map<string, number>()
      for (const id of partition.replicas) perRack.set(rackOf.get(id)!, (perRack.get(rackOf.get(id)!) ?? 0) + 1)
      const most = Math.max(...perRack.values())
      if (most === rf) offline.push(partition.partition)
      else if (rf - most < minIsr) belowMinIsr.push(partition.partition)
    }
    if (offline.length === 0 && belowMinIsr.length === 0) return []
    const parts: string[] = []
    if (offline.length > 0) parts.push(`${offline.length} partition(s) have every replica in one rack: ${listItems(offline)}`)
    if (belowMinIsr.length > 0) parts.push(`${belowMinIsr.length} partition(s) keep fewer than min.insync.replicas=${minIsr} replicas outside their busiest rack: ${listItems(belowMinIsr)}`)
    return [finding('availability.replicas-in-one-rack', 'warning', topicObject(topic), {
      problem: parts.join('; '),
      why: offline.length > 0 ? 'Losing that one rack (AZ) takes these partitions offline.' : 'Losing that one rack (AZ) stops acks=all writes to these partitions.',
      fix: 'spread the replicas over racks: kafka-reassign-partitions.sh --generate (rack-aware) then --execute',
    })]
  })
}
