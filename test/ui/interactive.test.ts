// CI detection behind every prompt: CI services say CI=true or CI=1; unset, empty, 0 or
// false is a person's shell.
import {afterEach, describe, expect, it} from 'vitest'
import {inCI} from '../../src/ui/interactive.js'

describe('inCI', () => {
  const saved = process.env.CI
  afterEach(() => {
    if (saved === undefined) delete process.env.CI
    else process.env.CI = saved
  })

  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['1', true],
    ['yes', true],
  ])('CI=%s → %s', (value, expected) => {
    if (value === undefined) delete process.env.CI
    else process.env.CI = value
    expect(inCI()).toBe(expected)
  })
})
