// The start-up fast path of `kctl broker start` in the foreground. The broker runs in the
// command's own process, so every module loaded before it listens delays its first answer, and
// @oclif/core's entry point, its Config and the command class (~250 modules, more than Node's
// own start) are not needed to read a dozen flags. Here they are read with the command's own
// flag table (commands/broker/_start-flags.ts) and the broker runs as the command's run() runs
// it (brokerStartOptions and runForeground in src/broker/daemon.ts), its errors reported as
// commands/_base.ts reports them.
//
// The parse is deliberately narrow: an unknown flag (--output, --debug, --help included), a
// value that fails the table (not an integer, out of range, not an option), an empty value or
// one that starts with '-', a flag given twice, an argument, `--`, a short flag with its value
// attached, a missing dependency, and --detach all answer undefined, and bin/run.js hands the
// command line to oclif, so every parse error, help page and the background start stay oclif's.
import {existsSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {corePlugins, environmentAllowsFastPath, hasUserPlugins, loadRoot} from './fast-start.js'

/** A flag value as oclif's Flags[kind] would parse it, or undefined when oclif must say why not. */
function parseValue(definition, text) {
  if (text === undefined || text === '' || text.startsWith('-')) return undefined
  switch (definition.kind) {
    case 'string':
    case 'file': // Flags.file without `exists` takes the path as given
      return text
    case 'option':
      return definition.options.includes(text) ? text : undefined
    case 'integer': {
      if (!/^\d+$/.test(text)) return undefined
      const value = Number.parseInt(text, 10)
      if (definition.min !== undefined && value < definition.min) return undefined
      if (definition.max !== undefined && value > definition.max) return undefined
      return value
    }
    default:
      return undefined
  }
}

/**
 * The flags of argv (what follows `broker start`) by the table's definitions, with defaults, and
 * the names given on the command line; undefined whenever oclif must parse (see above).
 */
export function parseFlags(argv, definitions) {
  const byChar = new Map(Object.entries(definitions).flatMap(([name, definition]) => (definition.char ? [[definition.char, name]] : [])))
  const flags = {}
  const given = new Set()
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    let name
    let attached
    if (token.startsWith('--') && token.length > 2) {
      const equals = token.indexOf('=')
      name = equals === -1 ? token.slice(2) : token.slice(2, equals)
      if (equals !== -1) attached = token.slice(equals + 1)
    } else if (/^-[A-Za-z]$/.test(token)) {
      name = byChar.get(token[1])
    }
    const definition = Object.hasOwn(definitions, name ?? '') ? definitions[name] : undefined
    if (!definition) return undefined
    if (given.has(name) && !definition.multiple) return undefined
    given.add(name)
    if (definition.kind === 'boolean') {
      if (attached !== undefined) return undefined
      flags[name] = true
      continue
    }
    const value = parseValue(definition, attached ?? argv[++i])
    if (value === undefined) return undefined
    flags[name] = definition.multiple ? [...(flags[name] ?? []), value] : value
  }
  for (const name of given) if ((definitions[name].dependsOn ?? []).some((other) => !given.has(other))) return undefined
  for (const [name, definition] of Object.entries(definitions)) if (!given.has(name) && definition.default !== undefined) flags[name] = definition.default
  return {flags, given}
}

/** What commands/_base.ts prints and exits with for an error of the command's run(). */
async function exitWithError(error, distUrl) {
  const [{colour}, {KctlError, ExitCode}] = await Promise.all([import(distUrl('src/ui/output.js')), import(distUrl('src/errors.js'))])
  if (error instanceof KctlError) {
    console.error(`${colour.red('error:')} ${error.message}`)
    if (error.hint) console.error(`${colour.dim('hint:')} ${error.hint}`)
    process.exit(error.exitCode)
  }
  // Ctrl-C inside the password prompt rejects with @inquirer's ExitPromptError.
  if (error?.name === 'ExitPromptError') {
    console.error(`${colour.red('error:')} interrupted`)
    process.exit(ExitCode.interrupted)
  }
  console.error(`${colour.red('error:')} ${error?.message ?? error}`)
  console.error(colour.dim('run again with --debug for details'))
  process.exit(ExitCode.error)
}

/**
 * Runs `kctl broker start ...` in the foreground and answers true (the broker has stopped and
 * process.exitCode is set, or the process has exited with the command's error), or answers
 * false at once for oclif to run the command. `root` is the package directory.
 */
export async function fastBrokerStart(argv, root, env = process.env) {
  if (argv[0] !== 'broker' || argv[1] !== 'start') return false
  if (!environmentAllowsFastPath(env)) return false
  // Hooks, user plugins or plugins oclif must load could change what `broker start` runs.
  const pjson = loadRoot(root)
  if (!pjson || hasUserPlugins(pjson, env) || !corePlugins(root, pjson)) return false
  const flagsModule = path.join(root, 'dist', 'commands', 'broker', '_start-flags.js')
  if (!existsSync(flagsModule)) return false
  const {brokerStartFlags} = await import(pathToFileURL(flagsModule).href)
  const parsed = parseFlags(argv.slice(2), brokerStartFlags)
  if (!parsed || parsed.flags.detach) return false

  const distUrl = (file) => pathToFileURL(path.join(root, 'dist', file)).href
  const {brokerStartOptions, runForeground} = await import(distUrl('src/broker/daemon.js'))
  try {
    const readPassword = async (source) => (await import(distUrl('src/ui/password.js'))).readPassword(source)
    const options = await brokerStartOptions(parsed.flags, parsed.given.has('port'), readPassword)
    process.exitCode = await runForeground(options)
  } catch (error) {
    await exitWithError(error, distUrl)
  }
  return true
}
