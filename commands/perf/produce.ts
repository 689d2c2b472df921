import {Flags} from '@oclif/core'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {ExitCode} from '../../src/errors.js'
import {HistogramLog} from '../../src/perf/histogram-log.js'
import {parseKeyPattern} from '../../src/perf/payloads.js'
import {produceDefaults, runProduce} from '../../src/perf/run-produce.js'
import {produceReport, produceResult, produceSummaryLines, type ProduceResult} from '../../src/perf/results/produce.js'
import {checkWritable, writeReport} from '../../src/perf/report.js'
import {
  parseAcks,
  parseBatchBytes,
  parseSendPlan,
  perfBootstrap,
  producerFlags,
  sendFlags,
  withProgress,
} from './_shared.js'

export default class PerfProduce extends BaseCommand {
  static description = `Sends records on a fixed-rate schedule and measures each record's latency from the time it was
due to be sent, not from when the producer got round to sending it, so a stalled broker shows in
the percentiles (no coordinated omission). Progress and summary lines have exactly the format of
Apache's kafka-producer-perf-test (MB means MiB), so scripts written for it keep working.

Records are batched per partition (--batch-size, --linger-ms) with several requests in flight
(--max-in-flight), by a lean client on kctl's own protocol codec; it speaks PLAINTEXT only.
Ctrl-C stops the run and prints the summary so far (exit 130).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --topic load --partitions 6 --num-records 1000000 --record-size 100 --throughput -1 --acks 1', description: 'As fast as possible, like the Java tool'},
    {command: '<%= config.bin %> <%= command.id %> --topic load --partitions 6 --duration 1m --record-size 1KiB --throughput 50000 --warmup 10s', description: 'A fixed 50,000 records/s for a minute after a 10 s warm-up'},
    {command: '<%= config.bin %> <%= command.id %> --topic load --partitions 6 --duration 30s --record-size 100 --throughput 20000 -o json --report run.html --histogram run.hlog', description: 'OpenMessaging-Benchmark style json, an HTML report and an HdrHistogram log'},
  ]

  static flags = {
    ...connectionFlags,
    ...producerFlags,
    ...sendFlags,
    histogram: Flags.string({description: 'write the latency histograms to FILE in HdrHistogram log format'}),
    output: outputFlag,
    'record-size': Flags.string({description: 'record value size (e.g. 100, 1KiB)', exclusive: ['payload-file']}),
    throughput: Flags.integer({description: 'records per second over all producers; -1 sends as fast as possible', default: -1, min: -1}),
    topic: Flags.string({char: 't', description: 'topic to send to', required: true}),
    warmup: Flags.string({description: 'leave the first part of the run out of the steady-state summary (e.g. 10s)'}),
  }

  static summary = 'Load-test producing with honest latency (kafka-producer-perf-test compatible)'

  async run(): Promise<ProduceResult> {
    const {flags} = await this.parse(PerfProduce)
    const plan = parseSendPlan(flags)
    const settings = {
      ...produceDefaults,
      topic: flags.topic,
      bootstrapServers: perfBootstrap(flags),
      createPartitions: flags.partitions,
      numRecords: plan.numRecords,
      durationMs: plan.durationMs,
      payloads: plan.payloads,
      recordsPerSec: flags.throughput,
      acks: parseAcks(flags.acks),
      batchBytes: parseBatchBytes(flags['batch-size']),
      lingerMs: flags['linger-ms'],
      compression: flags.compression,
      producers: flags.producers,
      warmupMs: plan.warmupMs,
      keyPattern: parseKeyPattern(flags['key-pattern']),
      maxInFlight: flags['max-in-flight'],
      stampSendTime: false,
    }
    if (flags.report) checkWritable(flags.report, '--report')
    if (flags.histogram) checkWritable(flags.histogram, '--histogram')
    const text = flags.output === 'table'
    const histogramLog = flags.histogram ? new HistogramLog(Date.now(), 'kctl perf produce: publish latency') : undefined
    if (text && settings.warmupMs > 0) {
      this.log(`Warmup first ${flags.warmup}. Steady state results will print after the complete test summary.`)
    }
    const outcome = await withProgress(text, (line) => this.log(line), (hooks) => runProduce(settings, {...hooks, histogramLog}))
    const result = produceResult(outcome)
    histogramLog?.write(flags.histogram!)
    if (flags.report) writeReport(flags.report, produceReport(result, outcome))
    this.render(result, flags.output, () => produceSummaryLines(outcome).join('\n'))
    if (outcome.errors > 0) {
      this.logToStderr(`warning: ${outcome.errors} records failed: ${Object.entries(outcome.errorNames).map(([name, count]) => `${name} ×${count}`).join(', ')}`)
    }
    if (outcome.interrupted) this.exit(ExitCode.interrupted)
    return result
  }
}
