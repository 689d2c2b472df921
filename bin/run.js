#!/usr/bin/env node
// `kctl --version` and the help pages are answered by ./fast-start.js from package.json and
// oclif.manifest.json, and a foreground `kctl broker start` is run by ./fast-broker-start.js,
// both without loading @oclif/core's entry point; everything else (and any case a fast path
// does not reproduce exactly) is oclif's.
import {fileURLToPath} from 'node:url'
import {fastStart} from './fast-start.js'

const argv = process.argv.slice(2)
const root = fileURLToPath(new URL('..', import.meta.url))

/** True when a fast path has run the command line. */
async function ranFast() {
  if (argv[0] === 'broker' && argv[1] === 'start') {
    const {fastBrokerStart} = await import('./fast-broker-start.js')
    if (await fastBrokerStart(argv, root)) return true
  }
  return fastStart(argv, root)
}

if (!(await ranFast())) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
