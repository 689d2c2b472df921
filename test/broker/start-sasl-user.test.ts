// `kctl broker start --sasl-user`: a "name:password" mix-up is refused before anything is
// written, and a SASL broker's start output says how to connect to it.
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'

const run = promisify(execFile)
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-sasl-start-'))
const kctl = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['bin/run.js', ...args], {env: {...process.env, NO_COLOR: '1', ...env}}).then(
    ({stdout, stderr}) => ({stdout, stderr, code: 0}),
    (error: {stdout: string; stderr: string; code: number}) => ({stdout: error.stdout, stderr: error.stderr, code: error.code}),
  )

describe('kctl broker start --sasl-user', () => {
  afterAll(async () => {
    await kctl(['broker', 'stop', '--data-dir', dataDir])
    rmSync(dataDir, {recursive: true, force: true})
  })

  it('refuses a user name with the password glued on', async () => {
    const result = await kctl(['broker', 'start', '-d', '-p', '0', '--data-dir', dataDir, '--sasl-user', 'admin:secret'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('"admin:secret" is not a user name')
  })

  it('prints the context command that connects to the SASL listener', async () => {
    const result = await kctl(['broker', 'start', '-d', '-p', '0', '--data-dir', dataDir, '--sasl-user', 'admin'], {KCTL_BROKER_ADMIN_PASSWORD: 's3cret'})
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^connect: kctl context add local -b 127\.0\.0\.1:\d+ --sasl-mechanism SCRAM-SHA-512 --username admin --password-env KCTL_PASSWORD --use$/m)
  })
})
