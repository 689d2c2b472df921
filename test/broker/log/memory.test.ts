import {MemoryStorage} from '../../../src/broker/log/index.js'
import {runLogConformance} from './log.case.js'

runLogConformance('memory', () => ({storage: new MemoryStorage(), dataDir: '/kctl-memory/data', cleanup: () => {}}))
