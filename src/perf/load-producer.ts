// The load generator: a fixed-rate schedule, per-partition batching with linger and batch
// size (kafkajs has neither), several requests in flight, and latency measured from each
// record's intended send time. When the broker stalls, records keep their place in the
// schedule while they wait in the buffer, so the stall shows in the percentiles instead
// of silently slowing the generator down (no coordinated omission).
import type {CompressionName} from '../compression/index.js'
import {BatchBuilder} from './batch.js'
import {type KeyPattern, type KeyPool} from './payloads.js'
import {LatencyRecorder, newHistogram} from './stats.js'

export interface Clock {
  /** Epoch milliseconds with sub-millisecond resolution. */
  nowMs(): number
}

export const systemClock: Clock = {nowMs: () => performance.timeOrigin + performance.now()}

export interface SealedBatch {
  partition: number
  records: Buffer
}

/** Sends one Produce request; resolves with an error code per batch (0 = ok) once acknowledged. */
export interface ProduceTransport {
  produce(batches: SealedBatch[]): Promise<number[]>
}

export interface ProducerOptions {
  partitions: number
  /** Records per second for this producer; 0 or less sends as fast as acks allow. */
  recordsPerSec: number
  startMs: number
  /** Offset of this producer's schedule, so several producers interleave evenly. */
  phaseMs: number
  maxRecords: number
  /** No record is scheduled at or after this time. */
  endMs: number
  batchBytes: number
  lingerMs: number
  maxInFlight: number
  bufferBytes: number
  compression: CompressionName
  payloads: Buffer[]
  keyPattern: KeyPattern
  keys: KeyPool | null
  stampSendTime: boolean
}

/** Records generated per step at most, so acks and timers get the event loop in between. */
const maxRecordsPerStep = 4096

export class LoadProducer {
  readonly delay = newHistogram()
  readonly errorCodes = new Map<number, number>()
  errors = 0
  inFlight = 0
  /** Set when a request failed outright (connection lost, timeout): the run should stop. */
  failure: unknown = null
  private nextIndex = 0
  private generationDone = false
  private readonly open: (BatchBuilder | null)[]
  private readonly ready: BatchBuilder[][]
  private readonly free: BatchBuilder[] = []
  private bytesInUse = 0
  private stickyPartition: number
  private readonly maxRecordBytes: number
  private readonly intervalMs: number
  private payloadIndex = 0
  private keyIndex = 0
  private random = 0x2545f491

  constructor(
    private readonly options: ProducerOptions,
    private readonly transport: ProduceTransport,
    private readonly clock: Clock,
    private readonly recorder: LatencyRecorder,
    private readonly onSettled: () => void = () => {},
  ) {
    this.open = Array.from({length: options.partitions}, () => null)
    this.ready = Array.from({length: options.partitions}, () => [])
    this.stickyPartition = Math.floor(Math.random() * options.partitions)
    const largestPayload = Math.max(...options.payloads.map((payload) => payload.length))
    const largestKey = options.keys ? Math.max(...options.keys.keys.map((key) => key.length)) : null
    this.maxRecordBytes = BatchBuilder.maxRecordBytes(largestKey, largestPayload, options.stampSendTime)
    this.intervalMs = options.recordsPerSec > 0 ? 1000 / options.recordsPerSec : 0
  }

  /** True once every scheduled record was sent and acknowledged (or failed). */
  get finished(): boolean {
    return this.generationDone && this.inFlight === 0 && this.bytesInUse === 0
  }

  /** Stops scheduling; what is buffered is still sent. */
  stop(): void {
    this.generationDone = true
  }

  /**
   * Milliseconds until the next step has work: the next scheduled record or the oldest
   * open batch's linger deadline. 0 when behind schedule; Infinity when only acks can help.
   */
  nextWakeMs(nowMs: number): number {
    let wakeMs = Number.POSITIVE_INFINITY
    const blocked = this.bytesInUse + this.options.batchBytes > this.options.bufferBytes
    if (!this.generationDone && !blocked) {
      wakeMs = this.intervalMs === 0 ? 0 : Math.max(0, this.intendedMs(this.nextIndex) - nowMs)
    }
    if (this.inFlight < this.options.maxInFlight) {
      for (const batch of this.open) {
        if (batch !== null) wakeMs = Math.min(wakeMs, Math.max(0, batch.firstDueMs + this.options.lingerMs - nowMs))
      }
      if (this.ready.some((queue) => queue.length > 0)) wakeMs = 0
    }
    return wakeMs
  }

  /** One round: schedule due records, seal lingered batches, send what the in-flight limit allows. */
  step(): void {
    const nowMs = this.clock.nowMs()
    this.generate(nowMs)
    this.sealLingered(nowMs)
    this.pump()
  }

  private intendedMs(index: number): number {
    return this.options.startMs + this.options.phaseMs + index * this.intervalMs
  }

  private generate(nowMs: number): void {
    const options = this.options
    if (this.generationDone) return
    if (options.recordsPerSec <= 0 && nowMs >= options.endMs) {
      this.generationDone = true
      return
    }
    const due =
      options.recordsPerSec > 0
        ? Math.min(options.maxRecords, Math.floor(((nowMs - options.startMs - options.phaseMs) * options.recordsPerSec) / 1000) + 1)
        : options.maxRecords
    const limit = Math.min(due, this.nextIndex + maxRecordsPerStep)
    const keys = this.options.keys
    const payloads = options.payloads
    const timestampMs = Math.floor(nowMs)
    while (this.nextIndex < limit) {
      const intendedMs = options.recordsPerSec > 0 ? this.intendedMs(this.nextIndex) : nowMs
      if (intendedMs >= options.endMs) {
        this.generationDone = true
        break
      }
      let key: Buffer | null = null
      let partition = this.stickyPartition
      if (keys !== null) {
        const keyIndex = options.keyPattern.kind === 'random' ? this.nextRandom() % keys.keys.length : this.keyIndex++ % keys.keys.length
        key = keys.keys[keyIndex]
        partition = keys.partitions[keyIndex]
      }
      let batch = this.open[partition]
      if (batch !== null && !batch.fits(this.maxRecordBytes)) {
        this.seal(partition)
        batch = null
        if (keys === null) partition = this.stickyPartition
        batch = this.open[partition]
      }
      if (batch === null) {
        batch = this.allocate(partition)
        if (batch === null) return // buffer full: the schedule runs on, the records wait
      }
      const payload = payloads.length === 1 ? payloads[0] : payloads[this.payloadIndex++ % payloads.length]
      batch.append(key, payload, timestampMs, intendedMs, nowMs)
      if (options.recordsPerSec > 0) this.delay.recordValue(Math.max(0, Math.round((nowMs - intendedMs) * 1000)))
      this.nextIndex++
    }
    if (this.nextIndex >= options.maxRecords) this.generationDone = true
  }

  private nextRandom(): number {
    // xorshift32: cheap, and good enough to pick keys
    let x = this.random
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.random = x
    return x >>> 0
  }

  private allocate(partition: number): BatchBuilder | null {
    const options = this.options
    if (this.bytesInUse + options.batchBytes > options.bufferBytes && this.bytesInUse > 0) return null
    let batch = this.free.pop()
    if (batch === undefined) {
      const smallest = Math.min(...options.payloads.map((payload) => payload.length))
      const maxRecords = Math.ceil(options.batchBytes / (7 + smallest)) + 1
      batch = new BatchBuilder(options.batchBytes, this.maxRecordBytes, maxRecords, options.stampSendTime)
    }
    batch.reset(partition)
    this.bytesInUse += options.batchBytes
    this.open[partition] = batch
    return batch
  }

  private seal(partition: number): void {
    const batch = this.open[partition]
    if (batch === null) return
    this.open[partition] = null
    this.ready[partition].push(batch)
    // Kafka's uniform sticky partitioner (KIP-794): unkeyed records move to the next
    // partition when a batch is done.
    if (partition === this.stickyPartition) this.stickyPartition = (partition + 1) % this.options.partitions
  }

  private sealLingered(nowMs: number): void {
    for (let partition = 0; partition < this.open.length; partition++) {
      const batch = this.open[partition]
      if (batch === null) continue
      if (this.generationDone || nowMs - batch.firstDueMs >= this.options.lingerMs) this.seal(partition)
    }
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight) {
      const batches: BatchBuilder[] = []
      // One batch per partition per request: Produce v3+ allows no more.
      for (const queue of this.ready) {
        const batch = queue.shift()
        if (batch !== undefined) batches.push(batch)
      }
      if (batches.length === 0) return
      this.inFlight++
      const sealed = batches.map((batch) => ({partition: batch.partition, records: batch.seal(this.options.compression)}))
      this.transport.produce(sealed).then(
        (codes) => this.acknowledged(batches, codes),
        (error: unknown) => {
          this.failure ??= error
          this.acknowledged(batches, batches.map(() => -1))
        },
      )
    }
  }

  private acknowledged(batches: BatchBuilder[], codes: number[]): void {
    const nowMs = this.clock.nowMs()
    for (let index = 0; index < batches.length; index++) {
      const batch = batches[index]
      const code = codes[index]
      if (code === 0) {
        const bytesPerRecord = batch.valueBytes / batch.records
        const intended = batch.intendedMs
        // Records built in one step share their intended time (always so when unlimited):
        // record each run of equal times once, with its count.
        let runStart = 0
        for (let record = 1; record <= batch.records; record++) {
          if (record === batch.records || intended[record] !== intended[runStart]) {
            this.recorder.record(nowMs - intended[runStart], bytesPerRecord, intended[runStart], record - runStart)
            runStart = record
          }
        }
      } else {
        this.errors += batch.records
        this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + batch.records)
      }
      this.bytesInUse -= this.options.batchBytes
      this.free.push(batch)
    }
    this.inFlight--
    this.onSettled()
  }
}
