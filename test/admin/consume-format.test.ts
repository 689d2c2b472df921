import {describe, expect, it} from 'vitest'
import {compileFormat, type ConsumedRecord, parseTimestamp, startPosition, toRecord} from '../../src/admin/consume-format.js'

const record: ConsumedRecord = {topic: 'orders', partition: 2, offset: 41, timestamp: 1736614455000, key: 'user-1', value: 'héllo', headers: {a: '1', b: '2'}}

describe('consume format templates', () => {
  it('expands kcat tokens and escapes', () => {
    expect(compileFormat('%t [%p] @%o %T: %k=%v (%K/%S) {%h} 100%%\\n')(record)).toBe('orders [2] @41 1736614455000: user-1=héllo (6/6) {a=1,b=2} 100%\n')
    expect(compileFormat('%s\\t%k|\\\\')({...record, key: null})).toBe('héllo\t|\\')
    expect(compileFormat('%K %S')({...record, key: null, value: null})).toBe('-1 -1')
    expect(compileFormat('literal only')(record)).toBe('literal only')
  })

  it('rejects unknown tokens as usage errors', () => {
    expect(() => compileFormat('%x')).toThrow(/invalid --format token "%x"/)
    expect(() => compileFormat('trailing %')).toThrow(/invalid --format token "%"/)
  })
})

describe('consumed records', () => {
  it('keeps UTF-8 keys and values as text and carries other bytes as base64, marked, so json output loses nothing', () => {
    const text = toRecord('t', 0, {offset: '7', timestamp: '1000', key: Buffer.from('clé'), value: Buffer.from('héllo'), headers: {}})
    expect(text).toEqual({topic: 't', partition: 0, offset: 7, timestamp: 1000, key: 'clé', value: 'héllo', headers: {}})
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x61])
    const binary = toRecord('t', 0, {offset: '8', timestamp: '1000', key: Buffer.from([0xc3, 0x28]), value: bytes, headers: {}})
    expect(binary).toMatchObject({key: 'wyg=', keyEncoding: 'base64', value: bytes.toString('base64'), valueEncoding: 'base64'})
    expect(Buffer.from(binary.value as string, 'base64')).toEqual(bytes)
    // Lengths stay byte lengths of the record, not of its base64 text.
    expect(compileFormat('%K %S')(binary)).toBe('2 5')
    expect(toRecord('t', 0, {offset: '9', timestamp: '1000', key: null, value: null, headers: {}})).toMatchObject({key: null, value: null})
  })
})

describe('start positions', () => {
  const now = Date.parse('2025-01-11T16:54:15Z')

  it('prefers --offset, then --from-timestamp, then the group, then --from-beginning', () => {
    expect(startPosition({offset: '5', fromBeginning: true})).toEqual({kind: 'offset', offset: 5})
    expect(startPosition({offset: '-3'})).toEqual({kind: 'offset', offset: -3})
    expect(startPosition({offset: 'earliest'})).toEqual({kind: 'earliest'})
    expect(startPosition({offset: 'latest'})).toEqual({kind: 'latest'})
    expect(startPosition({fromTimestamp: '-1h'}, now)).toEqual({kind: 'timestamp', timestampMs: now - 3_600_000})
    expect(startPosition({group: 'g', fromBeginning: true})).toEqual({kind: 'committed', reset: 'earliest'})
    expect(startPosition({group: 'g'})).toEqual({kind: 'committed', reset: 'latest'})
    expect(startPosition({fromBeginning: true})).toEqual({kind: 'earliest'})
    expect(startPosition({})).toEqual({kind: 'latest'})
    expect(() => startPosition({offset: 'soon'})).toThrow(/invalid --offset "soon"/)
  })

  it('reads timestamps as epoch ms, ISO dates or durations ago', () => {
    expect(parseTimestamp('1736614455000')).toBe(1736614455000)
    expect(parseTimestamp('2025-01-11T16:54:15Z')).toBe(now)
    expect(parseTimestamp('-30m', now)).toBe(now - 1_800_000)
    expect(() => parseTimestamp('yesterday')).toThrow(/invalid --from-timestamp "yesterday"/)
  })
})
