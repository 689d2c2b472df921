// LogStorage held in memory: the same log code as on disk, for tests and for a broker that
// needs no data dir. Files are growable buffers; "crash" a log by reopening the same
// MemoryStorage without closing it, and tear a file through `open(path).truncate/write`.
import path from 'node:path'
import {KctlError} from '../../errors.js'
import type {LogFile, LogStorage} from './storage.js'

class MemoryFile implements LogFile {
  data = Buffer.alloc(0)
  length = 0

  size(): number {
    return this.length
  }

  write(chunk: Uint8Array, position: number): void {
    const end = position + chunk.length
    if (end > this.data.length) {
      const grown = Buffer.alloc(Math.max(end, this.data.length * 2, 4096))
      this.data.copy(grown, 0, 0, this.length)
      this.data = grown
    }
    if (position > this.length) this.data.fill(0, this.length, position)
    this.data.set(chunk, position)
    this.length = Math.max(this.length, end)
  }

  read(position: number, length: number): Buffer {
    // A copy, as a disk read is: later truncates and writes must not change returned bytes.
    return Buffer.from(this.data.subarray(Math.min(position, this.length), Math.min(position + length, this.length)))
  }

  truncate(sizeBytes: number): void {
    if (sizeBytes > this.length) this.write(Buffer.alloc(sizeBytes - this.length), this.length)
    this.length = sizeBytes
  }

  sync(): void {}

  async syncInBackground(): Promise<void> {}

  close(): void {}
}

export class MemoryStorage implements LogStorage {
  readonly kind = 'memory' as const
  private readonly files = new Map<string, MemoryFile>()
  private readonly dirs = new Set<string>()
  private readonly locks = new Set<string>()

  mkdir(dir: string): void {
    for (let d = path.resolve(dir); !this.dirs.has(d) && d !== path.dirname(d); d = path.dirname(d)) this.dirs.add(d)
  }

  list(dir: string): string[] {
    const parent = path.resolve(dir)
    const names = new Set<string>()
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (path.dirname(p) === parent) names.add(path.basename(p))
    }
    return [...names].sort()
  }

  exists(filePath: string): boolean {
    const p = path.resolve(filePath)
    return this.files.has(p) || this.dirs.has(p)
  }

  open(filePath: string): LogFile {
    const p = path.resolve(filePath)
    let file = this.files.get(p)
    if (!file) {
      this.mkdir(path.dirname(p))
      file = new MemoryFile()
      this.files.set(p, file)
    }
    return file
  }

  readText(filePath: string): string | undefined {
    const file = this.files.get(path.resolve(filePath))
    return file?.read(0, file.size()).toString('utf8')
  }

  writeTextAtomic(filePath: string, text: string): void {
    const file = new MemoryFile()
    file.write(Buffer.from(text), 0)
    this.mkdir(path.dirname(path.resolve(filePath)))
    this.files.set(path.resolve(filePath), file)
  }

  rename(from: string, to: string): void {
    const file = this.files.get(path.resolve(from))
    if (!file) throw new Error(`ENOENT: no such file to rename, ${from}`)
    this.files.delete(path.resolve(from))
    this.mkdir(path.dirname(path.resolve(to)))
    this.files.set(path.resolve(to), file)
  }

  remove(filePath: string): void {
    const p = path.resolve(filePath)
    const inside = (q: string): boolean => q === p || q.startsWith(p + path.sep)
    for (const key of [...this.files.keys()]) if (inside(key)) this.files.delete(key)
    for (const key of [...this.dirs]) if (inside(key)) this.dirs.delete(key)
  }

  lock(dir: string): void {
    const p = path.resolve(dir)
    if (this.locks.has(p)) {
      throw new KctlError(`unable to open data dir ${dir}: another broker is using it`, {
        hint: 'stop the other broker or choose another data dir',
      })
    }
    this.locks.add(p)
  }

  unlock(dir: string): void {
    this.locks.delete(path.resolve(dir))
  }
}
