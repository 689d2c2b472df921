import {readFileSync} from 'node:fs'
import path from 'node:path'
import {Flags} from '@oclif/core'
import {usageError} from '../../src/errors.js'
import {brokerSettings, parseSettingArgument, resolveSettings} from '../../src/broker/settings.js'
import {defaultBrokerDataDir} from '../../src/paths.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'

// The broker, its security layer, the password prompt and the properties parser are imported
// when needed: the foreground broker runs in this process, and every module loaded before its
// first answer is start-up time (the broker's module graph itself loads oclif and kafkajs never).
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
    'advertised-host': Flags.string({description: 'host name returned to clients in Metadata (default: --host)'}),
    config: Flags.string({char: 'c', description: 'Kafka broker setting key=value (repeatable)', multiple: true}),
    'config-file': Flags.file({description: 'server.properties file with Kafka broker settings'}),
    'data-dir': Flags.string({description: 'directory for the log, topics and offsets', default: defaultBrokerDataDir()}),
    detach: Flags.boolean({char: 'd', description: 'run in the background'}),
    fsync: Flags.option({
      description: 'always: fsync after every write; interval: fsync every log.flush.interval.ms (default 1000)',
      options: ['always', 'interval'] as const,
      default: 'interval' as const,
    })(),
    host: Flags.string({description: 'address to listen on', default: '127.0.0.1'}),
    'metrics-port': Flags.integer({description: 'serve Prometheus /metrics on this port', min: 0, max: 65535}),
    output: outputFlag,
    port: Flags.integer({char: 'p', description: 'Kafka listener port', default: 9092, min: 0, max: 65535}),
    'sasl-password-file': Flags.string({description: "file whose first line is --sasl-user's password (- = stdin; default $KCTL_BROKER_ADMIN_PASSWORD or a prompt)", dependsOn: ['sasl-user']}),
    'sasl-user': Flags.string({description: 'create (or reset) this SCRAM user as a super user; the listener becomes SASL_PLAINTEXT (SASL_SSL with --tls)'}),
    tls: Flags.boolean({description: 'serve TLS, with a CA and certificate created in <data-dir>/tls on first use (clients trust tls/ca.pem)'}),
  }

  static summary = 'Start the bundled Kafka broker'

  async run(): Promise<unknown> {
    const {flags, metadata} = await this.parse(BrokerStart)
    const config: Record<string, string> = {}
    if (flags['config-file']) {
      const {parseProperties} = await import('../../src/config/properties.js')
      for (const entry of parseProperties(readConfigFile(flags['config-file']))) config[entry.key] = entry.value
    }
    for (const item of flags.config ?? []) {
      const [key, value] = parseSettingArgument(item)
      config[key] = value
    }
    // listeners names every port the broker binds; a --port beside it would be silently dropped.
    if (config.listeners !== undefined && !metadata.flags.port?.setFromDefault)
      throw usageError(`unable to start the broker: --port ${flags.port} conflicts with listeners=${config.listeners}`, 'drop --port, or set the port in listeners')
    const {addBrokerUser, startSecurityConfig} = await import('../../src/broker/auth/index.js')
    const saslUser = flags['sasl-user']
    if (saslUser !== undefined) {
      // SCRAM user names are principals (User:<name>); "admin:secret" is a password in the wrong place.
      if (saslUser === '' || /[:\s]/.test(saslUser))
        throw usageError(`unable to start the broker: "${saslUser}" is not a user name`, 'give the name alone (--sasl-user admin); the password comes from --sasl-password-file, $KCTL_BROKER_ADMIN_PASSWORD or a prompt')
      const {readPassword} = await import('../../src/ui/password.js')
      const password = await readPassword({file: flags['sasl-password-file'], env: 'KCTL_BROKER_ADMIN_PASSWORD', subject: `broker user ${saslUser}`, confirm: true})
      addBrokerUser(flags['data-dir'], saslUser, password)
    }
    Object.assign(config, startSecurityConfig(config, {tls: flags.tls, saslUser, host: flags.host, port: flags.port}))
    const options = {
      port: flags.port,
      host: flags.host,
      advertisedHost: flags['advertised-host'],
      dataDir: flags['data-dir'],
      config,
      metricsPort: flags['metrics-port'],
      fsync: flags.fsync,
    }
    if (flags.detach) {
      // The detached broker logs its warnings to its log file; say them here too, where they are seen.
      for (const warning of resolveSettings(config).warnings) process.stderr.write(`warning: ${warning}\n`)
      const {startDetached} = await import('../../src/broker/daemon.js')
      const info = await startDetached(options)
      const view = {pid: info.pid, bootstrap: `${info.host}:${info.port}`, dataDir: info.dataDir, logFile: info.logFile, metricsPort: info.metricsPort}
      // A SASL listener refuses clients that do not authenticate: say how to save a context for it.
      const tlsFlags = flags.tls ? ` --tls --ca ${path.join(info.dataDir, 'tls', 'ca.pem')}` : ''
      const connect = saslUser === undefined ? [] : [`connect: kctl context add local -b ${view.bootstrap} --sasl-mechanism SCRAM-SHA-512 --username ${saslUser} --password-env KCTL_PASSWORD${tlsFlags} --use`]
      this.render(view, flags.output, (v) =>
        [`broker started (pid ${v.pid}) on ${v.bootstrap}`, `data: ${v.dataDir}`, `log:  ${v.logFile}`, ...(v.metricsPort ? [`metrics: http://${v.bootstrap.split(':')[0]}:${v.metricsPort}/metrics`] : []), ...connect].join('\n'),
      )
      return view
    }
    if (flags.output !== 'table') throw usageError('unable to start the broker: -o json/yaml needs --detach', 'add --detach, or drop -o')
    const {runForeground} = await import('../../src/broker/daemon.js')
    process.exitCode = await runForeground(options)
    return undefined
  }
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const cause = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw usageError(`unable to read --config-file ${file}: ${cause}`, 'give the path of a server.properties file')
  }
}
