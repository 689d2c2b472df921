// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka uses them (KIP-84): no
// channel binding ("n,," GS2 header), credentials kept as salt + StoredKey + ServerKey +
// iterations, never the password. Both sides live here: the broker runs ScramServer; the
// client side (clientFirst/clientFinal) serves `kctl users create` (it sends a salted
// password, KIP-554), the tests and bench/auth.js.
import {createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual} from 'node:crypto'

export const scramMechanisms = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const
export type ScramMechanism = (typeof scramMechanisms)[number]

/** Kafka's ScramMechanism: minimum iterations 4096 for both; AlterUserScramCredentials caps at 16384. */
export const minIterations = 4096
export const maxIterations = 16384

/** Mechanism numbers of DescribeUserScramCredentials / AlterUserScramCredentials (KIP-554). */
export const scramMechanismCodes: Record<ScramMechanism, number> = {'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2}

export function scramMechanismFromCode(code: number): ScramMechanism | undefined {
  return scramMechanisms.find((name) => scramMechanismCodes[name] === code)
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return (scramMechanisms as readonly string[]).includes(name)
}

export interface ScramCredential {
  salt: Buffer
  storedKey: Buffer
  serverKey: Buffer
  iterations: number
}

function digestName(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
}

function hmac(mechanism: ScramMechanism, key: Buffer, text: string | Buffer): Buffer {
  return createHmac(digestName(mechanism), key).update(text).digest()
}

function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(digestName(mechanism)).update(data).digest()
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i]
  return out
}

/** Hi(password, salt, i) of RFC 5802 = PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const digest = digestName(mechanism)
  return pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, digest === 'sha256' ? 32 : 64, digest)
}

/** The stored form of a salted password, as the broker keeps it (what KIP-554 upserts carry). */
export function credentialFromSaltedPassword(
  mechanism: ScramMechanism,
  salted: Buffer,
  salt: Buffer,
  iterations: number,
): ScramCredential {
  const clientKey = hmac(mechanism, salted, 'Client Key')
  return {salt, storedKey: hash(mechanism, clientKey), serverKey: hmac(mechanism, salted, 'Server Key'), iterations}
}

export function newCredential(mechanism: ScramMechanism, password: string, iterations = minIterations): ScramCredential {
  const salt = randomBytes(32)
  return credentialFromSaltedPassword(mechanism, saltedPassword(mechanism, password, salt, iterations), salt, iterations)
}

/** True when password derives this credential's StoredKey (PLAIN checks passwords this way). */
export function passwordMatches(mechanism: ScramMechanism, credential: ScramCredential, password: string): boolean {
  const derived = credentialFromSaltedPassword(
    mechanism,
    saltedPassword(mechanism, password, credential.salt, credential.iterations),
    credential.salt,
    credential.iterations,
  )
  return timingSafeEqual(derived.storedKey, credential.storedKey)
}

/** RFC 5802 saslname: ',' and '=' are escaped as =2C and =3D. */
function decodeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new ScramError('invalid-username-encoding')
  return name.replaceAll('=2C', ',').replaceAll('=3D', '=')
}

function encodeSaslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C')
}

/** Splits "k=v,k=v" into an ordered list; values may contain '='. */
function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq !== 1) throw new ScramError('invalid-encoding')
    map.set(part[0], part.slice(2))
  }
  return map
}

/** A SCRAM failure; `reason` is the RFC 5802 server-error value where one applies. */
export class ScramError extends Error {
  constructor(readonly reason: string) {
    super(`SCRAM authentication failed: ${reason}`)
    this.name = 'ScramError'
  }
}

/** Looks a user's credential up; undefined for an unknown user. */
export type CredentialLookup = (user: string, mechanism: ScramMechanism) => ScramCredential | undefined

/**
 * The server side of one SCRAM exchange: two client messages, two replies. An unknown user
 * fails only at the proof, as Kafka does, so user names cannot be probed by the first message.
 */
export class ScramServer {
  private state: 'first' | 'final' | 'done' = 'first'
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''
  private gs2Header = ''
  private credential: ScramCredential | undefined
  private user = ''

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: CredentialLookup,
    private readonly serverNonce = randomBytes(18).toString('base64'),
  ) {}

  /** The authenticated user once `respond` has accepted the final message. */
  get authenticatedUser(): string | undefined {
    return this.state === 'done' ? this.user : undefined
  }

  /** Takes one client message and returns the reply; throws ScramError when authentication fails. */
  respond(message: Buffer): Buffer {
    const text = message.toString('utf8')
    if (this.state === 'first') return Buffer.from(this.first(text), 'utf8')
    if (this.state === 'final') return Buffer.from(this.final(text), 'utf8')
    throw new ScramError('exchange-already-complete')
  }

  private first(text: string): string {
    // gs2-header = gs2-cbind-flag "," [authzid] ","; Kafka supports no channel binding.
    const match = /^(n|y),(a=[^,]*)?,(.*)$/s.exec(text)
    if (!match) throw new ScramError(text.startsWith('p=') ? 'channel-bindings-not-supported' : 'invalid-encoding')
    this.gs2Header = text.slice(0, text.length - match[3].length)
    this.clientFirstBare = match[3]
    // Extensions after r= (KIP-255 tokenauth) are allowed and ignored: no delegation tokens here.
    const attrs = attributes(this.clientFirstBare)
    const name = attrs.get('n')
    const clientNonce = attrs.get('r')
    if (attrs.has('m')) throw new ScramError('extensions-not-supported')
    if (name === undefined || clientNonce === undefined || clientNonce === '') throw new ScramError('invalid-encoding')
    this.user = decodeSaslName(name)
    const authzid = match[2]?.slice(2)
    if (authzid !== undefined && authzid !== '' && decodeSaslName(authzid) !== this.user) {
      throw new ScramError('invalid-authorization-id')
    }
    this.credential = this.lookup(this.user, this.mechanism)
    // An unknown user gets a made-up salt so the reply looks like any other (RFC 5802 §9).
    const salt = this.credential?.salt ?? hash(this.mechanism, Buffer.from(`kctl-unknown-user:${this.user}`)).subarray(0, 32)
    const iterations = this.credential?.iterations ?? minIterations
    this.nonce = clientNonce + this.serverNonce
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`
    this.state = 'final'
    return this.serverFirst
  }

  private final(text: string): string {
    const proofAt = text.lastIndexOf(',p=')
    if (proofAt < 0) throw new ScramError('invalid-encoding')
    const withoutProof = text.slice(0, proofAt)
    const attrs = attributes(text)
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      throw new ScramError('channel-bindings-dont-match')
    }
    // Kafka 4.0's ScramSaslServer accepts a final nonce that merely ends with the combined one:
    // librdkafka (2.0.x, kcat) sends its own nonce again in front of it. The proof still covers
    // the message as sent, so nothing is weakened.
    if (!(attrs.get('r') ?? '').endsWith(this.nonce)) throw new ScramError('invalid-nonce')
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64')
    const credential = this.credential
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`
    if (!credential) throw new ScramError('unknown-user')
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage)
    if (proof.length !== clientSignature.length) throw new ScramError('invalid-proof')
    const clientKey = xor(proof, clientSignature)
    if (!timingSafeEqual(hash(this.mechanism, clientKey), credential.storedKey)) throw new ScramError('invalid-proof')
    this.state = 'done'
    return `v=${hmac(this.mechanism, credential.serverKey, authMessage).toString('base64')}`
  }
}

/**
 * The client side of one SCRAM exchange. RFC 5802 §5.1 lets a client cache the salted password
 * per salt and iteration count; pass the same `saltedPasswordCache` to exchanges of one user
 * and PBKDF2 runs once (bench/auth.js does, to measure the broker rather than key stretching).
 */
export class ScramClient {
  private readonly clientFirstBare: string
  private serverSignature: Buffer | undefined

  constructor(
    readonly mechanism: ScramMechanism,
    user: string,
    private readonly password: string,
    private readonly clientNonce = randomBytes(18).toString('base64'),
    private readonly saltedPasswordCache?: Map<string, Buffer>,
  ) {
    this.clientFirstBare = `n=${encodeSaslName(user)},r=${this.clientNonce}`
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8')
  }

  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8')
    const attrs = attributes(text)
    const nonce = attrs.get('r') ?? ''
    if (!nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) {
      throw new ScramError('invalid-nonce')
    }
    const iterations = Number(attrs.get('i'))
    if (!Number.isInteger(iterations) || iterations < minIterations) throw new ScramError('too-few-iterations')
    const cacheKey = `${this.mechanism}:${attrs.get('s')}:${iterations}`
    const salted =
      this.saltedPasswordCache?.get(cacheKey) ??
      saltedPassword(this.mechanism, this.password, Buffer.from(attrs.get('s') ?? '', 'base64'), iterations)
    this.saltedPasswordCache?.set(cacheKey, salted)
    const withoutProof = `c=biws,r=${nonce}`
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`
    const clientKey = hmac(this.mechanism, salted, 'Client Key')
    const clientSignature = hmac(this.mechanism, hash(this.mechanism, clientKey), authMessage)
    this.serverSignature = hmac(this.mechanism, hmac(this.mechanism, salted, 'Server Key'), authMessage)
    return Buffer.from(`${withoutProof},p=${xor(clientKey, clientSignature).toString('base64')}`, 'utf8')
  }

  /** Checks the server's signature: a broker that does not know the password cannot forge it. */
  verify(serverFinal: Buffer): void {
    const attrs = attributes(serverFinal.toString('utf8'))
    const error = attrs.get('e')
    if (error !== undefined) throw new ScramError(error)
    const signature = Buffer.from(attrs.get('v') ?? '', 'base64')
    if (!this.serverSignature || signature.length !== this.serverSignature.length || !timingSafeEqual(signature, this.serverSignature)) {
      throw new ScramError('invalid-server-signature')
    }
  }
}
