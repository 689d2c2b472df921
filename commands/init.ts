import {randomBytes} from 'node:crypto'
import {chmod, mkdir, readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {Flags} from '@oclif/core'
import {writeFileAtomic} from '../src/atomic-file.js'
import {KctlError, usageError} from '../src/errors.js'
import {buildNodes, type ClusterOptions, generateInitFiles, planCapacity, resolvePlanInput, type SecurityMode, securityModes, type TemplateName, templateFiles} from '../src/plan/index.js'
import {parseHosts} from '../src/plan/input.js'
import {renderTable} from '../src/ui/output.js'
import {BaseCommand} from './_base.js'
import {outputFlag} from './_flags.js'
import {canPrompt, planFlags, promptMissing, rawOptions} from './plan.js'

// Without --write-mbps (and no terminal to ask on) init sizes for a small workload: 0.5 MiB/s
// for 7 days fits the seed's recommended single broker (295 GiB of 500 GiB with 25% free).
const defaultInitWriteMbps = '0.5'
const templatesDir = new URL('../../templates/', import.meta.url)

/** Kafka's cluster id: 16 random bytes as unpadded base64url; never starting with "-" (Uuid.randomUuid avoids that too). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

// mkdir({recursive: true}) never returns for some paths Node cannot create (in Node 20,
// "/proc/x" spins forever), so parents are created one level at a time.
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return
    if (code !== 'ENOENT' || path.dirname(dir) === dir) throw error
    await makeDirectory(path.dirname(dir))
    await mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again
    })
  }
}

function writeError(out: string, error: NodeJS.ErrnoException): KctlError {
  const cause = {ENOENT: 'the path cannot be created', ENOTDIR: 'part of the path is a file', EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system'}[error.code ?? ''] ?? error.message
  return new KctlError(`unable to write ${out}: ${cause}`, {hint: 'choose another --out directory'})
}

export default class InitCommand extends BaseCommand {
  static description = `Writes a ready-to-run Apache Kafka 4.x (KRaft) configuration directory sized by \`kctl plan\`:
server-<node-id>.properties per node, kafka-env.sh (heap, G1), format-storage.sh (one cluster id, static quorum), systemd/kafka.service, docker-compose.yml (apache/kafka image), prometheus/kafka-alerts.yml, grafana/kafka-dashboard.json, jmx-exporter.yml and PLAN.md.
Takes every \`kctl plan\` flag; without --write-mbps it asks on a terminal, and elsewhere sizes for 0.5 MiB/s. Single node: one combined broker+controller, internal topics RF 1. --ha: as many brokers as the plan needs (or --nodes/--hosts), 3 voters (5 from 5 combined nodes), RF 3, min.insync.replicas 2.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --out ./kafka-config', description: 'one local broker+controller'},
    {command: '<%= config.bin %> <%= command.id %> --ha --hosts k1.example.com,k2.example.com,k3.example.com --security sasl_ssl --out ./prod', description: 'three combined nodes with SASL_SSL, SCRAM and ACLs'},
    {command: '<%= config.bin %> <%= command.id %> --ha --hosts kafka-1=10.0.0.1,kafka-2=10.0.0.2,kafka-3=10.0.0.3 --security sasl_ssl --out ./prod', description: 'names for Kafka, IPs in the certificates too'},
    {command: '<%= config.bin %> <%= command.id %> --ha --nodes 6 --dedicated-controllers --write-mbps 200 --out ./big', description: 'six brokers and three dedicated controllers'},
  ]

  static flags = {
    ...planFlags,
    'controller-hosts': Flags.string({description: 'comma-separated hosts of dedicated controllers, as for --hosts [default: controller-1..3]', dependsOn: ['dedicated-controllers'], helpGroup: 'CLUSTER'}),
    'dedicated-controllers': Flags.boolean({description: 'run the KRaft quorum on 3 controller-only nodes (ids 101-103)', dependsOn: ['ha'], helpGroup: 'CLUSTER'}),
    force: Flags.boolean({description: 'overwrite files in a non-empty --out directory'}),
    hosts: Flags.string({description: 'comma-separated broker hosts, one node each: name, IP, or name=ip (Kafka uses the name, the certificate carries both) [default: kafka-1..N, or localhost]', helpGroup: 'CLUSTER'}),
    'log-dirs': Flags.string({description: 'log.dirs on every node', default: '/var/lib/kafka/data', helpGroup: 'CLUSTER'}),
    nodes: Flags.string({description: 'broker (or combined) nodes to write [default: the plan\'s broker count]', exclusive: ['hosts'], helpGroup: 'CLUSTER'}),
    out: Flags.string({description: 'directory to write', default: './kafka-config'}),
    output: outputFlag,
    security: Flags.option({description: 'listener security', options: securityModes, default: 'plaintext' as const, helpGroup: 'CLUSTER'})(),
  }

  static summary = 'Write Kafka 4.x KRaft configuration for one node or an HA cluster'

  async run(): Promise<void> {
    const {flags} = await this.parse(InitCommand)
    let raw = rawOptions(flags)
    if (raw.writeMbps === undefined) raw = canPrompt() ? await promptMissing(raw) : {...raw, writeMbps: defaultInitWriteMbps}
    const input = resolvePlanInput(raw)
    const plan = planCapacity(input)
    const hosts = flags.hosts === undefined ? undefined : parseHosts(flags.hosts, 'hosts')
    let nodes = input.ha ? plan.brokers : 1
    if (flags.nodes !== undefined) {
      nodes = Number(flags.nodes)
      if (!Number.isInteger(nodes) || nodes < 1) throw usageError(`invalid --nodes "${flags.nodes}": expected a whole number ≥ 1`, 'for example --nodes 3')
    }
    const brokerNodes = hosts?.length ?? nodes
    if (!input.ha && brokerNodes > 1) throw usageError(`${brokerNodes} nodes need --ha`, 'add --ha for a multi-node cluster, or drop --nodes/--hosts')
    if (input.ha && brokerNodes < 3) throw usageError(`--ha needs at least 3 broker nodes, got ${brokerNodes}`, 'give --nodes 3 or three --hosts')
    const controllerHosts = flags['controller-hosts'] === undefined ? undefined : parseHosts(flags['controller-hosts'], 'controller-hosts')
    if (controllerHosts && controllerHosts.length !== 3 && controllerHosts.length !== 5) {
      throw usageError(`--controller-hosts lists ${controllerHosts.length} hosts`, 'a controller quorum needs 3 (or 5) hosts')
    }
    const options: ClusterOptions = {
      nodes, hosts, dedicatedControllers: flags['dedicated-controllers'], controllerHosts, security: flags.security as SecurityMode,
      clusterId: newClusterId(), adminPassword: randomBytes(18).toString('base64url'), storePassword: randomBytes(18).toString('base64url'),
      logDirs: flags['log-dirs'],
    }

    if (flags.out.trim() === '') throw usageError('--out is empty', 'give the directory to write, for example --out ./kafka-config')
    const outDir = path.resolve(flags.out)
    const existing = await readdir(outDir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return []
      const isFile = error.code === 'ENOTDIR' && (await stat(outDir).then((found) => found.isFile(), () => false))
      if (isFile) throw new KctlError(`unable to write ${flags.out}: it is a file`, {hint: 'choose another --out directory'})
      throw writeError(flags.out, error)
    })
    if (existing.length > 0 && !flags.force) {
      throw new KctlError(`unable to write ${flags.out}: the directory is not empty`, {hint: 'use --force to overwrite, or another --out'})
    }
    const templates = Object.fromEntries(await Promise.all(templateFiles.map(async (name) => [name, await readFile(new URL(name, templatesDir), 'utf8')]))) as Record<TemplateName, string>
    const files = generateInitFiles(plan, input, options, templates)
    try {
      for (const file of files) {
        const target = path.join(outDir, file.path)
        await makeDirectory(path.dirname(target))
        await writeFileAtomic(target, file.content, {mode: file.secret ? 0o600 : file.executable ? 0o755 : 0o644})
        // Whole or not at all; the umask may have narrowed the new file's mode, so set it exactly.
        await chmod(target, file.secret ? (file.executable ? 0o700 : 0o600) : file.executable ? 0o755 : 0o644)
      }
    } catch (error) {
      throw writeError(flags.out, error as NodeJS.ErrnoException)
    }
    const layout = buildNodes(plan, input, options)
    const warnings = [...plan.warnings]
    if (brokerNodes < plan.brokers) warnings.push(`only ${brokerNodes} broker(s) written, the plan needs ${plan.brokers}: add hosts (--hosts) or nodes (--nodes)`)
    this.render(
      {out: outDir, clusterId: options.clusterId, brokers: plan.brokers, decidingLimit: plan.decidingLimit, nodes: layout.map(({nodeId, host, address, roles, rack}): {nodeId: number; host: string; address?: string; roles: string[]; rack: string} => ({nodeId, host, ...(address === undefined ? {} : {address}), roles, rack})), files: files.map((file) => file.path), warnings},
      flags.output,
      (view) => [
        `Wrote ${view.files.length} files to ${view.out} (cluster id ${view.clusterId}; plan: ${view.brokers} broker(s), deciding limit ${view.decidingLimit}).`,
        '',
        renderTable(['NODE-ID', 'HOST', 'ROLES', 'RACK'], view.nodes.map((node) => [node.nodeId, node.address === undefined ? node.host : `${node.host} (${node.address})`, node.roles.join(','), node.rack])),
        ...view.warnings.map((warning) => `warning: ${warning}`),
        '',
        `Next: read ${path.join(view.out, 'PLAN.md')}, then run format-storage.sh on every node before its first start.`,
      ].join('\n'),
    )
  }
}
