import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {saslMechanisms, splitServers, validServers} from '../../src/config/client-properties.js'
import {addContext, type ContextEntry, type ContextRow, contextListView, renderContextList} from '../../src/config/context.js'
import {usageError} from '../../src/errors.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'

export default class ContextAdd extends BaseCommand {
  static args = {
    name: Args.string({description: 'context name', ignoreStdin: true, required: true}),
  }

  static description = `Saves a cluster connection in the kctl config file (config.yaml in $XDG_CONFIG_HOME/kctl). Passwords are never stored and never passed as arguments: the context names the environment variable (--password-env) or the file (--password-file) that holds the SASL password, or an Apache client .properties file (--command-config) that stays where it is. The first context added becomes the current one; --use switches to the new one. $KCTL_CONTEXT overrides the current context for one shell.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> local -b 127.0.0.1:9092', description: 'a plaintext cluster'},
    {command: '<%= config.bin %> <%= command.id %> prod -b kafka-1:9093,kafka-2:9093 --sasl-mechanism SCRAM-SHA-512 --username ops --password-env KAFKA_PASSWORD --tls --ca ca.pem --use', description: 'SASL_SSL with SCRAM; the password is read from $KAFKA_PASSWORD at each use'},
    {command: '<%= config.bin %> <%= command.id %> staging -b kafka.staging:9092 --command-config client.properties', description: 'security settings from an Apache client .properties file'},
  ]

  static flags = {
    'bootstrap-server': Flags.string({char: 'b', description: 'host:port[,host:port] of the cluster', required: true}),
    ca: Flags.file({description: 'PEM file of the CA that signed the brokers\' certificates (implies --tls)', exists: true}),
    cert: Flags.file({description: 'PEM client certificate for mutual TLS (implies --tls)', exists: true, dependsOn: ['key']}),
    'command-config': Flags.file({description: 'Apache client .properties file with the security settings', exists: true}),
    key: Flags.file({description: 'PEM private key of --cert', exists: true, dependsOn: ['cert']}),
    output: outputFlag,
    overwrite: Flags.boolean({description: 'replace an existing context of that name'}),
    'password-env': Flags.string({description: 'environment variable holding the SASL password', exclusive: ['password-file']}),
    'password-file': Flags.file({description: 'file holding the SASL password', exists: true}),
    'sasl-mechanism': Flags.option({description: 'SASL mechanism', options: saslMechanisms})(),
    'skip-hostname-check': Flags.boolean({description: 'accept certificates whose name does not match the host (chain still checked)'}),
    tls: Flags.boolean({description: 'connect with TLS'}),
    use: Flags.boolean({description: 'make it the current context'}),
    username: Flags.string({description: 'SASL username'}),
  }

  static summary = 'Save a cluster connection'

  async run(): Promise<ContextRow> {
    const {args, flags} = await this.parse(ContextAdd)
    const entry: ContextEntry = {bootstrapServers: splitServers(flags['bootstrap-server'])}
    if (!validServers(entry.bootstrapServers)) {
      throw usageError(`unable to add context ${args.name}: invalid bootstrap servers "${flags['bootstrap-server']}"`, 'use host:port[,host:port], e.g. 127.0.0.1:9092')
    }
    if (flags['sasl-mechanism']) {
      if (!flags.username) throw usageError('unable to add context: --sasl-mechanism needs --username', 'pass --username NAME')
      if (!flags['password-env'] && !flags['password-file']) {
        throw usageError('unable to add context: --sasl-mechanism needs --password-env or --password-file', 'passwords are never stored in the config file')
      }
      entry.sasl = {
        mechanism: flags['sasl-mechanism'],
        username: flags.username,
        ...(flags['password-env'] ? {passwordEnv: flags['password-env']} : {passwordFile: path.resolve(flags['password-file'] as string)}),
      }
    } else if (flags.username || flags['password-env'] || flags['password-file']) {
      throw usageError('unable to add context: SASL credentials given without --sasl-mechanism', `pass --sasl-mechanism ${saslMechanisms.join('|')}`)
    }
    if (flags.tls || flags.ca || flags.cert || flags['skip-hostname-check']) {
      entry.tls = {
        ...(flags.ca ? {ca: path.resolve(flags.ca)} : {}),
        ...(flags.cert ? {cert: path.resolve(flags.cert), key: path.resolve(flags.key as string)} : {}),
        ...(flags['skip-hostname-check'] ? {skipHostnameCheck: true} : {}),
      }
    }
    if (flags['command-config']) entry.commandConfig = path.resolve(flags['command-config'])
    const file = addContext(args.name, entry, {overwrite: flags.overwrite, use: flags.use})
    const row = contextListView(file).find((candidate) => candidate.name === args.name) as ContextRow
    this.render(row, flags.output, (view) => renderContextList([view]))
    return row
  }
}
