// The lag rule, in one place for the broker's /metrics and `kctl lag` (src/admin/lag imports it):
// records below the log start were deleted by retention and can never be consumed, so reading
// resumes at max(committed, log start), or at the log start with no commit (the whole backlog);
// lag runs from there to the high watermark and is never negative (a commit past the end, e.g.
// after a truncation, is 0).

export interface LogBounds {
  readonly logStartOffset: number
  /** High watermark. */
  readonly logEndOffset: number
}

/** Where the first unconsumed record of a partition is (also where time lag is read). */
export function firstUnconsumedOffset(committed: number | null, bounds: LogBounds): number {
  return committed === null ? bounds.logStartOffset : Math.max(committed, bounds.logStartOffset)
}

export function partitionLag(committed: number | null, bounds: LogBounds): number {
  return Math.max(0, bounds.logEndOffset - firstUnconsumedOffset(committed, bounds))
}
