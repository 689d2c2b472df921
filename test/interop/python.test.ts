// kafka-python 2.0.x and confluent-kafka through /usr/bin/python3: produce with keys and
// headers, consume one partition by assignment, and list offsets.
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {python} from './clients.js'

interface Roundtrip {
  acked: [number, number][]
  records: {partition: number; offset: number; key: string; value: string; headers: [string, string][]}[]
}

function expectedPartition(count: number, partition: number): Roundtrip['records'] {
  const records: Roundtrip['records'] = []
  for (let i = partition; i < count; i += 2) {
    records.push({partition, offset: records.length, key: `k${i}`, value: `v${i}`, headers: [['h', String(i)]]})
  }
  return records
}

describe('python clients', () => {
  const broker = useBroker({'num.partitions': '2'})

  it('kafka-python produces, consumes partition 0 and lists offsets', async () => {
    const count = 1000
    const result = await python<Roundtrip & {beginning: number[]; end: number[]; byTime: (number | null)[]}>(
      'kafka_python_roundtrip',
      [broker().bootstrap, 'kafka-python', String(count)],
    )
    expect(result.acked.filter(([partition]) => partition === 0).map(([, offset]) => offset)).toEqual(
      Array.from({length: count / 2}, (_, i) => i),
    )
    expect(result.records).toEqual(expectedPartition(count, 0))
    expect(result.beginning).toEqual([0, 0])
    expect(result.end).toEqual([count / 2, count / 2])
    // Timestamp 0 finds the first record; a time in the future finds nothing.
    expect(result.byTime).toEqual([0, null])
  })

  it('confluent-kafka produces idempotently, consumes partition 1 and lists offsets', async () => {
    const count = 1000
    const result = await python<Roundtrip & {errors: string[]; unflushed: number; watermarks: number[][]; byTime: number[]}>(
      'confluent_roundtrip',
      [broker().bootstrap, 'confluent', String(count)],
    )
    expect(result.errors).toEqual([])
    expect(result.unflushed).toBe(0)
    expect(result.acked.length).toBe(count)
    expect(result.records).toEqual(expectedPartition(count, 1))
    expect(result.watermarks).toEqual([
      [0, count / 2],
      [0, count / 2],
    ])
    expect(result.byTime).toEqual([0])
  })
})
