// A LogStorage that can lose power: it runs on MemoryStorage and remembers, per file, the bytes
// the last sync() made durable. cutPower() answers the storage a machine finds after the power
// comes back: every file as it was at its last sync (a file never synced is empty), small files
// replaced with writeTextAtomic as written (the disk storage fsyncs those before the rename),
// unsynced writes and truncations gone. It also counts syncs, so a test can tell the fsync
// policies apart.
import path from 'node:path'
import {MemoryStorage} from '../../src/broker/log/memory-storage.js'
import type {LogFile, LogStorage} from '../../src/broker/log/storage.js'

export class PowerLossStorage implements LogStorage {
  readonly kind = 'memory' as const
  readonly inner = new MemoryStorage()
  /** Durable bytes per file path; a path opened but never synced is absent here. */
  private readonly durable = new Map<string, Buffer>()
  private readonly known = new Set<string>()
  syncs = 0

  mkdir(dir: string): void {
    this.inner.mkdir(dir)
  }

  list(dir: string): string[] {
    return this.inner.list(dir)
  }

  exists(filePath: string): boolean {
    return this.inner.exists(filePath)
  }

  open(filePath: string): LogFile {
    const p = path.resolve(filePath)
    const file = this.inner.open(p)
    this.known.add(p)
    const makeDurable = () => {
      this.syncs++
      this.durable.set(p, file.read(0, file.size()))
    }
    return {
      size: () => file.size(),
      write: (data, position) => file.write(data, position),
      read: (position, length) => file.read(position, length),
      truncate: (sizeBytes) => file.truncate(sizeBytes),
      sync: makeDurable,
      syncInBackground: async () => makeDurable(),
      close: () => file.close(),
    }
  }

  readText(filePath: string): string | undefined {
    return this.inner.readText(filePath)
  }

  writeTextAtomic(filePath: string, text: string): void {
    const p = path.resolve(filePath)
    this.inner.writeTextAtomic(p, text)
    this.known.add(p)
    this.durable.set(p, Buffer.from(text))
  }

  rename(from: string, to: string): void {
    const [f, t] = [path.resolve(from), path.resolve(to)]
    this.inner.rename(f, t)
    this.known.delete(f)
    this.known.add(t)
    const bytes = this.durable.get(f)
    this.durable.delete(f)
    if (bytes) this.durable.set(t, bytes)
  }

  remove(filePath: string): void {
    const p = path.resolve(filePath)
    this.inner.remove(p)
    for (const set of [this.known, new Set(this.durable.keys())])
      for (const q of set)
        if (q === p || q.startsWith(p + path.sep)) {
          this.known.delete(q)
          this.durable.delete(q)
        }
  }

  lock(dir: string): void {
    this.inner.lock(dir)
  }

  unlock(dir: string): void {
    this.inner.unlock(dir)
  }

  /** The storage after a power cut: durable bytes only. This instance is left as it was. */
  cutPower(): PowerLossStorage {
    const after = new PowerLossStorage()
    for (const p of this.known) {
      const bytes = this.durable.get(p) ?? Buffer.alloc(0)
      const file = after.inner.open(p)
      if (bytes.length > 0) file.write(bytes, 0)
      after.known.add(p)
      after.durable.set(p, bytes)
    }
    return after
  }
}
