// The README's first command ends in `kctl demo`: the whole tour must run green on a
// throwaway broker and show what each step promises.
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

const run = promisify(execFile)

describe('kctl demo', () => {
  it('runs every step of the tour against a throwaway bundled broker', async () => {
    const {stdout} = await run(process.execPath, ['bin/run.js', 'demo'], {env: {...process.env, NO_COLOR: '1'}, timeout: 120_000})
    for (const command of ['topics create', 'produce', 'consume', 'lag', 'topics describe', 'perf produce', 'groups list', 'plan', 'doctor']) {
      expect(stdout).toContain(`$ kctl ${command} `)
    }
    // Four records consumed by demo-app, then two more produced: a lag of 2 in the group total.
    expect(stdout).toMatch(/^demo-app\s+classic\s+Empty\s+0\s+3\s+2\s/m)
    expect(stdout).toMatch(/^200000 records sent, /m)
    // The doctor step: its summary line, no errors on the single bundled broker.
    expect(stdout).toMatch(/^cluster \S+: 0 errors, \d+ warnings?, \d+ info · 1 broker · 34 checks · writes .* over 2\.\ds$/m)
    expect(stdout).toContain('Tour complete.')
  }, 120_000)
})
