// Each formula of the capacity model, table-driven, with the expected number worked out beside it.
import {describe, expect, it} from 'vitest'
import {resolvePlanInput} from '../../src/plan/input.js'
import {
  brokersFor, derivePartitions, fullestBrokerReplicas, heapGiB, mbpsToMiBps, type PlanInput, planCapacity, replicaCapacity, roundUpToMultiple, spreadPartitions,
  storedGiB, threadCounts,
} from '../../src/plan/model.js'

// A round-number HA input used by several cases; fields overridden per case.
const base: PlanInput = {
  ha: true, writeMiBps: 100, fanout: 2, retentionHours: 24, replicationFactor: 3, minInsyncReplicas: 2, recordBytes: 1024,
  partitions: 60, producerPartitionMiBps: 10, consumerPartitionMiBps: 10, azs: 3,
  hardware: {cores: 8, memoryGiB: 32, diskGiB: 10_000, diskMiBps: 1000, networkMbps: 10_000},
}
const row = (input: PlanInput, id: string) => planCapacity(input).limits.find((limit) => limit.id === id)!

describe('unit conversions and sizing formulas', () => {
  it.each([
    // 1000 Mbit/s = 10^9 / 8 bytes/s = 125,000,000 B/s / 1,048,576 = 119.2093 MiB/s
    [1000, 119.2093],
    // 100 Mbit/s = 12,500,000 B/s = 11.9209 MiB/s
    [100, 11.9209],
    // 10 Gbit/s = 1192.093 MiB/s
    [10_000, 1192.093],
  ])('NIC %d Mbit/s = %d MiB/s', (mbps, miBps) => {
    expect(mbpsToMiBps(mbps)).toBeCloseTo(miBps, 3)
  })

  it.each([
    // heap = clamp(25% of RAM, 1, 6): 2 GiB → 0.5 → clamped up to 1
    [2, 1],
    // 8 GiB → 2
    [8, 2],
    // 16 GiB → 4
    [16, 4],
    // 64 GiB → 16 → clamped down to 6
    [64, 6],
  ])('heap for %d GiB RAM is %d GiB', (memoryGiB, expected) => {
    expect(heapGiB(memoryGiB)).toBe(expected)
  })

  it.each([
    // io = max(8, cores), network = max(3, floor(cores/2)), fetchers = max(1, floor(cores/4))
    [2, {numIoThreads: 8, numNetworkThreads: 3, numReplicaFetchers: 1}],
    [4, {numIoThreads: 8, numNetworkThreads: 3, numReplicaFetchers: 1}],
    [8, {numIoThreads: 8, numNetworkThreads: 4, numReplicaFetchers: 2}],
    // the seed's 8 network / 16 io threads are exactly the 16-core figures
    [16, {numIoThreads: 16, numNetworkThreads: 8, numReplicaFetchers: 4}],
  ])('threads for %d cores', (cores, expected) => {
    expect(threadCounts(cores)).toEqual(expected)
  })

  it.each([
    // ceil(max(100/10, 100/20)) = ceil(max(10, 5)) = 10
    [100, 10, 20, 10],
    // ceil(max(25/10, 25/5)) = ceil(max(2.5, 5)) = 5
    [25, 10, 5, 5],
    // ceil(max(1/10, 1/10)) = ceil(0.1) = 1
    [1, 10, 10, 1],
  ])('partitions for W=%d, producer %d, consumer %d MiB/s per partition = %d', (w, producer, consumer, expected) => {
    expect(derivePartitions(w, producer, consumer)).toBe(expected)
  })

  it.each([
    // min(4000, 500·cores)
    [2, 1000],
    [4, 2000],
    [8, 4000],
    [32, 4000],
  ])('replica capacity for %d cores = %d', (cores, expected) => {
    expect(replicaCapacity(cores)).toBe(expected)
  })

  it.each([
    // ceil(total / (have · budget)): 300 / (100 · 0.7) = 4.29 → 5
    [300, 100, 0.7, 5],
    // 210 / (100 · 0.7) = 3 exactly → 3, no float drift to 4
    [210, 100, 0.7, 3],
    // nothing to carry → 1
    [0, 100, 0.7, 1],
    // no capacity at all → Infinity
    [10, 0, 1, Number.POSITIVE_INFINITY],
  ])('brokersFor(%d, %d, %d) = %d', (total, have, budget, expected) => {
    expect(brokersFor(total, have, budget)).toBe(expected)
  })

  it('rounds up to a multiple of the AZ count', () => {
    expect(roundUpToMultiple(4, 3)).toBe(6)
    expect(roundUpToMultiple(6, 3)).toBe(6)
    expect(roundUpToMultiple(5, 1)).toBe(5)
  })

  it('stored data is W·retention, capped by retention.bytes·partitions', () => {
    // 1 MiB/s · 24 h · 3600 s = 86,400 MiB = 84.375 GiB
    expect(storedGiB({writeMiBps: 1, retentionHours: 24}, 10)).toBeCloseTo(84.375, 6)
    // cap: 1 GiB per partition · 10 partitions = 10 GiB < 84.375
    expect(storedGiB({writeMiBps: 1, retentionHours: 24, retentionBytesPerPartition: 2 ** 30}, 10)).toBeCloseTo(10, 6)
  })
})

describe('limit rows', () => {
  it.each([
    // network-in = W·RF/N: 100·3 = 300 MiB/s total; NIC 10 Gbit/s = 1192.09 MiB/s;
    // brokers for it = ceil(300 / (1192.09·0.7)) = ceil(0.36) = 1
    ['network-in', 300, 1192.093, 1],
    // network-out = W·(C + RF − 1)/N: 100·(2 + 3 − 1) = 400 MiB/s total → ceil(400/834.47) = 1
    ['network-out', 400, 1192.093, 1],
    // disk = W·RF/N: 300 MiB/s total against 1000 MiB/s at 70% → ceil(300/700) = 1
    ['disk-throughput', 300, 1000, 1],
    // storage = W·retention·RF/0.75: 100·86,400 s/1024 = 8437.5 GiB · 3 / 0.75 = 33,750 GiB
    // against 10,000 GiB disks → ceil(3.375) = 4
    ['storage', 33_750, 10_000, 4],
    // page cache = 30 s·W·RF: 30·300 = 9000 MiB = 8.789 GiB; have 32 − 6 heap = 26 GiB → 1
    ['page-cache', 8.7890625, 26, 1],
    // cpu = max((in + out)/50, records/100k): in+out = 700 MiB/s → 14 cores;
    // records = 300 MiB/s · 1,048,576 / 1024 B = 307,200/s → 3.07 cores; 14 / (8·0.7) = 2.5 → 3
    ['cpu', 14, 8, 3],
    // replicas = partitions·RF = 60·3 = 180 against min(4000, 500·8) = 4000 → 1
    ['partitions', 180, 4000, 1],
  ])('%s: total %d, have %d, needs %d broker(s)', (id, total, have, minBrokers) => {
    const limit = row(base, id)
    const plan = planCapacity(base)
    expect(limit.need * plan.brokers).toBeCloseTo(total, 3)
    expect(limit.have).toBeCloseTo(have, 3)
    expect(limit.minBrokers).toBe(minBrokers)
    expect(limit.utilisation).toBeCloseTo(limit.need / limit.have, 9)
  })

  it('takes the largest limit, rounds to AZs and names the decider', () => {
    // storage needs 4 → rounded up to 6 (multiple of 3 AZs). After losing one broker 5 remain,
    // after losing an AZ 4 remain; traffic needs 3 (cpu), so 6 survives both.
    const plan = planCapacity(base)
    expect(plan.brokers).toBe(6)
    expect(plan.decidingLimit).toBe('storage')
    expect(plan.decidingReason).toMatch(/rounded up from 4 to a multiple of 3 AZs/)
    expect(plan.brokersPerAz).toBe(2)
    expect(plan.faultTolerance.survivesBrokerLoss).toBe(true)
    expect(plan.faultTolerance.survivesAzLoss).toBe(true)
    // replicas per broker = 180 / 6 = 30
    expect(plan.replicasPerBroker).toBe(30)
  })

  it('grows an HA cluster until it survives losing one AZ', () => {
    // W = 1000 MiB/s, C = 1, RF 3: in = 3000 MiB/s; NIC 10 Gbit/s at 70% = 834.47 → ceil(3.6) = 4;
    // out = 1000·3 = 3000 → 4; cpu: (3000+3000)/50 = 120 cores / (32·0.7 = 22.4) → ceil(5.36) = 6.
    // 6 brokers (a multiple of 3): losing an AZ leaves 4 < 6, so grow by 3 → 9 (6 left) ✓.
    const input = {...base, writeMiBps: 1000, fanout: 1, partitions: 100, hardware: {...base.hardware, cores: 32, diskMiBps: 5000, diskGiB: 100_000}}
    const plan = planCapacity(input)
    expect(row(input, 'cpu').minBrokers).toBe(6)
    expect(plan.brokers).toBe(9)
    expect(plan.decidingLimit).toBe('fault-tolerance')
    expect(plan.faultTolerance.azLoss).toMatch(/^yes: 6 brokers remain/)
  })

  it('floors the broker count at the replication factor', () => {
    // a tiny workload needs 1 broker by every limit; RF 3 → 3 brokers
    const plan = planCapacity({...base, writeMiBps: 0.1, partitions: 3})
    expect(plan.brokers).toBe(3)
    expect(plan.decidingLimit).toBe('replication-factor')
  })

  it('reports what a single broker cannot survive, and by how much', () => {
    const input = resolvePlanInput({writeMbps: '0.5'})
    const plan = planCapacity(input)
    expect(plan.brokers).toBe(1)
    expect(plan.faultTolerance.survivesBrokerLoss).toBe(false)
    expect(plan.faultTolerance.brokerLoss).toMatch(/at least 3 brokers/)
    expect(plan.faultTolerance.survivesAzLoss).toBe(false)
  })

  it('says by how many replicas an AZ loss falls short when RF equals min.insync', () => {
    // RF 2 over 2 AZs, min.insync 2: an AZ takes ceil(2/2) = 1 replica, leaving 1 < 2 → short by 1
    const plan = planCapacity({...base, replicationFactor: 2, minInsyncReplicas: 2, azs: 2})
    expect(plan.faultTolerance.survivesAzLoss).toBe(false)
    expect(plan.faultTolerance.azLoss).toMatch(/short by 1 replica/)
    expect(plan.faultTolerance.brokerLoss).toMatch(/raise RF to 3/)
  })

  it('marks hardware below the seed minimum loudly', () => {
    // HA minimum is 4 cores / 8 GiB / 500 GiB / 1 Gbit/s; 2 cores and 100 Mbit/s are below it
    const plan = planCapacity({...base, writeMiBps: 1, hardware: {...base.hardware, cores: 2, networkMbps: 100}})
    expect(row({...base, writeMiBps: 1, hardware: {...base.hardware, cores: 2, networkMbps: 100}}, 'network-in').status).toBe('below-minimum')
    expect(plan.limits.find((limit) => limit.id === 'cpu')!.status).toBe('below-minimum')
    expect(plan.hardware.position.cores).toBe('below-minimum')
    expect(plan.hardware.position.memoryGiB).toBe('recommended')
    expect(plan.warnings.join('\n')).toMatch(/cores 2 cores is below the seed's ha minimum of 4 cores/)
    expect(plan.warnings.join('\n')).toMatch(/network 100 Mbit\/s is below the seed's ha minimum of 1000 Mbit\/s/)
  })

  it('sizes by the other limits when one cannot be met at all', () => {
    // 1 GiB RAM: heap = clamp(0.25, 1, 6) = 1 GiB, so the page cache has 0 GiB on any broker.
    // storage still decides: 5 MiB/s · 168 h · 3600 / 1024 = 2953.1 GiB · 3 / 0.75 = 11,812.5 GiB
    // over 1024 GiB disks → ceil(11.54) = 12 brokers (a multiple of 3 AZs).
    const input = resolvePlanInput({ha: true, writeMbps: '5', memory: '1GiB'})
    const plan = planCapacity(input)
    expect(plan.brokers).toBe(12)
    expect(plan.decidingLimit).toBe('storage')
    expect(plan.limits.find((limit) => limit.id === 'page-cache')!.minBrokers).toBe(Number.POSITIVE_INFINITY)
    expect(plan.warnings).toContain('page-cache cannot be met by adding brokers: each broker has 0 GiB for it')
  })

  it('places hardware between the tiers', () => {
    // HA tiers: minimum 8 GiB, recommended 16 GiB; 12 GiB sits at "minimum"
    const plan = planCapacity({...base, hardware: {...base.hardware, memoryGiB: 12}})
    expect(plan.hardware.position.memoryGiB).toBe('minimum')
  })

  it('flags a warn row above 80% of its budget', () => {
    // single broker, RF 1, 1 GiB/s NIC: network-in = W; W = 80 MiB/s → 80/119.21 = 67% of a 70% budget
    // (above 0.8·0.7 = 56%) → warn; 16 cores so cpu ((80+80)/50 = 3.2 of 11.2) keeps it at 1 broker
    const input = resolvePlanInput({writeMbps: '80', retention: '1h', network: '1Gbps', diskMbps: '1000', cores: '16'})
    const limit = row(input, 'network-in')
    expect(limit.utilisation).toBeCloseTo(80 / 119.2093, 4)
    expect(limit.status).toBe('warn')
  })
})

describe('replicas sit whole on one broker', () => {
  it.each([
    // step = N / gcd(N, RF): 117 brokers, RF 3 → 39; 5 partitions round up to 39 (117 replicas, 1 each)
    [5, 117, 3, 39],
    // 10 brokers, RF 3 → step 10: 1 → 10 partitions (30 replicas, 3 each)
    [1, 10, 3, 10],
    // 7 brokers, RF 3 → step 7: 1000 → 1001 (3003 replicas, 429 each)
    [1000, 7, 3, 1001],
    // 3 brokers, RF 3 → step 1: unchanged
    [5, 3, 3, 5],
  ])('spreadPartitions(%d partitions, %d brokers, RF %d) = %d', (partitions, brokers, rf, expected) => {
    expect(spreadPartitions(partitions, brokers, rf)).toBe(expected)
  })

  it('fullest broker holds ceil(partitions·RF/N) replicas', () => {
    // 20·3 = 60 replicas on 129 brokers → 1 each on 60 of them; 13·3 = 39 on 6 → 7 on the fullest
    expect(fullestBrokerReplicas(20, 129, 3)).toBe(1)
    expect(fullestBrokerReplicas(13, 6, 3)).toBe(7)
    expect(fullestBrokerReplicas(60, 6, 3)).toBe(30)
  })

  it('derived partitions spread storage over every broker (seed HA tier, 50 MiB/s, 7 days)', () => {
    // storage = 50 MiB/s · 604,800 s / 1024 = 29,531.25 GiB · RF 3 / 0.75 = 118,125 GiB over 1024 GiB
    // disks → ceil(115.36) = 116 → 117 (multiple of 3 AZs). Throughput alone gives ceil(50/10) = 5
    // partitions = 15 replicas, which would fill 15 brokers with 7875 GiB each; spread: step
    // 117/gcd(117, 3) = 39 → 39 partitions, 117 replicas, one per broker of 29,531.25/39/0.75 = 1009.6 GiB.
    const plan = planCapacity(resolvePlanInput({ha: true, writeMbps: '50', fanout: '3', retention: '7d'}))
    expect(plan.brokers).toBe(117)
    expect(plan.partitions).toBe(39)
    const storage = plan.limits.find((limit) => limit.id === 'storage')!
    expect(storage.need).toBeCloseTo(1009.615, 2)
    expect(storage.status).toBe('warn')
    // losing one broker leaves 116 = what storage needs; losing an AZ leaves 78 < 116
    expect(plan.faultTolerance.brokerLoss).toMatch(/storage needs 116, so the survivors have room/)
    expect(plan.faultTolerance.azLoss).toMatch(/^yes: 78 brokers remain .*but storage needs 116 brokers: the 78 survivors .* stay at RF 2 until the AZ is back/)
  })

  it('given partitions that cannot spread: the fullest broker is over, with the count that fixes it', () => {
    // 5 MiB/s for 7 days at RF 3: 2953.125 GiB stored, 11,812.5 GiB with replicas and headroom →
    // 12 brokers of 1024 GiB. One partition = 3 replicas: each holds 2953.125/0.75 = 3937.5 GiB,
    // 3.85 times a disk. Spread: 12/gcd(12, 3) = 4 partitions.
    const plan = planCapacity(resolvePlanInput({ha: true, writeMbps: '5', partitions: '1'}))
    expect(plan.brokers).toBe(12)
    const storage = plan.limits.find((limit) => limit.id === 'storage')!
    expect(storage.need).toBeCloseTo(3937.5, 6)
    expect(storage.status).toBe('over')
    expect(plan.warnings.join('\n')).toMatch(/storage: 1 partition\(s\) × RF 3 do not spread over 12 brokers; .* use --partitions 4/)
  })

  it('seed minimum single broker: says one broker cannot hold 7 days of 5 MiB/s, and what it holds', () => {
    // 5 MiB/s · 604,800 s / 1024 = 2953.1 GiB / 0.75 = 3937.5 GiB over 100 GiB → 40 brokers.
    // One broker: 100 GiB · 0.75 · 1024 / 5 MiB/s / 3600 = 4.27 h.
    const plan = planCapacity(resolvePlanInput({writeMbps: '5', tier: 'minimum'}))
    expect(plan.brokers).toBe(40)
    expect(plan.warnings).toContain('one broker cannot carry this workload: storage needs 40 brokers; one broker of this disk holds 4.27 h at 5 MiB/s (--retention 4h), or give a bigger --disk; for a cluster use --ha')
  })

  it('when every limit fits one broker, the tightest is named', () => {
    // 1 MiB/s for 12 h: 42.19 GiB / 0.75 = 56.25 GiB of a 100 GiB disk (56%) is the fullest row
    const plan = planCapacity(resolvePlanInput({writeMbps: '1', retention: '12h', tier: 'minimum'}))
    expect(plan.brokers).toBe(1)
    expect(plan.decidingLimit).toBe('storage')
    expect(plan.decidingReason).toBe('every limit fits on one broker; storage is the tightest')
    expect(plan.warnings).toEqual([])
  })
})

describe('input resolution', () => {
  it('applies the documented defaults', () => {
    const input = resolvePlanInput({writeMbps: '5', ha: true})
    expect(input).toMatchObject({fanout: 1, retentionHours: 168, replicationFactor: 3, minInsyncReplicas: 2, azs: 3, recordBytes: 1024, tier: 'recommended'})
    expect(input.hardware).toEqual({cores: 8, memoryGiB: 16, diskGiB: 1024, diskMiBps: 500, networkMbps: 10_000})
  })

  it('takes a tier and overrides single figures', () => {
    const input = resolvePlanInput({writeMbps: '5', tier: 'minimum', memory: '6GiB', network: '10Gbps'})
    expect(input.hardware).toEqual({cores: 2, memoryGiB: 6, diskGiB: 100, diskMiBps: 100, networkMbps: 10_000})
    expect(input.tier).toBeUndefined()
  })

  it.each([
    [{writeMbps: '-5'}, /invalid --write-mbps "-5"/],
    [{writeMbps: 'fast'}, /invalid --write-mbps/],
    [{writeMbps: '5', tier: 'huge'}, /unknown tier "huge"/],
    [{writeMbps: '5', retention: '7x'}, /invalid --retention "7x"/],
    [{writeMbps: '5', replicationFactor: '2.5'}, /whole number/],
    [{writeMbps: '5', replicationFactor: '2', minInsyncReplicas: '3'}, /exceeds --replication-factor/],
    [{}, /missing --write-mbps/],
    // a 0 B record made the CPU row Infinity; 0 retention.bytes kept nothing
    [{writeMbps: '5', recordSize: '0'}, /invalid --record-size "0": must be more than 0/],
    [{writeMbps: '5', retentionBytes: '0'}, /invalid --retention-bytes "0": must be more than 0/],
    // 1e308 MiB/s overflowed every product to Infinity
    [{writeMbps: '1e308'}, /invalid --write-mbps "1e308": more than 10,000,000/],
    [{writeMbps: '5', retention: '100000000d'}, /more than 100 years/],
    // a bare number was bytes: --memory 16 planned a 16-byte broker
    [{writeMbps: '5', memory: '16'}, /invalid --memory "16": give a unit/],
    [{writeMbps: '5', disk: '500'}, /invalid --disk "500": give a unit/],
  ])('rejects %o', (raw, message) => {
    expect(() => resolvePlanInput(raw)).toThrow(message)
  })
})
