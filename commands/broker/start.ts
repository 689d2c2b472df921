import path from 'node:path'
import {Flags} from '@oclif/core'
import {usageError} from '../../src/errors.js'
import {brokerSettings, resolveSettings} from '../../src/broker/settings.js'
import type {ReadPassword} from '../../src/broker/daemon.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'
import {brokerStartFlags} from './_start-flags.js'

/** A flag's oclif options: its definition in ./_start-flags.ts without the kind. */
function oclifOptions<T extends {kind: string}>({kind: _kind, ...options}: T): Omit<T, 'kind'> {
  return options
}

// The broker and what only some starts need (the security layer, the password prompt, the
// properties parser) are imported when needed: the foreground broker runs in this process, and
// every module loaded before its first answer is start-up time. A plain foreground start does
// not come here at all: bin/fast-broker-start.js runs it without loading oclif.
export default class BrokerStart extends BaseCommand {
  static description = `Starts the bundled single-node Kafka broker. It speaks the Kafka 4.0 wire protocol, keeps its
log, topics and committed offsets in --data-dir, and takes Kafka's own broker settings by their
names (--config key=value, --config-file server.properties). Settings that only make sense on a
multi-node cluster (replication, quorum, ZooKeeper) are ignored with a warning; unknown keys are
an error.

In the foreground Ctrl-C stops it gracefully. With --detach it runs in the background, writes its
pid and address to <data-dir>/broker.json and its log to <data-dir>/broker.log; other kctl
commands find it there.

--fsync interval (the default) forces written data to disk every log.flush.interval.ms (1000 ms);
an acknowledged record is in the OS either way, so a killed broker loses nothing, and the interval
bounds what a power loss can take. --fsync always syncs before every acknowledgement.

Settings it honours: ${brokerSettings.map((def) => def.name).join(', ')}.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'run in the foreground on 127.0.0.1:9092'},
    {command: '<%= config.bin %> <%= command.id %> --detach', description: 'run in the background (see `kctl broker status`)'},
    {
      command: '<%= config.bin %> <%= command.id %> --port 19092 --config num.partitions=3 --config log.retention.hours=24',
      description: 'another port, Kafka settings by name',
    },
    {command: '<%= config.bin %> <%= command.id %> --config-file server.properties --metrics-port 9308', description: 'settings from a file, Prometheus /metrics on 9308'},
    {
      command: 'KCTL_BROKER_ADMIN_PASSWORD=... <%= config.bin %> <%= command.id %> --tls --sasl-user admin --config authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      description: 'SASL_SSL with SCRAM, admin as super user, ACLs enforced',
    },
  ]

  static flags = {
    'advertised-host': Flags.string(oclifOptions(brokerStartFlags['advertised-host'])),
    config: Flags.string(oclifOptions(brokerStartFlags.config)),
    'config-file': Flags.file(oclifOptions(brokerStartFlags['config-file'])),
    'data-dir': Flags.string(oclifOptions(brokerStartFlags['data-dir'])),
    detach: Flags.boolean(oclifOptions(brokerStartFlags.detach)),
    fsync: Flags.option(oclifOptions(brokerStartFlags.fsync))(),
    host: Flags.string(oclifOptions(brokerStartFlags.host)),
    'metrics-port': Flags.integer(oclifOptions(brokerStartFlags['metrics-port'])),
    output: outputFlag,
    port: Flags.integer(oclifOptions(brokerStartFlags.port)),
    'sasl-password-file': Flags.string(oclifOptions(brokerStartFlags['sasl-password-file'])),
    'sasl-user': Flags.string(oclifOptions(brokerStartFlags['sasl-user'])),
    tls: Flags.boolean(oclifOptions(brokerStartFlags.tls)),
  }

  static summary = 'Start the bundled Kafka broker'

  async run(): Promise<unknown> {
    const {flags, metadata} = await this.parse(BrokerStart)
    const {brokerStartOptions, runForeground, startDetached} = await import('../../src/broker/daemon.js')
    const readPassword: ReadPassword = async (source) => (await import('../../src/ui/password.js')).readPassword(source)
    const options = await brokerStartOptions(flags, !metadata.flags.port?.setFromDefault, readPassword)
    if (flags.detach) {
      // The detached broker logs its warnings to its log file; say them here too, where they are seen.
      for (const warning of resolveSettings(options.config!).warnings) process.stderr.write(`warning: ${warning}\n`)
      const info = await startDetached(options)
      const view = {pid: info.pid, bootstrap: `${info.host}:${info.port}`, dataDir: info.dataDir, logFile: info.logFile, metricsPort: info.metricsPort}
      // A SASL listener refuses clients that do not authenticate: say how to save a context for it.
      const saslUser = flags['sasl-user']
      const tlsFlags = flags.tls ? ` --tls --ca ${path.join(info.dataDir, 'tls', 'ca.pem')}` : ''
      const connect = saslUser === undefined ? [] : [`connect: kctl context add local -b ${view.bootstrap} --sasl-mechanism SCRAM-SHA-512 --username ${saslUser} --password-env KCTL_PASSWORD${tlsFlags} --use`]
      this.render(view, flags.output, (v) =>
        [`broker started (pid ${v.pid}) on ${v.bootstrap}`, `data: ${v.dataDir}`, `log:  ${v.logFile}`, ...(v.metricsPort ? [`metrics: http://${v.bootstrap.split(':')[0]}:${v.metricsPort}/metrics`] : []), ...connect].join('\n'),
      )
      return view
    }
    if (flags.output !== 'table') throw usageError('unable to start the broker: -o json/yaml needs --detach', 'add --detach, or drop -o')
    process.exitCode = await runForeground(options)
    return undefined
  }
}
