// The lag tables: renderLongTable must look exactly like renderTable (it replaces it for
// tables of thousands of rows), and the lag report shows rows, group totals and topic totals.
import {describe, expect, it} from 'vitest'
import {buildLagReport, timestampKey} from '../../src/admin/lag/compute.js'
import {describeBreaches, renderLagReport, renderWatch} from '../../src/admin/lag/render.js'
import {renderLongTable, renderTable} from '../../src/ui/output.js'

describe('renderLongTable', () => {
  it('matches renderTable cell for cell, alignment and missing values included', () => {
    const headers = ['GROUP', 'PARTITION', 'LAG', 'CONSUMER-ID']
    const rows = [['billing', 0, 12_345, null], ['a-much-longer-group-name', 17, 0, 'consumer-1'], ['x', 3, 7, undefined]]
    expect(renderLongTable(headers, rows, {alignRight: [1, 2]})).toBe(renderTable(headers, rows, {alignRight: [1, 2]}))
  })

  it('renders 50,000 rows', () => {
    const rows = Array.from({length: 50_000}, (_, index) => [`group-${index % 50}`, `topic-${index % 10}`, index % 100, index])
    const text = renderLongTable(['GROUP', 'TOPIC', 'PARTITION', 'LAG'], rows, {alignRight: [2, 3]})
    expect(text.split('\n')).toHaveLength(50_001)
  })
})

describe('renderLagReport', () => {
  it('prints the rows, then totals per group and per group and topic', () => {
    const report = buildLagReport({
      nowMs: 90_000,
      partitionsByTopic: new Map([['orders', [{topic: 'orders', partition: 0, logStartOffset: 0, logEndOffset: 10}]]]),
      groups: [{groupId: 'billing', type: 'classic', state: 'Stable', members: [], committed: new Map([['orders', new Map([[0, 4]])]])}],
      timestamps: new Map([[timestampKey('orders', 0, 4), 0]]),
    })
    const lines = renderLagReport(report).split('\n')
    expect(lines[0].split(/\s+/)).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'TIME-LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])
    expect(lines[1].split(/\s+/)).toEqual(['billing', 'orders', '0', '4', '10', '6', '1m30s', '-', '-', '-'])
    expect(lines).toContain('')
    expect(lines.some((line) => line.startsWith('GROUP') && line.includes('TOTAL-LAG') && line.includes('TYPE') && line.includes('STATE'))).toBe(true)
    expect(lines.some((line) => /^billing\s+classic\s+Stable/.test(line))).toBe(true)
    expect(describeBreaches([{group: 'billing', topic: 'orders', partition: 0, what: 'time-lag', value: 90_000, limit: 60_000}])).toBe(
      '1 partition over the limit; worst billing orders-0: time-lag 1m30s > 1m0s',
    )
  })
})

describe('renderWatch', () => {
  it('says there are no groups instead of printing an empty table', () => {
    const screen = renderWatch({sampledAtMs: 0, rows: [], groups: [], topics: []}, [], {intervalMs: 5000, sample: 1})
    expect(screen).toContain('no consumer groups')
    expect(screen).not.toContain('STATUS')
  })
})
