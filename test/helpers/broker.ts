// Starts the real bundled broker on an ephemeral port in a fresh temp dir for one suite.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll} from 'vitest'
import {startBroker} from '../../src/broker/index.js'

export type TestBroker = Awaited<ReturnType<typeof startBroker>>

/** Call at suite level; the returned getter gives the broker once beforeAll has run. */
export function useBroker(config: Record<string, string> = {}): () => TestBroker {
  let broker: TestBroker | undefined
  let dataDir = ''
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-test-'))
    broker = await startBroker({port: 0, host: '127.0.0.1', dataDir, config})
  })
  afterAll(async () => {
    await broker?.close()
    rmSync(dataDir, {recursive: true, force: true})
  })
  return () => {
    if (!broker) throw new Error('broker not started: call useBroker() at suite level')
    return broker
  }
}
