import {Flags} from '@oclif/core'
import {ExitCode, KctlError, usageError} from '../src/errors.js'
import {formatNumber, limitsRows, type Plan, type PlanInput, planCapacity, type RawPlanOptions, resolvePlanInput} from '../src/plan/index.js'
import {mayAsk} from '../src/ui/interactive.js'
import {colour, renderKeyValues, renderTable} from '../src/ui/output.js'
import {BaseCommand} from './_base.js'
import {outputFlag} from './_flags.js'

/** Sizing flags shared by `kctl plan` and `kctl init`. */
export const planFlags = {
  azs: Flags.string({description: 'availability zones; brokers are a multiple of it [default: 3 with --ha, else 1]', helpGroup: 'WORKLOAD'}),
  cores: Flags.string({description: 'CPU cores per broker (overrides the tier)', helpGroup: 'HARDWARE'}),
  disk: Flags.string({description: 'disk per broker, e.g. 1TB, 500GiB (overrides the tier)', helpGroup: 'HARDWARE'}),
  'disk-mbps': Flags.string({description: 'disk sequential write MiB/s per broker (overrides the tier)', helpGroup: 'HARDWARE'}),
  fanout: Flags.string({description: 'consumer groups reading each byte [default: 1]', helpGroup: 'WORKLOAD'}),
  ha: Flags.boolean({description: 'high availability: 3+ brokers, RF 3, min.insync.replicas 2, seed HA tiers'}),
  memory: Flags.string({description: 'RAM per broker, e.g. 16GB (overrides the tier)', helpGroup: 'HARDWARE'}),
  'min-insync-replicas': Flags.string({description: 'min.insync.replicas [default: 2 with --ha, else 1]', helpGroup: 'WORKLOAD'}),
  network: Flags.string({description: 'NIC speed per broker, e.g. 1Gbps, 10Gbps (overrides the tier)', helpGroup: 'HARDWARE'}),
  'partition-mbps': Flags.string({description: 'MiB/s one partition takes from a producer or gives a consumer [default: 10]', exclusive: ['partitions'], helpGroup: 'WORKLOAD'}),
  partitions: Flags.string({description: 'total partitions (instead of deriving them from --partition-mbps)', helpGroup: 'WORKLOAD'}),
  'record-size': Flags.string({description: 'average record size, e.g. 1KB [default: 1KiB]', helpGroup: 'WORKLOAD'}),
  'replication-factor': Flags.string({description: 'replication factor [default: 3 with --ha, else 1]', helpGroup: 'WORKLOAD'}),
  retention: Flags.string({description: 'retention time, e.g. 7d, 168h [default: 7d]', helpGroup: 'WORKLOAD'}),
  'retention-bytes': Flags.string({description: 'retention size per partition (retention.bytes), e.g. 50GB', helpGroup: 'WORKLOAD'}),
  tier: Flags.string({description: 'hardware from the seed tables: minimum or recommended [default: recommended]', helpGroup: 'HARDWARE'}),
  'write-mbps': Flags.string({description: 'producers\' total write throughput in MiB/s (asked on a TTY when missing)', helpGroup: 'WORKLOAD'}),
}

type PlanFlagValues = {[K in keyof typeof planFlags]?: K extends 'ha' ? boolean : string}

export function rawOptions(flags: PlanFlagValues): RawPlanOptions {
  return {
    ha: flags.ha, writeMbps: flags['write-mbps'], fanout: flags.fanout, retention: flags.retention, retentionBytes: flags['retention-bytes'],
    replicationFactor: flags['replication-factor'], minInsyncReplicas: flags['min-insync-replicas'], recordSize: flags['record-size'],
    partitions: flags.partitions, partitionMbps: flags['partition-mbps'], azs: flags.azs, tier: flags.tier, cores: flags.cores,
    memory: flags.memory, disk: flags.disk, diskMbps: flags['disk-mbps'], network: flags.network,
  }
}

/** Prompts only on an interactive terminal outside CI; elsewhere missing values stay missing. */
export function canPrompt(): boolean {
  return mayAsk() && Boolean(process.stdout.isTTY)
}

/** Asks for the workload values that were not given as flags. */
export async function promptMissing(raw: RawPlanOptions): Promise<RawPlanOptions> {
  try {
    return await askMissing(raw)
  } catch (error) {
    // Ctrl+C inside a prompt: @inquirer rejects with ExitPromptError.
    if ((error as Error).name === 'ExitPromptError') throw new KctlError('interrupted', {exitCode: ExitCode.interrupted})
    throw error
  }
}

async function askMissing(raw: RawPlanOptions): Promise<RawPlanOptions> {
  const {confirm, input, select} = await import('@inquirer/prompts')
  const filled = {...raw}
  if (filled.ha === undefined) filled.ha = await confirm({message: 'High availability (3+ brokers over 3 AZs, RF 3)?', default: false})
  // Each answer is checked by the same rules as its flag, so a typo is asked again, not fatal.
  const valid = (answer: RawPlanOptions) => () => {
    try {
      resolvePlanInput({writeMbps: '1', ...answer})
      return true
    } catch (error) {
      return (error as Error).message
    }
  }
  if (filled.writeMbps === undefined) filled.writeMbps = await input({message: 'Producers\' total write throughput (MiB/s):', validate: (text) => valid({writeMbps: text})()})
  if (filled.fanout === undefined) filled.fanout = await input({message: 'Consumer groups reading each byte:', default: '1', validate: (text) => valid({fanout: text})()})
  if (filled.retention === undefined) filled.retention = await input({message: 'Retention (e.g. 7d, 168h):', default: '7d', validate: (text) => valid({retention: text})()})
  const hardwareGiven = [filled.cores, filled.memory, filled.disk, filled.diskMbps, filled.network].some((value) => value !== undefined)
  if (filled.tier === undefined && !hardwareGiven) {
    filled.tier = await select({message: 'Hardware per broker (seed tables):', choices: [{value: 'recommended'}, {value: 'minimum'}], default: 'recommended'})
  }
  return filled
}

export default class PlanCommand extends BaseCommand {
  static description = `Sizes a Kafka cluster from the workload and the hardware per broker (or a seed tier).
Every limit is one row: NEED and HAVE per broker, UTILISATION, STATUS (ok, warn above 80% of the budget, over, below-minimum) and where the hardware sits against the seed's minimum and recommended tiers. The broker count is the largest any limit needs, at least the replication factor, rounded up to a multiple of the AZs; with --ha it grows until the cluster survives losing one broker and one AZ.
Defaults: fanout 1, retention 7d, record size 1 KiB, 10 MiB/s per partition, --tier recommended; RF, min.insync.replicas and AZs 3/2/3 with --ha, else 1/1/1. --write-mbps is asked for on a terminal; elsewhere it is required.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --write-mbps 50 --fanout 3 --retention 7d --ha', description: 'HA cluster on the seed\'s recommended HA hardware'},
    {command: '<%= config.bin %> <%= command.id %> --write-mbps 1 --retention 12h --tier minimum', description: 'one broker on the seed\'s minimum hardware (its 100 GB disk keeps 21 h of 1 MiB/s with 25% free)'},
    {command: '<%= config.bin %> <%= command.id %> --ha --write-mbps 200 --cores 16 --memory 64GB --disk 4TB --disk-mbps 800 --network 10Gbps -o json', description: 'your own hardware, as JSON'},
  ]

  static flags = {...planFlags, output: outputFlag}

  static summary = 'Size brokers, disks and network for a workload'

  async run(): Promise<void> {
    const {flags} = await this.parse(PlanCommand)
    let raw = rawOptions(flags)
    if (raw.writeMbps === undefined) {
      if (!canPrompt()) throw usageError('missing --write-mbps', 'give the producers\' total write throughput in MiB/s, for example --write-mbps 50')
      raw = await promptMissing(raw)
    }
    const input = resolvePlanInput(raw)
    const plan = planCapacity(input)
    this.render({input, ...plan}, flags.output, renderPlan)
  }
}

export function renderPlan(view: Plan & {input: PlanInput}): string {
  const statusColour = (status: string) => ({ok: colour.green, warn: colour.yellow, over: colour.red, 'below-minimum': colour.red}[status] ?? ((text: string) => text))(status)
  const summary = renderKeyValues([
    ['MODE', view.mode === 'ha' ? 'high availability' : view.brokers === 1 ? 'single node' : 'without HA (needs more than one node)'],
    ['BROKERS', `${view.brokers} (${formatNumber(view.brokersPerAz)} per AZ × ${view.azs} AZ)`],
    ['DECIDING LIMIT', `${view.decidingLimit}: ${view.decidingReason}`],
    ['PARTITIONS', `${view.partitions} (${formatNumber(view.replicasPerBroker)} replica(s) per broker)`],
    ['HEAP', `${formatNumber(view.sizing.heapGiB)} GiB, page cache ${formatNumber(view.sizing.pageCacheGiB)} GiB`],
    ['THREADS', `num.io.threads=${view.sizing.numIoThreads} num.network.threads=${view.sizing.numNetworkThreads} num.replica.fetchers=${view.sizing.numReplicaFetchers}`],
    ['LOSE 1 BROKER', view.faultTolerance.brokerLoss],
    ['LOSE 1 AZ', view.faultTolerance.azLoss],
  ])
  const rows = limitsRows(view).map((row) => [...row.slice(0, 5), statusColour(row[5]), ...row.slice(6)])
  const table = renderTable(['LIMIT', 'NEED', 'HAVE', 'UNIT', 'UTILISATION', 'STATUS', 'TIER', 'MIN-BROKERS'], rows, {alignRight: [1, 2, 4, 7]})
  const warnings = view.warnings.map((warning) => `${colour.red('warning:')} ${warning}`)
  return [summary, '', table, ...(warnings.length > 0 ? ['', ...warnings] : [])].join('\n')
}
