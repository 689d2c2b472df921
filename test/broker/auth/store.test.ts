// Credentials and ACLs survive a reopen of the data dir; the credential file is private.
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import type {AclBinding} from '../../../src/kafka/acl/model.js'
import {newCredential, passwordMatches} from '../../../src/kafka/sasl/scram.js'
import {AclStore, CredentialStore} from '../../../src/broker/auth/store.js'

const dirs: string[] = []
function tempFile(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-auth-store-'))
  dirs.push(dir)
  return path.join(dir, 'security', name)
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

const binding: AclBinding = {
  resourceType: 'TOPIC',
  resourceName: 'orders',
  patternType: 'LITERAL',
  principal: 'User:alice',
  host: '*',
  operation: 'READ',
  permissionType: 'ALLOW',
}

describe('CredentialStore', () => {
  it('persists salted credentials, never the password, in a 0600 file', () => {
    const file = tempFile('scram.json')
    const store = new CredentialStore(file)
    store.set('alice', 'SCRAM-SHA-512', newCredential('SCRAM-SHA-512', 'hunter2', 8192))
    store.set('bob', 'SCRAM-SHA-256', newCredential('SCRAM-SHA-256', 'pw'))
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const reopened = new CredentialStore(file)
    expect(reopened.describe()).toEqual([
      {user: 'alice', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 8192}]},
      {user: 'bob', credentials: [{mechanism: 'SCRAM-SHA-256', iterations: 4096}]},
    ])
    expect(passwordMatches('SCRAM-SHA-512', reopened.get('alice', 'SCRAM-SHA-512')!, 'hunter2')).toBe(true)
  })

  it('deletes one mechanism, then the user with its last one', () => {
    const file = tempFile('scram.json')
    const store = new CredentialStore(file)
    store.set('alice', 'SCRAM-SHA-256', newCredential('SCRAM-SHA-256', 'a'))
    store.set('alice', 'SCRAM-SHA-512', newCredential('SCRAM-SHA-512', 'a'))
    expect(store.delete('alice', 'SCRAM-SHA-256')).toBe(true)
    expect(store.delete('alice', 'SCRAM-SHA-256')).toBe(false)
    expect(new CredentialStore(file).describeUser('alice')).toEqual([{mechanism: 'SCRAM-SHA-512', iterations: 4096}])
    expect(store.delete('alice', 'SCRAM-SHA-512')).toBe(true)
    expect(new CredentialStore(file).describe()).toEqual([])
  })
})

describe('AclStore', () => {
  it('adds without duplicates, removes by filter and persists both', () => {
    const file = tempFile('acls.json')
    const store = new AclStore(file)
    const write = {...binding, operation: 'WRITE' as const}
    store.add([binding, binding, write])
    store.add([binding])
    expect(new AclStore(file).list()).toEqual([binding, write])
    const removed = store.remove({
      resourceType: 'TOPIC',
      resourceName: 'orders',
      patternType: 'LITERAL',
      principal: null,
      host: null,
      operation: 'WRITE',
      permissionType: 'ANY',
    })
    expect(removed).toEqual([write])
    expect(new AclStore(file).list()).toEqual([binding])
  })
})
