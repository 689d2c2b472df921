// Secrets for kctl users create and kctl broker start --sasl-user: never a flag value (process
// arguments are visible to every user of the machine), but a file (- = stdin), an environment
// variable, or a prompt on a terminal that does not echo.
import {readFileSync} from 'node:fs'
import {password} from '@inquirer/prompts'
import {KctlError, usageError} from '../errors.js'
import {mayAsk} from './interactive.js'

export interface PasswordSource {
  /** File whose first line is the password; '-' reads standard input. */
  file?: string
  /** Environment variable to read when no file is given. */
  env: string
  /** Who the password is for, in prompts and errors: "user alice". */
  subject: string
  /** Ask twice on a terminal (a new password). */
  confirm?: boolean
}

export async function readPassword(source: PasswordSource): Promise<string> {
  if (source.file !== undefined) {
    let text: string
    try {
      text = readFileSync(source.file === '-' ? 0 : source.file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const cause = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message
      throw new KctlError(`unable to read the password for ${source.subject} from ${source.file}: ${cause}`, {hint: 'pass a file whose first line is the password (- reads stdin)'})
    }
    const first = text.split(/\r?\n/)[0]
    if (first === '') throw usageError(`unable to use the password for ${source.subject}: ${source.file} starts with an empty line`)
    return first
  }
  const fromEnv = process.env[source.env]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!mayAsk()) {
    throw usageError(
      `unable to read the password for ${source.subject}: no terminal to ask on`,
      `pass --password-file FILE (- for stdin) or set ${source.env}`,
    )
  }
  const first = await password({message: `Password for ${source.subject}:`, mask: true}, {output: process.stderr})
  if (first === '') throw usageError(`unable to use the password for ${source.subject}: it is empty`)
  if (source.confirm) {
    const again = await password({message: 'Repeat it:', mask: true}, {output: process.stderr})
    if (again !== first) throw usageError(`unable to use the password for ${source.subject}: the two entries differ`)
  }
  return first
}
