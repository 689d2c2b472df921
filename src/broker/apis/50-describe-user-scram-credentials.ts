// DescribeUserScramCredentials (key 50), version 0 (KIP-554).
//
// Behavior:
// - Needs DESCRIBE on the cluster (top-level CLUSTER_AUTHORIZATION_FAILED otherwise).
// - A null or empty user list describes every user with a credential, sorted by name; a named
//   user without one gets RESOURCE_NOT_FOUND, a user named twice DUPLICATE_RESOURCE.
// - Only mechanism and iteration count are returned, never salts or keys.
import {scramMechanismCodes} from '../../kafka/sasl/scram.js'
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

export default defineApi(50, {
  handle: (request, ctx) => {
    if (!ctx.state.allowed(ctx.connection, 'DESCRIBE', 'CLUSTER', 'kafka-cluster')) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', results: []}
    }
    const store = ctx.state.security.credentials
    const infos = (credentials: {mechanism: keyof typeof scramMechanismCodes; iterations: number}[]) =>
      credentials.map(({mechanism, iterations}) => ({mechanism: scramMechanismCodes[mechanism], iterations}))
    const names = (request.users ?? []).map((user) => user.name)
    if (names.length === 0) {
      const results = store.describe().map(({user, credentials}) => ({
        user,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        credentialInfos: infos(credentials),
      }))
      return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results}
    }
    const results = [...new Set(names)].map((user) => {
      if (names.indexOf(user) !== names.lastIndexOf(user)) {
        return {user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request', credentialInfos: []}
      }
      const credentials = store.describeUser(user)
      if (credentials.length === 0) {
        return {user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist', credentialInfos: []}
      }
      return {user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos(credentials)}
    })
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results}
  },
})
