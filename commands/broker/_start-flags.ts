// The flags of `kctl broker start` as plain data, without @oclif/core (whose flag module alone
// loads ~70 modules). commands/broker/start.ts makes oclif flags of them (Flags[kind] with the
// rest as its options); bin/fast-broker-start.js parses a foreground start with the same table
// so the broker's first answer does not wait for oclif to load. `--output` and `--debug` are
// shared flags (commands/_flags.ts, commands/_base.ts) and stay oclif's alone.
// Kept out of command discovery by the globPatterns in package.json (a leading underscore).
import {defaultBrokerDataDir} from '../../src/paths.js'

export const brokerStartFlags = {
  'advertised-host': {kind: 'string', description: 'host name returned to clients in Metadata (default: --host)'},
  config: {kind: 'string', char: 'c', description: 'Kafka broker setting key=value (repeatable)', multiple: true},
  'config-file': {kind: 'file', description: 'server.properties file with Kafka broker settings'},
  'data-dir': {kind: 'string', description: 'directory for the log, topics and offsets', default: defaultBrokerDataDir()},
  detach: {kind: 'boolean', char: 'd', description: 'run in the background'},
  fsync: {
    kind: 'option',
    description: 'always: fsync after every write; interval: fsync every log.flush.interval.ms (default 1000)',
    options: ['always', 'interval'],
    default: 'interval',
  },
  host: {kind: 'string', description: 'address to listen on', default: '127.0.0.1'},
  'metrics-port': {kind: 'integer', description: 'serve Prometheus /metrics on this port', min: 0, max: 65535},
  port: {kind: 'integer', char: 'p', description: 'Kafka listener port', default: 9092, min: 0, max: 65535},
  'sasl-password-file': {
    kind: 'string',
    description: "file whose first line is --sasl-user's password (- = stdin; default $KCTL_BROKER_ADMIN_PASSWORD or a prompt)",
    dependsOn: ['sasl-user'] as string[], // oclif's type is a mutable array
  },
  'sasl-user': {
    kind: 'string',
    description: 'create (or reset) this SCRAM user as a super user; the listener becomes SASL_PLAINTEXT (SASL_SSL with --tls)',
  },
  tls: {kind: 'boolean', description: 'serve TLS, with a CA and certificate created in <data-dir>/tls on first use (clients trust tls/ca.pem)'},
} as const
