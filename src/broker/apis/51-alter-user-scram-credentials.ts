// AlterUserScramCredentials (key 51), version 0 (KIP-554).
//
// Behavior:
// - Needs ALTER on the cluster: every user's result is CLUSTER_AUTHORIZATION_FAILED otherwise.
// - Upsertions carry salt, iterations and the salted password (never the password); the
//   broker keeps salt, StoredKey, ServerKey and iterations (auth/store.ts, 0600 file).
// - Checks, per user, as Kafka's controller: empty name or salt, iterations outside
//   4096..16384 → UNACCEPTABLE_CREDENTIAL; unknown mechanism → UNSUPPORTED_SASL_MECHANISM;
//   the same user and mechanism twice → DUPLICATE_RESOURCE; deleting a credential that does
//   not exist → RESOURCE_NOT_FOUND. A user with any failed change has none applied.
// - One result per user, in the order users first appear.
import {
  credentialFromSaltedPassword,
  maxIterations,
  minIterations,
  type ScramCredential,
  type ScramMechanism,
  scramMechanismFromCode,
} from '../../kafka/sasl/scram.js'
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

interface Change {
  user: string
  mechanismCode: number
  upsert?: {iterations: number; salt: Buffer; saltedPassword: Buffer}
}

type Failure = {errorCode: number; errorMessage: string}

export default defineApi(51, {
  handle: (request, ctx) => {
    const changes: Change[] = [
      ...request.deletions.map((d) => ({user: d.name, mechanismCode: d.mechanism})),
      ...request.upsertions.map((u) => ({
        user: u.name,
        mechanismCode: u.mechanism,
        upsert: {iterations: u.iterations, salt: Buffer.from(u.salt), saltedPassword: Buffer.from(u.saltedPassword)},
      })),
    ]
    const users = [...new Set(changes.map((change) => change.user))]
    if (!ctx.state.allowed(ctx.connection, 'ALTER', 'CLUSTER', 'kafka-cluster')) {
      return {
        throttleTimeMs: 0,
        results: users.map((user) => ({user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.'})),
      }
    }
    const store = ctx.state.security.credentials
    const results = users.map((user) => {
      const mine = changes.filter((change) => change.user === user)
      const planned: {mechanism: ScramMechanism; credential?: ScramCredential}[] = []
      let failure: Failure | undefined
      for (const change of mine) {
        failure = check(change, mine, store.get.bind(store))
        if (failure) break
        const mechanism = scramMechanismFromCode(change.mechanismCode)!
        planned.push({
          mechanism,
          credential: change.upsert &&
            credentialFromSaltedPassword(mechanism, change.upsert.saltedPassword, change.upsert.salt, change.upsert.iterations),
        })
      }
      if (failure) return {user, ...failure}
      for (const {mechanism, credential} of planned) {
        if (credential) store.set(user, mechanism, credential)
        else store.delete(user, mechanism)
      }
      return {user, errorCode: ErrorCode.NONE, errorMessage: null}
    })
    return {throttleTimeMs: 0, results}
  },
})

function check(
  change: Change,
  sameUser: Change[],
  lookup: (user: string, mechanism: ScramMechanism) => ScramCredential | undefined,
): Failure | undefined {
  if (change.user === '') return {errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Username must not be empty'}
  const mechanism = scramMechanismFromCode(change.mechanismCode)
  if (!mechanism) return {errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: `Unknown SCRAM mechanism ${change.mechanismCode}`}
  if (sameUser.filter((other) => other.mechanismCode === change.mechanismCode).length > 1) {
    return {errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request'}
  }
  if (!change.upsert) {
    if (!lookup(change.user, mechanism)) {
      return {errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist'}
    }
    return undefined
  }
  const {iterations, salt, saltedPassword} = change.upsert
  if (iterations < minIterations) return {errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: `Too few iterations: at least ${minIterations}`}
  if (iterations > maxIterations) return {errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: `Too many iterations: at most ${maxIterations}`}
  if (salt.length === 0 || saltedPassword.length === 0) {
    return {errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Salt and salted password must not be empty'}
  }
  return undefined
}
