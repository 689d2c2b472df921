// Certificates for the TLS listener: on first use the broker creates a private CA and a server
// certificate for localhost/127.0.0.1 (plus the advertised host) in <dataDir>/tls/, and reuses
// them afterwards, so clients can pin ca.pem (`kcat -X ssl.ca.location=.../ca.pem`). Keys come
// from node:crypto (native RSA generation); node-forge only builds and signs the X.509 parts,
// which node:crypto cannot do.
import {generateKeyPairSync, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {isIP} from 'node:net'
import path from 'node:path'
import type Forge from 'node-forge'

// node-forge is some 40 CommonJS files, about a third of the broker's start-up when imported
// up front: it is required on first use, so a broker that generates no certificate never loads it.
let loadedForge: typeof Forge | undefined
function loadForge(): typeof Forge {
  loadedForge ??= createRequire(import.meta.url)('node-forge') as typeof Forge
  return loadedForge
}

export interface TlsFiles {
  caFile: string
  certFile: string
  keyFile: string
}

export interface TlsMaterial {
  ca: string
  cert: string
  key: string
}

const caValidityDays = 3650
const leafValidityDays = 825

function rsaKeyPair(): {privatePem: string; publicPem: string} {
  const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  return {
    privatePem: privateKey.export({type: 'pkcs8', format: 'pem'}).toString(),
    publicPem: publicKey.export({type: 'spki', format: 'pem'}).toString(),
  }
}

function newCertificate(publicPem: string, commonName: string, validityDays: number): Forge.pki.Certificate {
  const forge = loadForge()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem)
  // A positive 16-byte serial: the leading byte's top bit cleared keeps the DER integer positive.
  const serial = randomBytes(16)
  serial[0] &= 0x7f
  cert.serialNumber = serial.toString('hex')
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + validityDays * 86_400_000)
  cert.setSubject([{name: 'commonName', value: commonName}, {name: 'organizationName', value: 'kctl'}])
  return cert
}

function sign(cert: Forge.pki.Certificate, signerPrivatePem: string): string {
  const forge = loadForge()
  cert.sign(forge.pki.privateKeyFromPem(signerPrivatePem), forge.md.sha256.create())
  return forge.pki.certificateToPem(cert)
}

function createCa(): TlsMaterial {
  const keys = rsaKeyPair()
  // A name of its own per data dir: clients that trust several brokers' CAs (and OpenSSL, which
  // finds an issuer by name) never mix them up.
  const cert = newCertificate(keys.publicPem, `kctl bundled broker CA ${randomBytes(4).toString('hex')}`, caValidityDays)
  cert.setIssuer(cert.subject.attributes)
  cert.setExtensions([
    {name: 'basicConstraints', cA: true, critical: true},
    {name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true},
    {name: 'subjectKeyIdentifier'},
  ])
  const pem = sign(cert, keys.privatePem)
  return {ca: pem, cert: pem, key: keys.privatePem}
}

/** Issues a certificate signed by the CA: a server certificate for hosts, or a client one. */
export function issueCertificate(
  ca: TlsMaterial,
  commonName: string,
  options: {hosts?: string[]; client?: boolean} = {},
): TlsMaterial {
  const keys = rsaKeyPair()
  const caCert = loadForge().pki.certificateFromPem(ca.cert)
  const cert = newCertificate(keys.publicPem, commonName, leafValidityDays)
  cert.setIssuer(caCert.subject.attributes)
  const altNames = (options.hosts ?? []).map((host) =>
    isIP(host) ? {type: 7, ip: host} : {type: 2, value: host},
  )
  cert.setExtensions([
    {name: 'basicConstraints', cA: false},
    {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
    {name: 'extKeyUsage', serverAuth: !options.client, clientAuth: Boolean(options.client)},
    ...(altNames.length > 0 ? [{name: 'subjectAltName', altNames}] : []),
  ])
  return {ca: ca.cert, cert: sign(cert, ca.key), key: keys.privatePem}
}

export function tlsFiles(dataDir: string): TlsFiles {
  const dir = path.join(dataDir, 'tls')
  return {caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'server.pem'), keyFile: path.join(dir, 'server-key.pem')}
}

/**
 * The broker's CA and server certificate, created on first use. The CA key stays beside them
 * (0600) so `issueCertificate` can sign client certificates for ssl.client.auth.
 */
export function ensureBrokerCertificates(dataDir: string, extraHosts: string[] = []): TlsMaterial & TlsFiles {
  const files = tlsFiles(dataDir)
  const caKeyFile = path.join(path.dirname(files.caFile), 'ca-key.pem')
  if (!existsSync(files.certFile) || !existsSync(files.keyFile) || !existsSync(files.caFile)) {
    mkdirSync(path.dirname(files.caFile), {recursive: true, mode: 0o700})
    const ca = createCa()
    const hosts = [...new Set(['localhost', '127.0.0.1', ...extraHosts])]
    const server = issueCertificate(ca, hosts[0], {hosts})
    writeFileSync(caKeyFile, ca.key, {mode: 0o600})
    writeFileSync(files.caFile, ca.cert)
    writeFileSync(files.keyFile, server.key, {mode: 0o600})
    writeFileSync(files.certFile, server.cert)
  }
  return {
    ...files,
    ca: readFileSync(files.caFile, 'utf8'),
    cert: readFileSync(files.certFile, 'utf8'),
    key: readFileSync(files.keyFile, 'utf8'),
  }
}

/** The CA (certificate and key) of a broker data dir, for signing client certificates. */
export function brokerCa(dataDir: string): TlsMaterial {
  const {caFile} = tlsFiles(dataDir)
  const cert = readFileSync(caFile, 'utf8')
  return {ca: cert, cert, key: readFileSync(path.join(path.dirname(caFile), 'ca-key.pem'), 'utf8')}
}
