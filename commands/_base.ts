// Base of every command: the --debug flag, rendering of returned views per -o, and the
// mapping of KctlError to a one-line message, a hint and kctl's exit codes (src/errors.ts).
import {Command, Flags} from '@oclif/core'
import {ExitCode, KctlError} from '../src/errors.js'
import {colour, type OutputFormat, renderData} from '../src/ui/output.js'

export abstract class BaseCommand extends Command {
  static baseFlags = {
    debug: Flags.boolean({description: 'show stack traces and protocol details', helpGroup: 'GLOBAL'}),
  }

  private debugEnabled = process.argv.includes('--debug') || Boolean(process.env.KCTL_DEBUG)

  /** Prints a view in the chosen format; json and yaml go to stdout alone. */
  protected render<T>(data: T, format: OutputFormat, renderTable: (data: T) => string): void {
    const text = renderData(data, format, renderTable)
    if (text !== '') this.log(text)
  }

  protected async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    if (error instanceof KctlError) {
      this.logToStderr(`${colour.red('error:')} ${error.message}`)
      if (error.hint) this.logToStderr(`${colour.dim('hint:')} ${error.hint}`)
      if (this.debugEnabled && error.stack) this.logToStderr(error.stack)
      this.exit(error.exitCode)
    }
    // oclif's own parse errors (unknown flag, bad option value) carry exit code 2; keep
    // them to one line instead of oclif's usage dump. A Flags.file({exists: true}) whose file is
    // missing fails the same "Parsing --flag" way, without the exit code.
    if (error.oclif?.exit === ExitCode.usage || /^Parsing --\S+ *\n/.test(error.message)) {
      // Failed flag validation (a missing required flag) opens with "The following error
      // occurred:"; a missing argument ends its first line with ':' and names the argument
      // on the next. Show the line(s) that name the problem.
      const lines = error.message.split('\n').map((line) => line.trim()).filter(Boolean)
      let problem = lines[0] === 'The following error occurred:' && lines[1] ? lines[1] : lines[0]
      if (problem.endsWith(':') && lines[1]) problem = `${problem} ${lines[1].replace(/\s{2,}/g, ' — ')}`
      // A flag value that fails to parse (--port abc): "Parsing --port", the reason on the next line.
      if (/^Parsing --\S+$/.test(problem) && lines[1]) problem = `${problem.replace('Parsing ', 'invalid ')}: ${lines[1]}`
      this.logToStderr(`${colour.red('error:')} ${problem}`)
      this.logToStderr(`${colour.dim('hint:')} see \`${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''} --help\``)
      this.exit(ExitCode.usage)
    }
    // Ctrl-C inside an @inquirer prompt (a confirmation, a password) rejects with ExitPromptError.
    if (error.name === 'ExitPromptError') {
      this.logToStderr(`${colour.red('error:')} interrupted`)
      this.exit(ExitCode.interrupted)
    }
    if (error.oclif?.exit !== undefined) return super.catch(error)
    this.logToStderr(`${colour.red('error:')} ${error.message}`)
    if (this.debugEnabled && error.stack) this.logToStderr(error.stack)
    else this.logToStderr(colour.dim('run again with --debug for details'))
    this.exit(ExitCode.error)
  }
}
