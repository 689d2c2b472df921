// Saved cluster connections ("contexts") in configHome()/config.yaml, in the spirit of
// kubeconfig. Secrets are never stored: a context names the environment variable or file that
// holds the SASL password, or an Apache client .properties file (--command-config) kept
// wherever the operator keeps it. Unknown top-level keys in config.yaml are preserved.
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import {ExitCode, KctlError, usageError} from '../errors.js'
import {configHome} from '../paths.js'
import {renderTable} from '../ui/output.js'
import {type ClientSettings, readCommandConfig, type SaslMechanism, saslMechanisms, type TlsSettings} from './client-properties.js'

export interface ContextSasl {
  mechanism: SaslMechanism
  username: string
  /** Name of the environment variable holding the password. */
  passwordEnv?: string
  /** File whose contents (trailing newline trimmed) are the password. */
  passwordFile?: string
}

export interface ContextTls {
  /** PEM files; all optional (system CAs are used without `ca`). */
  ca?: string
  cert?: string
  key?: string
  /** Skip the hostname check (the certificate chain is still verified). */
  skipHostnameCheck?: boolean
}

export interface ContextEntry {
  bootstrapServers: string[]
  sasl?: ContextSasl
  tls?: ContextTls
  /** An Apache client .properties file merged over the settings above. */
  commandConfig?: string
}

export interface ContextsFile {
  currentContext?: string
  contexts: Record<string, ContextEntry>
}

export function contextsFilePath(): string {
  return path.join(configHome(), 'config.yaml')
}

export function loadContexts(): ContextsFile {
  const raw = readRawConfig()
  const contexts = (raw.contexts ?? {}) as Record<string, ContextEntry>
  if (typeof contexts !== 'object' || Array.isArray(contexts)) {
    throw new KctlError(`unable to read contexts from ${contextsFilePath()}: "contexts" must be a mapping`, {
      hint: 'fix or remove the file',
    })
  }
  return {currentContext: typeof raw.currentContext === 'string' ? raw.currentContext : undefined, contexts}
}

export function saveContexts(file: ContextsFile): void {
  const raw = readRawConfig()
  raw.contexts = file.contexts
  if (file.currentContext === undefined) delete raw.currentContext
  else raw.currentContext = file.currentContext
  const target = contextsFilePath()
  mkdirSync(path.dirname(target), {recursive: true, mode: 0o700})
  writeFileSync(target, yaml.dump(raw, {noRefs: true, lineWidth: -1}), {mode: 0o600})
  // writeFileSync's mode applies only on creation; a file made by hand keeps its own otherwise.
  chmodSync(target, 0o600)
}

export function addContext(name: string, entry: ContextEntry, options: {overwrite: boolean; use: boolean}): ContextsFile {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw usageError(`invalid context name "${name}"`, 'use letters, digits, ".", "_" and "-"')
  }
  const file = loadContexts()
  if (file.contexts[name] && !options.overwrite) {
    throw new KctlError(`unable to add context ${name}: it already exists`, {
      hint: 'pass --overwrite to replace it, or pick another name',
    })
  }
  file.contexts[name] = entry
  if (options.use || file.currentContext === undefined) file.currentContext = name
  saveContexts(file)
  return file
}

export function useContext(name: string): ContextsFile {
  const file = loadContexts()
  requireContext(file, name)
  file.currentContext = name
  saveContexts(file)
  return file
}

export function deleteContext(name: string): ContextsFile {
  const file = loadContexts()
  requireContext(file, name)
  delete file.contexts[name]
  if (file.currentContext === name) file.currentContext = undefined
  saveContexts(file)
  return file
}

/** The context to use: --context, else $KCTL_CONTEXT, else the current one (if any). */
export function selectContext(explicit?: string): {name: string; entry: ContextEntry} | undefined {
  const file = loadContexts()
  const name = explicit || process.env.KCTL_CONTEXT || file.currentContext
  if (!name) return undefined
  return {name, entry: requireContext(file, name, explicit ? '--context' : process.env.KCTL_CONTEXT ? 'KCTL_CONTEXT' : 'currentContext')}
}

/** Reads the password and TLS files a context points to. */
export function contextSettings(name: string, entry: ContextEntry): ClientSettings {
  const settings: ClientSettings = {bootstrapServers: entry.bootstrapServers}
  if (entry.tls) settings.tls = contextTls(name, entry.tls)
  if (entry.sasl) {
    const {mechanism, username} = entry.sasl
    if (!saslMechanisms.includes(mechanism)) {
      throw broken(name, `SASL mechanism ${mechanism} is not supported`, `use one of ${saslMechanisms.join(', ')}`)
    }
    settings.sasl = {mechanism, username, password: contextPassword(name, entry.sasl)}
  }
  if (entry.commandConfig) {
    const extra = readCommandConfig(entry.commandConfig)
    if (extra.tls) settings.tls = extra.tls
    if (extra.sasl) settings.sasl = extra.sasl
  }
  return settings
}

function contextPassword(name: string, sasl: ContextSasl): string {
  if (sasl.passwordEnv) {
    const password = process.env[sasl.passwordEnv]
    if (password === undefined) {
      throw new KctlError(`unable to use context ${name}: environment variable ${sasl.passwordEnv} is not set`, {
        exitCode: ExitCode.auth,
        hint: `export ${sasl.passwordEnv} with the SASL password for ${sasl.username}`,
      })
    }
    return password
  }
  if (sasl.passwordFile) return readContextFile(name, sasl.passwordFile, 'password file').replace(/\r?\n$/, '')
  throw broken(name, 'SASL settings name no password source', 'add the context again with --password-env or --password-file')
}

function contextTls(name: string, tls: ContextTls): TlsSettings {
  return {
    ca: tls.ca ? readContextFile(name, tls.ca, 'CA file') : undefined,
    cert: tls.cert ? readContextFile(name, tls.cert, 'certificate file') : undefined,
    key: tls.key ? readContextFile(name, tls.key, 'key file') : undefined,
    checkHostname: !tls.skipHostnameCheck,
  }
}

function readContextFile(name: string, file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw broken(name, `${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'fix the path with `kctl context add --overwrite`')
  }
}

function requireContext(file: ContextsFile, name: string, via = 'context'): ContextEntry {
  const entry = file.contexts[name]
  if (!entry) {
    const known = Object.keys(file.contexts)
    throw new KctlError(`unable to find context ${name} (from ${via})`, {
      exitCode: ExitCode.notFound,
      hint: known.length > 0 ? `known contexts: ${known.join(', ')}` : 'add one with `kctl context add NAME -b HOST:PORT`',
    })
  }
  if (!Array.isArray(entry.bootstrapServers) || entry.bootstrapServers.length === 0) {
    throw broken(name, 'it has no bootstrapServers', 'add it again with `kctl context add --overwrite`')
  }
  return entry
}

function readRawConfig(): Record<string, unknown> {
  const file = contextsFilePath()
  if (!existsSync(file)) return {}
  let parsed: unknown
  try {
    parsed = yaml.load(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new KctlError(`unable to read ${file}: ${(error as Error).message.split('\n')[0]}`, {hint: 'fix the YAML or remove the file'})
  }
  if (parsed === undefined || parsed === null) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new KctlError(`unable to read ${file}: the top level must be a mapping`, {hint: 'fix the YAML or remove the file'})
  }
  return parsed as Record<string, unknown>
}

function broken(name: string, cause: string, hint: string): KctlError {
  return new KctlError(`unable to use context ${name}: ${cause}`, {hint})
}

export interface ContextRow {
  name: string
  current: boolean
  bootstrapServers: string[]
  saslMechanism: string | null
  username: string | null
  /** Where the password is read from ("env:VAR", "file:PATH"); never the password. */
  passwordFrom: string | null
  tls: boolean
  commandConfig: string | null
}

/** Sorted by name; secrets are never part of the view. */
export function contextListView(file: ContextsFile): ContextRow[] {
  const current = process.env.KCTL_CONTEXT || file.currentContext
  return Object.entries(file.contexts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, entry]) => ({
      name,
      current: name === current,
      bootstrapServers: entry.bootstrapServers ?? [],
      saslMechanism: entry.sasl?.mechanism ?? null,
      username: entry.sasl?.username ?? null,
      passwordFrom: entry.sasl?.passwordEnv ? `env:${entry.sasl.passwordEnv}` : entry.sasl?.passwordFile ? `file:${entry.sasl.passwordFile}` : null,
      tls: entry.tls !== undefined,
      commandConfig: entry.commandConfig ?? null,
    }))
}

export function renderContextList(rows: ContextRow[]): string {
  return renderTable(
    ['CURRENT', 'NAME', 'BOOTSTRAP', 'SASL', 'USER', 'PASSWORD-FROM', 'TLS', 'COMMAND-CONFIG'],
    rows.map((row) => [row.current ? '*' : '', row.name, row.bootstrapServers.join(','), row.saslMechanism, row.username, row.passwordFrom, row.tls ? 'yes' : 'no', row.commandConfig]),
  )
}
