// runChecks' selection, ordering, summary and exit code, and the table view built from it.
import {describe, expect, it} from 'vitest'
import {checkCatalogue, doctorExitCode, runChecks, selectChecks} from '../../src/admin/doctor/index.js'
import {brokerRows, findingRows, renderDoctorReport, summaryLine} from '../../src/admin/doctor/render.js'
import {KctlError} from '../../src/errors.js'
import {healthyCluster, topic, withLogDirs} from './fixtures.js'

function brokenCluster() {
  const snapshot = healthyCluster()
  snapshot.topics[0].partitions[0].isr = [1] // under min ISR: error
  snapshot.topics.push(topic('payments', {partitions: 3, rf: 2, configs: {'min.insync.replicas': '1'}})) // low RF: warning
  for (const node of snapshot.brokers) node.listeners.push({name: 'PLAINTEXT', host: node.host, port: 9094, securityProtocol: 'PLAINTEXT'}) // warning
  return withLogDirs(snapshot, {totalBytes: 1024 * 2 ** 30, usableBytes: 1000 * 2 ** 30}, () => 2 ** 30)
}

describe('check selection', () => {
  it('all by default; an area or an id selects; --skip removes', () => {
    expect(selectChecks({})).toHaveLength(checkCatalogue.length)
    expect(selectChecks({checks: ['security']})).toEqual(['security.plaintext-listener', 'security.no-authorizer', 'security.allow-everyone', 'security.super-users', 'security.topic-open-write'])
    expect(selectChecks({checks: ['security', 'data.auto-create-topics'], skip: ['security.super-users']})).toEqual([
      'security.plaintext-listener', 'security.no-authorizer', 'security.allow-everyone', 'security.topic-open-write', 'data.auto-create-topics',
    ])
    expect(selectChecks({skip: ['capacity', 'configuration']}).some((id) => id.startsWith('capacity.') || id.startsWith('configuration.'))).toBe(false)
  })

  it('an unknown name is a usage error with a suggestion', () => {
    let error: unknown
    try {
      selectChecks({skip: ['securty']})
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(KctlError)
    expect((error as KctlError).message).toBe('unknown check "securty" in --skip')
    expect((error as KctlError).hint).toBe('did you mean security?')
    expect((error as KctlError).exitCode).toBe(2)
  })

  it('every catalogue id is a distinct area.name', () => {
    const ids = checkCatalogue.map((entry) => entry.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^(availability|capacity|configuration|security|data)\.[a-z-]+$/)
  })
})

describe('the report', () => {
  it('orders findings by area, then severity; counts them; exit 3 on errors, on warnings only with --strict', () => {
    const report = runChecks(brokenCluster())
    expect(report.findings.map((item) => `${item.area} ${item.severity} ${item.id}`)).toEqual([
      'availability error availability.under-min-isr',
      'availability warning availability.low-replication-factor',
      'security warning security.plaintext-listener',
      'security info security.super-users',
    ])
    expect(report.summary).toEqual({error: 1, warning: 2, info: 1})
    expect(doctorExitCode(report.summary, false)).toBe(3)
    expect(doctorExitCode({error: 0, warning: 2, info: 1}, false)).toBe(0)
    expect(doctorExitCode({error: 0, warning: 2, info: 1}, true)).toBe(3)
  })

  it('is one JSON document: "not filling" is null, not Infinity', () => {
    const parsed = JSON.parse(JSON.stringify(runChecks(healthyCluster())))
    expect(parsed.figures.brokers[0].timeUntilFullMs).toBeNull()
    expect(parsed.figures.model.assessment.faultTolerance.survivesBrokerLoss).toBe(true)
    expect(Object.keys(parsed)).toEqual(['clusterId', 'brokers', 'windowMs', 'summary', 'checks', 'findings', 'figures'])
  })
})

describe('table view', () => {
  it('the summary line', () => {
    expect(summaryLine(runChecks(brokenCluster()))).toBe('cluster healthy: 1 error, 2 warnings, 1 info · 3 brokers · 34 checks · writes 3.0 MiB/s over 30s')
  })

  it('rows grouped by area: each finding a row, then its why and its fix', () => {
    const groups = findingRows(runChecks(brokenCluster()).findings)
    expect(groups.map((group) => group.area)).toEqual(['availability', 'security'])
    expect(groups[0].rows.slice(0, 3)).toEqual([
      ['ERROR', 'under-min-isr', 'topic orders', '1 partition(s) have fewer in-sync replicas than min.insync.replicas=2: 0 (out of sync: broker(s) 2,3)'],
      ['', '', '', 'why: Producers with acks=all get NOT_ENOUGH_REPLICAS on these partitions right now.'],
      ['', '', '', 'fix: bring broker(s) 2,3 back in sync (kctl topics describe orders shows the ISR)'],
    ])
  })

  it('broker rows: free space, use and time until full ("not filling", "?" when unknown)', () => {
    const figures = runChecks(healthyCluster()).figures
    // 9 replicas × 1 GiB each; 1000 GiB usable of 1024: 2.34% used.
    expect(brokerRows(figures.brokers)[0]).toEqual([1, 'az-1', 9, 3, '9.0 GiB', '3.0 MiB/s', '3.0 MiB/s', '1000.0 GiB', '2.34%', 'not filling'])
    const unknown = withLogDirs(healthyCluster(), {})
    expect(brokerRows(runChecks(unknown).figures.brokers)[0].slice(7)).toEqual([undefined, undefined, '?'])
  })

  it('the whole view: summary, areas, brokers, the model with NEED/HAVE and the loss verdicts', () => {
    const text = renderDoctorReport(runChecks(brokenCluster()))
    const lines = text.split('\n')
    expect(lines[0]).toBe('cluster healthy: 1 error, 2 warnings, 1 info · 3 brokers · 34 checks · writes 3.0 MiB/s over 30s')
    expect(lines).toContain('AVAILABILITY')
    expect(lines).toContain('SECURITY')
    expect(lines.some((line) => /^BROKER\s+RACK\s+REPLICAS/.test(line))).toBe(true)
    expect(lines.some((line) => line.startsWith('LOSE 1 BROKER  yes: 2 brokers carry the traffic'))).toBe(true)
    expect(lines.some((line) => /^LIMIT\s+NEED\s+HAVE\s+UNIT/.test(line))).toBe(true)
    expect(lines.some((line) => /^storage\s+/.test(line))).toBe(true)
  })
})
