#!/usr/bin/env node
// `kctl --version` and the help pages are answered by ./fast-start.js from package.json and
// oclif.manifest.json, without loading @oclif/core's entry point; everything else (and any
// case the fast path does not reproduce exactly) is oclif's.
import {fileURLToPath} from 'node:url'
import {fastStart} from './fast-start.js'

if (!fastStart(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)))) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
