import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {DiskStorage, LogManager, PartitionLog, kafkaLogDefaults} from '../../../src/broker/log/index.js'
import {KctlError} from '../../../src/errors.js'
import {makeBatch, readAll, runLogConformance} from './log.case.js'

runLogConformance('disk', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-log-'))
  return {storage: new DiskStorage(), dataDir, cleanup: () => fs.rmSync(dataDir, {recursive: true, force: true})}
})

describe('disk storage descriptors', () => {
  it('keeps a log with more segment files than open descriptors fully readable', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-fds-'))
    try {
      const storage = new DiskStorage({maxOpenFiles: 4})
      const log = PartitionLog.open({storage, dir: path.join(dataDir, 't-0'), config: {...kafkaLogDefaults, segmentBytes: 500}})
      for (let i = 0; i < 30; i++) expect(log.append(makeBatch({records: 2, valueBytes: 100, tag: `d${i}`})).ok).toBe(true)
      expect(log.segmentCount).toBeGreaterThan(10)
      const all = readAll(log)
      expect(all).toHaveLength(60)
      expect(all[59].value).toMatch(/^d29-1-/)
      log.close()
    } finally {
      fs.rmSync(dataDir, {recursive: true, force: true})
    }
  })
})

describe('data dir problems', () => {
  it('reports a data dir that cannot be created as a one-line KctlError with a hint', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-notdir-'))
    try {
      const file = path.join(parent, 'a-file')
      fs.writeFileSync(file, 'not a directory')
      const open = (): unknown => LogManager.open({dataDir: path.join(file, 'data')})
      expect(open).toThrow(KctlError)
      expect(open).toThrow(/^unable to open data dir .*a-file\/data: /)
      try {
        open()
      } catch (error) {
        expect((error as KctlError).hint).toMatch(/--data-dir/)
      }
    } finally {
      fs.rmSync(parent, {recursive: true, force: true})
    }
  })

  it('takes over the lock of a process that no longer exists', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-stale-'))
    try {
      // Pid 2^22 + 1 is above Linux's pid_max ceiling, so no live process has it.
      fs.writeFileSync(path.join(dataDir, '.lock'), `${2 ** 22 + 1}\n`)
      const manager = LogManager.open({dataDir})
      expect(fs.readFileSync(path.join(dataDir, '.lock'), 'utf8').trim()).toBe(String(process.pid))
      manager.close()
      expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false)
    } finally {
      fs.rmSync(dataDir, {recursive: true, force: true})
    }
  })
})
