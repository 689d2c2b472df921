// java.util.Properties.load semantics, case by case.
import {describe, expect, it} from 'vitest'
import {formatProperty, parseProperties, propertiesToMap} from '../../src/config/properties.js'

const pairs = (text: string) => parseProperties(text).map(({key, value}) => [key, value])

describe('parseProperties', () => {
  it.each([
    ['a=1', [['a', '1']]],
    ['a:1', [['a', '1']]],
    ['a 1', [['a', '1']]],
    ['a\t=\t1', [['a', '1']]],
    ['a = b = c', [['a', 'b = c']]],
    ['   a=1', [['a', '1']]],
    ['a=', [['a', '']]],
    ['a', [['a', '']]],
    ['a=1  ', [['a', '1  ']]],
  ])('separators and whitespace: %j', (text, expected) => {
    expect(pairs(text)).toEqual(expected)
  })

  it('skips # and ! comment lines and blank lines, keeping line numbers', () => {
    const entries = parseProperties('# comment\n! also comment\n\n  # indented comment\nkey=value')
    expect(entries).toEqual([{key: 'key', value: 'value', line: 5, raw: 'key=value'}])
  })

  it('keeps a trailing " # note" as part of the value (no inline comments in .properties)', () => {
    expect(pairs('broker.id=1  # Unique per broker')).toEqual([['broker.id', '1  # Unique per broker']])
  })

  it('joins continuation lines, dropping the next line\'s leading whitespace', () => {
    const entries = parseProperties('listeners=PLAINTEXT://:9092,\\\n    CONTROLLER://:9093\nnext=1')
    expect(entries.map(({key, value, line}) => [key, value, line])).toEqual([['listeners', 'PLAINTEXT://:9092,CONTROLLER://:9093', 1], ['next', '1', 3]])
    expect(entries[0].raw).toBe('listeners=PLAINTEXT://:9092,\\\n    CONTROLLER://:9093')
  })

  it('an even number of trailing backslashes is not a continuation', () => {
    expect(pairs('path=C:\\\\\nnext=1')).toEqual([['path', 'C:\\'], ['next', '1']])
  })

  it.each([
    ['a=tab\\there', 'tab\there'],
    ['a=new\\nline', 'new\nline'],
    ['a=\\u0041\\u00e9', 'Aé'],
    ['a=\\x\\#\\!', 'x#!'],
    ['a=back\\\\slash', 'back\\slash'],
  ])('escapes: %j', (text, value) => {
    expect(pairs(text)).toEqual([['a', value]])
  })

  it('escaped separators belong to the key', () => {
    expect(pairs('key\\=with\\:colon\\ space=v')).toEqual([['key=with:colon space', 'v']])
  })

  it('handles \\r\\n and \\r line endings', () => {
    expect(pairs('a=1\r\nb=2\rc=3')).toEqual([['a', '1'], ['b', '2'], ['c', '3']])
  })

  it('rejects a malformed \\u escape', () => {
    expect(() => parseProperties('a=\\u12')).toThrow(/malformed/)
  })

  it('propertiesToMap keeps the last value, as Properties.load does', () => {
    expect(propertiesToMap(parseProperties('a=1\na=2')).get('a')).toBe('2')
  })
})

describe('formatProperty', () => {
  it.each([
    ['a', 'b', 'a=b'],
    ['key with space', 'v', 'key\\ with\\ space=v'],
    ['k', ' leading', 'k=\\ leading'],
    ['k', '#not a comment', 'k=\\#not a comment'],
    ['k', 'tab\there', 'k=tab\\there'],
  ])('formatProperty(%j, %j) = %j and parses back', (key, value, line) => {
    expect(formatProperty(key, value)).toBe(line)
    expect(pairs(line)).toEqual([[key, value]])
  })
})
