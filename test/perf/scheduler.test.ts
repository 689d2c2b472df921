// The fixed-rate scheduler's accounting, driven by a fake clock and a fake transport: a
// broker that stops answering must raise the latency of every record that waited, which
// a tool timing from the actual send (coordinated omission) would hide.
import {describe, expect, it} from 'vitest'
import {LoadProducer, type ProduceTransport, type ProducerOptions, type SealedBatch} from '../../src/perf/load-producer.js'
import {randomPayloads} from '../../src/perf/payloads.js'
import {LatencyRecorder} from '../../src/perf/stats.js'

class FakeClock {
  ms = 1_000_000
  nowMs(): number {
    return this.ms
  }
}

/** Acknowledges requests only when told to; counts what it was sent. */
class FakeTransport implements ProduceTransport {
  pending: {batches: SealedBatch[]; resolve: (codes: number[]) => void}[] = []
  requests = 0
  records = 0
  produce(batches: SealedBatch[]): Promise<number[]> {
    this.requests++
    for (const batch of batches) this.records += batch.records.readInt32BE(57)
    return new Promise((resolve) => this.pending.push({batches, resolve}))
  }
  ackAll(): void {
    const pending = this.pending
    this.pending = []
    for (const request of pending) request.resolve(request.batches.map(() => 0))
  }
}

function options(overrides: Partial<ProducerOptions>): ProducerOptions {
  return {
    partitions: 1,
    recordsPerSec: 1000,
    startMs: 1_000_000,
    phaseMs: 0,
    maxRecords: Number.POSITIVE_INFINITY,
    endMs: Number.POSITIVE_INFINITY,
    batchBytes: 16_384,
    lingerMs: 0,
    maxInFlight: 5,
    bufferBytes: 32 * 1024 * 1024,
    compression: 'none',
    payloads: randomPayloads(100, 1),
    keyPattern: {kind: 'none'},
    keys: null,
    stampSendTime: false,
    ...overrides,
  }
}

/** Advances the fake clock 1 ms at a time, stepping the producer and settling acks. */
async function run(producer: LoadProducer, clock: FakeClock, transport: FakeTransport, untilMs: number, ack: (ms: number) => boolean) {
  while (clock.ms < untilMs) {
    producer.step()
    if (ack(clock.ms)) transport.ackAll()
    await Promise.resolve() // let the ack callbacks run at this clock time
    await Promise.resolve()
    clock.ms += 1
  }
}

describe('fixed-rate schedule', () => {
  it('records latency from the intended send time, so a broker pause shows in the percentiles', async () => {
    const clock = new FakeClock()
    const transport = new FakeTransport()
    const recorder = new LatencyRecorder(clock.ms)
    const producer = new LoadProducer(options({maxRecords: 2000}), transport, clock, recorder)
    // 1000 records/s for 2 s; the broker answers at once except between 500 ms and 700 ms.
    const pausedFrom = clock.ms + 500
    const pausedUntil = clock.ms + 700
    await run(producer, clock, transport, clock.ms + 2100, (ms) => ms < pausedFrom || ms >= pausedUntil)
    producer.step()
    transport.ackAll()
    await Promise.resolve()
    await Promise.resolve()

    const totals = recorder.totals(clock.ms)
    expect(totals.records).toBe(2000)
    expect(transport.records).toBe(2000)
    // The record due at 500 ms waited the whole 200 ms pause.
    expect(totals.maxMs).toBeGreaterThanOrEqual(199)
    expect(totals.maxMs).toBeLessThanOrEqual(201)
    // 200 of 2000 records (10%) were delayed by 0..200 ms: p95 lands in the pause, p50 does not.
    expect(totals.p50Ms).toBeLessThan(1)
    expect(totals.p95Ms).toBeGreaterThan(90)
    expect(totals.p99Ms).toBeGreaterThan(170)
  })

  it('keeps the schedule while the buffer is full and counts the wait for records not yet built', async () => {
    const clock = new FakeClock()
    const transport = new FakeTransport()
    const recorder = new LatencyRecorder(clock.ms)
    // A buffer of one batch and one request in flight: during the pause nothing new can
    // even be appended, yet those records still owe their latency from their slot.
    const producer = new LoadProducer(
      options({maxRecords: 1000, batchBytes: 1024, bufferBytes: 1024, maxInFlight: 1}),
      transport,
      clock,
      recorder,
    )
    const pausedFrom = clock.ms + 100
    const pausedUntil = clock.ms + 400
    await run(producer, clock, transport, clock.ms + 1500, (ms) => ms < pausedFrom || ms >= pausedUntil)
    for (let round = 0; round < 50 && !producer.finished; round++) {
      producer.step()
      transport.ackAll()
      await Promise.resolve()
      await Promise.resolve()
    }
    const totals = recorder.totals(clock.ms)
    expect(totals.records).toBe(1000)
    expect(totals.maxMs).toBeGreaterThanOrEqual(299)
    // The generator was blocked too: its own lag (the delay histogram) shows it.
    expect(producer.delay.maxValue / 1000).toBeGreaterThan(250)
  })

  it('sends as fast as acks allow when unlimited, with every record counted once', async () => {
    const clock = new FakeClock()
    const transport = new FakeTransport()
    const recorder = new LatencyRecorder(clock.ms)
    const producer = new LoadProducer(options({recordsPerSec: -1, maxRecords: 50_000, partitions: 3}), transport, clock, recorder)
    await run(producer, clock, transport, clock.ms + 200, () => true)
    expect(producer.finished).toBe(true)
    expect(recorder.records).toBe(50_000)
    expect(transport.records).toBe(50_000)
    expect(producer.errors).toBe(0)
  })

  it('seals a batch when it is full or when linger expires', async () => {
    const clock = new FakeClock()
    const transport = new FakeTransport()
    const recorder = new LatencyRecorder(clock.ms)
    const producer = new LoadProducer(options({recordsPerSec: 1000, lingerMs: 10, maxRecords: 100}), transport, clock, recorder)
    await run(producer, clock, transport, clock.ms + 200, () => true)
    // 1 record per ms and a 10 ms linger: about ten records a request, not one.
    expect(transport.records).toBe(100)
    expect(transport.requests).toBeGreaterThanOrEqual(9)
    expect(transport.requests).toBeLessThanOrEqual(12)
    expect(recorder.totals(clock.ms).maxMs).toBeGreaterThanOrEqual(9)
  })
})
