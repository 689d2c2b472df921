// Ctrl-C for commands that stop cleanly (kctl consume, lag --watch/--serve, the perf tests).
//
// The first Ctrl-C, or a SIGTERM, aborts the signal the command's work watches, so the
// command can finish what it owes: commit offsets, print the summary so far, close its
// metrics server. Should that hang, a second signal exits at once with the shell's code for
// it (130 for Ctrl-C, 143 for SIGTERM). The exit code of the clean stop is the command's:
// `kctl lag --watch` exits 0, consume and perf exit 130 as their Java counterparts do.
import {constants} from 'node:os'

export interface Interrupt {
  /** Aborted by the first Ctrl-C or SIGTERM, or by stop(). */
  readonly signal: AbortSignal
  /** Ends the run as Ctrl-C would, for the command's own reasons (a closed pipe, a crossed threshold). */
  stop(): void
}

const stopSignals = ['SIGINT', 'SIGTERM'] as const

/** Runs `work` with Ctrl-C and SIGTERM handled as above; the handlers are gone once it settles. */
export async function withInterrupt<T>(work: (interrupt: Interrupt) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(128 + constants.signals[signal])
    controller.abort()
  }
  for (const signal of stopSignals) process.on(signal, onSignal)
  try {
    return await work({signal: controller.signal, stop: () => controller.abort()})
  } finally {
    for (const signal of stopSignals) process.off(signal, onSignal)
  }
}
