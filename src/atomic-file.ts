// Output files appear whole or not at all: written to a temporary file beside the target, then
// renamed over it (one step on POSIX). A Ctrl-C, a crash or a full disk mid-write leaves the
// previous file (or none) and a temporary that is removed when the write fails, never a
// truncated report, histogram, config or generated project file.
import {renameSync, rmSync, writeFileSync} from 'node:fs'
import {rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`)
}

export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: {mode?: number} = {}): void {
  const tmp = temporaryName(file)
  try {
    writeFileSync(tmp, data, {mode: options.mode})
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw error
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: {mode?: number} = {}): Promise<void> {
  const tmp = temporaryName(file)
  try {
    await writeFile(tmp, data, {mode: options.mode})
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, {force: true})
    throw error
  }
}
