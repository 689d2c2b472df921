// Timing helpers shared by the benches that run the built CLI against a broker living in the
// bench's own process (bench/admin.js, bench/lag.js, bench/doctor.js).
import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * Runs `kctl ARGS` asynchronously (the broker in this process must keep serving) and resolves
 * with its wall time and stdout; an exit code outside `okCodes` rejects with its stderr.
 */
export function timedKctl(args, okCodes = [0]) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), ...args], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (data) => (stdout += data))
    child.stderr.on('data', (data) => (stderr += data))
    child.on('error', reject)
    child.on('exit', (code) => {
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6
      if (!okCodes.includes(code)) reject(new Error(`kctl ${args.join(' ')} exited ${code}: ${stderr}`))
      else resolve({elapsedMs, stdout})
    })
  })
}
