// Durable transaction coordinator state. Kafka keeps it in the compacted __transaction_state
// topic; the bundled broker keeps the same facts in one append-only JSON-lines file in the
// data dir (transactions/state.jsonl): a line per change holding the transactional id's whole
// metadata (or its removal), replayed on start and rewritten compacted (temp file + rename)
// at start and whenever dead lines outnumber live ones. Each line is written synchronously
// before the coordinator acts on it (a PrepareCommit line before any marker), so a kill -9
// leaves a state the restart can complete; a torn last line is ignored on replay.
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync} from 'node:fs'
import path from 'node:path'
import type {TxnMetadata} from './metadata.js'

type Line = {id: string; removed: true} | TxnMetadata

export interface TxnStore {
  /** The live metadata at open time, by transactional id. */
  load(): Map<string, TxnMetadata>
  put(metadata: TxnMetadata): void
  remove(transactionalId: string): void
  close(): void
}

export class FileTxnStore implements TxnStore {
  private readonly file: string
  private fd: number | undefined
  private live = new Map<string, TxnMetadata>()
  private lines = 0

  constructor(dataDir: string) {
    const dir = path.join(dataDir, 'transactions')
    mkdirSync(dir, {recursive: true})
    this.file = path.join(dir, 'state.jsonl')
  }

  load(): Map<string, TxnMetadata> {
    const live = new Map<string, TxnMetadata>()
    if (existsSync(this.file)) {
      for (const text of readFileSync(this.file, 'utf8').split('\n')) {
        if (text === '') continue
        let line: Line
        try {
          line = JSON.parse(text) as Line
        } catch {
          continue // a torn tail from a crash mid-write
        }
        if ('removed' in line) live.delete(line.id)
        else live.set(line.transactionalId, line)
      }
    }
    this.live = new Map(live)
    this.compact()
    return live
  }

  put(metadata: TxnMetadata): void {
    this.live.set(metadata.transactionalId, metadata)
    this.write(metadata)
  }

  remove(transactionalId: string): void {
    this.live.delete(transactionalId)
    this.write({id: transactionalId, removed: true})
  }

  private write(line: Line): void {
    if (this.fd === undefined) this.fd = openSync(this.file, 'a')
    writeSync(this.fd, `${JSON.stringify(line)}\n`)
    if (++this.lines > 1000 && this.lines > 2 * this.live.size) this.compact()
  }

  private compact(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    const temp = `${this.file}.tmp`
    const text = [...this.live.values()].map((metadata) => `${JSON.stringify(metadata)}\n`).join('')
    writeFileSync(temp, text)
    renameSync(temp, this.file)
    this.lines = this.live.size
    this.fd = openSync(this.file, 'a')
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}
