// The narrow file interface the log is written against (kfake's persist_fs idea): segments,
// indexes, snapshots and small metadata files go through it, so the same log code runs on
// disk (disk-storage.ts) and in memory (memory-storage.ts), and one conformance suite
// (test/broker/log/log.case.ts) checks both. Everything is synchronous on purpose: an append
// is one positional write that completes before the produce is acknowledged, and the broker's
// event loop never sees a half-applied log.

/** A file opened read-write; positional I/O only, so no shared file pointer to keep straight. */
export interface LogFile {
  /** Current length in bytes as the storage sees it. */
  size(): number
  /** Writes all of `data` at `position` (one call for a whole produce: no copy, no split). */
  write(data: Uint8Array, position: number): void
  /** Up to `length` bytes at `position`; shorter only at the end of the file. */
  read(position: number, length: number): Buffer
  /** Fills `target` from `position`; returns the bytes read (fewer only at the end of the file).
   *  Optional: the fetch path reads into reused buffers with it (disk only; memory reads copy anyway). */
  readInto?(target: Buffer, position: number): number
  truncate(sizeBytes: number): void
  /** Forces written data to stable storage (fdatasync on disk), blocking until done. */
  sync(): void
  /**
   * The same off the event loop, for the periodic flush: a slow disk must not stall every
   * connection. Resolves quietly when the file was deleted meanwhile.
   */
  syncInBackground(): Promise<void>
  close(): void
}

export interface LogStorage {
  /** 'disk' or 'memory': for messages and for tests that need to tell them apart. */
  readonly kind: 'disk' | 'memory'
  /** Creates `dir` and its parents; no error when it exists. */
  mkdir(dir: string): void
  /** Entry names in `dir`, sorted; [] when it does not exist. */
  list(dir: string): string[]
  exists(path: string): boolean
  /** Opens (creating when missing) a file for positional reads and writes. */
  open(path: string): LogFile
  /** A small whole file as text, or undefined when missing. */
  readText(path: string): string | undefined
  /** Replaces a small file so that a crash leaves the old or the new content, never a mix. */
  writeTextAtomic(path: string, text: string): void
  /** Renames a file over `to` in one step (POSIX rename): a crash leaves one name or the other.
   *  The log cleaner's .cleaned -> .swap -> .log sequence relies on it. */
  rename(from: string, to: string): void
  /** Removes a file or a directory tree; no error when missing. */
  remove(path: string): void
  /**
   * Takes the data directory for this process; throws KctlError naming the holder when
   * another broker (another process, or another LogManager here) has it.
   */
  lock(dir: string): void
  unlock(dir: string): void
}
