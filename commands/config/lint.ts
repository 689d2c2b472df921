import {readFile} from 'node:fs/promises'
import {Args, Flags} from '@oclif/core'
import {ExitCode, KctlError} from '../../src/errors.js'
import {lintFiles, type LintReport} from '../../src/config/lint.js'
import {colour, renderTable} from '../../src/ui/output.js'
import {BaseCommand} from '../_base.js'
import {outputFlag} from '../_flags.js'

export default class ConfigLintCommand extends BaseCommand {
  static args = {
    files: Args.string({description: 'server.properties files; several are checked as one cluster', required: true}),
  }

  static description = `Parses each file exactly as java.util.Properties does and checks it against Kafka 4.0's own config definitions: duplicate keys, a trailing " # comment" inside a value, broker.id/node.id conflicts, unknown keys (with a did-you-mean), keys removed in Kafka 4 (zookeeper.*, message format ...), type and range errors, missing KRaft keys and listener problems. Several files are also checked as one cluster: the same quorum voters everywhere, unique node ids, an odd voter count of at least 3, internal topic replication, and HA durability (RF ≥ 3, 2 ≤ min.insync.replicas ≤ RF − 1, unclean election and auto-create off). Security warnings: PLAINTEXT listeners, no authorizer, log.dirs under /tmp.
Exit codes: 0 no errors (warnings allowed unless --strict), 3 errors found (or warnings with --strict), 1 a file cannot be read.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> server.properties', description: 'check one file'},
    {command: '<%= config.bin %> <%= command.id %> kafka-config/server-*.properties --strict', description: 'check a whole cluster, failing on warnings too'},
    {command: '<%= config.bin %> <%= command.id %> server.properties -o json', description: 'findings as JSON'},
  ]

  static flags = {
    output: outputFlag,
    strict: Flags.boolean({description: 'exit 3 on warnings too'}),
  }

  static strict = false

  static summary = 'Check Kafka server.properties files'

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(ConfigLintCommand)
    const paths = argv as string[]
    const files = await Promise.all(paths.map(async (file) => {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        const cause = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message
        throw new KctlError(`unable to read ${file}: ${cause}`, {hint: 'pass the path of a server.properties file'})
      }
      // A NUL byte never occurs in a .properties file; linting a binary would print its bytes as keys.
      if (text.includes('\u0000')) throw new KctlError(`unable to read ${file}: not a text file`, {hint: 'pass the path of a server.properties file'})
      return {path: file, text}
    }))
    const report = lintFiles(files)
    this.render(report, flags.output, renderReport)
    if (report.errors > 0 || (flags.strict && report.warnings > 0)) this.exit(ExitCode.threshold)
  }
}

function renderReport(report: LintReport): string {
  const summary = `${report.files.length} file(s): ${report.errors} error(s), ${report.warnings} warning(s)`
  if (report.findings.length === 0) return `${colour.green('ok')} ${summary}`
  const rows = report.findings.map((finding) => [
    // Findings about the file as a whole (a missing key) have line 0: show the file alone.
    finding.line > 0 ? `${finding.file}:${finding.line}` : finding.file,
    finding.severity === 'error' ? colour.red('error') : colour.yellow('warning'),
    finding.rule,
    `${finding.message}\n${colour.dim(`fix: ${finding.hint}`)}`,
  ])
  return `${renderTable(['LOCATION', 'SEVERITY', 'RULE', 'MESSAGE'], rows)}\n\n${summary}`
}
