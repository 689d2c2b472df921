import {Flags} from '@oclif/core'
import {connectionOptions, withClient} from '../src/admin/connection.js'
import {doctorExitCode, type DoctorOptions, type DoctorReport, runChecks, selectChecks} from '../src/admin/doctor/index.js'
import {gatherSnapshot, type GatherNotes, waitWindow} from '../src/admin/doctor/gather.js'
import {renderDoctorReport} from '../src/admin/doctor/render.js'
import {renderDoctorPrometheus} from '../src/admin/doctor/serve.js'
import {parseListenAddress, serveMetrics} from '../src/admin/lag/serve.js'
import {formatDurationMs, parseBytes, parseDurationMs} from '../src/config/units.js'
import {ExitCode, usageError} from '../src/errors.js'
import {colour, renderKeyValues} from '../src/ui/output.js'
import {withInterrupt} from '../src/ui/interrupt.js'
import {BaseCommand} from './_base.js'
import {connectionFlags, outputFlag} from './_flags.js'

type DoctorOutput = DoctorReport & {gathering: GatherNotes}

/** `--checks a,b --checks c` → [a, b, c]. */
function names(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean)
}

export default class Doctor extends BaseCommand {
  static description = `Checks a live cluster, read-only: availability (offline, under-replicated and under-min-ISR partitions, replication settings, the KRaft quorum, racks), capacity (skew, disk use, time until the disks are full at the measured write rate, the planner's limits, surviving a broker or rack loss), configuration (config lint rules on the live configs, drift between brokers, kctl init's defaults), security (PLAINTEXT listeners, no authorizer, open ACLs, super users) and data (infinite retention, auto-created topics, stalled, stopped or falling-behind consumer groups).

The write rates come from two samples --window apart (ListOffsets and DescribeLogDirs); groups are classified over the same window as \`kctl lag --watch\` does. Ctrl-C during the window takes the second sample at once. A broker that cannot be reached is reported, and the checks run on the others. Every check id and its fix: docs/DOCTOR.md.

--serve [HOST]:PORT runs the checks again and again (each run measures over --window) and serves the latest run as Prometheus metrics (kctl_doctor_findings{severity}, kctl_doctor_finding{check,...} ...) on 127.0.0.1 unless a host is given, until Ctrl-C; it exits 0.

Exit codes: 0 no errors (warnings allowed unless --strict), 3 errors found (or warnings with --strict), 2 a bad flag, 1 the cluster cannot be reached.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every check, write rates over 30s'},
    {command: '<%= config.bin %> <%= command.id %> --window 5s --checks availability,security', description: 'two areas only, a short window'},
    {command: '<%= config.bin %> <%= command.id %> --skip capacity.time-until-full --strict', description: 'fail on warnings too, without one check'},
    {command: '<%= config.bin %> <%= command.id %> --disk 2TB -o json', description: 'disk size for brokers that do not report it; findings and figures as JSON'},
    {command: '<%= config.bin %> <%= command.id %> --serve :9309 --window 1m', description: 'Prometheus metrics of a run every minute on http://127.0.0.1:9309/metrics'},
  ]

  static flags = {
    ...connectionFlags,
    checks: Flags.string({description: 'only these check ids or areas (comma list or repeatable)', multiple: true}),
    disk: Flags.string({description: 'disk per broker (e.g. 2TB) for brokers that do not report their log dirs\' size (before Kafka 3.3)'}),
    'max-lag': Flags.integer({description: 'records a group may lag on a partition (data.group-over-lag-limit)', min: 0}),
    'max-time-lag': Flags.string({description: 'how old a group\'s first unconsumed record may be, e.g. 5m (data.group-over-lag-limit)'}),
    output: outputFlag,
    serve: Flags.string({description: 'serve the findings as Prometheus metrics on [HOST]:PORT (loopback unless a host is given), re-checking every --window'}),
    skip: Flags.string({description: 'not these check ids or areas (comma list or repeatable)', multiple: true}),
    strict: Flags.boolean({description: 'exit 3 on warnings too'}),
    window: Flags.string({description: 'time between the two samples the write rates come from (0 for none)', default: '30s'}),
  }

  static summary = 'Check a cluster\'s health, capacity, configuration and security'

  async run(): Promise<DoctorOutput | void> {
    const {flags} = await this.parse(Doctor)
    const windowMs = parseDurationMs(flags.window, '--window')
    const options: DoctorOptions = {
      checks: names(flags.checks),
      skip: names(flags.skip),
      maxLag: flags['max-lag'],
      maxTimeLagMs: flags['max-time-lag'] === undefined ? undefined : parseDurationMs(flags['max-time-lag'], '--max-time-lag'),
      diskBytes: flags.disk === undefined ? undefined : parseBytes(flags.disk, '--disk'),
    }
    // Unknown check names fail before anything is asked of the cluster.
    selectChecks(options)
    // A terminal gets a countdown; a pipe or log one line when the window starts; json and yaml nothing.
    if (flags.serve !== undefined) {
      const address = parseListenAddress(flags.serve)
      if (windowMs < 1000) throw usageError(`--window ${flags.window} is too short for --serve`, 'each run measures over --window: use 1s or more')
      await this.serve(flags, address, windowMs, options)
      return
    }
    const progress = flags.output === 'table' && Boolean(process.stderr.isTTY)
    const onWindowProgress = progress
      ? (elapsedMs: number, totalMs: number) => process.stderr.write(`\r${colour.dim(`measuring write rates: ${formatDurationMs(elapsedMs)} of ${formatDurationMs(totalMs)} (Ctrl-C to stop early)`)}\x1b[K`)
      : flags.output === 'table'
        ? (elapsedMs: number, totalMs: number) => elapsedMs === 0 && this.logToStderr(`measuring write rates over ${formatDurationMs(totalMs)} (Ctrl-C to stop early)`)
        : undefined

    const {snapshot, notes} = await withClient(connectionOptions(flags, 'check the cluster'), (client) =>
      withInterrupt(({signal}) => gatherSnapshot(client, {windowMs, signal, onWindowProgress})),
    )
    if (progress && windowMs > 0) process.stderr.write('\r\x1b[K')

    const output: DoctorOutput = {...runChecks(snapshot, options), gathering: notes}
    this.render(output, flags.output, renderWithNotes)
    const code = doctorExitCode(output.summary, flags.strict)
    if (code !== ExitCode.ok) this.exit(code)
    return output
  }

  /** Runs the checks back to back, each over `windowMs`, serving the latest until Ctrl-C. */
  private async serve(flags: Parameters<typeof connectionOptions>[0], address: {host: string; port: number}, windowMs: number, options: DoctorOptions): Promise<void> {
    await withClient(connectionOptions(flags, 'check the cluster'), (client) => withInterrupt(async ({signal}) => {
      let latest: string | undefined
      const {server, url} = await serveMetrics(address, async () => {
        if (latest === undefined) throw new Error('the first check has not finished yet')
        return latest
      })
      signal.addEventListener('abort', () => {
        server.close()
        server.closeAllConnections()
      }, {once: true})
      this.logToStderr(`serving metrics on ${url}, re-checked every ${formatDurationMs(windowMs)}`)
      while (!signal.aborted) {
        try {
          const {snapshot, notes} = await gatherSnapshot(client, {windowMs, signal})
          latest = renderDoctorPrometheus(runChecks(snapshot, options), notes, snapshot.takenAtMs)
        } catch (error) {
          if (signal.aborted) break
          // A failed run (a broker restarting) keeps the last metrics; the next run tries again after a window.
          this.logToStderr(`check failed: ${error instanceof Error ? error.message : String(error)}`)
          await waitWindow({windowMs, signal})
        }
      }
    }))
  }
}

function renderWithNotes(output: DoctorOutput): string {
  const {gathering} = output
  const pairs: [string, string][] = []
  for (const broker of gathering.unreachableBrokers) pairs.push([`BROKER ${broker.id}`, colour.red(`unreachable: ${broker.error}`)])
  if (gathering.quorum !== 'reported') pairs.push(['QUORUM', gathering.quorum])
  if (gathering.acls !== 'reported') pairs.push(['ACLS', gathering.acls])
  if (gathering.consumers !== 'reported') pairs.push(['GROUPS', `not read: ${gathering.consumers}`])
  if (gathering.windowInterrupted) pairs.push(['WINDOW', `cut short at ${formatDurationMs(output.windowMs)} by Ctrl-C`])
  const report = renderDoctorReport(output)
  return pairs.length === 0 ? report : `${report}\n\n${renderKeyValues(pairs)}`
}
