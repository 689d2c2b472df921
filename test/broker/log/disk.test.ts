import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {DiskStorage} from '../../../src/broker/log/index.js'
import {runLogConformance} from './log.case.js'

runLogConformance('disk', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kctl-log-'))
  return {storage: new DiskStorage(), dataDir, cleanup: () => fs.rmSync(dataDir, {recursive: true, force: true})}
})
