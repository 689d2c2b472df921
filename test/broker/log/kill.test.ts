// A real kill -9: a child process appends in a loop and reports each acknowledged batch; the
// test kills it mid-stream, reopens the data dir and checks that every acknowledged record is
// there, that the lock of the dead process is taken over, and that offsets continue.
import {spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import {fileURLToPath} from 'node:url'
import {afterEach, expect, it} from 'vitest'
import {LogManager} from '../../../src/broker/log/index.js'
import {buildRecordBatch} from '../../../src/kafka/protocol/record-batch.js'
import {readAll} from './log.case.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../../..')
// vite-node (shipped with vitest) runs the TypeScript child without a build step.
const viteNode = path.join(root, 'node_modules/vite-node/vite-node.mjs')
const ACKS_BEFORE_KILL = 3000

let dataDir: string | undefined
let child: ChildProcess | undefined
afterEach(() => {
  child?.kill('SIGKILL')
  if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true})
})

it('keeps every acknowledged batch after kill -9 and never reuses an offset', async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-kill-'))
  child = spawn(process.execPath, [viteNode, path.join(here, 'fixtures/append-loop.ts'), dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  const proc = child
  proc.stderr!.on('data', (chunk) => (stderr += chunk))
  const acks: {baseOffset: number; lastOffset: number; index: number}[] = []
  let sawReady = false
  await new Promise<void>((resolve, reject) => {
    const lines = readline.createInterface({input: proc.stdout!})
    lines.on('line', (line) => {
      if (line === 'ready') sawReady = true
      const match = /^acked (\d+) (\d+) (\d+)$/.exec(line)
      if (match && acks.length < ACKS_BEFORE_KILL) acks.push({baseOffset: Number(match[1]), lastOffset: Number(match[2]), index: Number(match[3])})
      if (acks.length === ACKS_BEFORE_KILL) resolve()
    })
    proc.on('exit', (code) => reject(new Error(`the appending child exited early (${code}): ${stderr}`)))
  })
  expect(sawReady, stderr).toBe(true)
  expect(acks).toHaveLength(ACKS_BEFORE_KILL)

  // While the child lives, its lock keeps a second broker out.
  expect(() => LogManager.open({dataDir: dataDir!})).toThrow(new RegExp(`locked by another broker \\(pid ${proc.pid}\\)`))

  const exited = once(proc, 'exit')
  proc.kill('SIGKILL')
  const [, signal] = await exited
  expect(signal).toBe('SIGKILL')

  const manager = LogManager.open({dataDir, defaults: {segmentBytes: 64 * 1024}})
  try {
    expect(manager.recoveredUncleanShutdown).toBe(true)
    const log = manager.partition('crash', 0)!
    expect(log.segmentCount).toBeGreaterThan(1)
    const values = new Map(readAll(log).map((r) => [r.offset, r.value]))
    for (const ack of acks) {
      for (let j = 0; j <= ack.lastOffset - ack.baseOffset; j++) expect(values.get(ack.baseOffset + j)).toBe(`v${ack.index}-${j}`)
    }
    const lastAck = acks.at(-1)!
    expect(log.logEndOffset).toBeGreaterThan(lastAck.lastOffset)
    // The producer state survived too: retrying the last stored batch (the child may have
    // appended past its last printed ack) is a duplicate answered with its original offsets.
    const lastOffset = log.logEndOffset - 1
    const lastIndex = Number(/^v(\d+)-4$/.exec(values.get(lastOffset)!)![1])
    const retry = buildRecordBatch({
      producerId: 7,
      producerEpoch: 0,
      baseSequence: lastIndex * 5,
      records: Array.from({length: 5}, (_, j) => ({value: `v${lastIndex}-${j}`})),
    })
    expect(log.append(retry)).toMatchObject({ok: true, baseOffset: lastOffset - 4, duplicate: true})
    const endBefore = log.logEndOffset
    expect(log.append(buildRecordBatch({records: [{value: 'after'}]}))).toMatchObject({ok: true, baseOffset: endBefore})
  } finally {
    manager.close()
  }
})
