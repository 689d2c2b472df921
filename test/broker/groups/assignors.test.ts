// The server-side assignors of KIP-848 consumer groups, alone: balance, stickiness and the
// classic range layout.
import {describe, expect, it} from 'vitest'
import {type Assignment, assignors} from '../../../src/broker/groups/assignors.js'

const topic = (topicId: string, partitions: number) => ({topicId, partitions})
const flat = (assignment: Assignment | undefined) => [...(assignment ?? [])].flatMap(([topicId, partitions]) => [...partitions].map((p) => `${topicId}-${p}`)).sort()

describe('uniform', () => {
  it('balances to within one partition and keeps partitions where they were', () => {
    const members = ['a', 'b', 'c'].map((memberId) => ({memberId, topics: [topic('t', 7)]}))
    const first = assignors.uniform(members, new Map())
    const sizes = [...first.values()].map((assignment) => flat(assignment).length).sort()
    expect(sizes).toEqual([2, 2, 3])
    expect(new Set([...first.values()].flatMap(flat)).size).toBe(7)
    // d joins: a, b and c give up at most one partition each and keep the rest
    const second = assignors.uniform([...members, {memberId: 'd', topics: [topic('t', 7)]}], first)
    for (const memberId of ['a', 'b', 'c']) {
      const kept = flat(second.get(memberId)).filter((partition) => flat(first.get(memberId)).includes(partition))
      expect(kept.length).toBe(flat(second.get(memberId)).length)
    }
    expect([...second.values()].map((assignment) => flat(assignment).length).sort()).toEqual([1, 2, 2, 2])
  })

  it('gives each partition only to members subscribed to its topic', () => {
    const result = assignors.uniform([{memberId: 'a', topics: [topic('x', 2)]}, {memberId: 'b', topics: [topic('x', 2), topic('y', 2)]}], new Map())
    expect(flat(result.get('a')).every((partition) => partition.startsWith('x'))).toBe(true)
    expect(flat(result.get('b'))).toEqual(expect.arrayContaining(['y-0', 'y-1']))
    expect([...result.values()].flatMap(flat).sort()).toEqual(['x-0', 'x-1', 'y-0', 'y-1'])
  })
})

describe('range', () => {
  it('hands out contiguous ranges per topic in member id order, the first ones one more', () => {
    const result = assignors.range(['b', 'a'].map((memberId) => ({memberId, topics: [topic('t', 5)]})), new Map())
    expect(flat(result.get('a'))).toEqual(['t-0', 't-1', 't-2'])
    expect(flat(result.get('b'))).toEqual(['t-3', 't-4'])
  })
})
