// The bundled broker in a child process, so a test can pause it (SIGSTOP) like a broker
// stuck in a long GC or a frozen VM, and so the load generator does not share its CPU.
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface BrokerProcess {
  bootstrap: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Starts `startBroker` from the built dist/ in a child; resolves once it listens. */
export async function startBrokerProcess(): Promise<BrokerProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-perf-broker-'))
  const script = `
    import {startBroker} from ${JSON.stringify(path.join(root, 'dist/src/broker/index.js'))}
    const broker = await startBroker({port: 0, host: '127.0.0.1', dataDir: ${JSON.stringify(dataDir)}})
    process.stdout.write(JSON.stringify({bootstrap: broker.bootstrap}) + '\\n')
    process.on('SIGTERM', async () => { await broker.close(); process.exit(0) })`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (chunk) => {
      output += chunk
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]).bootstrap)
    })
    child.once('exit', (code) => reject(new Error(`broker process exited with ${code}: ${stderr}`)))
  })
  return {
    bootstrap,
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGCONT')
        child.kill('SIGTERM')
        await new Promise((resolve) => child.once('exit', resolve))
      }
      rmSync(dataDir, {recursive: true, force: true})
    },
  }
}
