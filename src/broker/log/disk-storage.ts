// LogStorage on the local filesystem with synchronous positional I/O (pwrite/pread).
// acks=1 is acknowledged once write() has handed the bytes to the OS; fsync is the log's
// policy (see partition-log.ts), not this layer's.
import fs from 'node:fs'
import path from 'node:path'
import {ExitCode, KctlError} from '../../errors.js'
import type {LogFile, LogStorage} from './storage.js'
import {isAlive} from '../../local-broker.js'

// Data dirs locked by LogManagers in this process. The .lock file alone cannot tell a second
// LogManager in this process from a stale lock left by a killed process that had our pid
// (common in containers, where the broker is often pid 1 on every start).
const lockedHere = new Set<string>()

// Open descriptors are bounded: a partition with thousands of segments (small segment.bytes,
// long retention) would otherwise hold three per segment and run into EMFILE. Files used least
// recently give up their descriptor and reopen by path on their next use. The bound is half the
// process's open-files limit (the rest is for connections), so on a machine configured for
// Kafka (which keeps every segment open) a fetch across 1,000 partitions does not reopen its
// 3,000 files on every request.
class DescriptorPool {
  private readonly open = new Map<DiskFile, true>()

  constructor(private readonly maxOpen: number) {}

  touch(file: DiskFile): void {
    this.open.delete(file)
    this.open.set(file, true)
    if (this.open.size > this.maxOpen) {
      const oldest = this.open.keys().next().value!
      this.open.delete(oldest)
      oldest.releaseDescriptor()
    }
  }

  forget(file: DiskFile): void {
    this.open.delete(file)
  }
}

class DiskFile implements LogFile {
  private descriptor: number | undefined

  constructor(
    private readonly filePath: string,
    private readonly pool: DescriptorPool,
  ) {
    try {
      this.descriptor = fs.openSync(filePath, 'r+')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      this.descriptor = fs.openSync(filePath, 'w+')
    }
    pool.touch(this)
  }

  private fd(): number {
    if (this.descriptor === undefined) this.descriptor = fs.openSync(this.filePath, 'r+')
    this.pool.touch(this)
    return this.descriptor
  }

  releaseDescriptor(): void {
    if (this.descriptor !== undefined) fs.closeSync(this.descriptor)
    this.descriptor = undefined
  }

  size(): number {
    return fs.fstatSync(this.fd()).size
  }

  write(data: Uint8Array, position: number): void {
    const fd = this.fd()
    let written = 0
    while (written < data.length) {
      written += fs.writeSync(fd, data, written, data.length - written, position + written)
    }
  }

  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length)
    const filled = this.readInto(buf, position)
    return filled === length ? buf : buf.subarray(0, filled)
  }

  readInto(target: Buffer, position: number): number {
    const fd = this.fd()
    let filled = 0
    while (filled < target.length) {
      const n = fs.readSync(fd, target, filled, target.length - filled, position + filled)
      if (n === 0) break
      filled += n
    }
    return filled
  }

  truncate(sizeBytes: number): void {
    fs.ftruncateSync(this.fd(), sizeBytes)
  }

  sync(): void {
    // fsync works on the file, not the descriptor: a reopened one also flushes what an evicted one wrote.
    fs.fdatasyncSync(this.fd())
  }

  // Through a descriptor of its own, so eviction or close of the main one cannot pull it away
  // mid-call; fdatasync flushes the file's pages whichever descriptor wrote them.
  async syncInBackground(): Promise<void> {
    let handle: fs.promises.FileHandle
    try {
      handle = await fs.promises.open(this.filePath, 'r+')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    try {
      await handle.datasync()
    } finally {
      await handle.close()
    }
  }

  close(): void {
    this.pool.forget(this)
    this.releaseDescriptor()
  }
}

const MIN_OPEN_FILES = 512
const MAX_OPEN_FILES = 65_536

// Linux reports the soft limit in /proc/self/limits; elsewhere the bound stays at the minimum.
function defaultMaxOpenFiles(): number {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((text) => text.startsWith('Max open files'))
    const field = line?.split(/\s{2,}/)[1]
    const soft = field === 'unlimited' ? MAX_OPEN_FILES * 2 : Number(field)
    return Number.isFinite(soft) ? Math.min(MAX_OPEN_FILES, Math.max(MIN_OPEN_FILES, Math.floor(soft / 2))) : MIN_OPEN_FILES
  } catch {
    return MIN_OPEN_FILES
  }
}

export class DiskStorage implements LogStorage {
  readonly kind = 'disk' as const
  private readonly pool: DescriptorPool

  /** `maxOpenFiles` bounds the descriptors held by log files (default: half the soft
   *  open-files limit, at least 512). */
  constructor(options: {maxOpenFiles?: number} = {}) {
    this.pool = new DescriptorPool(options.maxOpenFiles ?? defaultMaxOpenFiles())
  }

  mkdir(dir: string): void {
    fs.mkdirSync(dir, {recursive: true})
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(dir).sort()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  exists(filePath: string): boolean {
    return fs.existsSync(filePath)
  }

  open(filePath: string): LogFile {
    return new DiskFile(filePath, this.pool)
  }

  readText(filePath: string): string | undefined {
    try {
      return fs.readFileSync(filePath, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  writeTextAtomic(filePath: string, text: string): void {
    const tmp = `${filePath}.tmp`
    const fd = fs.openSync(tmp, 'w')
    try {
      fs.writeSync(fd, text)
      fs.fdatasyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, filePath)
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to)
  }

  remove(filePath: string): void {
    fs.rmSync(filePath, {recursive: true, force: true})
  }

  lock(dir: string): void {
    const key = path.resolve(dir)
    const lockPath = path.join(dir, '.lock')
    const hint = 'stop the other broker (kctl broker stop) or choose another --data-dir'
    if (lockedHere.has(key)) {
      throw new KctlError(`unable to open data dir ${dir}: another broker in this process is using it`, {hint})
    }
    try {
      fs.writeFileSync(lockPath, `${process.pid}\n`, {flag: 'wx'})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10)
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new KctlError(`unable to open data dir ${dir}: it is locked by another broker (pid ${holder})`, {
          exitCode: ExitCode.error,
          hint: `${hint}; if pid ${holder} is not a kctl broker, delete ${lockPath}`,
        })
      }
      // Stale: its process is gone (kill -9, crash). Take it over.
      fs.writeFileSync(lockPath, `${process.pid}\n`)
    }
    lockedHere.add(key)
  }

  unlock(dir: string): void {
    const key = path.resolve(dir)
    if (!lockedHere.delete(key)) return
    fs.rmSync(path.join(dir, '.lock'), {force: true})
  }
}
