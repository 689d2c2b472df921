import {Flags} from '@oclif/core'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {parseBytes} from '../../src/config/units.js'
import {ExitCode, usageError} from '../../src/errors.js'
import {consumeDefaults, runConsume} from '../../src/perf/consumer.js'
import {checkWritable, writeReport} from '../../src/perf/report.js'
import {consumeReport, consumeResult, consumeSummaryLines, type ConsumeResult} from '../../src/perf/results/consume.js'
import {parseOptionalDurationMs, perfBootstrap, withProgress} from './_shared.js'

export default class PerfConsume extends BaseCommand {
  static description = `Reads a topic as fast as the cluster serves it and prints kafka-consumer-perf-test's columns
(start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec), MB meaning MiB. Partitions are
read directly by a lean Fetch loop, without a consumer group, so rebalance.time.ms is 0.
Ctrl-C stops the run and prints the summary so far (exit 130).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --topic load --num-records 1000000', description: 'Read a million records from the beginning'},
    {command: '<%= config.bin %> <%= command.id %> --topic load --duration 30s --from-latest -o json', description: 'Read new records for 30 s, json output'},
  ]

  static flags = {
    ...connectionFlags,
    duration: Flags.string({description: 'stop after this long (e.g. 30s)'}),
    'fetch-size': Flags.string({description: 'bytes per partition per fetch (max.partition.fetch.bytes)', default: '1MiB'}),
    'from-latest': Flags.boolean({description: 'start at the end of each partition instead of the beginning'}),
    'num-records': Flags.integer({description: 'stop after this many records (kafka-consumer-perf-test --messages)', min: 1}),
    output: outputFlag,
    report: Flags.string({description: 'write a self-contained HTML report with charts to FILE'}),
    timeout: Flags.string({description: 'stop when no record arrived for this long', default: '10s'}),
    topic: Flags.string({char: 't', description: 'topic to read', required: true}),
  }

  static summary = 'Load-test consuming (kafka-consumer-perf-test compatible)'

  async run(): Promise<ConsumeResult> {
    const {flags} = await this.parse(PerfConsume)
    const durationMs = parseOptionalDurationMs(flags.duration, '--duration')
    if (flags['num-records'] === undefined && durationMs === undefined) {
      throw usageError('unable to start the load test: no length given', 'pass --num-records N or --duration 30s')
    }
    const fetchBytes = Math.floor(parseBytes(flags['fetch-size'], '--fetch-size'))
    if (fetchBytes < 1024) throw usageError(`invalid --fetch-size "${flags['fetch-size']}"`, 'use at least 1KiB')
    if (flags.report) checkWritable(flags.report, '--report')
    const text = flags.output === 'table'
    const outcome = await withProgress(text, (line) => this.log(line), (hooks) =>
      runConsume(
        {
          ...consumeDefaults,
          topic: flags.topic,
          bootstrapServers: perfBootstrap(flags),
          maxRecords: flags['num-records'] ?? Number.POSITIVE_INFINITY,
          durationMs: durationMs ?? Number.POSITIVE_INFINITY,
          idleTimeoutMs: parseOptionalDurationMs(flags.timeout, '--timeout')!,
          fromLatest: flags['from-latest'],
          fetchBytes,
        },
        hooks,
      ),
    )
    const result = consumeResult(outcome)
    if (flags.report) writeReport(flags.report, consumeReport(result, outcome))
    this.render(result, flags.output, () => consumeSummaryLines(outcome).join('\n'))
    if (outcome.interrupted) this.exit(ExitCode.interrupted)
    return result
  }
}
