// Duration ("7d", "168h", "5m", "250ms") and byte-size ("1GiB", "500GB", "100MB") parsing.
// The one copy of these helpers: commands, the planner, perf workloads and the admin views
// (lag, groups, doctor) import them.
import {usageError} from '../errors.js'

const durationUnitsMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** Parses "7d", "168h", "1h30m", "250ms" or a bare number of milliseconds. */
export function parseDurationMs(text: string, what = 'duration'): number {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed)
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy
  let total = 0
  let consumed = 0
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    total += Number(match[1]) * durationUnitsMs[match[2]]
    consumed = part.lastIndex
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw usageError(`invalid ${what} "${text}"`, 'use a number with a unit: 250ms, 30s, 5m, 168h, 7d or 1w')
  }
  return total
}

const byteUnits: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
}

/** Parses "500GB", "1TiB", "1.5 TB" or a bare number of bytes. SI units are powers of 10. */
export function parseBytes(text: string, what = 'size'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = match ? (match[2] || 'b').toLowerCase() : ''
  if (!match || !(unit in byteUnits)) {
    throw usageError(`invalid ${what} "${text}"`, 'use a number with a unit: 512MB, 100GB, 1TB, 1GiB')
  }
  return Number(match[1]) * byteUnits[unit]
}

export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h${Math.round((ms % 3_600_000) / 60_000)}m`
  return `${Math.floor(ms / 86_400_000)}d${Math.round((ms % 86_400_000) / 3_600_000)}h`
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}
