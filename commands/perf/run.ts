import {writeFileAtomicSync} from '../../src/atomic-file.js'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag} from '../_flags.js'
import {ExitCode, KctlError} from '../../src/errors.js'
import {HistogramLog} from '../../src/perf/histogram-log.js'
import {checkWritable, writeReport} from '../../src/perf/report.js'
import {workloadReport, workloadResult, workloadSummaryLines, type WorkloadResult} from '../../src/perf/results/workload.js'
import {readWorkload, runWorkload} from '../../src/perf/workload.js'
import {perfBootstrap, withProgress} from './_shared.js'

export default class PerfRun extends BaseCommand {
  static args = {
    // No `exists`: readWorkload reports a missing file in kctl's one-line form.
    workload: Args.file({description: 'workload YAML file (see templates/workloads/)', required: true}),
  }

  static description = `Runs a workload file: creates its topics, starts its producers and consumers together at the
given rate for the given duration (after an optional warm-up), and writes one json result
(OpenMessaging Benchmark names) and one self-contained HTML report. Keys of the file:
name, topics, topicPrefix, partitionsPerTopic, messageSize | payloadFile, keyPattern,
producersPerTopic, consumersPerTopic, producerRate (records/s over all topics, -1 = max),
duration, warmup, acks, batchSize, lingerMs, compression.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> <%= config.root %>/templates/workloads/1-topic-6-partitions-1kb.yaml', description: 'Run a shipped example workload (from any directory); writes <name>.json and <name>.html here'},
    {command: '<%= config.bin %> <%= command.id %> workload.yaml --json out/run.json --report out/run.html -o json', description: 'Choose the result files and print the json too'},
  ]

  static flags = {
    ...connectionFlags,
    histogram: Flags.string({description: 'write publish and end-to-end histograms to FILE in HdrHistogram log format'}),
    json: Flags.string({description: 'write the json result to FILE (default: <workload name>.json)'}),
    output: outputFlag,
    report: Flags.string({description: 'write the HTML report to FILE (default: <workload name>.html)'}),
  }

  static summary = 'Run a workload file: producers and consumers together, one json and HTML report'

  async run(): Promise<WorkloadResult> {
    const {args, flags} = await this.parse(PerfRun)
    const workload = readWorkload(args.workload)
    const bootstrap = perfBootstrap(flags)
    const fileBase = workload.name.replace(/[^A-Za-z0-9._-]+/g, '-')
    const jsonFile = flags.json ?? `${fileBase}.json`
    const reportFile = flags.report ?? `${fileBase}.html`
    checkWritable(jsonFile, '--json')
    checkWritable(reportFile, '--report')
    if (flags.histogram) checkWritable(flags.histogram, '--histogram')
    const text = flags.output === 'table'
    const histogramLog = flags.histogram ? new HistogramLog(Date.now(), `kctl perf run ${workload.name}: publish and end-to-end latency`) : undefined
    const outcome = await withProgress(text, (line) => this.log(line), (hooks) => runWorkload(workload, bootstrap, {...hooks, histogramLog}))
    const result = workloadResult(outcome)
    try {
      writeFileAtomicSync(jsonFile, JSON.stringify(result, null, 2) + '\n')
    } catch (error) {
      throw new KctlError(`unable to write ${jsonFile}: ${(error as Error).message}`, {hint: 'choose a writable path with --json'})
    }
    writeReport(reportFile, workloadReport(result, outcome))
    histogramLog?.write(flags.histogram!)
    this.render(result, flags.output, () => [...workloadSummaryLines(outcome), `wrote ${jsonFile} and ${reportFile}`].join('\n'))
    if (outcome.interrupted) this.exit(ExitCode.interrupted)
    return result
  }
}
