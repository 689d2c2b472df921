// Where kctl keeps its files, following the XDG base directories.
import os from 'node:os'
import path from 'node:path'

export function configHome(): string {
  return path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'kctl')
}

export function dataHome(): string {
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'kctl')
}

/** The bundled broker's default data directory. */
export function defaultBrokerDataDir(): string {
  return process.env.KCTL_BROKER_DATA_DIR || path.join(dataHome(), 'broker')
}
