// Start-up and idle footprint of the bundled broker as `kctl broker start` runs it (the
// detached entry dist/src/broker/main.js): time from spawn to the first answered ApiVersions
// request, and the resident set size once idle. Targets: start <= 500 ms, idle RSS <= 80 MB.
// Prints one JSON object.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {encodeRequest} from '../dist/src/broker/protocol/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const main = path.join(here, '..', 'dist', 'src', 'broker', 'main.js')
const RUNS = 5

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Resolves when one ApiVersions request is answered; retries the connection until then. */
async function firstAnswer(port, deadlineMs) {
  while (Date.now() < deadlineMs) {
    const answered = await new Promise((resolve) => {
      const socket = net.connect({host: '127.0.0.1', port}, () => {
        for (const chunk of encodeRequest(18, 3, 1, 'bench', {clientSoftwareName: 'bench', clientSoftwareVersion: '1'})) socket.write(chunk)
      })
      socket.once('data', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (answered) return true
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return false
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024
}

/** A bare `node -e 0`: the floor of any start time on this machine right now (it is shared and noisy). */
async function nodeBaselineMs() {
  const began = process.hrtime.bigint()
  await new Promise((resolve) => spawn(process.execPath, ['-e', '0'], {stdio: 'ignore'}).once('exit', resolve))
  return Number(process.hrtime.bigint() - began) / 1e6
}

const startMs = []
const baselineMs = []
let idleRssMb = 0
for (let run = 0; run < RUNS; run++) {
  baselineMs.push(await nodeBaselineMs())
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kctl-bench-start-'))
  const port = await freePort()
  const began = process.hrtime.bigint()
  const child = spawn(process.execPath, [main, JSON.stringify({port, host: '127.0.0.1', dataDir, config: {}, logFile: null})], {stdio: 'ignore'})
  const ok = await firstAnswer(port, Date.now() + 10_000)
  startMs.push(Number(process.hrtime.bigint() - began) / 1e6)
  if (!ok) throw new Error('the broker did not answer within 10 s')
  if (run === RUNS - 1) {
    await new Promise((resolve) => setTimeout(resolve, 2000))
    idleRssMb = rssMb(child.pid)
  }
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
  rmSync(dataDir, {recursive: true, force: true})
}
startMs.sort((a, b) => a - b)
baselineMs.sort((a, b) => a - b)
const median = (values) => values[Math.floor(values.length / 2)]
console.log(
  JSON.stringify({
    startToFirstResponseMsMedian: Math.round(median(startMs)),
    bareNodeStartMsMedian: Math.round(median(baselineMs)),
    startOverBareNodeMsMedian: Math.round(median(startMs) - median(baselineMs)),
    startToFirstResponseMsMax: Math.round(startMs[RUNS - 1]),
    idleRssMb: Math.round(idleRssMb * 10) / 10,
    targets: {startMs: 500, idleRssMb: 80},
  }),
)
