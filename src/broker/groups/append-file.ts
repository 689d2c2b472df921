// The coordinator's JSON-lines files (offsets.jsonl, classic-groups.jsonl,
// consumer-groups.jsonl) are appended through here, so that a write that fails (ENOSPC, EIO)
// leaves no torn line behind for the next line to be glued to: the partial bytes are cut off,
// and if even that fails the next line starts on a fresh line (replay skips the fragment).
import {closeSync, fstatSync, ftruncateSync, openSync, writeSync} from 'node:fs'

/** A write of the coordinator's state that did not reach the file (Kafka's failed append to
 *  __consumer_offsets, KAFKA_STORAGE_ERROR). The caller changes nothing in memory. */
export class GroupStoreWriteError extends Error {}

export class AppendFile {
  private readonly fd: number
  private sizeBytes: number
  /** A failed write left bytes that could not be cut off. */
  private torn = false

  constructor(readonly file: string) {
    this.fd = openSync(file, 'a')
    this.sizeBytes = fstatSync(this.fd).size
  }

  /** Appends `text` whole, or throws GroupStoreWriteError with the file as it was. */
  append(text: string): void {
    const bytes = Buffer.from(this.torn ? `\n${text}` : text)
    let written = 0
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written)
    } catch (error) {
      if (written > 0) {
        try {
          ftruncateSync(this.fd, this.sizeBytes)
        } catch {
          this.torn = true
        }
      }
      throw new GroupStoreWriteError(`unable to write ${this.file}: ${(error as Error).message}`)
    }
    this.sizeBytes += bytes.length
    this.torn = false
  }

  close(): void {
    closeSync(this.fd)
  }
}

/** `change()`, or `failed()` when it threw GroupStoreWriteError (any other error propagates). */
export function unlessWriteFails<T>(change: () => T, failed: (error: GroupStoreWriteError) => T): T {
  try {
    return change()
  } catch (error) {
    if (error instanceof GroupStoreWriteError) return failed(error)
    throw error
  }
}
