// The CLI's own surface: a mistyped command is a usage error that suggests the right one.
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

const run = promisify(execFile)
const kctl = (args: string[]) =>
  run(process.execPath, ['bin/run.js', ...args], {env: {...process.env, NO_COLOR: '1'}}).then(
    ({stdout, stderr}) => ({stdout, stderr, code: 0}),
    (error: {stdout: string; stderr: string; code: number}) => ({stdout: error.stdout, stderr: error.stderr, code: error.code}),
  )

describe('kctl command lookup', () => {
  it('suggests the closest command for a typo and exits 2', async () => {
    const result = await kctl(['topic', 'list'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('error: "topic list" is not a kctl command\nhint: did you mean `kctl topics list`? see `kctl --help`\n')
  })

  it('suggests nothing when no command is close', async () => {
    const result = await kctl(['frobnicate'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('error: "frobnicate" is not a kctl command\nhint: see `kctl --help`\n')
  })
})
