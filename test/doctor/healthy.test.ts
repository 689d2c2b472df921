// A healthy cluster yields no errors and no warnings; every check runs on it.
import {describe, expect, it} from 'vitest'
import {checkCatalogue, doctorExitCode, runChecks, selectChecks} from '../../src/admin/doctor/index.js'
import {healthyCluster} from './fixtures.js'

describe('kctl doctor on a healthy 3-broker, 3-rack cluster', () => {
  it('finds no errors and no warnings', () => {
    const report = runChecks(healthyCluster())
    expect(report.findings.filter((item) => item.severity !== 'info')).toEqual([])
    expect(report.checks).toHaveLength(checkCatalogue.length)
    expect(doctorExitCode(report.summary, true)).toBe(0)
  })
})
