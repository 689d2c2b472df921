// SCRAM users: `kctl users list|create|delete` through DescribeUserScramCredentials and
// AlterUserScramCredentials (KIP-554, Kafka 2.7+), on kctl's client. DescribeUserScramCredentials
// goes to any broker; AlterUserScramCredentials changes the cluster, so it goes to the
// controller-or-any broker (KRaft brokers forward it) and again after NOT_CONTROLLER.
//
// The password never leaves this process: create sends a random salt, the iteration count and
// the salted password (Hi(password, salt, i)), as Kafka's own Admin client does.
import {randomBytes} from 'node:crypto'
import {
  minIterations,
  maxIterations,
  type ScramMechanism,
  scramMechanismCodes,
  scramMechanismFromCode,
  saltedPassword,
} from '../kafka/sasl/scram.js'
import {KafkaClientError} from '../kafka/client/index.js'
import {ErrorCode, type RequestInput} from '../kafka/protocol/index.js'
import {ExitCode, KctlError, usageError} from '../errors.js'
import {type ConnectionOptions, withClient} from './connection.js'

export interface UserCredentialRow {
  user: string
  mechanism: ScramMechanism | string
  iterations: number
}

/** Every user's SCRAM credentials (or only the named users'), one row per mechanism. */
export async function listUsers(options: ConnectionOptions, users: string[] = [], action = 'list users'): Promise<UserCredentialRow[]> {
  return withClient({...options, action}, async (client) => {
    const connection = await client.anyBroker()
    const response = await connection.send(50, {users: users.length === 0 ? null : users.map((name) => ({name}))})
    if (response.errorCode !== 0) throw KafkaClientError.fromCode(response.errorCode, response.errorMessage, connection.address)
    const rows: UserCredentialRow[] = []
    for (const result of response.results) {
      if (result.errorCode === ErrorCode.RESOURCE_NOT_FOUND) {
        throw new KctlError(`unable to ${action}: user ${result.user} has no SCRAM credentials`, {
          exitCode: ExitCode.notFound,
          hint: 'see every user with `kctl users list`',
        })
      }
      if (result.errorCode !== 0) throw KafkaClientError.fromCode(result.errorCode, result.errorMessage, connection.address)
      for (const info of result.credentialInfos) {
        rows.push({user: result.user, mechanism: scramMechanismFromCode(info.mechanism) ?? `UNKNOWN(${info.mechanism})`, iterations: info.iterations})
      }
    }
    return rows
  })
}

export interface CreateUserRequest {
  user: string
  password: string
  mechanisms: ScramMechanism[]
  iterations: number
}

/** The checks that need no password, so a command can make them before asking for one. */
export function checkNewUser(user: string, iterations: number): void {
  if (user.trim() === '') throw usageError('unable to create user: the user name must not be empty', 'for example kctl users create alice')
  if (!Number.isInteger(iterations) || iterations < minIterations || iterations > maxIterations) {
    throw usageError(
      `unable to create user ${user}: --iterations ${iterations} is outside ${minIterations}..${maxIterations}`,
      `Kafka accepts SCRAM iteration counts from ${minIterations} to ${maxIterations}`,
    )
  }
}

/** Creates the user's credentials, or replaces them (a new password) when they exist. */
export async function createUser(options: ConnectionOptions, request: CreateUserRequest): Promise<UserCredentialRow[]> {
  checkNewUser(request.user, request.iterations)
  if (request.password === '') throw usageError(`unable to create user ${request.user}: the password must not be empty`)
  const upsertions = request.mechanisms.map((mechanism) => {
    const salt = randomBytes(32)
    return {
      name: request.user,
      mechanism: scramMechanismCodes[mechanism],
      iterations: request.iterations,
      salt,
      saltedPassword: saltedPassword(mechanism, request.password, salt, request.iterations),
    }
  })
  await alter(options, `create user ${request.user}`, {deletions: [], upsertions})
  return request.mechanisms.map((mechanism) => ({user: request.user, mechanism, iterations: request.iterations}))
}

/** Deletes the user's credentials for the given mechanisms (all the user has when none are given). */
export async function deleteUser(options: ConnectionOptions, user: string, mechanisms: ScramMechanism[] = []): Promise<UserCredentialRow[]> {
  const existing = await listUsers(options, [user], `delete user ${user}`)
  const doomed = mechanisms.length === 0 ? existing : existing.filter((row) => mechanisms.includes(row.mechanism as ScramMechanism))
  const missing = mechanisms.filter((mechanism) => !existing.some((row) => row.mechanism === mechanism))
  if (missing.length > 0) {
    throw new KctlError(`unable to delete user ${user}: no ${missing.join(', ')} credential`, {
      exitCode: ExitCode.notFound,
      hint: `user ${user} has ${existing.map((row) => row.mechanism).join(', ')}`,
    })
  }
  const deletions = doomed.map((row) => ({name: user, mechanism: scramMechanismCodes[row.mechanism as ScramMechanism]}))
  await alter(options, `delete user ${user}`, {deletions, upsertions: []})
  return doomed
}

async function alter(options: ConnectionOptions, action: string, body: RequestInput<51>): Promise<void> {
  await withClient({...options, action}, (client) =>
    client.retry(async () => {
      const connection = await client.controller()
      const response = await connection.send(51, body)
      const failed = response.results.find((result) => result.errorCode !== 0)
      if (failed) throw KafkaClientError.fromCode(failed.errorCode, failed.errorMessage, connection.address)
    }),
  )
}
