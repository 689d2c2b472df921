// Output files appear whole or not at all: written to a temporary file beside the target, then
// renamed over it (one step on POSIX). A Ctrl-C, a crash or a full disk mid-write leaves the
// previous file (or none) and no temporary, never a truncated report, histogram, config or
// generated project file.
//
// Ctrl-C: a command without a handler of its own (init) would die at once, between the write
// and the rename, and leave the temporary behind. From the first atomic write on, this module
// listens for SIGINT and SIGTERM: alone, it removes the temporaries and ends the process with
// the same signal, as the default would; beside a command's own handler (withInterrupt, which
// stops cleanly) it leaves the stop to that handler and the write finishes. A forced exit (a
// second Ctrl-C) removes them on the way out. The listeners stay once installed: removing them
// could drop a signal that arrived just before.
import {renameSync, rmSync, writeFileSync} from 'node:fs'
import {rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

const stopSignals = ['SIGINT', 'SIGTERM'] as const
const temporaries = new Set<string>()

function removeTemporaries(): void {
  for (const tmp of temporaries) rmSync(tmp, {force: true})
  temporaries.clear()
}

let listening = false

function onStopSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return
  removeTemporaries()
  // Without listeners the signal's default action applies again: end the process with it.
  for (const each of stopSignals) process.off(each, onStopSignal)
  process.kill(process.pid, signal)
}

function track(tmp: string): void {
  if (!listening) {
    listening = true
    for (const signal of stopSignals) process.on(signal, onStopSignal)
    process.on('exit', removeTemporaries)
  }
  temporaries.add(tmp)
}

function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`)
}

export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: {mode?: number} = {}): void {
  const tmp = temporaryName(file)
  track(tmp)
  try {
    writeFileSync(tmp, data, {mode: options.mode})
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw error
  } finally {
    temporaries.delete(tmp)
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: {mode?: number} = {}): Promise<void> {
  const tmp = temporaryName(file)
  track(tmp)
  try {
    await writeFile(tmp, data, {mode: options.mode})
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, {force: true})
    throw error
  } finally {
    temporaries.delete(tmp)
  }
}
