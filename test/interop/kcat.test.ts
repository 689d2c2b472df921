// librdkafka through kcat, the strictest common client: 100,000 keyed records with
// headers produced and consumed back byte-identical, compressed batches passed through
// as stored, and metadata listing.
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'
import {kcat} from './clients.js'

describe('kcat (librdkafka)', () => {
  const broker = useBroker()

  it('produces 100,000 keyed records with headers and consumes them back byte-identical', async () => {
    const count = 100_000
    const lines = Array.from({length: count}, (_, i) => `key-${i % 977}\tvalue-${i}-${'x'.repeat(i % 50)}`)
    await kcat(['-b', broker().bootstrap, '-P', '-t', 'kcat-bulk', '-K', '\t', '-H', 'trace=abc', '-H', 'n=1', '-X', 'linger.ms=5'], {
      input: lines.join('\n') + '\n',
    })
    const out = await kcat(['-b', broker().bootstrap, '-C', '-t', 'kcat-bulk', '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\t%h\n'])
    const got = out.split('\n').filter((line) => line !== '')
    expect(got.length).toBe(count)
    expect(got).toEqual(lines.map((line) => `${line}\ttrace=abc,n=1`))
  })

  it('passes compressed batches through unchanged for each codec librdkafka has', async () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `kcat-${codec}`
      const lines = Array.from({length: 2000}, (_, i) => `${codec} record ${i} ${'abc'.repeat(i % 30)}`)
      await kcat(['-b', broker().bootstrap, '-P', '-t', topic, '-z', codec], {input: lines.join('\n') + '\n'})
      const out = await kcat(['-b', broker().bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o %s\n'])
      expect(out.trimEnd().split('\n')).toEqual(lines.map((line, offset) => `${offset} ${line}`))
    }
  })

  it('lists metadata with the broker, topics and partitions', async () => {
    await kcat(['-b', broker().bootstrap, '-P', '-t', 'kcat-meta', '-p', '0'], {input: 'one\n'})
    const metadata = JSON.parse(await kcat(['-b', broker().bootstrap, '-L', '-J'])) as {
      brokers: {id: number; name: string}[]
      topics: {topic: string; partitions: {partition: number; leader: number; replicas: {id: number}[]}[]}[]
    }
    expect(metadata.brokers).toEqual([{id: 1, name: broker().bootstrap}])
    const topic = metadata.topics.find((entry) => entry.topic === 'kcat-meta')
    expect(topic?.partitions).toEqual([expect.objectContaining({partition: 0, leader: 1, replicas: [{id: 1}]})])
  })
})
