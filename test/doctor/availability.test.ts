// Availability checks: each fires on a snapshot built to trip it, and not on its neighbour.
import {describe, expect, it} from 'vitest'
import {type Finding, runChecks} from '../../src/admin/doctor/index.js'
import type {ClusterSnapshot} from '../../src/admin/doctor/snapshot.js'
import {broker, configs, healthyCluster, topic} from './fixtures.js'

function availability(snapshot: ClusterSnapshot): Finding[] {
  return runChecks(snapshot, {checks: ['availability']}).findings
}

function summary(findings: Finding[]): string[] {
  return findings.map((item) => `${item.id} ${item.severity} ${item.object.kind}:${item.object.name}`)
}

describe('partition state', () => {
  it('a partition without a leader is offline, and only that', () => {
    const snapshot = healthyCluster()
    Object.assign(snapshot.topics[0].partitions[2], {leader: -1, isr: [], offlineReplicas: [3, 1, 2]})
    const findings = availability(snapshot)
    expect(summary(findings)).toEqual(['availability.offline-partitions error topic:orders'])
    expect(findings[0].problem).toBe('1 of 6 partition(s) have no leader: 2 (replicas on broker(s) 1,2,3)')
  })

  it('an ISR below min.insync.replicas is under-min-isr, not also under-replicated', () => {
    const snapshot = healthyCluster()
    snapshot.topics[0].partitions[0].isr = [1]
    expect(summary(availability(snapshot))).toEqual(['availability.under-min-isr error topic:orders'])
  })

  it('an ISR short of the replicas but at min.insync.replicas is under-replicated', () => {
    const snapshot = healthyCluster()
    snapshot.topics[0].partitions[0].isr = [1, 2]
    snapshot.topics[0].partitions[4].isr = [2, 3]
    const findings = availability(snapshot)
    expect(summary(findings)).toEqual(['availability.under-replicated warning topic:orders'])
    // Partition 0 has replicas 1,2,3 and partition 4 has 2,3,1: 3 and 1 are out.
    expect(findings[0].problem).toBe('2 partition(s) are under-replicated: 0,4 (out of sync: broker(s) 1,3)')
  })

  it('a log dir with an error is offline', () => {
    const snapshot = healthyCluster()
    snapshot.brokers[1].logDirs[0].error = 'KAFKA_STORAGE_ERROR'
    expect(summary(availability(snapshot))).toEqual(['availability.log-dir-offline error log-dir:2:/var/lib/kafka/data'])
  })
})

describe('min.insync.replicas against the replication factor', () => {
  it.each([
    // min ISR = RF: writable only while every replica is up.
    ['3', ['availability.min-isr-too-high warning topic:orders']],
    // min ISR > RF: never writable with acks=all.
    ['4', ['availability.min-isr-too-high error topic:orders']],
    // RF 3 with min ISR 1: a single acknowledged copy.
    ['1', ['availability.min-isr-too-low warning topic:orders']],
    // The neighbour: RF 3, min ISR 2.
    ['2', []],
  ])('min.insync.replicas=%s with RF 3', (minIsr, expected) => {
    const snapshot = healthyCluster()
    snapshot.topics[0].configs['min.insync.replicas'] = {value: minIsr, source: 'DYNAMIC_TOPIC_CONFIG'}
    expect(summary(availability(snapshot))).toEqual(expected)
  })

  it('RF 2 with min ISR 1 is low replication, not a low min ISR', () => {
    const snapshot = healthyCluster()
    snapshot.topics.push(topic('payments', {partitions: 3, rf: 2, configs: {'min.insync.replicas': '1'}}))
    const findings = availability(snapshot)
    expect(summary(findings)).toEqual(['availability.low-replication-factor warning topic:payments'])
    expect(findings[0].problem).toBe('replication factor 2 on a cluster of 3 brokers')
  })

  it('RF 1 on a single-broker cluster is not reported', () => {
    const snapshot = healthyCluster()
    snapshot.brokers = [broker(1, undefined)]
    snapshot.topics = [topic('dev', {partitions: 1, rf: 1, brokers: [1], configs: {'min.insync.replicas': '1'}})]
    snapshot.quorum = undefined
    expect(availability(snapshot)).toEqual([])
  })
})

describe('unclean leader election', () => {
  it('set on every broker: one finding for the cluster; an inherited topic value adds nothing', () => {
    const snapshot = healthyCluster()
    for (const node of snapshot.brokers) node.configs['unclean.leader.election.enable'] = {value: 'true', source: 'STATIC_BROKER_CONFIG'}
    snapshot.topics[0].configs['unclean.leader.election.enable'] = {value: 'true', source: 'STATIC_BROKER_CONFIG'}
    expect(summary(availability(snapshot))).toEqual(['availability.unclean-leader-election warning cluster:healthy'])
  })

  it('a topic override is the topic\'s own finding, with the command that removes it', () => {
    const snapshot = healthyCluster()
    snapshot.topics[0].configs = {...snapshot.topics[0].configs, ...configs({'unclean.leader.election.enable': 'true'}, 'DYNAMIC_TOPIC_CONFIG')}
    const findings = availability(snapshot)
    expect(summary(findings)).toEqual(['availability.unclean-leader-election warning topic:orders'])
    expect(findings[0].fix).toBe('kctl topics alter orders --delete-config unclean.leader.election.enable --yes')
  })
})

describe('controller quorum', () => {
  it.each([
    [[1], ['availability.quorum-size warning controller-quorum:1']],
    [[1, 2, 3, 4], ['availability.quorum-size warning controller-quorum:1,2,3,4']],
    [[1, 2, 3], []],
  ])('voters %j on 3 brokers', (ids, expected) => {
    const snapshot = healthyCluster()
    snapshot.quorum!.voters = ids.map((id) => ({id, logEndOffset: 1000, lastCaughtUpTimestampMs: snapshot.takenAtMs}))
    expect(summary(availability(snapshot))).toEqual(expected)
  })

  it('a voter not caught up for 60 s lags; one 10 records behind but caught up 0.5 s ago does not', () => {
    const snapshot = healthyCluster()
    Object.assign(snapshot.quorum!.voters[2], {logEndOffset: 500, lastCaughtUpTimestampMs: snapshot.takenAtMs - 60_000})
    Object.assign(snapshot.quorum!.voters[1], {logEndOffset: 990, lastCaughtUpTimestampMs: snapshot.takenAtMs - 500})
    const findings = availability(snapshot)
    expect(summary(findings)).toEqual(['availability.quorum-voter-lagging warning controller-quorum:3'])
    expect(findings[0].problem).toBe('controller 3 is 500 record(s) behind leader 1, last caught up 60 s ago')
  })

  it('without timestamps, more than 1,000 records behind lags', () => {
    const snapshot = healthyCluster()
    snapshot.quorum!.voters = [{id: 1, logEndOffset: 5000}, {id: 2, logEndOffset: 4500}, {id: 3, logEndOffset: 3000}]
    expect(summary(availability(snapshot))).toEqual(['availability.quorum-voter-lagging warning controller-quorum:3'])
  })

  it('no DescribeQuorum: nothing judged', () => {
    const snapshot = healthyCluster()
    snapshot.quorum = undefined
    expect(availability(snapshot)).toEqual([])
  })
})

describe('preferred leaders', () => {
  it('1 of 9 partitions (11%) off its preferred replica is a warning', () => {
    const snapshot = healthyCluster()
    snapshot.topics[0].partitions[0].leader = 2
    const findings = availability(snapshot)
    expect(summary(findings)).toEqual(['availability.preferred-leader warning cluster:healthy'])
    expect(findings[0].problem).toBe('1 of 9 partitions are not led by their preferred replica (topics orders)')
  })

  it('1 of 39 (2.6%) is routine: info', () => {
    const snapshot = healthyCluster()
    snapshot.topics.push(topic('clicks', {partitions: 30, rf: 3}))
    snapshot.topics[2].partitions[7].leader = snapshot.topics[2].partitions[7].replicas[1]
    expect(summary(availability(snapshot))).toEqual(['availability.preferred-leader info cluster:healthy'])
  })
})

describe('replicas and racks (6 brokers, 2 per rack)', () => {
  function sixBrokers(): ClusterSnapshot {
    const snapshot = healthyCluster()
    snapshot.brokers = [broker(1, 'az-1'), broker(2, 'az-1'), broker(3, 'az-2'), broker(4, 'az-2'), broker(5, 'az-3'), broker(6, 'az-3')]
    snapshot.topics = []
    return snapshot
  }

  it('every replica in one rack: losing it takes the partitions offline', () => {
    const snapshot = sixBrokers()
    snapshot.topics.push(topic('orders', {partitions: 2, rf: 2, brokers: [1, 2], configs: {'min.insync.replicas': '1'}}))
    const findings = availability(snapshot).filter((item) => item.id === 'availability.replicas-in-one-rack')
    expect(summary(findings)).toEqual(['availability.replicas-in-one-rack warning topic:orders'])
    expect(findings[0].problem).toBe('2 partition(s) have every replica in one rack: 0,1')
  })

  it('2 of 3 replicas in one rack with min ISR 2: losing it stops acks=all writes', () => {
    const snapshot = sixBrokers()
    // Partition 0: 1,2,3 (az-1 twice); partition 1: 2,3,1 (the same racks).
    snapshot.topics.push(topic('orders', {partitions: 2, rf: 3, brokers: [1, 2, 3]}))
    const findings = availability(snapshot).filter((item) => item.id === 'availability.replicas-in-one-rack')
    expect(findings[0].problem).toBe('2 partition(s) keep fewer than min.insync.replicas=2 replicas outside their busiest rack: 0,1')
  })

  it('one replica per rack: nothing', () => {
    const snapshot = sixBrokers()
    snapshot.topics.push(topic('orders', {partitions: 3, rf: 3, brokers: [1, 3, 5]}))
    expect(availability(snapshot).filter((item) => item.id === 'availability.replicas-in-one-rack')).toEqual([])
  })

  it('brokers without broker.rack: racks cannot be judged', () => {
    const snapshot = sixBrokers()
    snapshot.brokers = snapshot.brokers.map((node) => ({...node, rack: undefined}))
    snapshot.topics.push(topic('orders', {partitions: 2, rf: 2, brokers: [1, 2]}))
    expect(availability(snapshot).filter((item) => item.id === 'availability.replicas-in-one-rack')).toEqual([])
  })
})
