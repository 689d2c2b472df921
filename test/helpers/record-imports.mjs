// `node --import ./test/helpers/record-imports.mjs …` records every module the process loads,
// one URL or path a line, in the file named by $KCTL_RECORD_IMPORTS: ES modules through a
// module.register load hook (it runs on the hooks thread and appends as modules load), and
// CommonJS ones from require.cache when the process exits (what ES modules import of CommonJS
// packages, and everything those require, lands there too).
import {appendFileSync} from 'node:fs'
import {createRequire, register} from 'node:module'

const out = process.env.KCTL_RECORD_IMPORTS
if (out) {
  const hooks = `
    import {appendFileSync} from 'node:fs'
    let out
    export function initialize(data) { out = data.out }
    export async function load(url, context, nextLoad) {
      appendFileSync(out, url + '\\n')
      return nextLoad(url, context)
    }
  `
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url, {data: {out}})
  const require = createRequire(import.meta.url)
  process.on('exit', () => {
    const paths = Object.keys(require.cache)
    if (paths.length > 0) appendFileSync(out, paths.join('\n') + '\n')
  })
}
