// SASL/PLAIN (RFC 4616): one message "authzid NUL authcid NUL passwd". As Kafka's
// PlainSaslServer: an authzid other than empty or the authcid is refused, and an empty user
// or password is refused before any lookup.

export interface PlainCredentials {
  user: string
  password: string
}

export class PlainError extends Error {
  constructor(message: string) {
    super(`PLAIN authentication failed: ${message}`)
    this.name = 'PlainError'
  }
}

export function parsePlainMessage(message: Buffer): PlainCredentials {
  const parts = message.toString('utf8').split('\0')
  if (parts.length !== 3) throw new PlainError('invalid message: expected authzid, user and password separated by NUL')
  const [authzid, user, password] = parts
  if (user === '') throw new PlainError('user name must not be empty')
  if (password === '') throw new PlainError('password must not be empty')
  if (authzid !== '' && authzid !== user) throw new PlainError('authorization id must be empty or equal the user name')
  return {user, password}
}

export function plainMessage(user: string, password: string): Buffer {
  return Buffer.from(`\0${user}\0${password}`, 'utf8')
}
