// What a `kctl consume` run is asked and what it answers, shared by the reader without a group
// (consume.ts) and the group member (consume-group.ts, loaded only with --group): the options,
// the result, the record output and the condition that ends a run.
import type {ConsumedRecord, StartPosition} from './consume-format.js'

export interface ConsumeOptions {
  topic: string
  /** Only these partitions (without a group). */
  partitions?: number[]
  group?: string
  start: StartPosition
  maxMessages?: number
  /** Stop after this long without a record. */
  idleTimeoutMs?: number
  /** Aborted on Ctrl-C: stop, commit (with a group), leave. */
  signal?: AbortSignal
  commitIntervalMs?: number
  /** read_committed (the default, as librdkafka and kcat) skips open and aborted transactions;
   *  read_uncommitted shows every record up to the high watermark. */
  isolation?: Isolation
}

export type Isolation = 'read_committed' | 'read_uncommitted'

export type StopReason = 'max-messages' | 'idle' | 'interrupted'

export interface ConsumeResult {
  count: number
  reason: StopReason
  /** Offsets committed for --group on the way out (next offset to read per partition). */
  committed: {partition: number; offset: number}[]
}

/**
 * Prints one record; resolves true once its bytes are handed to the OS (stdout to a pipe is
 * buffered, and what is still buffered when the process exits is lost), false if the output
 * is gone (a closed pipe).
 */
export type RecordOutput = (record: ConsumedRecord) => Promise<boolean>

/** Ends a run on --max-messages, --timeout of idleness, Ctrl-C (the signal) or a failure. */
export class StopCondition {
  readonly stopped: Promise<StopReason>
  reason: StopReason | undefined
  failure: unknown
  count = 0
  private resolve: (reason: StopReason) => void = () => undefined
  private idleTimer: NodeJS.Timeout | undefined
  private readonly onAbort = () => this.stop('interrupted')
  // Output is written in order: once the last record's write settles, every earlier one has.
  private lastWrite: Promise<boolean> = Promise.resolve(true)

  constructor(private readonly options: Pick<ConsumeOptions, 'maxMessages' | 'idleTimeoutMs' | 'signal'>) {
    this.stopped = new Promise((resolve) => {
      this.resolve = resolve
    })
    options.signal?.addEventListener('abort', this.onAbort)
    if (options.signal?.aborted) this.stop('interrupted')
    if (options.maxMessages === 0) this.stop('max-messages')
    this.armIdle()
  }

  stop(reason: StopReason, failure?: unknown): void {
    if (this.reason) return
    this.reason = reason
    this.failure = failure
    this.resolve(reason)
  }

  /** Counts a record handed to the output; `written` settles once its bytes are out. */
  recorded(written: Promise<boolean>): void {
    this.lastWrite = written
    this.count++
    this.armIdle()
    if (this.options.maxMessages !== undefined && this.count >= this.options.maxMessages) this.stop('max-messages')
  }

  /** Waits until every recorded record is out (or the output is gone). */
  async written(): Promise<void> {
    await this.lastWrite
  }

  dispose(): void {
    clearTimeout(this.idleTimer)
    this.options.signal?.removeEventListener('abort', this.onAbort)
  }

  private armIdle(): void {
    if (this.options.idleTimeoutMs === undefined || this.reason) return
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.stop('idle'), this.options.idleTimeoutMs)
  }
}

/** Fetch long-poll: short, so Ctrl-C, --timeout and --max-messages stop promptly. */
export const fetchMaxWaitMs = 500
