// Confirmation for destructive commands (deletes, alters, new partitions, offset resets): ask on a TTY, require
// --yes otherwise (piped stdin, CI=true). The question goes to stderr so stdout stays clean.
import {confirm} from '@inquirer/prompts'
import {ExitCode, KctlError, usageError} from '../errors.js'
import {mayAsk} from './interactive.js'

/** Resolves when confirmed; throws a usage error (no TTY, no --yes) or exit 1 (answered no). */
export async function confirmOrRefuse(question: string, options: {yes: boolean; action: string}): Promise<void> {
  if (options.yes) return
  if (!mayAsk()) {
    const why = process.stdin.isTTY ? `CI=${process.env.CI}` : 'stdin is not a terminal'
    throw usageError(`refusing to ${options.action} without confirmation: ${why}`, 'pass --yes to confirm')
  }
  const answer = await confirm({message: question, default: false}, {output: process.stderr})
  if (!answer) throw new KctlError(`${options.action}: cancelled, nothing changed`, {exitCode: ExitCode.error})
}
