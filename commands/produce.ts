import {createReadStream} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {connectionOptions, withClient} from '../src/admin/connection.js'
import {parseKeyValues} from '../src/admin/key-values.js'
import {jsonRecord, jsonRecordStream, type LineOptions, lineRecord, produce, producedLine, type ProduceRecord, readLines} from '../src/admin/produce.js'
import {streamItem} from '../src/admin/stream-output.js'
import {compressionNames} from '../src/compression/index.js'
import {usageError} from '../src/errors.js'
import {BaseCommand} from './_base.js'
import {connectionFlags, outputFlag} from './_flags.js'

export default class Produce extends BaseCommand {
  static args = {
    topic: Args.string({description: 'topic to write to', ignoreStdin: true, required: true}),
    value: Args.string({description: 'value of a single record; without it records come from --file or stdin', ignoreStdin: true}),
  }

  static description = `Writes records to a topic and prints, per record, the partition and offset Kafka assigned (-o json: one JSON object per line, {"topic","partition","offset","timestamp"}).

Records come from the VALUE argument, from --file, or from stdin: one record per line (blank lines skipped; --key-separator splits key from value), or with --format json, JSON records shaped like {"key": ..., "value": ..., "headers": {...}}: one JSON object per line (JSON Lines: each sent as it arrives), one JSON array, or a single object. Non-string values are sent as their JSON text; a null value is a tombstone. --key and -H apply to every record (a JSON record's own key wins). Records without --partition are spread as the Java client does: murmur2 of the key; without one, a partition picked per batch (sticky). Each batch goes to its partition's leader and is sent again, to the new leader, after NOT_LEADER_OR_FOLLOWER.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> orders \'{"id": 1}\' -k user-1 -H source=cli', description: 'one record with a key and a header'},
    {command: 'seq 1 1000 | <%= config.bin %> <%= command.id %> numbers -o json', description: 'a record per line from stdin, offsets as JSON lines'},
    {command: '<%= config.bin %> <%= command.id %> users --file users.txt --key-separator :', description: '"key:value" lines from a file'},
    {command: '<%= config.bin %> <%= command.id %> events --format json --file events.json --acks 1 --compression gzip', description: 'JSON records {key, value, headers}, gzip batches'},
  ]

  static flags = {
    ...connectionFlags,
    acks: Flags.option({description: 'all (= -1): every in-sync replica; 1: the leader; 0: no answer (offsets unknown)', options: ['all', '-1', '1', '0'] as const, default: 'all' as const})(),
    compression: Flags.option({description: 'batch compression', options: compressionNames, default: 'none' as const})(),
    file: Flags.file({description: 'read records from FILE instead of stdin', exists: true}),
    format: Flags.option({description: 'input format: text (a record per line) or json (records {key, value, headers})', options: ['text', 'json'] as const, default: 'text' as const})(),
    header: Flags.string({char: 'H', description: 'header key=value on every record (repeatable)', multiple: true}),
    key: Flags.string({char: 'k', description: 'key for every record'}),
    'key-separator': Flags.string({char: 'K', description: 'split each text line at the first SEP into key and value', exclusive: ['key']}),
    output: outputFlag,
    partition: Flags.integer({char: 'p', description: 'write every record to this partition', min: 0}),
  }

  static summary = 'Write records to a topic'

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Produce)
    const lineOptions: LineOptions = {key: flags.key, keySeparator: flags['key-separator'], headers: parseKeyValues(flags.header, '--header')}
    const records = this.records(args.value, flags.file, flags.format, lineOptions)
    const acks = flags.acks === 'all' ? -1 : (Number(flags.acks) as -1 | 0 | 1)
    await withClient(connectionOptions(flags, `produce to topic ${args.topic}`), (client) =>
      produce(client, records, {topic: args.topic, partition: flags.partition, acks, compression: flags.compression}, (record) => {
        process.stdout.write(streamItem(record, flags.output, () => producedLine(record)))
      }),
    )
  }

  private records(value: string | undefined, file: string | undefined, format: 'text' | 'json', options: LineOptions): AsyncIterable<ProduceRecord> | Iterable<ProduceRecord> {
    if (value !== undefined) {
      // oclif's `exclusive` covers flags only, so a VALUE argument beside --file is checked here.
      if (file !== undefined) throw usageError('unable to produce: both a VALUE argument and --file given', 'pass one record as VALUE, or records in --file, not both')
      if (format === 'text') return [lineRecord(value, {...options, keySeparator: undefined})]
      let parsed: unknown
      try {
        parsed = JSON.parse(value)
      } catch (error) {
        throw usageError(`invalid JSON record argument: ${(error as Error).message}`, 'pass {"key": ..., "value": ..., "headers": {...}}')
      }
      return [jsonRecord(parsed, 'the argument', options)]
    }
    if (file === undefined && process.stdin.isTTY) process.stderr.write('Type records, one per line; Ctrl-D to finish.\n')
    const input = file ? createReadStream(file) : process.stdin
    if (format === 'json') return jsonRecordStream(readLines(input), options)
    return textRecords(input, options)
  }
}

async function* textRecords(input: NodeJS.ReadableStream, options: LineOptions): AsyncGenerator<ProduceRecord> {
  for await (const line of readLines(input)) if (line !== '') yield lineRecord(line, options)
}
