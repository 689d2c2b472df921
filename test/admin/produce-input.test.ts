import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {parseKeyValues} from '../../src/admin/key-values.js'
import {batches, jsonRecordStream, lineRecord, parseJsonRecords, readLines} from '../../src/admin/produce.js'
import {streamItem} from '../../src/admin/stream-output.js'

const defaults = {headers: {source: 'cli'}}

describe('produce input', () => {
  it('makes a record per line, with a default key or a key split off by the separator', () => {
    expect(lineRecord('hello', {key: 'k', headers: {a: '1'}})).toEqual({key: 'k', value: 'hello', headers: {a: '1'}})
    expect(lineRecord('user-1:{"x":1}', {keySeparator: ':', headers: {}})).toEqual({key: 'user-1', value: '{"x":1}', headers: {}})
    expect(lineRecord('no separator', {keySeparator: ':', headers: {}})).toEqual({key: null, value: 'no separator', headers: {}})
  })

  it('reads JSON records shaped like the seed message format: one object, an array, or JSON lines', () => {
    const seed = `{
  "key": "user-123",
  "value": {"userId": "user-123", "action": "login"},
  "headers": {"correlation-id": "req-456", "content-type": "application/json"}
}`
    expect(parseJsonRecords(seed, defaults)).toEqual([
      {
        key: 'user-123',
        value: '{"userId":"user-123","action":"login"}',
        headers: {source: 'cli', 'correlation-id': 'req-456', 'content-type': 'application/json'},
      },
    ])
    expect(parseJsonRecords('[{"value": "a"}, {"key": 7, "value": null}]', {key: 'd', headers: {}})).toEqual([
      {key: 'd', value: 'a', headers: {}},
      {key: '7', value: null, headers: {}},
    ])
    expect(parseJsonRecords('{"value": 1}\n\n{"value": true, "headers": {"n": 2}}\n', {headers: {}})).toEqual([
      {key: null, value: '1', headers: {}},
      {key: null, value: 'true', headers: {n: '2'}},
    ])
  })

  it('names the bad line and field of malformed JSON records', () => {
    expect(() => parseJsonRecords('{"value": 1}\n{"value": 2', defaults)).toThrow(/invalid JSON record on line 2/)
    expect(() => parseJsonRecords('[{"value": 1}, {"val": 2}]', defaults)).toThrow(/record 2: unknown field "val"/)
    expect(() => parseJsonRecords('[1]', defaults)).toThrow(/expected an object/)
    expect(() => parseJsonRecords('{"headers": [1]}', defaults)).toThrow(/headers must be an object/)
  })

  it('streams JSON Lines record by record, and reads arrays and pretty-printed objects whole', async () => {
    const collect = async (lines: AsyncIterable<string>) => {
      const records = []
      for await (const record of jsonRecordStream(lines, {headers: {}})) records.push(record)
      return records
    }
    // JSON Lines: the first record comes out before the next line exists (a `tail -f` pipe).
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    async function* live() {
      yield ''
      yield '{"key": "a", "value": 1}'
      await gate
      yield '{"value": "b"}'
    }
    const stream = jsonRecordStream(live(), {headers: {}})
    expect((await stream.next()).value).toEqual({key: 'a', value: '1', headers: {}})
    release()
    expect((await stream.next()).value).toEqual({key: null, value: 'b', headers: {}})
    expect((await stream.next()).done).toBe(true)

    expect(await collect(readLines(Readable.from(['{\n', '  "key": "k",\n', '  "value": "v"\n', '}\n'])))).toEqual([{key: 'k', value: 'v', headers: {}}])
    expect(await collect(readLines(Readable.from(['[{"value": "a"},\n', '{"value": "b"}]\n'])))).toEqual([
      {key: null, value: 'a', headers: {}},
      {key: null, value: 'b', headers: {}},
    ])
    await expect(collect(readLines(Readable.from(['{"value": 1}\n{"value": 2\n'])))).rejects.toThrow(/invalid JSON record on line 2/)
  })

  it('splits streams into lines (LF, CRLF, a last line without newline) across chunk boundaries', async () => {
    const lines: string[] = []
    for await (const line of readLines(Readable.from(['a\r', '\nb', 'c\n\nd']))) lines.push(line)
    expect(lines).toEqual(['a', 'bc', '', 'd'])
  })

  it('batches what is ready, up to the limit', async () => {
    const sizes: number[] = []
    for await (const batch of batches(Array.from({length: 25}, (_, i) => i), 10)) sizes.push(batch.length)
    expect(sizes).toEqual([10, 10, 5])
    async function* slow() {
      yield 1
      await new Promise((resolve) => setTimeout(resolve, 20))
      yield 2
    }
    const slowBatches: number[][] = []
    for await (const batch of batches(slow(), 10)) slowBatches.push(batch)
    // The first record is sent while the second is not there yet.
    expect(slowBatches).toEqual([[1], [2]])
  })

  it('parses repeatable key=value flags', () => {
    expect(parseKeyValues(['a=1', 'b=x=y', 'a=2'], '--header')).toEqual({a: '2', b: 'x=y'})
    expect(parseKeyValues(undefined, '--header')).toEqual({})
    expect(() => parseKeyValues(['=v'], '--header')).toThrow(/invalid --header "=v"/)
  })

  it('streams json as one object per line and yaml as documents', () => {
    const record = {topic: 't', partition: 0, offset: 5, timestamp: 1}
    expect(streamItem(record, 'json', () => 'x')).toBe('{"topic":"t","partition":0,"offset":5,"timestamp":1}\n')
    expect(streamItem(record, 'yaml', () => 'x')).toBe('---\ntopic: t\npartition: 0\noffset: 5\ntimestamp: 1\n')
    expect(streamItem(record, 'table', () => 'line\n')).toBe('line\n')
  })
})
