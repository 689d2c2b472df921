// Apache Kafka client .properties, the file kafka-topics.sh and friends take as
// --command-config: security.protocol, sasl.mechanism, sasl.jaas.config and ssl.*. kctl reads
// the subset a kafkajs client can honour and says so when a file asks for more (GSSAPI,
// JKS/PKCS12 stores), rather than connecting without the security the file asked for.
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {KctlError} from '../errors.js'
import {parseProperties, propertiesToMap} from './properties.js'

export const saslMechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const
export type SaslMechanism = (typeof saslMechanisms)[number]

export interface SaslSettings {
  mechanism: SaslMechanism
  username: string
  password: string
}

/** TLS material as PEM text (already read from files), ready for node:tls. */
export interface TlsSettings {
  ca?: string
  cert?: string
  key?: string
  passphrase?: string
  /** false when ssl.endpoint.identification.algorithm is empty (Kafka's way to skip it). */
  checkHostname: boolean
}

/** Connection settings from any source: a command-config file or a context. */
export interface ClientSettings {
  bootstrapServers?: string[]
  tls?: TlsSettings
  sasl?: SaslSettings
}

const securityProtocols = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
const loginModules: Record<string, SaslMechanism[]> = {
  'org.apache.kafka.common.security.plain.PlainLoginModule': ['PLAIN'],
  'org.apache.kafka.common.security.scram.ScramLoginModule': ['SCRAM-SHA-256', 'SCRAM-SHA-512'],
}

export function readCommandConfig(file: string): ClientSettings {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new KctlError(`unable to read command config ${file}: ${(error as Error).message}`, {
      hint: 'pass an Apache client .properties file to --command-config',
    })
  }
  return parseCommandConfig(text, file)
}

/** `file` names the source in errors and anchors relative ssl.*.location paths. */
export function parseCommandConfig(text: string, file: string): ClientSettings {
  let properties: Map<string, string>
  try {
    properties = propertiesToMap(parseProperties(text))
  } catch (error) {
    throw invalid(file, (error as Error).message, 'fix the .properties syntax')
  }
  const settings: ClientSettings = {}
  const bootstrap = properties.get('bootstrap.servers')
  if (bootstrap) settings.bootstrapServers = splitServers(bootstrap)

  const protocol = (properties.get('security.protocol') ?? 'PLAINTEXT').toUpperCase()
  if (!(securityProtocols as readonly string[]).includes(protocol)) {
    throw invalid(file, `security.protocol "${protocol}" is not one of ${securityProtocols.join(', ')}`)
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') settings.tls = tlsFromProperties(properties, file)
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') settings.sasl = saslFromProperties(properties, file)
  return settings
}

export function splitServers(text: string): string[] {
  return text
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '')
}

/** Whether every entry is host:port (an IPv6 host in brackets) and there is at least one. */
export function validServers(servers: string[]): boolean {
  return servers.length > 0 && servers.every((server) => /^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(server))
}

function saslFromProperties(properties: Map<string, string>, file: string): SaslSettings {
  // Kafka's default mechanism is GSSAPI (Kerberos), which kafkajs does not implement.
  const mechanism = (properties.get('sasl.mechanism') ?? 'GSSAPI').toUpperCase()
  if (!(saslMechanisms as readonly string[]).includes(mechanism)) {
    throw invalid(file, `sasl.mechanism ${mechanism} is not supported`, `use one of ${saslMechanisms.join(', ')}`)
  }
  const jaas = properties.get('sasl.jaas.config')
  if (!jaas) {
    throw invalid(file, 'sasl.jaas.config is missing', 'add sasl.jaas.config=<LoginModule> required username="..." password="...";')
  }
  const {module, options} = parseJaasConfig(jaas, file)
  const accepted = loginModules[module]
  if (!accepted) {
    throw invalid(file, `login module ${module} is not supported`, `use PlainLoginModule or ScramLoginModule`)
  }
  if (!accepted.includes(mechanism as SaslMechanism)) {
    throw invalid(file, `${module.split('.').pop()} does not implement sasl.mechanism ${mechanism}`)
  }
  if (options.username === undefined || options.password === undefined) {
    throw invalid(file, 'sasl.jaas.config needs username and password options')
  }
  return {mechanism: mechanism as SaslMechanism, username: options.username, password: options.password}
}

/**
 * Parses one JAAS login module entry: `<class> <flag> key=value ... ;` where values are bare
 * tokens or double-quoted strings with backslash escapes (the grammar of
 * javax.security.auth.login.ConfigFile, which Kafka's JaasConfig follows).
 */
export function parseJaasConfig(text: string, file = 'sasl.jaas.config'): {module: string; options: Record<string, string>} {
  const token = /\s*(?:"((?:[^"\\]|\\.)*)"|([^\s=;"]+)|(=)|(;))/y
  const tokens: {text: string; quoted: boolean; symbol?: string}[] = []
  let position = 0
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break
    token.lastIndex = position
    const match = token.exec(text)
    if (!match) throw invalid(file, `sasl.jaas.config cannot be parsed near "${text.slice(position, position + 20)}"`)
    position = token.lastIndex
    if (match[1] !== undefined) tokens.push({text: match[1].replace(/\\(.)/g, '$1'), quoted: true})
    else if (match[2] !== undefined) tokens.push({text: match[2], quoted: false})
    else tokens.push({text: match[3] ?? match[4], quoted: false, symbol: match[3] ?? match[4]})
  }
  const [moduleToken, flagToken, ...rest] = tokens
  if (!moduleToken || moduleToken.symbol || !flagToken || !/^(required|requisite|sufficient|optional)$/i.test(flagToken.text)) {
    throw invalid(file, 'sasl.jaas.config must start with "<LoginModule class> required"')
  }
  const options: Record<string, string> = {}
  let index = 0
  while (index < rest.length && rest[index].symbol !== ';') {
    const [key, equals, value] = rest.slice(index, index + 3)
    if (!key || key.symbol || equals?.symbol !== '=' || !value || value.symbol) {
      throw invalid(file, 'sasl.jaas.config options must be key=value or key="value"')
    }
    options[key.text] = value.text
    index += 3
  }
  if (rest[index]?.symbol !== ';') throw invalid(file, 'sasl.jaas.config must end with ";"')
  return {module: moduleToken.text, options}
}

function tlsFromProperties(properties: Map<string, string>, file: string): TlsSettings {
  const dir = path.dirname(file)
  const tls: TlsSettings = {checkHostname: properties.get('ssl.endpoint.identification.algorithm') !== ''}

  const truststoreType = (properties.get('ssl.truststore.type') ?? 'JKS').toUpperCase()
  const inlineCa = properties.get('ssl.truststore.certificates')
  const truststore = properties.get('ssl.truststore.location')
  if (inlineCa) tls.ca = inlineCa
  else if (truststore) {
    requirePem(truststoreType, 'ssl.truststore', file)
    tls.ca = readPem(path.resolve(dir, truststore), 'ssl.truststore.location', file)
  }

  const keystoreType = (properties.get('ssl.keystore.type') ?? 'JKS').toUpperCase()
  const inlineKey = properties.get('ssl.keystore.key')
  const inlineChain = properties.get('ssl.keystore.certificate.chain')
  const keystore = properties.get('ssl.keystore.location')
  if (inlineKey || inlineChain) {
    if (!inlineKey || !inlineChain) {
      throw invalid(file, 'ssl.keystore.key and ssl.keystore.certificate.chain must be given together')
    }
    tls.key = inlineKey
    tls.cert = inlineChain
  } else if (keystore) {
    requirePem(keystoreType, 'ssl.keystore', file)
    // A PEM keystore file holds the private key and the certificate chain together.
    const pem = readPem(path.resolve(dir, keystore), 'ssl.keystore.location', file)
    const key = pem.match(/-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/)
    const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
    if (!key || !certs) throw invalid(file, `${keystore} must contain a private key and a certificate in PEM form`)
    tls.key = key[0]
    tls.cert = certs.join('\n')
  }
  const keyPassword = properties.get('ssl.key.password')
  if (keyPassword) tls.passphrase = keyPassword
  return tls
}

function requirePem(type: string, prefix: string, file: string): void {
  if (type !== 'PEM') {
    throw invalid(file, `${prefix}.type ${type} is not supported`, `convert the store to PEM and set ${prefix}.type=PEM (e.g. keytool -exportcert -rfc, openssl pkcs12 -nodes)`)
  }
}

function readPem(location: string, key: string, file: string): string {
  try {
    return readFileSync(location, 'utf8')
  } catch (error) {
    throw invalid(file, `${key} ${location} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

function invalid(file: string, cause: string, hint?: string): KctlError {
  return new KctlError(`unable to use command config ${file}: ${cause}`, {hint: hint ?? 'see the Apache Kafka client security settings'})
}
