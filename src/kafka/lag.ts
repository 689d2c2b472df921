// The lag rule, in one place for the broker's /metrics and `kctl lag` (src/admin/lag imports it):
// records below the log start were deleted by retention and can never be consumed, so reading
// resumes at max(committed, log start), or at the log start with no commit (the whole backlog);
// lag runs from there to the high watermark and is never negative (a commit past the end, e.g.
// after a truncation, is 0).

/** The offsets lag is measured between; the broker's /metrics takes them from its own log. */
export interface LogBounds {
  readonly logStartOffset: number
  /** The high watermark (ListOffsets latest, read_uncommitted), never the last stable offset. */
  readonly logEndOffset: number
}

/** One partition's bounds, as `kctl lag` reads them with ListOffsets. */
export interface PartitionOffsets extends LogBounds {
  readonly topic: string
  readonly partition: number
}

/** Where the first unconsumed record of a partition is (also where time lag is read). */
export function firstUnconsumedOffset(committed: number | null, bounds: LogBounds): number {
  return committed === null ? bounds.logStartOffset : Math.max(committed, bounds.logStartOffset)
}

export function partitionLag(committed: number | null, bounds: LogBounds): number {
  return Math.max(0, bounds.logEndOffset - firstUnconsumedOffset(committed, bounds))
}
