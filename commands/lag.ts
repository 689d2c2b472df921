import {Flags} from '@oclif/core'
import {connectionOptions, withClient} from '../src/admin/connection.js'
import {
  type GroupTrend,
  type LagReport,
  renderPrometheus,
  sampleLag,
  thresholdBreaches,
  type ThresholdBreach,
  watchLag,
} from '../src/admin/lag/index.js'
import {describeBreaches, renderLagReport, renderWatch} from '../src/admin/lag/render.js'
import {defaultServeAddress, parseListenAddress, serveMetrics} from '../src/admin/lag/serve.js'
import {parseDurationMs} from '../src/config/units.js'
import {ExitCode, KctlError, usageError} from '../src/errors.js'
import {withInterrupt} from '../src/ui/interrupt.js'
import {BaseCommand} from './_base.js'
import {connectionFlags, outputFlag} from './_flags.js'

const defaultWatchInterval = '5s'

/** `--watch` and `--serve` take an optional value: a bare flag gets its default, so
 *  `kctl lag --watch -g app` and `kctl lag --watch 10s` both work. lag takes no arguments, so
 *  a word after the flag is its value, and a bad one (`--watch abc`) is reported as such. */
function withOptionalValues(argv: string[]): string[] {
  const defaults: Record<string, string> = {'--watch': defaultWatchInterval, '-w': defaultWatchInterval, '--serve': defaultServeAddress}
  return argv.map((arg, index) => {
    const fallback = defaults[arg]
    if (fallback === undefined) return arg
    const next = argv[index + 1]
    const takesNext = next !== undefined && !next.startsWith('-')
    return takesNext ? arg : `${arg}=${fallback}`
  })
}

export default class Lag extends BaseCommand {
  static description = `Consumer lag per partition: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG TIME-LAG
CONSUMER-ID HOST CLIENT-ID, then totals per group and per group and topic, largest lag first.

LOG-END-OFFSET is the high watermark (ListOffsets, read_uncommitted), as kafka-consumer-groups
reports it, also on topics written by transactional producers: there the lag counts records of
open transactions, and a caught-up group whose client commits the last record's offset + 1
(kafkajs does; the Java client commits past the marker) shows the trailing COMMIT marker as a
lag of 1. A partition the group has
never committed counts its whole backlog. TIME-LAG is how old the first unconsumed record is
(0 when caught up, ? when it cannot be read).

--watch re-samples every interval (default 5s) and rates each group over a sliding window the
way Burrow does: OK, WARN (lag growing), STALL (members present, offsets not moving), STOP (no
members, offsets not moving with lag), ERR (offsets unreadable or rewound). With -o json it
prints one JSON object per sample and line.

--max-lag and --max-time-lag exit 3 when any partition crosses them (for cron and CI); with
--watch, at the first sample that crosses. --serve exposes Prometheus metrics with
kafka_exporter's names (kafka_consumergroup_lag, kafka_consumergroup_current_offset,
kafka_topic_partition_current_offset ...) on 127.0.0.1 unless a host is given.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every consumer group'},
    {command: '<%= config.bin %> <%= command.id %> -g billing -t orders', description: 'one group, one topic'},
    {command: '<%= config.bin %> <%= command.id %> --watch 10s', description: 'live view with trends and OK/WARN/STALL/STOP/ERR'},
    {command: '<%= config.bin %> <%= command.id %> --max-lag 10000 --max-time-lag 5m', description: 'exit 3 if any partition is 10,000 records or 5 minutes behind'},
    {command: '<%= config.bin %> <%= command.id %> --serve :9308', description: 'Prometheus metrics on http://127.0.0.1:9308/metrics'},
    {command: '<%= config.bin %> <%= command.id %> -o json', description: 'rows, totals and the sample time as JSON'},
  ]

  static flags = {
    ...connectionFlags,
    group: Flags.string({char: 'g', description: 'consumer group (repeatable; default: all groups)', multiple: true}),
    'max-lag': Flags.integer({description: 'exit 3 when any partition lags more records than this', min: 0}),
    'max-time-lag': Flags.string({description: 'exit 3 when any partition\'s first unconsumed record is older than this (e.g. 5m)'}),
    output: outputFlag,
    serve: Flags.string({description: `serve Prometheus metrics on [HOST]:PORT (bare flag: ${defaultServeAddress}, loopback)`}),
    topic: Flags.string({char: 't', description: 'only this topic (repeatable)', multiple: true}),
    watch: Flags.string({char: 'w', description: `re-sample every interval (bare flag: ${defaultWatchInterval}) and classify each group`}),
    window: Flags.integer({description: 'samples in the --watch window', default: 10, min: 2}),
  }

  static summary = 'Show consumer lag, watch its trend, alert on thresholds, export metrics'

  async init(): Promise<void> {
    this.argv = withOptionalValues(this.argv)
    await super.init()
  }

  async run(): Promise<LagReport | void> {
    const {flags} = await this.parse(Lag)
    const maxTimeLagMs = flags['max-time-lag'] === undefined ? undefined : parseDurationMs(flags['max-time-lag'], '--max-time-lag')
    const intervalMs = flags.watch === undefined ? undefined : parseDurationMs(flags.watch, '--watch interval')
    if (intervalMs !== undefined && intervalMs < 100) throw usageError(`--watch interval ${flags.watch} is too short`, 'use 1s or more')
    const serveAddress = flags.serve === undefined ? undefined : parseListenAddress(flags.serve)
    const limits = {maxLag: flags['max-lag'], maxTimeLagMs}
    const query = {groups: flags.group, topics: flags.topic}
    const thresholdError = (breaches: ThresholdBreach[]) =>
      new KctlError(`lag threshold crossed: ${describeBreaches(breaches)}`, {exitCode: ExitCode.threshold, hint: 'the consumers are behind; see `kctl lag --watch` for the trend'})

    return withClient(connectionOptions(flags, 'read consumer lag'), async (cluster) => {
      if (intervalMs === undefined && serveAddress === undefined) {
        const report = await sampleLag(cluster, query)
        this.render(report, flags.output, renderLagReport)
        const breaches = thresholdBreaches(report, limits)
        if (breaches.length > 0) throw thresholdError(breaches)
        return report
      }

      let latest: {report: LagReport & {brokers: number}; trends: GroupTrend[]} | undefined
      let crossed: KctlError | undefined
      // Ctrl-C ends a watch or a metrics endpoint normally: exit 0.
      await withInterrupt(async ({signal, stop}) => {
        if (serveAddress) {
          const render = async () => {
            // Watching: scrapes read the latest sample; otherwise each scrape samples afresh.
            if (intervalMs !== undefined) {
              if (!latest) throw new Error('no sample yet')
              return renderPrometheus(latest.report, {brokers: latest.report.brokers, trends: latest.trends})
            }
            const report = await sampleLag(cluster, query)
            return renderPrometheus(report, {brokers: report.brokers})
          }
          const {server, url} = await serveMetrics(serveAddress, render)
          signal.addEventListener('abort', () => {
            server.close()
            server.closeAllConnections()
          }, {once: true})
          this.logToStderr(`serving metrics on ${url}`)
          if (intervalMs === undefined) {
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
            return
          }
        }
        await watchLag(cluster, {
          query,
          intervalMs: intervalMs!,
          windowSize: flags.window,
          signal,
          onSample: (report, trends, sample) => {
            latest = {report, trends}
            const breaches = thresholdBreaches(report, limits)
            if (flags.output === 'json') this.log(JSON.stringify({...report, trends, breaches}))
            else if (flags.output === 'yaml') {
              // One YAML document per sample: without the separator the stream reads as one
              // mapping whose keys repeat.
              this.log('---')
              this.render({...report, trends, breaches}, 'yaml', () => '')
            }
            else {
              const screen = renderWatch(report, trends, {intervalMs: intervalMs!, sample, breaches})
              // Redraw in place on a terminal; append when piped, so logs keep every sample.
              if (process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J')
              this.log(process.stdout.isTTY ? screen : `${screen}\n`)
            }
            if (breaches.length > 0) {
              crossed = thresholdError(breaches)
              stop()
            }
          },
          onError: (error, sample) => this.logToStderr(`sample ${sample} failed: ${error instanceof Error ? error.message : String(error)}`),
        })
      })
      if (crossed) throw crossed
    })
  }
}
