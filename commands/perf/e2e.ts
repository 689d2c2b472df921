import {Flags} from '@oclif/core'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {ExitCode} from '../../src/errors.js'
import {HistogramLog} from '../../src/perf/histogram-log.js'
import {parseKeyPattern} from '../../src/perf/payloads.js'
import {checkWritable, writeReport} from '../../src/perf/report.js'
import {workloadReport, workloadResult, workloadSummaryLines, type WorkloadResult} from '../../src/perf/results/workload.js'
import {runWorkload} from '../../src/perf/workload.js'
import {
  parseAcks,
  parseBatchBytes,
  parseSendPlan,
  perfBootstrap,
  producerFlags,
  sendFlags,
  withProgress,
} from './_shared.js'

export default class PerfE2e extends BaseCommand {
  static description = `Produces on a fixed-rate schedule while a consumer reads the same topic from its end. Each
record carries its intended send time in a header (kctl.perf.intended.ms); the consumer records
end-to-end latency from that time to receipt, so broker stalls, slow fetches and producer
queueing all show. Every 5 s a progress line in OpenMessaging Benchmark's form (Pub rate …
| E2E Latency …); at the end the producer's kafka-producer-perf-test summary and Apache
EndToEndLatency's "Avg latency" and "Percentiles" lines; -o json uses OpenMessaging Benchmark
names (endToEndLatency99pct …).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --topic e2e --partitions 3 --duration 30s --record-size 512 --throughput 5000', description: 'End-to-end latency at 5,000 records/s'},
    {command: '<%= config.bin %> <%= command.id %> --topic e2e --partitions 3 --num-records 100000 --record-size 100 --throughput 10000 -o json --report e2e.html', description: 'json figures and an HTML report'},
  ]

  static flags = {
    ...connectionFlags,
    ...producerFlags,
    ...sendFlags,
    histogram: Flags.string({description: 'write publish and end-to-end histograms to FILE in HdrHistogram log format'}),
    output: outputFlag,
    'record-size': Flags.string({description: 'record value size (e.g. 100, 1KiB)', default: '100', exclusive: ['payload-file']}),
    throughput: Flags.integer({description: 'records per second; -1 sends as fast as possible', default: 1000, min: -1}),
    topic: Flags.string({char: 't', description: 'topic to send through', required: true}),
    warmup: Flags.string({description: 'leave the first part of the run out of the steady-state figures (e.g. 5s)'}),
  }

  static summary = 'Measure end-to-end latency: producer stamp to consumer receipt'

  async run(): Promise<WorkloadResult> {
    const {flags} = await this.parse(PerfE2e)
    const plan = parseSendPlan(flags)
    const workload = {
      name: 'perf e2e',
      topicNames: [flags.topic],
      partitionsPerTopic: flags.partitions ?? 1,
      createTopics: flags.partitions !== undefined,
      payloads: plan.payloads,
      keyPattern: parseKeyPattern(flags['key-pattern']),
      producersPerTopic: flags.producers,
      consumersPerTopic: 1,
      producerRate: flags.throughput,
      numRecords: plan.numRecords,
      durationMs: plan.durationMs,
      warmupMs: plan.warmupMs,
      acks: parseAcks(flags.acks),
      batchBytes: parseBatchBytes(flags['batch-size']),
      lingerMs: flags['linger-ms'],
      compression: flags.compression,
    }
    if (flags.report) checkWritable(flags.report, '--report')
    if (flags.histogram) checkWritable(flags.histogram, '--histogram')
    const text = flags.output === 'table'
    const histogramLog = flags.histogram ? new HistogramLog(Date.now(), 'kctl perf e2e: publish and end-to-end latency') : undefined
    const outcome = await withProgress(text, (line) => this.log(line), (hooks) => runWorkload(workload, perfBootstrap(flags), {...hooks, histogramLog}))
    const result = workloadResult(outcome)
    histogramLog?.write(flags.histogram!)
    if (flags.report) writeReport(flags.report, workloadReport(result, outcome, `kctl perf e2e: ${flags.topic}`))
    this.render(result, flags.output, () => workloadSummaryLines(outcome).join('\n'))
    if (outcome.interrupted) this.exit(ExitCode.interrupted)
    return result
  }
}
