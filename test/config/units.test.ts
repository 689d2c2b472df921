import {describe, expect, it} from 'vitest'
import {formatBytes, formatDurationMs, parseBytes, parseDurationMs} from '../../src/config/units.js'

describe('parseDurationMs', () => {
  it.each([
    ['7d', 604_800_000],
    ['168h', 604_800_000],
    ['1w', 604_800_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5h', 5_400_000],
    ['1500', 1500],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms)
  })

  it.each(['7x', '', 'd7', '7 d', '-5m', '5m garbage'])('rejects %j as a usage error', (text) => {
    expect(() => parseDurationMs(text, '--retention')).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('invalid --retention')}))
  })
})

describe('parseBytes', () => {
  it.each([
    ['500GB', 500e9],
    ['1TiB', 2 ** 40],
    ['1.5 TB', 1.5e12],
    ['100mb', 100e6],
    ['4096', 4096],
    ['1KiB', 1024],
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes)
  })

  it.each(['5XB', 'GB', '-1GB', '1,5GB'])('rejects %j', (text) => {
    expect(() => parseBytes(text, '--disk')).toThrow(/invalid --disk/)
  })
})

describe('formatting', () => {
  it.each([[512, '512 B'], [1536, '1.5 KiB'], [2 ** 30, '1.0 GiB']])('formatBytes(%d) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
  it.each([[250, '250ms'], [1500, '1.5s'], [90_000, '1m30s'], [5_400_000, '1h30m'], [604_800_000, '7d0h']])('formatDurationMs(%d) = %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text)
  })
})
