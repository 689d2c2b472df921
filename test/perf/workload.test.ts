// Workload files: every shipped example parses, and each kind of mistake is a usage error
// (exit 2) naming the key.
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {KctlError} from '../../src/errors.js'
import {readWorkload} from '../../src/perf/workload.js'

const templates = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates/workloads')
const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-workload-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function write(text: string): string {
  const file = path.join(dir, `w${Math.random().toString(36).slice(2)}.yaml`)
  writeFileSync(file, text)
  return file
}

describe('workload files', () => {
  const files = readdirSync(templates).filter((name) => name.endsWith('.yaml'))

  it('ships example workloads', () => {
    expect(files.length).toBeGreaterThanOrEqual(3)
  })

  for (const name of files) {
    it(`templates/workloads/${name} parses`, () => {
      const workload = readWorkload(path.join(templates, name))
      expect(workload.name).toBe(name.replace(/\.yaml$/, ''))
      expect(workload.topicNames.length).toBeGreaterThanOrEqual(1)
      expect(workload.durationMs).toBeGreaterThan(workload.warmupMs)
      expect(workload.payloads[0].length).toBeGreaterThan(0)
    })
  }

  it('reads sizes, durations and keys', () => {
    const workload = readWorkload(write('name: w\ntopics: 3\npartitionsPerTopic: 4\nmessageSize: 2KiB\nproducerRate: 1000\nduration: 1m30s\nwarmup: 10s\nkeyPattern: round-robin:5\nacks: 1\n'))
    expect(workload.topicNames).toEqual(['kctl-perf-w-0', 'kctl-perf-w-1', 'kctl-perf-w-2'])
    expect(workload.payloads[0].length).toBe(2048)
    expect(workload.durationMs).toBe(90_000)
    expect(workload.warmupMs).toBe(10_000)
    expect(workload.keyPattern).toEqual({kind: 'round-robin', count: 5})
    expect(workload.acks).toBe(1)
  })

  const mistakes: [string, string, RegExp][] = [
    ['unknown key', 'producerRate: 10\npartitions: 3\n', /unknown key "partitions"/],
    ['missing rate', 'name: x\n', /producerRate must be/],
    ['zero rate', 'producerRate: 0\n', /producerRate must be/],
    ['bad count', 'producerRate: 10\ntopics: many\n', /topics must be an integer/],
    ['unknown codec', 'producerRate: 10\ncompression: brotli\n', /compression must be one of none, gzip, snappy, lz4, zstd/],
    ['bad duration', 'producerRate: 10\nduration: soon\n', /duration/],
    ['not a mapping', '- a\n- b\n', /not a YAML mapping/],
    ['bad YAML', 'producerRate: [1\n', /unable to read workload/],
    ['both payloads', 'producerRate: 10\nmessageSize: 10\npayloadFile: x.txt\n', /exclude each other/],
    ['warm-up as long as the run', 'producerRate: 10\nduration: 10s\nwarmup: 10s\n', /warmup 10s must be shorter than duration 10s/],
    ['empty records', 'producerRate: 10\nmessageSize: 0\n', /messageSize must be a whole number/],
  ]
  for (const [name, text, message] of mistakes) {
    it(`${name}: a usage error`, () => {
      const file = write(text)
      let error: unknown
      try {
        readWorkload(file)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(KctlError)
      expect((error as KctlError).exitCode).toBe(2)
      expect((error as KctlError).message).toMatch(message)
      expect((error as KctlError).message).not.toContain('\n')
    })
  }
})
