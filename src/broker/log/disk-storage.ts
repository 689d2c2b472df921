// LogStorage on the local filesystem with synchronous positional I/O (pwrite/pread).
// acks=1 is acknowledged once write() has handed the bytes to the OS; fsync is the log's
// policy (see partition-log.ts), not this layer's.
import fs from 'node:fs'
import path from 'node:path'
import {ExitCode, KctlError} from '../../errors.js'
import type {LogFile, LogStorage} from './storage.js'

// Data dirs locked by LogManagers in this process. The .lock file alone cannot tell a second
// LogManager in this process from a stale lock left by a killed process that had our pid
// (common in containers, where the broker is often pid 1 on every start).
const lockedHere = new Set<string>()

class DiskFile implements LogFile {
  constructor(private readonly fd: number) {}

  size(): number {
    return fs.fstatSync(this.fd).size
  }

  write(data: Uint8Array, position: number): void {
    let written = 0
    while (written < data.length) {
      written += fs.writeSync(this.fd, data, written, data.length - written, position + written)
    }
  }

  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length)
    let filled = 0
    while (filled < length) {
      const n = fs.readSync(this.fd, buf, filled, length - filled, position + filled)
      if (n === 0) break
      filled += n
    }
    return filled === length ? buf : buf.subarray(0, filled)
  }

  truncate(sizeBytes: number): void {
    fs.ftruncateSync(this.fd, sizeBytes)
  }

  sync(): void {
    fs.fdatasyncSync(this.fd)
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class DiskStorage implements LogStorage {
  readonly kind = 'disk' as const

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
    let fd: number
    try {
      fd = fs.openSync(filePath, 'r+')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      fd = fs.openSync(filePath, 'w+')
    }
    return new DiskFile(fd)
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
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new KctlError(`unable to open data dir ${dir}: it is locked by another broker (pid ${holder})`, {
          exitCode: ExitCode.error,
          hint,
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
