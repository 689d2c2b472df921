// The start-up fast path of bin/run.js. `kctl --version` and the help pages (`kctl`,
// `kctl --help`, `kctl <topic>`, `kctl <command> --help`) are answered from package.json and
// oclif.manifest.json without loading @oclif/core's entry point, which alone costs about as much
// as Node's own start (it requires ~160 modules: config, plugin discovery, ux, errors, semver).
//
// Help pages are rendered by oclif's own help classes (CommandHelp, RootHelp, HelpFormatter from
// @oclif/core/lib/help, ~30 modules), driven by a small stand-in for oclif's Config built from the
// same manifests oclif reads, so the text is oclif's, byte for byte (test/cli-imports.test.ts
// compares every page). Whenever anything is outside what this stand-in reproduces (a theme, a
// user plugin, hooks that run on start, a help subject it cannot find, WSL, Windows, DEBUG, an
// oclif setting in the environment) it answers undefined and bin/run.js hands over to oclif.
// KCTL_NO_FAST_START=1 turns the fast path off.
import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {isatty} from 'node:tty'
import {format} from 'node:util'

/** Reads JSON or answers undefined. */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

const truthy = (value) => ['1', 'true', 'yes'].includes(String(value ?? '').toLowerCase())

/** Conditions under which oclif itself must answer: anything that could change its output. */
export function environmentAllowsFastPath(env) {
  if (truthy(env.KCTL_NO_FAST_START)) return false
  if (env.DEBUG || env.KCTL_DEBUG) return false
  // OCLIF_COLUMNS is read by oclif's own screen module, which the help pages use too.
  for (const key of Object.keys(env)) if (key.startsWith('OCLIF_') && key !== 'OCLIF_COLUMNS') return false
  if (process.platform === 'win32') return false
  // oclif names WSL 'wsl' in its user agent (via is-wsl); leave that detection to it.
  if (process.platform === 'linux') {
    if (os.release().toLowerCase().includes('microsoft')) return false
    try {
      if (readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return false
    } catch {
      // no /proc: not WSL
    }
  }
  return true
}

/** Hooks oclif runs on every start (init, finally) would be skipped by the fast path. */
function hasStartHooks(pjson) {
  const hooks = pjson.oclif?.hooks ?? {}
  return Boolean(hooks.init || hooks.finally || hooks.prerun || hooks.postrun)
}

export function loadRoot(root) {
  const pjson = readJson(path.join(root, 'package.json'))
  if (!pjson?.oclif || !pjson.name) return undefined
  const o = pjson.oclif
  if (hasStartHooks(pjson) || o.helpClass || o.theme || o.state || o.jitPlugins || o.devPlugins || o.flexibleTaxonomy) return undefined
  if (typeof o.commands === 'object' && o.commands?.strategy === 'single') return undefined
  return pjson
}

/** `name/version platform-arch node-vX`, as oclif's Config.userAgent. */
function userAgent(pjson) {
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch()
  return `${pjson.name}/${pjson.version || '0.0.0'} ${os.platform()}-${arch} node-${process.version}`
}

function versionFlags(pjson) {
  return [...new Set(['--version', ...(pjson.oclif.additionalVersionFlags ?? [])])]
}

function helpFlags(pjson) {
  return [...new Set([...(pjson.oclif.additionalHelpFlags ?? []), '--help'])]
}

/** oclif's main.run decides version, then help, then a bare topic; the same order here. */
export function isHelpRequest(argv, pjson) {
  if (argv.length === 0) return true
  const flags = helpFlags(pjson)
  for (const arg of argv) {
    if (flags.includes(arg)) return true
    if (arg === '--') return false
  }
  return false
}

function topicsToArray(input, base) {
  if (!input) return []
  base = base ? `${base}:` : ''
  return Object.keys(input).flatMap((key) => [{...input[key], name: `${base}${key}`}, ...topicsToArray(input[key].subtopics, `${base}${key}`)])
}

/** The package.json of an installed package, found the way Node looks for it (exports maps aside). */
function packageJsonPath(root, name) {
  const candidates = createRequire(path.join(root, 'package.json')).resolve.paths(name) ?? []
  return candidates.map((dir) => path.join(dir, name, 'package.json')).find((file) => existsSync(file))
}

/** A plugin as oclif loads it from its package.json and manifest; undefined if oclif would do more. */
function loadPlugin(dir, pjson) {
  const manifest = readJson(path.join(dir, 'oclif.manifest.json'))
  if (!manifest?.commands || typeof manifest.version !== 'string') return undefined
  // oclif warns about a stale manifest and discovers commands by importing them: leave that to it.
  if (manifest.version.split('-')[0] !== String(pjson.version ?? '').split('-')[0]) return undefined
  // oclif sorts a plugin's commands with localeCompare; the order only shows in which command
  // describes an implicit topic (see loadConfig), so ICU's collator is not started for it here.
  const commands = Object.entries(manifest.commands).map(([id, command]) => ({...command, id}))
  return {name: pjson.name, pjson, commands, topics: topicsToArray(pjson.oclif?.topics ?? {})}
}

/** oclif's configuration and data directories, as Config.load finds them. */
function oclifDirectories(pjson, env) {
  const o = pjson.oclif
  const bin = o.bin || pjson.name
  const dirname = o.dirname || pjson.name
  const home = env.HOME || os.homedir() || os.tmpdir()
  const scoped = (key) => env[`${bin}_${key}`.replaceAll('@', '').replaceAll(/[/-]/g, '_').toUpperCase()]
  return {
    configDir: scoped('CONFIG_DIR') || path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), dirname),
    dataDir: scoped('DATA_DIR') || path.join(env.XDG_DATA_HOME || path.join(home, '.local/share'), dirname),
    themeDisabled: truthy(scoped('DISABLE_THEME')),
  }
}

/** Plugins a user installed or linked (a package.json in the data dir) may add or replace commands. */
export function hasUserPlugins(pjson, env) {
  return existsSync(path.join(oclifDirectories(pjson, env).dataDir, 'package.json'))
}

/** The directory and package.json of each plugin package.json names; undefined where oclif must load them. */
export function corePlugins(root, pjson) {
  const plugins = []
  for (const entry of pjson.oclif.plugins ?? []) {
    if (typeof entry !== 'string') return undefined
    const pluginPjsonPath = packageJsonPath(root, entry)
    if (!pluginPjsonPath) return undefined
    const pluginPjson = readJson(pluginPjsonPath)
    if (!pluginPjson || hasStartHooks(pluginPjson)) return undefined
    plugins.push({dir: path.dirname(pluginPjsonPath), pjson: pluginPjson})
  }
  return plugins
}

/**
 * Enough of oclif's Config for its help classes: bin, pjson, commands, topics, lookups. Built
 * the way Config.load builds them (plugins, commands with aliases, implicit topics).
 */
function loadConfig(root, pjson, env) {
  const o = pjson.oclif
  const bin = o.bin || pjson.name
  const dirname = o.dirname || pjson.name
  const {configDir, themeDisabled} = oclifDirectories(pjson, env)
  // A user theme changes the colours; user-installed or linked plugins add commands.
  if (!themeDisabled && existsSync(path.join(configDir, 'theme.json'))) return undefined
  if (hasUserPlugins(pjson, env)) return undefined

  const rootPlugin = loadPlugin(root, pjson)
  if (!rootPlugin) return undefined
  const plugins = new Map([[rootPlugin.name, rootPlugin]])
  const installed = corePlugins(root, pjson)
  if (!installed) return undefined
  for (const {dir, pjson: pluginPjson} of installed) {
    const plugin = loadPlugin(dir, pluginPjson)
    if (!plugin) return undefined
    plugins.set(plugin.name, plugin)
  }

  const commandMap = new Map()
  const topicMap = new Map()
  for (const plugin of plugins.values()) {
    for (const command of plugin.commands) {
      if (commandMap.has(command.id)) return undefined // oclif's priority rules: leave them to it
      commandMap.set(command.id, command)
      for (const alias of command.aliases ?? []) {
        if (commandMap.has(alias)) return undefined
        commandMap.set(alias, {...command, hidden: false, id: alias})
      }
      for (const alias of command.hiddenAliases ?? []) {
        if (commandMap.has(alias)) return undefined
        commandMap.set(alias, {...command, hidden: true, id: alias})
      }
    }
    for (const topic of plugin.topics) {
      const existing = topicMap.get(topic.name)
      if (existing) {
        existing.description = topic.description || existing.description
        existing.hidden = existing.hidden || topic.hidden
      } else topicMap.set(topic.name, topic)
    }
    // Topics implied by command ids, described by the first command (in localeCompare order).
    const implied = new Map()
    for (const command of plugin.commands.filter((c) => !c.hidden)) {
      const parts = command.id.split(':')
      while (parts.length > 0) {
        const name = parts.join(':')
        if (name && !topicMap.has(name)) implied.set(name, [...(implied.get(name) ?? []), command])
        parts.pop()
      }
    }
    for (const [name, candidates] of implied) {
      const described = new Set(candidates.map((c) => c.summary || c.description))
      const first = described.size === 1 ? candidates[0] : candidates.sort((a, b) => a.id.localeCompare(b.id))[0]
      topicMap.set(name, {description: first.summary || first.description, name})
    }
  }
  const commandIDs = [...commandMap.keys()]
  return {
    arch: os.arch() === 'ia32' ? 'x86' : os.arch(),
    bin,
    commandIDs,
    get commands() {
      return [...commandMap.values()]
    },
    dirname,
    findCommand: (id) => commandMap.get(id),
    findTopic: (name) => topicMap.get(name),
    flexibleTaxonomy: false,
    isSingleCommandCLI: false,
    name: pjson.name,
    pjson,
    platform: os.platform(),
    plugins,
    root,
    shell: '',
    theme: undefined,
    topicSeparator: o.topicSeparator === ' ' ? ' ' : ':',
    get topics() {
      return [...topicMap.values()]
    },
    userAgent: userAgent(pjson),
    version: pjson.version || '0.0.0',
    windows: false,
  }
}

// ---------------------------------------------------------------------------------------------
// oclif's help renderer (@oclif/core 4: lib/help/{index,command,root,formatter,docopts}.js),
// ported for the help options kctl uses (none: oclif's defaults) and no theme. Line for line
// where it matters; test/cli-imports.test.ts compares every page with oclif's own output.
// Text is measured and wrapped by a port of wrap-ansi 7 / string-width 4 for plain text (the
// characters in PLAIN below, each one column wide); anything else (ANSI codes from a colour
// terminal, other characters) goes to the real wrap-ansi and string-width that oclif uses.

const PLAIN = /^[\x20-\x7e\u2010-\u2026\u2212\u2264\u2265]*$/

/** Where oclif's own modules resolve their dependencies from. */
function oclifRequire(root) {
  const core = packageJsonPath(root, '@oclif/core')
  if (!core) throw new Error('no @oclif/core')
  return createRequire(path.join(path.dirname(core), 'lib', 'help', 'formatter.js'))
}

class Text {
  constructor(root) {
    this.root = root
  }

  get realRequire() {
    return (this._require ??= oclifRequire(this.root))
  }

  width(text) {
    if (PLAIN.test(text)) return text.length
    return (this._stringWidth ??= this.realRequire('string-width'))(text)
  }

  widestLine(text) {
    let max = 0
    for (const line of text.split('\n')) max = Math.max(max, this.width(line))
    return max
  }

  strip(text) {
    if (!text.includes('\u001B') && !text.includes('\u009B')) return text
    return this.ansis.strip(text)
  }

  get ansis() {
    return (this._ansis ??= this.realRequire('ansis'))
  }

  /** wrap-ansi(text, columns, {hard: true}). */
  wrap(text, columns) {
    const string = String(text)
    if (!PLAIN.test(string.replaceAll('\n', ''))) return (this._wrapAnsi ??= this.realRequire('wrap-ansi'))(string, columns, {hard: true})
    return string
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map((line) => wrapPlainLine(line, columns))
      .join('\n')
  }
}

/** wrap-ansi 7's exec with {hard: true} for a line of one-column characters and no escapes. */
function wrapPlainLine(string, columns) {
  if (string.trim() === '') return ''
  const words = string.split(' ')
  const lengths = words.map((word) => word.length)
  const rows = ['']
  const wrapWord = (word) => {
    let visible = rows.at(-1).length
    const characters = [...word]
    for (const [index, character] of characters.entries()) {
      if (visible + 1 <= columns) rows[rows.length - 1] += character
      else {
        rows.push(character)
        visible = 0
      }
      visible += 1
      if (visible === columns && index < characters.length - 1) {
        rows.push('')
        visible = 0
      }
    }
    if (!visible && rows.at(-1).length > 0 && rows.length > 1) rows[rows.length - 2] += rows.pop()
  }
  for (const [index, word] of words.entries()) {
    rows[rows.length - 1] = rows.at(-1).trimStart()
    let rowLength = rows.at(-1).length
    if (index !== 0 && rowLength > 0) {
      rows[rows.length - 1] += ' '
      rowLength++
    }
    if (lengths[index] > columns) {
      const remainingColumns = columns - rowLength
      const breaksStartingThisLine = 1 + Math.floor((lengths[index] - remainingColumns - 1) / columns)
      const breaksStartingNextLine = Math.floor((lengths[index] - 1) / columns)
      if (breaksStartingNextLine < breaksStartingThisLine) rows.push('')
      wrapWord(word)
      continue
    }
    if (rowLength + lengths[index] > columns && rowLength > 0 && lengths[index] > 0) rows.push('')
    rows[rows.length - 1] += word
  }
  return rows
    .map((row) => {
      const parts = row.split(' ')
      let last = parts.length
      while (last > 0 && parts[last - 1].length === 0) last--
      return last === parts.length ? row : parts.slice(0, last).join(' ') + parts.slice(last).join('')
    })
    .join('\n')
}

/**
 * Colour as oclif decides it: its colorize() asks supports-color for stdout and stderr, then
 * ansis (which also reads NO_COLOR and the like). Without a terminal on stdout and with nothing
 * forcing colour, supports-color says no; only otherwise are the two modules loaded.
 */
function colourDecider(text, env) {
  const forced = 'FORCE_COLOR' in env || process.argv.some((arg) => arg.startsWith('--color') || arg.startsWith('--no-color'))
  if (!forced && !isatty(1)) return () => false
  let decided
  return () => {
    if (decided === undefined) {
      const supportsColor = text.realRequire('supports-color')
      decided = Boolean(supportsColor.stdout) && Boolean(supportsColor.stderr)
    }
    return decided
  }
}

/** oclif's screen.stdtermwidth. */
function terminalWidth(env) {
  const columns = Number.parseInt(env.OCLIF_COLUMNS, 10) || globalThis.oclif?.columns
  if (columns) return columns
  if (!process.stdout.isTTY) return 80
  const width = process.stdout.getWindowSize()[0]
  if (width < 1) return 80
  if (width < 40) return 40
  return width
}

const ESCAPE_XML = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;'}

/**
 * ejs.render(template, context) for templates made only of text and `<%= a.b %>` / `<%- a.b %>`
 * tags (what oclif help texts use); anything else throws, and oclif answers instead.
 */
function renderTemplate(template, context) {
  if (typeof template !== 'string') throw new TypeError('not a template')
  if (!template.includes('<%') && !template.includes('%>')) return template
  const output = template.replaceAll(/<%([=-]) *([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*) *%>/g, (_, kind, expression) => {
    const [first, ...rest] = expression.split('.')
    if (!(first in context)) throw new ReferenceError(`${first} is not defined`)
    let value = context[first]
    for (const key of rest) {
      if (value === undefined || value === null) throw new TypeError(`cannot read ${key}`)
      value = value[key]
    }
    if (value === undefined || value === null) return ''
    return kind === '=' ? String(value).replaceAll(/[&<>'"]/g, (c) => ESCAPE_XML[c]) : String(value)
  })
  if (output.includes('<%') || output.includes('%>')) throw new Error('template beyond the fast path')
  return output
}

const POSSIBLE_LINE_FEED = /\r\n|\n/

function compare(a, b) {
  a = a === undefined ? 0 : a
  b = b === undefined ? 0 : b
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length === 0 && b.length === 0) return 0
    const diff = compare(a[0], b[0])
    if (diff !== 0) return diff
    return compare(a.slice(1), b.slice(1))
  }
  if (a < b) return -1
  if (a > b) return 1
  return 0
}
const sortBy = (arr, fn) => arr.sort((a, b) => compare(fn(a), fn(b)))
const uniqBy = (arr, fn) => arr.filter((a, i) => !arr.some((b, j) => j > i && fn(b) === fn(a)))
const compact = (a) => a.filter(Boolean)
const castArray = (input) => (input === undefined ? [] : Array.isArray(input) ? input : [input])
const ensureArgObject = (args) => (Array.isArray(args) ? (args ?? []).reduce((x, y) => ({...x, [y.name]: y}), {}) : (args ?? {}))

class Formatter {
  indentSpacing = 2

  constructor(config, opts, style) {
    this.config = config
    this.opts = opts
    this.style = style
  }

  render(template) {
    return renderTemplate(template, this)
  }

  colorize(color, text) {
    return this.style.colour() ? this.style.text.ansis[color](text) : text
  }

  indent(body, spacing = this.indentSpacing) {
    if (spacing === 0) return body
    return body.replace(/^(?!\s*$)/gm, ' '.repeat(spacing))
  }

  wrap(body, spacing = this.indentSpacing) {
    return this.style.text.wrap(this.render(body), this.opts.maxWidth - spacing)
  }

  renderList(input, opts) {
    if (input.length === 0) return ''
    const renderMultiline = () => {
      let output = ''
      for (const [left, right] of input) {
        if (!left && !right) continue
        if (left) output += this.wrap(left.trim(), opts.indentation)
        if (right) {
          output += '\n'
          output += this.indent(this.wrap(right.trim(), opts.indentation + 2), 4)
        }
        output += '\n\n'
      }
      return output.trim()
    }
    const maxLength = this.style.text.widestLine(input.map((i) => i[0]).join('\n'))
    let output = ''
    let spacer = opts.spacer || '\n'
    let cur = ''
    for (const [left, r] of input) {
      let right = r
      if (cur) {
        output += spacer
        output += cur
      }
      cur = left || ''
      if (!right) {
        cur = cur.trim()
        continue
      }
      right = this.wrap(right.trim(), opts.indentation + maxLength + 2)
      const [first, ...lines] = right.split('\n').map((s) => s.trim())
      cur += ' '.repeat(maxLength - this.style.text.width(cur) + 2)
      cur += first
      if (lines.length === 0) continue
      if (lines.length > 4) return renderMultiline()
      if (!opts.spacer) spacer = '\n'
      cur += '\n'
      cur += this.indent(lines.join('\n'), maxLength + 2)
    }
    if (cur) {
      output += spacer
      output += cur
    }
    return output.trim()
  }

  section(header, body) {
    let newBody
    if (typeof body === 'string') newBody = this.render(body)
    else if (Array.isArray(body) && body.every((entry) => Array.isArray(entry))) newBody = body.map(([left, right]) => [this.render(left), right && this.render(right)])
    else throw new Error('section body beyond the fast path')
    return [this.colorize('bold', header), this.indent(Array.isArray(newBody) ? this.renderList(newBody, {indentation: 2}) : newBody)].join('\n')
  }
}

/** oclif's DocOpts: the usage line's flag list. */
class DocOpts {
  constructor(cmd) {
    this.cmd = cmd
    this.flagMap = {}
    this.flagList = Object.entries(cmd.flags || {})
      .filter(([, flag]) => !flag.hidden)
      .map(([name, flag]) => {
        this.flagMap[name] = flag
        return flag
      })
  }

  static formatUsageType(flag, showFlagName, showOptions) {
    if (flag.type !== 'option') return ''
    let helpValues
    if (flag.helpValue) helpValues = typeof flag.helpValue === 'string' ? [flag.helpValue] : flag.helpValue
    else if (flag.options) helpValues = [showOptions ? flag.options.join('|') : '<option>']
    else if (showFlagName) helpValues = [flag.name]
    else helpValues = ['<value>']
    return helpValues.map((v) => `${v}${flag.multiple ? '...' : ''}`).join(' ')
  }

  toString() {
    const opts = ['<%= command.id %>']
    if (this.cmd.args) {
      const a =
        Object.values(ensureArgObject(this.cmd.args))
          .filter((arg) => !arg.hidden)
          .map((arg) => {
            const suffix = arg.multiple ? '...' : this.cmd.strict === false ? '...' : ''
            return arg.required ? `${arg.name.toUpperCase()}${suffix}` : `[${arg.name.toUpperCase()}${suffix}]`
          }) || []
      opts.push(...a)
    }
    try {
      opts.push(...Object.values(this.groupFlagElements()))
    } catch {
      opts.push(
        ...this.flagList.map((flag) => {
          const name = flag.char ? `-${flag.char}` : `--${flag.name}`
          if (flag.type === 'boolean') return name
          return `${name}=${DocOpts.formatUsageType(flag, false, true)}`
        }),
      )
    }
    return opts.join(' ')
  }

  combineElementsToFlag(elementMap, flagName, flagNames, unionString) {
    if (!this.flagMap[flagName]) return
    let isRequired = this.flagMap[flagName]?.required
    if (typeof isRequired !== 'boolean' || !isRequired) {
      isRequired = flagNames.reduce((required, toCombine) => required || this.flagMap[toCombine]?.required || false, false)
    }
    for (const toCombine of flagNames) {
      elementMap[flagName] = `${elementMap[flagName] || ''}${unionString}${elementMap[toCombine] || ''}`
      delete elementMap[toCombine]
      delete this.flagMap[toCombine]
    }
    elementMap[flagName] = isRequired ? `(${elementMap[flagName] || ''})` : `[${elementMap[flagName] || ''}]`
    delete this.flagMap[flagName]
  }

  generateElements(elementMap = {}, flagGroups = []) {
    const elementStrs = []
    for (const flag of flagGroups) {
      let type = ''
      const flagName = flag.char ? `-${flag.char}` : `--${flag.name}`
      if (flag.type === 'option') type = ` ${DocOpts.formatUsageType(flag, false, true)}`
      const element = `${flagName}${type}`
      elementMap[flag.name] = element
      elementStrs.push(element)
    }
    return elementStrs
  }

  groupFlagElements() {
    const elementMap = {}
    this.generateElements(elementMap, this.flagList.filter((flag) => flag.required))
    this.generateElements(elementMap, this.flagList.filter((flag) => !flag.required))
    for (const flag of this.flagList) {
      if (Array.isArray(flag.dependsOn)) this.combineElementsToFlag(elementMap, flag.name, flag.dependsOn, ' ')
      let exclusive
      if (Array.isArray(flag.exclusive)) exclusive = new Set(flag.exclusive)
      if (Array.isArray(flag.combinable)) {
        const combinableFlags = new Set(flag.combinable)
        exclusive ??= new Set()
        for (const item of this.flagList) if (flag !== item && !combinableFlags.has(item.name)) exclusive.add(item.name)
      }
      if (exclusive !== undefined && exclusive.size > 0) this.combineElementsToFlag(elementMap, flag.name, [...exclusive], ' | ')
    }
    for (const remainingFlagName of Object.keys(this.flagMap)) {
      const remainingFlag = this.flagMap[remainingFlagName] || {}
      if (!remainingFlag.required) elementMap[remainingFlag.name] = `[${elementMap[remainingFlag.name] || ''}]`
    }
    return elementMap
  }
}

class CommandHelp extends Formatter {
  constructor(command, config, opts, style) {
    super(config, opts, style)
    this.command = command
  }

  aliases(aliases) {
    if (!aliases || aliases.length === 0) return
    return aliases.map((a) => ['$', this.config.bin, a].join(' ')).join('\n')
  }

  args(args) {
    if (args.filter((a) => a.description).length === 0) return
    return args.map((a) => {
      const suffix = a.multiple ? '...' : this.command.strict === false ? '...' : ''
      let name = `${a.name.toUpperCase()}${suffix}`
      name = a.required ? `${name}` : `[${name}]`
      let description = a.description || ''
      if (a.default) description = `[default: ${a.default}] ${description}`
      if (a.options) description = `(${a.options.join('|')}) ${description}`
      return [name, description ? description : undefined]
    })
  }

  description() {
    const cmd = this.command
    let description
    if (cmd.description) {
      const summary = cmd.summary ? `${cmd.summary}\n` : null
      description = summary
        ? [...summary.split(POSSIBLE_LINE_FEED), ...(cmd.description || '').split(POSSIBLE_LINE_FEED)]
        : (cmd.description || '').split(POSSIBLE_LINE_FEED)
    }
    if (description) return this.wrap(description.join('\n'))
  }

  examples(examples) {
    if (!examples || examples.length === 0) return
    return castArray(examples)
      .map((a) => {
        let description
        let commands
        if (typeof a === 'string') {
          const lines = a.split(POSSIBLE_LINE_FEED).filter(Boolean)
          if (lines.length >= 2 && !this.isCommand(lines[0]) && lines.slice(1).every((i) => this.isCommand(i))) {
            description = lines[0]
            commands = lines.slice(1)
          } else {
            return lines.map((line) => this.formatIfCommand(line)).join('\n')
          }
        } else {
          description = a.description
          commands = [a.command]
        }
        const multilineSeparator = '\\'
        const finalIndentedSpacing = this.indentSpacing * 2
        const multilineCommands = commands
          .map((c) =>
            this.indent(this.wrap(this.formatIfCommand(c), finalIndentedSpacing + 4))
              .split(POSSIBLE_LINE_FEED)
              .join(` ${multilineSeparator}\n  `),
          )
          .join('\n')
        return `${this.wrap(description, finalIndentedSpacing)}\n\n${multilineCommands}`
      })
      .join('\n\n')
  }

  flagHelpLabel(flag, showOptions = false) {
    let label = flag.helpLabel
    if (!label) {
      const labels = []
      labels.push(flag.char ? `-${flag.char[0]}` : '  ')
      if (flag.name) {
        if (flag.type === 'boolean' && flag.allowNo) labels.push(`--[no-]${flag.name.trim()}`)
        else labels.push(`--${flag.name.trim()}`)
      }
      label = labels.join(flag.char ? ', ' : '  ')
    }
    if (flag.type === 'option') {
      let value = DocOpts.formatUsageType(flag, false, showOptions)
      if (!value.includes('|')) value = this.colorize('underline', value)
      label += `=${value}`
    }
    return label
  }

  flags(flags) {
    if (flags.length === 0) return
    const noChar = flags.reduce((previous, current) => previous && current.char === undefined, true)
    return flags.map((flag) => {
      let left = this.flagHelpLabel(flag)
      if (noChar) left = left.replace('    ', '')
      let right = flag.summary || flag.description || ''
      const metadata = []
      if (flag.type === 'option') {
        if (flag.default) metadata.push(`default: ${flag.default}`)
        if (flag.env) metadata.push(`env: ${flag.env}`)
      } else if (flag.type === 'boolean' && flag.env) {
        metadata.push(`env: ${flag.env}`)
      }
      if (metadata.length > 0) right = `[${metadata.join(', ')}] ${right}`
      if (flag.required) right = `(required) ${right}`
      if (flag.type === 'option' && flag.options && !flag.helpValue) right += `\n<options: ${flag.options.join('|')}>`
      return [left, right.trim()]
    })
  }

  flagsDescriptions(flags) {
    const withExtended = flags.filter((flag) => flag.summary && flag.description)
    if (withExtended.length === 0) return
    return withExtended
      .map((flag) => {
        const summary = flag.summary || ''
        let flagHelp = this.flagHelpLabel(flag, true)
        if (!flag.char) flagHelp = flagHelp.replace('    ', '')
        flagHelp +=
          flagHelp.length + summary.length + 2 < this.opts.maxWidth ? '  ' + summary : '\n\n' + this.indent(this.wrap(summary, this.indentSpacing * 2))
        return `${flagHelp}\n\n${this.indent(this.wrap(flag.description || '', this.indentSpacing * 2))}`
      })
      .join('\n\n')
  }

  generate() {
    const cmd = this.command
    const unsortedFlags = Object.entries(cmd.flags || {})
      .filter(([, v]) => !v.hidden)
      .map(([k, v]) => {
        v.name = k
        return v
      })
    const flags = sortBy(unsortedFlags, (f) => [!f.char, f.char, f.name])
    const args = Object.values(ensureArgObject(cmd.args)).filter((a) => !a.hidden)
    return compact(
      this.sections().map(({generate, header}) => {
        const body = generate({args, cmd, flags}, header)
        if (Array.isArray(body)) return body.map((s) => s && s.body && this.section(s.header, s.body)).join('\n\n')
        return body && this.section(header, body)
      }),
    ).join('\n\n')
  }

  groupFlags(flags) {
    const mainFlags = []
    const flagGroups = {}
    for (const flag of flags) {
      const group = flag.helpGroup
      if (group) {
        if (!flagGroups[group]) flagGroups[group] = []
        flagGroups[group].push(flag)
      } else mainFlags.push(flag)
    }
    return {flagGroups, mainFlags}
  }

  sections() {
    return [
      {generate: () => this.usage(), header: 'USAGE'},
      {generate: ({args}, header) => [{body: this.args(args), header}], header: 'ARGUMENTS'},
      {
        generate: ({flags}, header) => {
          const {flagGroups, mainFlags} = this.groupFlags(flags)
          const flagSections = []
          const mainFlagBody = this.flags(mainFlags)
          if (mainFlagBody) flagSections.push({body: mainFlagBody, header})
          for (const [name, groupFlags] of Object.entries(flagGroups)) {
            const body = this.flags(groupFlags)
            if (body) flagSections.push({body, header: `${name.toUpperCase()} ${header}`})
          }
          return compact(flagSections)
        },
        header: 'FLAGS',
      },
      {generate: () => this.description(), header: 'DESCRIPTION'},
      {generate: ({cmd}) => this.aliases(cmd.aliases), header: 'ALIASES'},
      {generate: ({cmd}) => this.examples(cmd.examples || cmd.example), header: 'EXAMPLES'},
      {generate: ({flags}) => this.flagsDescriptions(flags), header: 'FLAG DESCRIPTIONS'},
    ]
  }

  usage() {
    const {id, usage} = this.command
    const separator = this.config.topicSeparator
    const standardId = id.replaceAll(new RegExp(separator, 'g'), ':')
    const configuredId = id.replaceAll(/:/g, separator || ':')
    return (usage ? castArray(usage) : [new DocOpts(this.command).toString()])
      .map((u) => {
        const allowedSpacing = this.opts.maxWidth - this.indentSpacing
        const commandDescription = u
          .replace('<%= command.id %>', '')
          .replace(new RegExp(`^${standardId}`), '')
          .replace(new RegExp(`^${configuredId}`), '')
          .trim()
        const line = `$ ${this.config.bin} <%= command.id %> ${commandDescription}`.trim()
        if (line.length > allowedSpacing) {
          const splitIndex = line.slice(0, Math.max(0, allowedSpacing)).lastIndexOf(' ')
          return line.slice(0, Math.max(0, splitIndex)) + '\n' + this.indent(this.wrap(line.slice(Math.max(0, splitIndex)), this.indentSpacing * 2))
        }
        return this.wrap(line)
      })
      .join('\n')
  }

  formatIfCommand(example) {
    example = this.render(example)
    if (example.startsWith(this.config.bin)) return `$ ${example}`
    if (example.startsWith(`$ ${this.config.bin}`)) return `$${example.replace('$', '')}`
    return example
  }

  isCommand(example) {
    return this.style.text.strip(this.formatIfCommand(example)).startsWith(`$ ${this.config.bin}`)
  }
}

class RootHelp extends Formatter {
  description() {
    let description = this.config.pjson.oclif.description || this.config.pjson.description || ''
    description = this.render(description)
    description = description.split('\n').slice(1).join('\n')
    if (!description) return
    return this.section('DESCRIPTION', this.wrap(description))
  }

  root() {
    let description = this.config.pjson.oclif.description || this.config.pjson.description || ''
    description = this.render(description)
    description = description.split('\n')[0]
    return compact([description, this.version(), this.usage(), this.description()]).join('\n\n')
  }

  usage() {
    return this.section('USAGE', this.wrap(`$ ${this.config.bin} [COMMAND]`))
  }

  version() {
    return this.section('VERSION', this.wrap(this.config.userAgent))
  }
}

/** oclif's Help (lib/help/index.js); `lines` collects what oclif writes with console.log. */
class Help extends Formatter {
  lines = []

  get _topics() {
    return this.config.topics.filter((topic) => this.config.topics.some((sub) => sub.name.includes(`${topic.name}:`)))
  }

  get sortedCommands() {
    let commands = this.config.commands
    commands = commands.filter((c) => !c.hidden)
    commands = sortBy(commands, (c) => c.id)
    return uniqBy(commands, (c) => c.id)
  }

  get sortedTopics() {
    let topics = this._topics
    topics = topics.filter((t) => !t.hidden)
    topics = sortBy(topics, (t) => t.name)
    return uniqBy(topics, (t) => t.name)
  }

  log(...args) {
    this.lines.push(format(...args))
  }

  formatCommand(command) {
    if (this.config.topicSeparator !== ':') {
      command.id = command.id.replaceAll(':', this.config.topicSeparator)
      command.aliases = command.aliases && command.aliases.map((a) => a.replaceAll(':', this.config.topicSeparator))
    }
    return new CommandHelp(command, this.config, this.opts, this.style).generate()
  }

  formatCommands(commands) {
    if (commands.length === 0) return ''
    const body = this.renderList(
      commands.map((c) => {
        if (this.config.topicSeparator !== ':') c.id = c.id.replaceAll(':', this.config.topicSeparator)
        const summary = this.summary(c)
        return [c.id, summary && this.style.text.strip(summary)]
      }),
      {indentation: 2, spacer: '\n'},
    )
    return this.section('COMMANDS', body)
  }

  formatTopic(topic) {
    let description = this.render(topic.description || '')
    const summary = description.split('\n')[0]
    description = description.split('\n').slice(1).join('\n')
    let topicID = `${topic.name}:COMMAND`
    if (this.config.topicSeparator !== ':') topicID = topicID.replaceAll(':', this.config.topicSeparator)
    const output = compact([summary, this.section('USAGE', `$ ${this.config.bin} ${topicID}`), description && this.section('DESCRIPTION', this.wrap(description))]).join('\n\n')
    return output + '\n'
  }

  formatTopics(topics) {
    if (topics.length === 0) return ''
    const body = this.renderList(
      topics.map((c) => {
        if (this.config.topicSeparator !== ':') c.name = c.name.replaceAll(':', this.config.topicSeparator)
        return [c.name, c.description && this.render(c.description.split('\n')[0])]
      }),
      {indentation: 2, spacer: '\n'},
    )
    return this.section('TOPICS', body)
  }

  summary(c) {
    if (c.summary) return this.render(c.summary.split('\n')[0])
    return c.description && this.render(c.description).split('\n')[0]
  }

  showCommandHelp(command) {
    const name = command.id
    const depth = name.split(':').length
    const subTopics = this.sortedTopics.filter((t) => t.name.startsWith(name + ':') && t.name.split(':').length === depth + 1)
    const subCommands = this.sortedCommands.filter((c) => c.id.startsWith(name + ':') && c.id.split(':').length === depth + 1)
    const plugin = this.config.plugins.get(command.pluginName)
    // A state or deprecation notice: oclif's to word.
    if (plugin?.pjson?.oclif?.state || command.state || command.deprecateAliases || command.deprecationOptions) return false
    const summary = this.summary(command)
    if (summary) this.log(summary + '\n')
    this.log(this.formatCommand(command))
    this.log('')
    if (subTopics.length > 0) {
      this.log(this.formatTopics(subTopics))
      this.log('')
    }
    if (subCommands.length > 0) {
      const aliases = []
      const unique = subCommands.filter((p) => {
        aliases.push(...p.aliases)
        return !aliases.includes(p.id)
      })
      this.log(this.formatCommands(unique))
      this.log('')
    }
    return true
  }

  showRootHelp() {
    let rootTopics = this.sortedTopics
    let rootCommands = this.sortedCommands
    this.log(new RootHelp(this.config, this.opts, this.style).root())
    this.log('')
    rootTopics = rootTopics.filter((t) => !t.name.includes(':'))
    rootCommands = rootCommands.filter((c) => !c.id.includes(':'))
    if (rootTopics.length > 0) {
      this.log(this.formatTopics(rootTopics))
      this.log('')
    }
    if (rootCommands.length > 0) {
      rootCommands = rootCommands.filter((c) => c.id)
      this.log(this.formatCommands(rootCommands))
      this.log('')
    }
    return true
  }

  showTopicHelp(topic) {
    const {name} = topic
    const depth = name.split(':').length
    const subTopics = this.sortedTopics.filter((t) => t.name.startsWith(name + ':') && t.name.split(':').length === depth + 1)
    const commands = this.sortedCommands.filter((c) => c.id.startsWith(name + ':') && c.id.split(':').length === depth + 1)
    this.log(this.formatTopic(topic))
    if (subTopics.length > 0) {
      this.log(this.formatTopics(subTopics))
      this.log('')
    }
    if (commands.length > 0) {
      this.log(this.formatCommands(commands))
      this.log('')
    }
    return true
  }

  /** Help.showHelp; false where oclif would do something else (an error, dynamic help, a notice). */
  showHelp(argv) {
    const flags = helpFlags(this.config.pjson)
    argv = argv.filter((arg) => !flags.includes(arg))
    if (this.config.topicSeparator !== ':') argv = standardizeIDFromArgv(argv, this.config)
    const subject = helpSubject(argv, flags)
    if (!subject) return this.showRootHelp()
    const command = this.config.findCommand(subject)
    if (command) return command.hasDynamicHelp ? false : this.showCommandHelp(command)
    const topic = this.config.findTopic(subject)
    if (topic) return this.showTopicHelp(topic)
    return false // "Command x not found." is oclif's to say
  }
}

function helpSubject(args, flags) {
  for (const arg of args) {
    if (arg === '--') return
    if (flags.includes(arg) || arg === 'help') continue
    if (arg.startsWith('-')) return
    return arg
  }
}

/** oclif's standardizeIDFromArgv for a space topic separator (help/util.js). */
function standardizeIDFromArgv(argv, config) {
  if (argv.length === 0) return argv
  if (config.topicSeparator !== ' ') return argv
  if (argv.length === 1) return argv
  const ids = new Set(config.commandIDs.flatMap((id) => id.split(':').map((_, i, a) => a.slice(0, i + 1).join(':'))))
  const final = []
  const finalizeId = (s) => (s ? [...final, s] : final).filter(Boolean).join(':')
  const hasArgs = () => {
    const id = finalizeId()
    if (!id) return false
    const cmd = config.findCommand(id)
    return Boolean(cmd && (cmd.strict === false || Object.keys(cmd.args ?? {}).length > 0))
  }
  for (const arg of argv) {
    if (ids.has(finalizeId(arg))) final.push(arg)
    else if (arg.includes('=') || arg.startsWith('-') || hasArgs()) break
    else final.push(arg)
  }
  const id = finalizeId()
  if (id) return [id, ...argv.slice(id.split(':').length)]
  return argv
}

/**
 * What oclif would print for argv, or undefined when oclif must answer. `root` is the package
 * directory (where package.json and oclif.manifest.json are).
 */
export function fastOutput(argv, root, env = process.env) {
  root = path.resolve(root) // as oclif's config.root: no trailing separator
  if (!environmentAllowsFastPath(env)) return undefined
  const pjson = loadRoot(root)
  if (!pjson) return undefined
  if (versionFlags(pjson).includes(argv[0])) return userAgent(pjson) + '\n'
  if (pjson.oclif.helpOptions || pjson.helpOptions) return undefined

  // A help flag, or no arguments at all: oclif shows help for argv.
  const config = loadConfig(root, pjson, env)
  if (!config) return undefined
  let helpArgv = argv
  if (!isHelpRequest(argv, pjson)) {
    // Otherwise main.run normalises argv to a command id; one that is a topic and not a command
    // (`kctl topics`) shows that topic's help. Here only when nothing follows the topic.
    const normalized = argv[0]?.includes(':') ? argv : standardizeIDFromArgv(argv, config)
    const id = normalized[0]
    if (!id || normalized.length !== 1 || config.findCommand(id) || !config.findTopic(id)) return undefined
    helpArgv = [id]
  }
  try {
    const text = new Text(root)
    const help = new Help(config, {maxWidth: terminalWidth(env)}, {colour: colourDecider(text, env), text})
    if (!help.showHelp(helpArgv)) return undefined
    return help.lines.map((line) => line + '\n').join('')
  } catch {
    return undefined
  }
}

/** Answers argv on stdout and returns true, or returns false for oclif to run. */
export function fastStart(argv, root) {
  const output = fastOutput(argv, root)
  if (output === undefined) return false
  process.stdout.write(output)
  return true
}
