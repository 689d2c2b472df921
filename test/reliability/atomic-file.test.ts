// Output files (perf --report/--json/--histogram, kctl init's files) are written whole or not at
// all: temp file beside the target, then rename. A failed write leaves the old file and no temp.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, expect, it} from 'vitest'
import {writeFileAtomic, writeFileAtomicSync} from '../../src/atomic-file.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-atomic-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

it('replaces a file whole and leaves no temporary file', async () => {
  const file = path.join(dir, 'report.html')
  writeFileSync(file, 'old')
  writeFileAtomicSync(file, 'new report')
  expect(readFileSync(file, 'utf8')).toBe('new report')
  await writeFileAtomic(file, 'newer', {mode: 0o600})
  expect(readFileSync(file, 'utf8')).toBe('newer')
  expect(readdirSync(dir)).toEqual(['report.html'])
})

it('keeps the old file and removes the temporary one when the rename fails', () => {
  writeFileSync(path.join(dir, 'keep.txt'), 'previous')
  // A non-empty directory in the way: the temporary file is written, the rename over it fails.
  const occupied = path.join(dir, 'occupied')
  mkdirSync(path.join(occupied, 'child'), {recursive: true})
  expect(() => writeFileAtomicSync(occupied, 'data')).toThrow()
  expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  expect(readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('previous')
})
