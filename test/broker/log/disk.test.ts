import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {DiskStorage, PartitionLog, kafkaLogDefaults} from '../../../src/broker/log/index.js'
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
