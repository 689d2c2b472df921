#!/usr/bin/env node
// Runs every bench/<area>.js (or the ones named on the command line) one after another,
// each as its own process so one area's heap never skews another's figures, and prints
// {area: figures} as one JSON object. Each script prints one JSON object on stdout.
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const all = readdirSync(here).filter((name) => name.endsWith('.js') && name !== 'run.js').map((name) => name.slice(0, -3))
// Options after the area names (`soak --minutes 2`) go to every script named.
const firstOption = process.argv.findIndex((arg, i) => i >= 2 && arg.startsWith('--'))
const named = process.argv.slice(2, firstOption === -1 ? undefined : firstOption)
const options = firstOption === -1 ? [] : process.argv.slice(firstOption)
// The soak (30 minutes by default) runs only when named.
const areas = named.length > 0 ? named : all.filter((area) => area !== 'soak').sort()
const results = {}
let failed = false
for (const area of areas) {
  if (!all.includes(area)) {
    console.error(`unknown bench area "${area}"; choose from: ${all.join(', ')}`)
    process.exit(2)
  }
  process.stderr.write(`bench ${area} …\n`)
  // The soak runs as long as it is told (30 minutes by default); the others get 10 minutes.
  const run = spawnSync(process.execPath, [path.join(here, `${area}.js`), ...options], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: area === 'soak' ? undefined : 600_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  try {
    results[area] = JSON.parse(run.stdout)
  } catch {
    failed = true
    results[area] = {error: `exit ${run.status ?? run.signal}`, stdout: run.stdout.slice(-500)}
  }
}
console.log(JSON.stringify(results, null, 2))
process.exit(failed ? 1 : 0)
