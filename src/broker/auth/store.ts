// The security state the broker keeps in its data dir: SCRAM credentials and ACLs, one JSON
// file each under <dataDir>/security/, written whole to a temp file and renamed so a crash
// never leaves half a file. Credential files are 0600: they hold StoredKey/ServerKey, which
// are enough to impersonate the broker to a client.
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {type AclBinding, type AclFilter, bindingMatchesFilter, sameBinding} from '../../kafka/acl/model.js'
import {type ScramCredential, type ScramMechanism, scramMechanisms} from '../../kafka/sasl/scram.js'

function readJson<T>(file: string, empty: T): T {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty
    throw error
  }
  return JSON.parse(text) as T
}

function writeJson(file: string, value: unknown, mode: number): void {
  mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
  const temp = `${file}.tmp`
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, {mode})
  renameSync(temp, file)
}

interface StoredCredential {
  salt: string
  storedKey: string
  serverKey: string
  iterations: number
}

type CredentialFile = {users: Record<string, Partial<Record<ScramMechanism, StoredCredential>>>}

export class CredentialStore {
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>()

  constructor(private readonly file: string | undefined) {
    if (!file) return
    const data = readJson<CredentialFile>(file, {users: {}})
    for (const [user, byMechanism] of Object.entries(data.users)) {
      for (const mechanism of scramMechanisms) {
        const stored = byMechanism[mechanism]
        if (!stored) continue
        this.set(user, mechanism, {
          salt: Buffer.from(stored.salt, 'base64'),
          storedKey: Buffer.from(stored.storedKey, 'base64'),
          serverKey: Buffer.from(stored.serverKey, 'base64'),
          iterations: stored.iterations,
        }, false)
      }
    }
  }

  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism)
  }

  /** Mechanism and iterations per user, users sorted by name. */
  describe(): {user: string; credentials: {mechanism: ScramMechanism; iterations: number}[]}[] {
    return [...this.users.keys()].sort().map((user) => ({user, credentials: this.describeUser(user)}))
  }

  describeUser(user: string): {mechanism: ScramMechanism; iterations: number}[] {
    return [...(this.users.get(user) ?? new Map()).entries()].map(([mechanism, credential]) => ({
      mechanism,
      iterations: credential.iterations,
    }))
  }

  set(user: string, mechanism: ScramMechanism, credential: ScramCredential, persist = true): void {
    const byMechanism = this.users.get(user) ?? new Map<ScramMechanism, ScramCredential>()
    byMechanism.set(mechanism, credential)
    this.users.set(user, byMechanism)
    if (persist) this.save()
  }

  /** False when the user had no credential for that mechanism. */
  delete(user: string, mechanism: ScramMechanism): boolean {
    const byMechanism = this.users.get(user)
    if (!byMechanism?.delete(mechanism)) return false
    if (byMechanism.size === 0) this.users.delete(user)
    this.save()
    return true
  }

  private save(): void {
    if (!this.file) return
    const data: CredentialFile = {users: {}}
    for (const [user, byMechanism] of this.users) {
      data.users[user] = {}
      for (const [mechanism, credential] of byMechanism) {
        data.users[user][mechanism] = {
          salt: credential.salt.toString('base64'),
          storedKey: credential.storedKey.toString('base64'),
          serverKey: credential.serverKey.toString('base64'),
          iterations: credential.iterations,
        }
      }
    }
    writeJson(this.file, data, 0o600)
  }
}

export class AclStore {
  private bindings: AclBinding[]

  constructor(private readonly file: string | undefined) {
    this.bindings = file ? readJson<{acls: AclBinding[]}>(file, {acls: []}).acls : []
  }

  list(): readonly AclBinding[] {
    return this.bindings
  }

  /** Adds bindings not already present (creating an existing ACL succeeds, as in Kafka). */
  add(bindings: readonly AclBinding[]): void {
    const fresh = bindings.filter((binding, i) =>
      !this.bindings.some((existing) => sameBinding(existing, binding)) &&
      bindings.findIndex((other) => sameBinding(other, binding)) === i)
    if (fresh.length === 0) return
    this.bindings = [...this.bindings, ...fresh]
    this.save()
  }

  /** Removes and returns the bindings matching the filter. */
  remove(filter: AclFilter): AclBinding[] {
    const removed = this.bindings.filter((binding) => bindingMatchesFilter(binding, filter))
    if (removed.length === 0) return removed
    this.bindings = this.bindings.filter((binding) => !bindingMatchesFilter(binding, filter))
    this.save()
    return removed
  }

  private save(): void {
    if (this.file) writeJson(this.file, {acls: this.bindings}, 0o600)
  }
}
