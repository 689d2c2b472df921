// kill -9 while the log cleaner runs: a child process appends rounds of every key to a
// compacted topic with the cleaner running flat out (fixtures/clean-loop.ts); the test kills
// it once several passes are done, reopens the data dir and checks that the log reads end to
// end with offsets only growing, holds every key's latest acknowledged value, and that no
// .cleaning/ or .swap file is left behind.
import {spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import {fileURLToPath} from 'node:url'
import {afterEach, expect, it} from 'vitest'
import {LogManager} from '../../../src/broker/log/index.js'
import {decodeRecords, splitRecordBatches} from '../../../src/kafka/protocol/record-batch.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../../..')
const viteNode = path.join(root, 'node_modules/vite-node/vite-node.mjs')
const PASSES_BEFORE_KILL = 3

let dataDir: string | undefined
let child: ChildProcess | undefined
afterEach(() => {
  child?.kill('SIGKILL')
  if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true})
})

it('leaves a readable, consistent compacted log with every latest value after kill -9 mid-cleaning', {timeout: 90_000}, async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-clean-kill-'))
  child = spawn(process.execPath, [viteNode, path.join(here, 'fixtures/clean-loop.ts'), dataDir], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']})
  const proc = child
  let stderr = ''
  proc.stderr!.on('data', (chunk) => (stderr += chunk))
  let lastAcked = -1
  await new Promise<void>((resolve, reject) => {
    const lines = readline.createInterface({input: proc.stdout!})
    lines.on('line', (line) => {
      const acked = /^acked (\d+)$/.exec(line)
      if (acked) lastAcked = Number(acked[1])
      const pass = /^pass (\d+)$/.exec(line)
      if (pass && Number(pass[1]) >= PASSES_BEFORE_KILL) resolve()
    })
    proc.on('exit', (code) => reject(new Error(`the cleaning child exited early (${code}): ${stderr}`)))
  })
  const exited = once(proc, 'exit')
  proc.kill('SIGKILL')
  const [, signal] = await exited
  expect(signal).toBe('SIGKILL')
  expect(lastAcked).toBeGreaterThan(0)

  const manager = LogManager.open({dataDir, defaults: {cleanerEnabled: false}})
  try {
    expect(manager.recoveredUncleanShutdown).toBe(true)
    const log = manager.partition('compacted', 0)!
    expect(fs.readdirSync(log.dir).filter((name) => /cleaning|\.swap/.test(name))).toEqual([])
    const latest = new Map<string, number>()
    let previousOffset = -1
    let next = log.logStartOffset
    while (next < log.logEndOffset) {
      const result = log.read(next, 1024 * 1024)
      if (!result.ok) throw new Error(result.message)
      const bytes = Buffer.concat(result.chunks)
      const split = splitRecordBatches(bytes, {verifyCrc: true})
      if (!split.ok) throw new Error(split.message)
      for (const batch of split.batches) {
        for (const record of decodeRecords(bytes, batch.position)) {
          expect(record.offset).toBeGreaterThan(previousOffset)
          previousOffset = record.offset
          const key = record.key!.toString()
          const round = Number(record.value!.toString().split(':')[0])
          // Values of a key only move forward: cleaning never brought back an older one.
          expect(round).toBeGreaterThanOrEqual(latest.get(key) ?? -1)
          latest.set(key, round)
        }
        next = batch.baseOffset + batch.lastOffsetDelta + 1
      }
    }
    expect(latest.size).toBe(200)
    for (const round of latest.values()) expect(round).toBeGreaterThanOrEqual(lastAcked)
    // The recovered log can be cleaned again.
    await manager.cleaner.runOnce()
  } finally {
    manager.close()
  }
})
