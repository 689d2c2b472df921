// The bundled broker in a child process of its own, for benches that measure a client
// against it (so broker and client never share an event loop). Shared by bench/perf.js
// and bench/compression.js; bench/run.js only runs the top-level bench/*.js files.
import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Starts the broker on a free port in dataDir; resolves {child, bootstrap} once it listens. */
export function startBrokerProcess(dataDir) {
  const script = `
    import {startBroker} from ${JSON.stringify(path.join(root, 'dist/src/broker/index.js'))}
    const broker = await startBroker({port: 0, host: '127.0.0.1', dataDir: ${JSON.stringify(dataDir)}})
    process.stdout.write(JSON.stringify({bootstrap: broker.bootstrap}) + '\\n')
    process.on('SIGTERM', async () => { await broker.close(); process.exit(0) })`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('\n')) resolve({child, bootstrap: JSON.parse(output.split('\n')[0]).bootstrap})
    })
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)))
  })
}
