// Capacity: skew, disk usage, time until full and survive-a-loss, each figure worked out by
// hand in the comments.
import {describe, expect, it} from 'vitest'
import {planCommand, replicaCapBytes, secondsUntilFull} from '../../src/admin/doctor/checks/capacity.js'
import {type Finding, runChecks} from '../../src/admin/doctor/index.js'
import type {ClusterSnapshot} from '../../src/admin/doctor/snapshot.js'
import {type RawPlanOptions, resolvePlanInput} from '../../src/plan/input.js'
import {assessCluster, planCapacity, type PlanInput} from '../../src/plan/model.js'
import {broker, GiB, healthyCluster, MiB, topic, withLogDirs} from './fixtures.js'

function capacity(snapshot: ClusterSnapshot, options = {}): Finding[] {
  return runChecks(snapshot, {checks: ['capacity'], ...options}).findings
}

function summary(findings: Finding[]): string[] {
  return findings.map((item) => `${item.id} ${item.severity} ${item.object.kind}:${item.object.name}`)
}

describe('time until full: the formula', () => {
  it('1 TB usable, 10 MB/s into a topic kept forever: 10^12 / 10^7 = 100,000 s ≈ 27.8 h', () => {
    expect(secondsUntilFull(1e12, [{sizeBytes: 0, writeBytesPerSec: 1e7, capBytes: Infinity}])).toBe(100_000)
  })

  it('retention caps the topic below the free space: it levels off and never fills', () => {
    // retention.ms = 1 h, segment.bytes = 100 MB: cap = 10^7 B/s × 3600 s + min(10^8, 10^7 × 604,800 s)
    //   = 3.6·10^10 + 10^8 = 3.61·10^10 bytes (36.1 GB) < 1 TB free.
    const events = topic('events', {partitions: 1, rf: 1, configs: {'retention.ms': '3600000', 'segment.bytes': '100000000'}})
    const cap = replicaCapBytes(events, 1e7, 0)
    expect(cap).toBe(3.61e10)
    expect(secondsUntilFull(1e12, [{sizeBytes: 0, writeBytesPerSec: 1e7, capBytes: cap}])).toBe(Infinity)
  })

  it('a capped and an uncapped topic: the dir fills once the capped one has levelled off', () => {
    // Free 100 GB = 10^11. A: 10 MB/s, cap 3.61·10^10 (as above), empty now: levels off at
    // 3.61·10^10 / 10^7 = 3,610 s. B: 5 MB/s, no cap.
    // 0 .. 3,610 s: both grow, 1.5·10^7 B/s × 3,610 s = 5.415·10^10 written, 4.585·10^10 left.
    // then B alone: 4.585·10^10 / 5·10^6 = 9,170 s. Full at 3,610 + 9,170 = 12,780 s (3 h 33 min).
    const seconds = secondsUntilFull(1e11, [
      {sizeBytes: 0, writeBytesPerSec: 1e7, capBytes: 3.61e10},
      {sizeBytes: 0, writeBytesPerSec: 5e6, capBytes: Infinity},
    ])
    expect(seconds).toBeCloseTo(12_780, 6)
  })

  it('a replica already at its cap does not grow; no free space is full now', () => {
    expect(secondsUntilFull(1e9, [{sizeBytes: 5e9, writeBytesPerSec: 1e7, capBytes: 5e9}])).toBe(Infinity)
    expect(secondsUntilFull(0, [{sizeBytes: 0, writeBytesPerSec: 1, capBytes: Infinity}])).toBe(0)
  })

  it('retention.bytes caps by size; compacted topics are taken at their current size', () => {
    // retention.bytes 10 GB beats 1 day × 1 MB/s = 86.4 GB; plus the open segment min(1 GiB, 10^6 × 604,800) = 1 GiB.
    const capped = topic('t', {partitions: 1, rf: 1, configs: {'retention.bytes': '10000000000'}})
    expect(replicaCapBytes(capped, 1e6, 0)).toBe(1e10 + GiB)
    // segment.ms 1 h at 1 kB/s rolls at 3.6 MB, far below segment.bytes: the open segment is 3.6 MB.
    const slow = topic('slow', {partitions: 1, rf: 1, configs: {'segment.ms': '3600000'}})
    expect(replicaCapBytes(slow, 1000, 0)).toBe(1000 * 86_400 + 3.6e6)
    const compacted = topic('c', {partitions: 1, rf: 1, configs: {'cleanup.policy': 'compact'}})
    expect(replicaCapBytes(compacted, 1e6, 123)).toBe(123)
    const forever = topic('f', {partitions: 1, rf: 1, configs: {'retention.ms': '-1'}})
    expect(replicaCapBytes(forever, 1e6, 0)).toBe(Infinity)
  })
})

describe('time until full: on a cluster', () => {
  // 3 brokers, one log dir each with 10^12 bytes usable of 2·10^12; topic audit: 1 partition,
  // RF 3, kept forever, 10^7 B/s, so every broker's replica grows 10^7 B/s: full in 10^5 s.
  function auditCluster(): ClusterSnapshot {
    const snapshot = healthyCluster()
    snapshot.topics = [topic('audit', {partitions: 1, rf: 3, writeBytesPerSec: 1e7, configs: {'retention.ms': '-1'}})]
    return withLogDirs(snapshot, {totalBytes: 2e12, usableBytes: 1e12})
  }

  it('27.8 h is under the 7-day warning line, above the 24-hour error line', () => {
    const report = runChecks(auditCluster(), {checks: ['capacity.time-until-full']})
    expect(report.figures.brokers.map((node) => node.timeUntilFullMs)).toEqual([1e8, 1e8, 1e8])
    expect(summary(report.findings)).toEqual(['capacity.time-until-full warning broker:1', 'capacity.time-until-full warning broker:2', 'capacity.time-until-full warning broker:3'])
    expect(report.findings[0].problem).toBe('log dir /var/lib/kafka/data is full in 1d4h: 931.3 GiB free, growing 9.5 MiB/s')
    expect(report.findings[0].fix).toBe('cap the growing topics (audit): kctl topics alter audit -c retention.ms=<ms> --yes, or add disk')
  })

  it('twice the rate: 50,000 s ≈ 13.9 h, an error', () => {
    const snapshot = auditCluster()
    snapshot.topics[0].partitions[0].writeBytesPerSec = 2e7
    expect(summary(capacity(snapshot).filter((item) => item.id === 'capacity.time-until-full'))[0]).toBe('capacity.time-until-full error broker:1')
  })

  it('the healthy cluster levels off: "not filling" (null in the figures)', () => {
    const report = runChecks(healthyCluster())
    expect(report.figures.brokers.map((node) => node.timeUntilFullMs)).toEqual([null, null, null])
  })

  it('without reported space, --disk stands in for a broker with one log dir', () => {
    // --disk 10^12, 10^11 of data already there: 9·10^11 free at 10^7 B/s = 90,000 s = 25 h.
    const snapshot = healthyCluster()
    snapshot.topics = [topic('audit', {partitions: 1, rf: 3, writeBytesPerSec: 1e7, configs: {'retention.ms': '-1'}})]
    withLogDirs(snapshot, {}, () => 1e11)
    expect(runChecks(snapshot).figures.brokers[0].timeUntilFullMs).toBeUndefined()
    const report = runChecks(snapshot, {diskBytes: 1e12})
    expect(report.figures.brokers[0].timeUntilFullMs).toBe(9e7)
    expect(report.figures.brokers[0].logDirs[0].spaceFrom).toBe('disk-flag')
  })
})

describe('disk usage', () => {
  it.each([
    // 1 − 200/1000 = 80% used: warning; 1 − 50/1000 = 95%: error; 70%: nothing.
    [200, 'warning'],
    [50, 'error'],
    [300, undefined],
  ])('%d GiB usable of 1000 GiB', (usableGiB, severity) => {
    const snapshot = withLogDirs(healthyCluster(), {totalBytes: 1000 * GiB, usableBytes: usableGiB * GiB})
    const findings = capacity(snapshot).filter((item) => item.id === 'capacity.disk-usage')
    expect(findings.map((item) => item.severity)).toEqual(severity === undefined ? [] : [severity, severity, severity])
  })
})

describe('skew', () => {
  it('replicas on two of three brokers: 12, 12, 0 replicas; leaders 6, 6, 0', () => {
    const snapshot = healthyCluster()
    snapshot.topics = [topic('orders', {partitions: 12, rf: 2, brokers: [1, 2]})]
    const findings = capacity(snapshot).filter((item) => item.id.endsWith('-skew'))
    expect(summary(findings)).toEqual(['capacity.partition-skew warning cluster:healthy', 'capacity.leader-skew warning cluster:healthy'])
    expect(findings[0].problem).toBe('partition replicas per broker range from 0 (broker 3) to 12 (broker 1), mean 8')
  })

  it('replicas even, leaders all on broker 1: leader skew only', () => {
    const snapshot = healthyCluster()
    for (const partition of snapshot.topics[0].partitions) partition.leader = 1
    const findings = capacity(snapshot).filter((item) => item.id.endsWith('-skew'))
    expect(summary(findings)).toEqual(['capacity.leader-skew warning cluster:healthy'])
  })

  it('2, 1, 1 is as even as 4 partitions get', () => {
    const snapshot = healthyCluster()
    snapshot.topics = [topic('orders', {partitions: 4, rf: 1})]
    expect(capacity(snapshot).filter((item) => item.id.endsWith('-skew'))).toEqual([])
  })
})

describe('survive a loss: the planner\'s model on the measured workload', () => {
  // 3 brokers in 3 racks; orders: 6 partitions × 10 MiB/s = W 60 MiB/s, RF 3, min ISR 2,
  // retention 1 h; one consumer group (fanout 1). Hardware given, the seed's HA minimum:
  // 1 Gbit/s NICs, 250 MiB/s disks, 8 cores, 16 GiB; disks report 1 TiB.
  function busyCluster(): ClusterSnapshot {
    const snapshot = healthyCluster()
    snapshot.topics[0] = topic('orders', {partitions: 6, rf: 3, writeBytesPerSec: 10 * MiB, configs: {'retention.ms': '3600000'}})
    return withLogDirs(snapshot, {totalBytes: 1024 * GiB, usableBytes: 1000 * GiB})
  }
  const hardware = {networkMbps: 1000, diskMiBps: 250, cores: 8, memoryGiB: 16}

  it('NEED and HAVE per broker, by hand', () => {
    const model = runChecks(busyCluster(), {hardware}).figures.model!
    const row = (id: string) => model.assessment.limits.find((limit) => limit.id === id)!
    // network-in = W·RF/N = 60·3/3 = 60 MiB/s; HAVE 1000 Mbit/s = 10^9/8/2^20 = 119.209 MiB/s.
    expect(row('network-in').need).toBe(60)
    expect(row('network-in').have).toBeCloseTo(119.209, 3)
    // 60/119.209 = 50.3%: under 80% of the 70% budget (56%): ok.
    expect(row('network-in').status).toBe('ok')
    // network-out = W·(C + RF − 1)/N = 60·(1 + 2)/3 = 60 MiB/s.
    expect(row('network-out').need).toBe(60)
    // disk-throughput = 60·3/3 = 60 of 250 MiB/s = 24%: ok.
    expect(row('disk-throughput')).toMatchObject({need: 60, have: 250, status: 'ok'})
    // storage: each partition levels off at 10 MiB/s × 3600 s = 36,000 MiB plus an open segment
    // of min(1 GiB, 10 MiB/s × 7 d) = 1,024 MiB: 37,024 MiB; 6 partitions = 222,144 MiB = 216.9375 GiB
    // (__consumer_offsets is compacted and empty: 0). × RF 3 / 0.75 = 867.75 GiB for the cluster;
    // the fullest broker holds 9 of the 27 replicas: 867.75 / 3 = 289.25 GiB of 1024.
    expect(row('storage').need).toBeCloseTo(289.25, 9)
    expect(row('storage').have).toBe(1024)
    // The model sees the same workload: 60 MiB/s, retention S/W = 222,144 / 60 / 3600 = 1.02844 h.
    expect(model.input).toMatchObject({writeMiBps: 60, fanout: 1, replicationFactor: 3, minInsyncReplicas: 2, azs: 3, partitions: 9})
    expect(model.input.retentionHours).toBeCloseTo(1.028444, 5)
  })

  it('losing a broker: the traffic needs 3 brokers, 2 would remain: an error, and the rack loss a warning', () => {
    // network-in needs ceil(180 / (119.209 × 0.7)) = ceil(2.157) = 3 brokers (disk-throughput
    // ceil(180 / 175) = 2). Losing one of 3 brokers leaves 2 < 3; losing a rack leaves 2 as well.
    const report = runChecks(busyCluster(), {checks: ['capacity'], hardware})
    expect(report.figures.model!.assessment.trafficBrokers).toBe(3)
    const findings = report.findings.filter((item) => item.id === 'capacity.broker-loss' || item.id === 'capacity.rack-loss')
    expect(summary(findings)).toEqual(['capacity.broker-loss error cluster:healthy', 'capacity.rack-loss warning cluster:healthy'])
    expect(findings[0].problem).toBe('losing one broker: no: 2 brokers remain, the traffic needs 3; short by 1')
    expect(findings[1].problem).toBe('losing one rack/AZ: no: 2 brokers remain, the traffic needs 3; short by 1')
  })

  it('on 10 Gbit/s NICs it survives both', () => {
    // network-in: 180 / (1192.09 × 0.7) = 0.22 → 1 broker; disk: 180 / 175 = 1.03 → 2. 2 remain ≥ 2.
    const report = runChecks(busyCluster(), {checks: ['capacity'], hardware: {...hardware, networkMbps: 10_000}})
    expect(report.figures.model!.assessment.trafficBrokers).toBe(2)
    expect(report.figures.model!.assessment.faultTolerance).toMatchObject({survivesBrokerLoss: true, survivesAzLoss: true})
    expect(report.findings.filter((item) => item.id.endsWith('-loss'))).toEqual([])
  })

  it('network-in over budget on given hardware is an error; on assumed hardware a warning', () => {
    // 6 × 15 MiB/s = W 90: network-in 90·3/3 = 90 of 119.209 MiB/s = 75.5% > 70%.
    const snapshot = busyCluster()
    for (const partition of snapshot.topics[0].partitions) partition.writeBytesPerSec = 15 * MiB
    const given = capacity(snapshot, {hardware}).filter((item) => item.id === 'capacity.plan-limits')
    expect(given.map((item) => `${item.object.name} ${item.severity}`)).toEqual(['network-in error', 'network-out error'])
    expect(given[0].problem).toBe('NIC inbound (producers + replication): need 90 of 119.21 MiB/s per broker (75.5%, budget 70%)')
    // Assumed: the seed's 10 Gbit/s = 1192.09 MiB/s. 6 × 150 MiB/s = 900 per broker: 75.5% again.
    for (const partition of snapshot.topics[0].partitions) partition.writeBytesPerSec = 150 * MiB
    const assumed = capacity(snapshot).filter((item) => item.id === 'capacity.plan-limits' && item.object.name === 'network-in')
    expect(assumed.map((item) => item.severity)).toEqual(['warning'])
    expect(assumed[0].problem).toContain('HAVE assumed from the seed\'s recommended tier (give the real figure, e.g. --network)')
  })

  it('a single broker is a development node: info, not an error', () => {
    const snapshot = healthyCluster()
    snapshot.brokers = [broker(1, undefined)]
    snapshot.topics = [topic('dev', {partitions: 1, rf: 1, brokers: [1], writeBytesPerSec: MiB, configs: {'min.insync.replicas': '1'}})]
    withLogDirs(snapshot, {totalBytes: 100 * GiB, usableBytes: 90 * GiB})
    const findings = capacity(snapshot).filter((item) => item.id.endsWith('-loss'))
    expect(summary(findings)).toEqual(['capacity.broker-loss info cluster:healthy'])
  })

  it('the fix\'s kctl plan command gives plan the workload doctor measured', () => {
    const model = runChecks(busyCluster(), {hardware}).figures.model!
    const command = planCommand(model)
    // Retention 1.028444 h = 3,702.4 s, to the second.
    expect(command).toBe('kctl plan --ha --write-mbps 60 --fanout 1 --retention 3702s --replication-factor 3 --min-insync-replicas 2 --record-size 1024 --partitions 9 --azs 3 --cores 8 --memory 16GiB --disk 1024GiB --disk-mbps 250 --network 1000Mbps')
    const raw: RawPlanOptions = {ha: true}
    for (const [, flag, value] of command.matchAll(/--([a-z-]+) ([^ -][^ ]*)/g)) {
      raw[flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()) as Exclude<keyof RawPlanOptions, 'ha'>] = value
    }
    const input = resolvePlanInput(raw)
    expect({...input, retentionHours: 0}).toEqual({...model.input, retentionHours: 0})
    expect(input.retentionHours).toBeCloseTo(model.input.retentionHours, 3)
  })

  it('plan and doctor agree: the same input at the plan\'s broker count gives the plan\'s rows and verdicts', () => {
    const input: PlanInput = {
      ha: true, writeMiBps: 200, fanout: 3, retentionHours: 72, replicationFactor: 3, minInsyncReplicas: 2, recordBytes: 1024, partitions: 60,
      producerPartitionMiBps: 10, consumerPartitionMiBps: 10, azs: 3, hardware: {cores: 8, memoryGiB: 32, diskGiB: 4000, diskMiBps: 500, networkMbps: 10_000},
    }
    const plan = planCapacity(input)
    const assessment = assessCluster(input, plan.partitions, plan.brokers)
    expect(assessment.limits).toEqual(plan.limits)
    expect(assessment.faultTolerance).toEqual(plan.faultTolerance)
  })
})

describe('retention and the model', () => {
  it('a topic levels off at about W·R·RF across the cluster', () => {
    // 3 partitions × 1 MiB/s for 1 day, RF 3: each partition keeps 86,400 MiB + a 1 GiB open segment
    // = 87,424 MiB; the topic 262,272 MiB before replication, ×3 on the brokers' disks.
    const snapshot = healthyCluster()
    snapshot.topics = [topic('t', {partitions: 3, rf: 3, writeBytesPerSec: MiB})]
    const figures = runChecks(withLogDirs(snapshot, {totalBytes: 1024 * GiB, usableBytes: 1000 * GiB})).figures
    expect(figures.topics[0].steadyStateBytes).toBe(3 * 87_424 * MiB)
    expect(figures.writeBytesPerSec).toBe(3 * MiB)
  })
})
