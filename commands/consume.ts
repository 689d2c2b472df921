import {Args, Flags} from '@oclif/core'
import type {ConsumeResult, Isolation} from '../src/admin/consume-run.js'
import {compileFormat, defaultFormat, startPosition} from '../src/admin/consume-format.js'
import {streamItem} from '../src/admin/stream-output.js'
import {parseDurationMs} from '../src/config/units.js'
import {ExitCode} from '../src/errors.js'
import {withInterrupt} from '../src/ui/interrupt.js'
import {BaseCommand} from './_base.js'
import {connectionFlags, outputFlag} from './_flags.js'

export default class Consume extends BaseCommand {
  static args = {
    topic: Args.string({description: 'topic to read', ignoreStdin: true, required: true}),
  }

  static description = `Prints records as they arrive until --max-messages, --timeout without records, or Ctrl-C. Text output follows --format, a kcat-style template: %t topic, %p partition, %o offset, %k key, %K key length, %v (or %s) value, %S value length, %h headers (k=v,k=v), %T timestamp in ms, %% a percent sign, and \\n \\t \\r \\\\ escapes. -o json prints one JSON object per line: {"topic","partition","offset","timestamp","key","value","headers"}; -o yaml a document each. Keys and values that are not valid UTF-8 are printed in base64, and json/yaml then add "keyEncoding": "base64" or "valueEncoding": "base64".

Start: --offset N (N < 0: N records before the end), earliest or latest; --from-timestamp (epoch ms, ISO date, or -1h); --from-beginning; default the end. With --group, kctl joins that consumer group, resumes from its committed offsets (--from-beginning applies only where it has none, as kafka-console-consumer does), and commits what it printed every second and on exit. Without --group, kctl reads the partitions directly (like kcat without -G): no group is joined and nothing is committed. --isolation read_committed (the default, as kcat and librdkafka) skips records of open and aborted transactions and stops at the last stable offset; read_uncommitted shows every record up to the high watermark. Ctrl-C stops cleanly, commits (with --group), prints the count on stderr and exits 130, like kafka-console-consumer.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders --from-beginning', description: 'every value from the start, one per line'},
    {command: '<%= config.bin %> <%= command.id %> orders -f \'%p:%o %k=%v\\n\' --max-messages 10', description: 'partition, offset, key and value of 10 records'},
    {command: '<%= config.bin %> <%= command.id %> orders -g billing --timeout 5s -o json', description: 'as group "billing", JSON lines, stop after 5 s without records'},
    {command: '<%= config.bin %> <%= command.id %> orders -p 0 --offset -5', description: 'the last 5 records of partition 0'},
    {command: '<%= config.bin %> <%= command.id %> orders --from-timestamp 2025-01-11T16:00:00Z', description: 'from a point in time'},
    {command: '<%= config.bin %> <%= command.id %> orders --from-beginning --isolation read_uncommitted', description: 'also records of open and aborted transactions'},
  ]

  static flags = {
    ...connectionFlags,
    format: Flags.string({char: 'f', description: 'text template for each record (kcat -f tokens)', default: defaultFormat}),
    'from-beginning': Flags.boolean({description: 'start at the earliest offset (with --group: where nothing is committed)'}),
    'from-timestamp': Flags.string({description: 'start at the first record at or after TIME (epoch ms, ISO-8601, or -1h)', exclusive: ['offset']}),
    group: Flags.string({char: 'g', description: 'consumer group to join and commit to', exclusive: ['partition']}),
    isolation: Flags.string({description: 'read_committed skips open and aborted transactions; read_uncommitted shows every record', options: ['read_committed', 'read_uncommitted'], default: 'read_committed'}),
    'max-messages': Flags.integer({description: 'stop after N records', min: 0}),
    offset: Flags.string({description: 'start offset: N, -N (from the end), earliest or latest'}),
    output: outputFlag,
    partition: Flags.integer({char: 'p', description: 'read only this partition (repeatable)', min: 0, multiple: true}),
    timeout: Flags.string({description: 'stop after this long without a record (e.g. 10s)'}),
  }

  static summary = 'Read records from a topic'

  async run(): Promise<ConsumeResult> {
    const {args, flags} = await this.parse(Consume)
    const format = compileFormat(flags.format)
    const start = startPosition({offset: flags.offset, fromTimestamp: flags['from-timestamp'], fromBeginning: flags['from-beginning'], group: flags.group})
    const idleTimeoutMs = flags.timeout === undefined ? undefined : parseDurationMs(flags.timeout, '--timeout')
    // The client code loads here, not with the command class (its --help and flag parsing stay light).
    const {connectionOptions} = await import('../src/admin/connection.js')
    const {consume} = await import('../src/admin/consume.js')
    const result = await withInterrupt(({signal, stop}) => {
      // A closed pipe (| head) ends the run like Ctrl-C, without a stack trace.
      process.stdout.on('error', stop)
      return consume(
        connectionOptions(flags, `consume from topic ${args.topic}`),
        {topic: args.topic, partitions: flags.partition, group: flags.group, start, maxMessages: flags['max-messages'], idleTimeoutMs, signal, isolation: flags.isolation as Isolation},
        // Settles once the text is out of the process: what is committed with --group.
        (record) => new Promise<boolean>((resolve) => process.stdout.write(streamItem(record, flags.output, () => format(record)), (error) => resolve(!error))),
      )
    })
    process.stderr.write(`Processed a total of ${result.count} messages\n`)
    if (result.reason === 'interrupted') this.exit(ExitCode.interrupted)
    return result
  }
}
