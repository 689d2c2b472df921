// The one error type that src/ throws. The base command maps it to a one-line message,
// an optional hint and the exit code from the table below (the README lists it for users);
// nothing in src/ prints.

export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  threshold: 3,
  notFound: 4,
  auth: 5,
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export class KctlError extends Error {
  readonly exitCode: ExitCodeValue
  readonly hint?: string

  constructor(message: string, options: {exitCode?: ExitCodeValue; hint?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'KctlError'
    this.exitCode = options.exitCode ?? ExitCode.error
    this.hint = options.hint
  }
}

export function usageError(message: string, hint?: string): KctlError {
  return new KctlError(message, {exitCode: ExitCode.usage, hint})
}
