// The --watch classifier on scripted scenarios (steady, growing, stalled, stopped, rewound),
// fed synthetic samples exactly as `kctl lag --watch` feeds it.
import {describe, expect, it} from 'vitest'
import {buildLagReport, type GroupObservation} from '../../src/admin/lag/compute.js'
import {classifyPartition, LagWindow} from '../../src/admin/lag/watch.js'

/** One sample: the log end and committed offset of partition 0 of "t" at time `second`. */
function sample(window: LagWindow, second: number, logEnd: number, committed: number | null, members = 1, error?: string) {
  const observation: GroupObservation = {
    groupId: 'g',
    type: 'classic',
    state: members > 0 ? 'Stable' : 'Empty',
    members: Array.from({length: members}, (_, index) => ({memberId: `m${index}`, clientId: 'c', host: '/h', assignment: [{topic: 't', partitions: [0]}]})),
    committed: new Map(committed === null ? [] : [['t', new Map([[0, committed]])]]),
    error,
  }
  window.add(buildLagReport({
    nowMs: second * 1000,
    groups: [observation],
    partitionsByTopic: new Map([['t', [{topic: 't', partition: 0, logStartOffset: 0, logEndOffset: logEnd}]]]),
    timestamps: new Map(),
  }))
}

function run(script: [number, number | null][], members = 1) {
  const window = new LagWindow(5)
  script.forEach(([logEnd, committed], index) => sample(window, index * 10, logEnd, committed, members))
  return window.classify()[0]
}

describe('lag --watch classification', () => {
  it('steady: a consumer keeping up with some lag is OK, with its rates', () => {
    const trend = run([[100, 90], [200, 190], [300, 280], [400, 395], [500, 490]])
    expect(trend).toMatchObject({status: 'OK', complete: true, lag: 10})
    expect(trend.consumedPerSec).toBe(10) // 400 offsets in 40 s
    expect(trend.producedPerSec).toBe(10)
  })

  it('caught up at some point of the window is OK even if lag is high now', () => {
    expect(run([[100, 100], [200, 100], [300, 110], [400, 120], [500, 130]]).status).toBe('OK')
  })

  it('growing: consuming but lag rises at every sample is WARN', () => {
    const trend = run([[100, 50], [200, 120], [300, 190], [400, 260], [500, 330]])
    expect(trend.status).toBe('WARN')
    expect(trend.reason).toContain('lag growing 50 -> 170')
    expect(trend.lagPerSec).toBe(3) // (170 - 50) / 40 s
  })

  it('stalled: members present, committed offset frozen, lag > 0 is STALL', () => {
    expect(run([[100, 40], [100, 40], [120, 40], [130, 40], [130, 40]]).status).toBe('STALL')
  })

  it('stopped: no members, committed offset frozen, lag > 0 is STOP', () => {
    expect(run([[100, 40], [110, 40], [120, 40], [130, 40], [140, 40]], 0).status).toBe('STOP')
  })

  it('an idle caught-up group with no members is OK, not STOP', () => {
    expect(run([[100, 100], [100, 100], [100, 100]], 0).status).toBe('OK')
  })

  it('a rewound offset is ERR, and so is a group whose offsets cannot be read', () => {
    expect(run([[100, 40], [110, 60], [120, 30], [130, 50], [140, 70]]).status).toBe('ERR')
    const window = new LagWindow(5)
    sample(window, 0, 100, 50, 1, 'COORDINATOR_NOT_AVAILABLE')
    expect(window.classify()[0]).toMatchObject({status: 'ERR', reason: 'COORDINATOR_NOT_AVAILABLE'})
  })

  it('does not judge before three samples, and slides the window', () => {
    const window = new LagWindow(3)
    sample(window, 0, 100, 40)
    sample(window, 10, 100, 40)
    expect(window.classify()[0]).toMatchObject({status: 'OK', complete: false})
    sample(window, 20, 100, 40)
    expect(window.classify()[0].status).toBe('STALL')
    // progress resumes: the frozen samples slide out of the window
    sample(window, 30, 100, 60)
    sample(window, 40, 100, 80)
    sample(window, 50, 100, 90)
    expect(window.classify()[0].status).toBe('OK')
  })

  it('classifies a partition missing from some samples on the samples it has', () => {
    expect(classifyPartition([undefined, {currentOffset: 1, lag: 5, logEndOffset: 6}, {currentOffset: 1, lag: 6, logEndOffset: 7}], 1).status).toBe('STALL')
  })
})
