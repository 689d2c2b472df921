// snappy, lz4 and zstd batches between kctl and librdkafka (kcat) through the bundled
// broker, both ways: kcat -z writes, kctl's kafkajs consume and lean perf consume read;
// kctl perf produce and kctl produce write, kcat decodes. The broker keeps batches as
// sent, so each test also checks the stored batches carry the codec asked for.
import {execFile} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {RECORD_BATCH_HEADER_BYTES, readRecordBatchHeader} from '../../src/kafka/protocol/record-batch.js'
import {useBroker} from '../helpers/broker.js'
import {kcat} from '../interop/clients.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

async function kctl(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [path.join(root, 'bin/run.js'), ...args], {maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env: {...process.env, NO_COLOR: '1'}}, (error, stdout, stderr) =>
      error ? reject(new Error(`kctl ${args.join(' ')} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    )
    child.stdin?.end(input ?? '')
  })
}

const codecs = ['snappy', 'lz4', 'zstd'] as const

describe('compressed batches between kctl and librdkafka', () => {
  const broker = useBroker()

  /** The codec of every batch stored for the topic's partition 0, read from its log segments. */
  function storedCodecs(topic: string): string[] {
    const dir = path.join(broker().dataDir, `${topic}-0`)
    const found: string[] = []
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.log')).sort()) {
      const log = readFileSync(path.join(dir, file))
      for (let position = 0; position + RECORD_BATCH_HEADER_BYTES <= log.length; ) {
        const header = readRecordBatchHeader(log, position)
        found.push(header.compression)
        position += header.sizeBytes
      }
    }
    return found
  }

  const lines = (codec: string, count: number) =>
    Array.from({length: count}, (_, index) => `${codec} record ${index} ${'abcdefgh'.repeat(index % 40)}`)

  for (const codec of codecs) {
    it(`${codec}: kcat -z ${codec} writes, kctl consume (kafkajs) reads every record in order`, async () => {
      const topic = `from-kcat-${codec}`
      const sent = lines(codec, 5000)
      await kcat(['-b', broker().bootstrap, '-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=20'], {input: sent.join('\n') + '\n'})
      // librdkafka sends a batch uncompressed when compressing would not shrink it (a small
      // tail batch can land so), so 'none' may sit beside the codec.
      const codecsStored = storedCodecs(topic)
      expect(codecsStored).toContain(codec)
      expect(codecsStored.filter((stored) => stored !== codec && stored !== 'none')).toEqual([])
      const out = await kctl(['consume', topic, '--from-beginning', '--max-messages', String(sent.length), '-b', broker().bootstrap])
      expect(out.trimEnd().split('\n')).toEqual(sent)
    })

    it(`${codec}: kcat -z ${codec} writes, kctl perf consume (lean fetch) counts every record and byte`, async () => {
      const topic = `perf-from-kcat-${codec}`
      const sent = lines(codec, 3000)
      await kcat(['-b', broker().bootstrap, '-P', '-t', topic, '-p', '0', '-z', codec], {input: sent.join('\n') + '\n'})
      const result = JSON.parse(await kctl(['perf', 'consume', '--topic', topic, '--num-records', String(sent.length), '--timeout', '5s', '-o', 'json', '-b', broker().bootstrap])) as {
        recordsConsumed: number
        bytesConsumed: number
      }
      expect(result.recordsConsumed).toBe(sent.length)
      expect(result.bytesConsumed).toBe(sent.reduce((sum, line) => sum + Buffer.byteLength(line), 0))
    })

    it(`${codec}: kctl perf produce --compression ${codec} writes, kcat decodes every 100-byte record`, async () => {
      const topic = `perf-${codec}`
      const records = 20_000
      await kctl(['perf', 'produce', '--compression', codec, '--num-records', String(records), '--record-size', '100', '--throughput', '-1', '--acks', '1', '--topic', topic, '--partitions', '1', '-b', broker().bootstrap])
      expect(new Set(storedCodecs(topic))).toEqual(new Set([codec]))
      const out = await kcat(['-b', broker().bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o %S %s\n'])
      const got = out.trimEnd().split('\n')
      expect(got).toHaveLength(records)
      got.forEach((line, offset) => expect(line).toMatch(new RegExp(`^${offset} 100 [A-Z]{100}$`)))
    })

    it(`${codec}: kctl produce --compression ${codec} writes, kcat reads the lines back byte-identical`, async () => {
      const topic = `produce-${codec}`
      await kctl(['topics', 'create', topic, '--partitions', '1', '-b', broker().bootstrap])
      const sent = lines(codec, 2000)
      await kctl(['produce', topic, '--compression', codec, '--acks', '1', '-b', broker().bootstrap], sent.join('\n') + '\n')
      expect(new Set(storedCodecs(topic))).toEqual(new Set([codec]))
      const out = await kcat(['-b', broker().bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'])
      expect(out.trimEnd().split('\n')).toEqual(sent)
    })
  }

})
