import {Flags} from '@oclif/core'
import {connectionOptions, withClient} from '../../src/admin/connection.js'
import {parseDateTime, parseTopicSelection, renderReset, type ResetMode, type ResetResult, resetOffsets} from '../../src/admin/groups.js'
import {parseDurationMs} from '../../src/config/units.js'
import {usageError} from '../../src/errors.js'
import {confirmOrRefuse} from '../../src/ui/confirm.js'
import {BaseCommand} from '../_base.js'
import {connectionFlags, outputFlag, yesFlag} from '../_flags.js'

const modes = ['to-earliest', 'to-latest', 'to-offset', 'to-datetime', 'by-duration', 'shift-by'] as const

export default class GroupsResetOffsets extends BaseCommand {
  static description = `Moves a group's committed offsets, like kafka-consumer-groups --reset-offsets. Without
--execute it is a dry run: it prints each partition's current and new offset and changes
nothing. With --execute it commits the new offsets (asking first on a terminal; --yes
elsewhere). The group must have no active members, otherwise their next commit would undo the
reset: stop the consumers first. New offsets outside the log are clamped to its start or end.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --group billing --topic orders --to-earliest', description: 'dry run: where every partition would go'},
    {command: '<%= config.bin %> <%= command.id %> --group billing --topic orders:0,1 --to-offset 1500 --execute', description: 'partitions 0 and 1 to offset 1500'},
    {command: '<%= config.bin %> <%= command.id %> --group billing --topic orders --to-datetime 2024-05-01T10:00:00Z --execute --yes', description: 'to the first record at or after a time'},
    {command: '<%= config.bin %> <%= command.id %> --group billing --all-topics --by-duration 1h --execute', description: 'replay the last hour'},
    {command: '<%= config.bin %> <%= command.id %> --group billing --topic orders --shift-by -100 --execute', description: 'back 100 records per partition'},
  ]

  static flags = {
    ...connectionFlags,
    'all-topics': Flags.boolean({description: 'every topic the group has committed offsets for', exclusive: ['topic']}),
    'by-duration': Flags.string({description: 'to the first record newer than now minus this (e.g. 1h)', exclusive: [...modes.filter((m) => m !== 'by-duration')]}),
    execute: Flags.boolean({description: 'apply the change (default: dry run)'}),
    group: Flags.string({char: 'g', description: 'consumer group id', required: true}),
    output: outputFlag,
    'shift-by': Flags.integer({description: 'move each offset by N (negative = back)', exclusive: [...modes.filter((m) => m !== 'shift-by')]}),
    'to-datetime': Flags.string({description: 'to the first record at or after this ISO 8601 time', exclusive: [...modes.filter((m) => m !== 'to-datetime')]}),
    'to-earliest': Flags.boolean({description: 'to the log start', exclusive: [...modes.filter((m) => m !== 'to-earliest')]}),
    'to-latest': Flags.boolean({description: 'to the log end (skip everything unread)', exclusive: [...modes.filter((m) => m !== 'to-latest')]}),
    'to-offset': Flags.integer({description: 'to this offset', min: 0, exclusive: [...modes.filter((m) => m !== 'to-offset')]}),
    topic: Flags.string({char: 't', description: 'TOPIC or TOPIC:PARTITION[,PARTITION...] (repeatable)', multiple: true}),
    yes: yesFlag,
  }

  static summary = 'Reset the committed offsets of an inactive group (dry run unless --execute)'

  async run(): Promise<ResetResult> {
    const {flags} = await this.parse(GroupsResetOffsets)
    const mode = this.mode(flags)
    if (!flags.topic && !flags['all-topics']) throw usageError('reset-offsets needs --topic or --all-topics', 'e.g. --topic orders or --topic orders:0,1')
    const topics = flags['all-topics'] ? ('all' as const) : flags.topic!.map(parseTopicSelection)
    const result = await withClient(connectionOptions(flags, `reset the offsets of group ${flags.group}`), async (cluster) => {
      if (!flags.execute) return resetOffsets(cluster, {group: flags.group, topics, mode, execute: false})
      await confirmOrRefuse(`Reset the committed offsets of group ${flags.group}?`, {yes: flags.yes, action: `reset the offsets of group ${flags.group}`})
      return resetOffsets(cluster, {group: flags.group, topics, mode, execute: true})
    })
    this.render(result, flags.output, renderReset)
    return result
  }

  private mode(flags: {'to-earliest'?: boolean; 'to-latest'?: boolean; 'to-offset'?: number; 'to-datetime'?: string; 'by-duration'?: string; 'shift-by'?: number}): ResetMode {
    if (flags['to-earliest']) return {kind: 'earliest'}
    if (flags['to-latest']) return {kind: 'latest'}
    if (flags['to-offset'] !== undefined) return {kind: 'offset', offset: flags['to-offset']}
    if (flags['to-datetime'] !== undefined) return {kind: 'datetime', timestampMs: parseDateTime(flags['to-datetime'])}
    if (flags['by-duration'] !== undefined) return {kind: 'datetime', timestampMs: Date.now() - parseDurationMs(flags['by-duration'], '--by-duration')}
    if (flags['shift-by'] !== undefined) return {kind: 'shift', by: flags['shift-by']}
    throw usageError('reset-offsets needs a target', `pass one of ${modes.map((m) => `--${m}`).join(', ')}`)
  }
}
