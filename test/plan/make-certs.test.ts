// make-certs.sh as `kctl init --security sasl_ssl` writes it, executed for real. Issue #17: with
// IP hosts the certificates named the IPs as DNS: entries, Java refused them and the quorum of
// `--hosts 127.0.0.1,127.0.0.2,127.0.0.3` never formed. Each host form gets exactly its own
// subjectAltName entries, chains to the CA, and Node, Java and librdkafka (when installed) accept
// it for that node in a real TLS handshake and refuse it for another node.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {X509Certificate} from 'node:crypto'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {type AddressInfo, isIP} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {propertiesToMap, parseProperties} from '../../src/config/properties.js'
import type {ClusterOptions} from '../../src/plan/cluster.js'
import {generateInitFiles, type TemplateName, templateFiles} from '../../src/plan/generate.js'
import {parseHosts, resolvePlanInput} from '../../src/plan/input.js'
import {planCapacity} from '../../src/plan/model.js'

const templates = Object.fromEntries(templateFiles.map((name) => [name, readFileSync(new URL(`../../templates/${name}`, import.meta.url), 'utf8')])) as Record<TemplateName, string>
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
const storePassword = 'store-secret'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kctl-certs-'))
})
afterAll(() => {
  rmSync(tmp, {recursive: true, force: true})
})

/** What `kctl init --ha --tier minimum --write-mbps 10 --retention 1d --hosts <hosts> --security sasl_ssl` writes, on disk. */
function init(dir: string, hosts: string, ha = true) {
  const input = resolvePlanInput({ha, tier: 'minimum', writeMbps: '10', retention: '1d'})
  const options: ClusterOptions = {
    nodes: 1, hosts: parseHosts(hosts, 'hosts'), dedicatedControllers: false, security: 'sasl_ssl',
    clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', adminPassword: 'admin-secret', storePassword, logDirs: '/var/lib/kafka/data',
  }
  const files = generateInitFiles(planCapacity(input), input, options, templates)
  for (const file of files) {
    const target = path.join(dir, file.path)
    mkdirSync(path.dirname(target), {recursive: true})
    writeFileSync(target, file.content)
    chmodSync(target, file.executable ? 0o700 : 0o600)
  }
  return files
}

function run(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, {encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe']})
}

/** The leaf certificate inside the keystore, as Kafka loads it. */
function keystoreCertificate(keystore: string): string {
  return run('openssl', ['pkcs12', '-in', keystore, '-passin', `pass:${storePassword}`, '-nokeys', '-clcerts'])
}

/** An extension as openssl prints it: the lines after its header, joined. */
function extension(pem: string, name: string): string {
  return run('openssl', ['x509', '-noout', '-ext', name], pem).split('\n').slice(1).map((line) => line.trim()).filter(Boolean).join(' ')
}

interface Node {
  /** The host as server.properties and the keystore file name use it. */
  host: string
  /** Every name or address clients may dial, each with the openssl spelling of its SAN. */
  identities: {dial: string; san: string}[]
  /** Where the test server listens for a handshake by IP or name; undefined: not a local address. */
  bind?: string
}

const cases: {name: string; hosts: string; ha?: boolean; nodes: Node[]; advertised: string[]; voters: string}[] = [
  {
    name: 'IPv4 hosts (issue #17)',
    hosts: '127.0.0.1,127.0.0.2,127.0.0.3',
    nodes: [1, 2, 3].map((n) => ({host: `127.0.0.${n}`, identities: [{dial: `127.0.0.${n}`, san: `IP Address:127.0.0.${n}`}], bind: `127.0.0.${n}`})),
    advertised: ['SASL_SSL://127.0.0.1:9092', 'SASL_SSL://127.0.0.2:9092', 'SASL_SSL://127.0.0.3:9092'],
    voters: '1@127.0.0.1:9093,2@127.0.0.2:9093,3@127.0.0.3:9093',
  },
  {
    name: 'host names',
    hosts: 'kafka-1,kafka-2,kafka-3',
    nodes: [1, 2, 3].map((n) => ({host: `kafka-${n}`, identities: [{dial: `kafka-${n}`, san: `DNS:kafka-${n}`}], bind: `127.0.0.${n}`})),
    advertised: ['SASL_SSL://kafka-1:9092', 'SASL_SSL://kafka-2:9092', 'SASL_SSL://kafka-3:9092'],
    voters: '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
  },
  {
    name: 'name=ip hosts',
    hosts: 'kafka-1=127.0.0.1,kafka-2=127.0.0.2,kafka-3=127.0.0.3',
    nodes: [1, 2, 3].map((n) => ({
      host: `kafka-${n}`,
      identities: [{dial: `kafka-${n}`, san: `DNS:kafka-${n}`}, {dial: `127.0.0.${n}`, san: `IP Address:127.0.0.${n}`}],
      bind: `127.0.0.${n}`,
    })),
    advertised: ['SASL_SSL://kafka-1:9092', 'SASL_SSL://kafka-2:9092', 'SASL_SSL://kafka-3:9092'],
    voters: '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
  },
  {
    name: 'IPv6 and mixed forms',
    hosts: 'k1.example.com=fd00::1, fd00::2 ,10.0.0.3',
    nodes: [
      {host: 'k1.example.com', identities: [{dial: 'k1.example.com', san: 'DNS:k1.example.com'}, {dial: 'fd00::1', san: 'IP Address:FD00:0:0:0:0:0:0:1'}]},
      {host: 'fd00::2', identities: [{dial: 'fd00::2', san: 'IP Address:FD00:0:0:0:0:0:0:2'}]},
      {host: '10.0.0.3', identities: [{dial: '10.0.0.3', san: 'IP Address:10.0.0.3'}]},
    ],
    advertised: ['SASL_SSL://k1.example.com:9092', 'SASL_SSL://[fd00::2]:9092', 'SASL_SSL://10.0.0.3:9092'],
    voters: '1@k1.example.com:9093,2@[fd00::2]:9093,3@10.0.0.3:9093',
  },
  {
    name: 'single node on IPv6 loopback',
    hosts: '::1',
    ha: false,
    nodes: [{host: '::1', identities: [{dial: '::1', san: 'IP Address:0:0:0:0:0:0:0:1'}], bind: '::1'}],
    advertised: ['SASL_SSL://[::1]:9092'],
    voters: '1@[::1]:9093',
  },
]

// Binding 127.0.0.2 works on Linux (all of 127/8 is loopback), not on macOS; ::1 needs IPv6.
function canBind(address: string): boolean {
  const result = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(0, ${JSON.stringify(address)}, function () { this.close() })`])
  return result.status === 0
}

const clientAccepted = 'client certificate accepted'

/** A TLS server with the node's keystore, as a broker listener, that also verifies the client's certificate. */
async function serve(keystore: Buffer, ca: string, bind: string) {
  const server = tls.createServer({pfx: keystore, passphrase: storePassword, ca, requestCert: true, rejectUnauthorized: true})
  server.on('secureConnection', (socket) => socket.end(socket.authorized ? clientAccepted : String(socket.authorizationError)))
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, bind, resolve))
  return {port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(resolve))}
}

/** Node's client with default verification; resolves to the server's verdict on the client, or the client's error code. */
function connect(options: {bind: string; port: number; dial: string; ca: string; clientKeystore: Buffer}): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: options.bind, port: options.port, ca: options.ca, pfx: options.clientKeystore, passphrase: storePassword,
      // servername drives Node's identity check; Node sends no SNI for an IP, so leave it out there.
      ...(options.dial === options.bind ? {} : {servername: options.dial}),
    })
    let reply = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      reply += chunk
    })
    // With TLS 1.3 the server checks the client's certificate after the client is done: wait for its answer.
    socket.once('end', () => resolve(reply))
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

/**
 * Whether librdkafka (kcat) completes a TLS handshake with a server holding this keystore when it
 * dials an IP address: 'accepted', 'refused' (it aborted the handshake), or 'no attempt'. Its
 * default ssl.endpoint.identification.algorithm is https since librdkafka 2.0; set here anyway.
 * kcat is stopped at the first verdict: the server is no broker, so nothing useful follows.
 */
async function librdkafkaVerdict(keystore: Buffer, ca: string, dial: string): Promise<string> {
  const caFile = path.join(tmp, 'kcat-ca.pem')
  writeFileSync(caFile, ca)
  const server = tls.createServer({pfx: keystore, passphrase: storePassword})
  let verdict = 'no attempt'
  let kcat: ReturnType<typeof spawn> | undefined
  const decide = (outcome: string) => {
    if (verdict === 'no attempt') verdict = outcome
    kcat?.kill('SIGKILL')
  }
  server.on('secureConnection', (socket) => {
    socket.destroy()
    decide('accepted')
  })
  server.on('tlsClientError', () => decide('refused'))
  await new Promise<void>((resolve) => server.listen(0, dial, resolve))
  const port = (server.address() as AddressInfo).port
  const broker = isIP(dial) === 6 ? `[${dial}]:${port}` : `${dial}:${port}`
  await new Promise<void>((resolve) => {
    kcat = spawn('kcat', ['-L', '-b', broker, '-m', '5', '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${caFile}`, '-X', 'ssl.endpoint.identification.algorithm=https'], {stdio: 'ignore'})
    kcat.on('exit', () => resolve())
  })
  await new Promise((resolve) => server.close(resolve))
  return verdict
}

// Serves with the keystore as a Kafka broker does (PKCS12 via KeyManagerFactory) and connects as
// a Kafka client or peer broker does (ssl.endpoint.identification.algorithm=https), trusting only
// ca.pem. Arguments: ca.pem, password, then keystore/bind/dial triples; prints one line per triple.
const javaProbe = `
import java.io.*;
import java.net.*;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.*;

public class TlsProbe {
  public static void main(String[] args) throws Exception {
    char[] password = args[1].toCharArray();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = new FileInputStream(args[0])) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    for (int i = 2; i + 2 < args.length; i += 3) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = new FileInputStream(args[i])) { keys.load(in, password); }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      InetAddress bind = InetAddress.getByName(args[i + 1]);
      try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1, bind)) {
        Thread accept = new Thread(() -> {
          try (SSLSocket peer = (SSLSocket) server.accept()) { peer.startHandshake(); } catch (IOException ignored) {}
        });
        accept.setDaemon(true);
        accept.start();
        Socket plain = new Socket(bind, server.getLocalPort());
        try (SSLSocket client = (SSLSocket) context.getSocketFactory().createSocket(plain, args[i + 2], server.getLocalPort(), true)) {
          SSLParameters parameters = client.getSSLParameters();
          parameters.setEndpointIdentificationAlgorithm("HTTPS");
          client.setSSLParameters(parameters);
          client.startHandshake();
          System.out.println("ok");
        } catch (SSLHandshakeException e) {
          System.out.println(e.getMessage());
        }
      }
    }
  }
}
`

let javaClasses: string | undefined
function java(args: string[]): string[] {
  if (javaClasses === undefined) {
    javaClasses = path.join(tmp, 'java')
    mkdirSync(javaClasses)
    writeFileSync(path.join(javaClasses, 'TlsProbe.java'), javaProbe)
    run('javac', ['-d', javaClasses, path.join(javaClasses, 'TlsProbe.java')])
  }
  return run('java', ['-cp', javaClasses, 'TlsProbe', ...args]).trim().split('\n')
}

describe.skipIf(!has('openssl'))('make-certs.sh from kctl init --security sasl_ssl', () => {
  describe.each(cases)('$name: --hosts $hosts', ({hosts, ha, nodes, advertised, voters}) => {
    let dir: string
    let ca: string
    const keystore = (node: Node) => path.join(dir, `ssl/${node.host}.keystore.p12`)
    const leaf = (node: Node) => keystoreCertificate(keystore(node))
    const others = (node: Node) => nodes.filter((other) => other !== node).flatMap((other) => other.identities)

    beforeAll(() => {
      dir = mkdtempSync(path.join(tmp, 'init-'))
      init(dir, hosts, ha ?? true)
      const output = run('bash', [path.join(dir, 'make-certs.sh')])
      expect(output.trim().split('\n')).toHaveLength(nodes.length)
      ca = readFileSync(path.join(dir, 'ssl/ca.pem'), 'utf8')
    }, 120_000)

    it('server.properties use the host, the name of a name=ip entry: listeners, voters and keystore', () => {
      const maps = nodes.map((_, index) => propertiesToMap(parseProperties(readFileSync(path.join(dir, `server-${index + 1}.properties`), 'utf8'))))
      expect(maps.map((map) => map.get('advertised.listeners'))).toEqual(advertised)
      for (const map of maps) expect(map.get('controller.quorum.voters')).toBe(voters)
      expect(maps.map((map) => map.get('ssl.keystore.location'))).toEqual(nodes.map((node) => `/etc/kafka/ssl/${node.host}.keystore.p12`))
    })

    it('each keystore\'s certificate carries exactly the node\'s IP: and DNS: names', () => {
      for (const node of nodes) expect(extension(leaf(node), 'subjectAltName').split(', '), node.host).toEqual(node.identities.map((identity) => identity.san))
    })

    it('PLAN.md lists those names per keystore', () => {
      const planMd = readFileSync(path.join(dir, 'PLAN.md'), 'utf8')
      for (const node of nodes) {
        // openssl spells IPs its own way; PLAN.md keeps the form given to --hosts.
        const given = node.identities.map((identity) => (identity.san.startsWith('DNS:') ? identity.san : `IP:${identity.dial}`)).join(', ')
        expect(planMd).toContain(`| ssl/${node.host}.keystore.p12 | ${given} |`)
      }
      expect(planMd.includes('Hosts given as name=ip'), 'name=ip note').toBe(nodes.some((node) => node.identities.length > 1))
    })

    it('the CA and the node certificates have the extensions Java, librdkafka and Node require', () => {
      expect(extension(ca, 'basicConstraints')).toBe('CA:TRUE')
      expect(extension(ca, 'keyUsage')).toContain('Certificate Sign')
      for (const node of nodes) {
        const pem = leaf(node)
        expect(extension(pem, 'basicConstraints')).toBe('CA:FALSE')
        expect(extension(pem, 'keyUsage')).toBe('Digital Signature, Key Encipherment')
        expect(extension(pem, 'extendedKeyUsage')).toBe('TLS Web Server Authentication, TLS Web Client Authentication')
        for (const purpose of ['sslserver', 'sslclient']) {
          const certificate = path.join(dir, `ssl/${node.host}.crt`)
          expect(run('openssl', ['verify', '-purpose', purpose, '-CAfile', path.join(dir, 'ssl/ca.pem'), certificate]).trim()).toBe(`${certificate}: OK`)
        }
      }
    })

    it('Node\'s checkServerIdentity accepts each node\'s own names and addresses, and no other node\'s', () => {
      for (const node of nodes) {
        const certificate = new X509Certificate(leaf(node)).toLegacyObject()
        for (const {dial} of node.identities) expect(tls.checkServerIdentity(dial, certificate), `${node.host} as ${dial}`).toBeUndefined()
        for (const {dial} of others(node)) expect(tls.checkServerIdentity(dial, certificate), `${node.host} as ${dial}`).toBeInstanceOf(Error)
      }
    })

    it('re-running keeps every existing keystore', () => {
      const before = nodes.map((node) => statSync(keystore(node)).mtimeMs)
      expect(run('bash', [path.join(dir, 'make-certs.sh')])).toBe('')
      expect(nodes.map((node) => statSync(keystore(node)).mtimeMs)).toEqual(before)
    })

    const local = nodes.filter((node) => node.bind !== undefined)
    it.skipIf(local.length === 0 || !local.every((node) => canBind(node.bind!)))('Node completes a mutual TLS handshake with each node by its names and addresses, and refuses another node\'s', async () => {
      for (const [index, node] of local.entries()) {
        const server = await serve(readFileSync(keystore(node)), ca, node.bind!)
        // The client presents a peer's certificate, as brokers do to each other.
        const clientKeystore = readFileSync(keystore(local[(index + 1) % local.length]))
        try {
          for (const {dial} of node.identities) {
            expect(await connect({bind: node.bind!, port: server.port, dial, ca, clientKeystore}), `${node.host} as ${dial}`).toBe(clientAccepted)
          }
          for (const {dial} of others(node)) {
            expect(await connect({bind: node.bind!, port: server.port, dial, ca, clientKeystore}), `${node.host} as ${dial}`).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
          }
        } finally {
          await server.close()
        }
      }
    }, 120_000)

    it.skipIf(local.length === 0 || !has('javac') || !local.every((node) => canBind(node.bind!)))('Java loads each keystore and verifies the node as Kafka does (HTTPS endpoint identification)', () => {
      const checks = local.flatMap((node) => [...node.identities, ...others(node)].map(({dial}) => ({node, dial, own: node.identities.some((identity) => identity.dial === dial)})))
      const results = java([path.join(dir, 'ssl/ca.pem'), storePassword, ...checks.flatMap(({node, dial}) => [keystore(node), node.bind!, dial])])
      expect(results).toHaveLength(checks.length)
      checks.forEach(({node, dial, own}, index) => {
        // Java's words for a mismatch, e.g. "No subject alternative names matching IP address 127.0.0.2 found".
        if (own) expect(results[index], `${node.host} as ${dial}`).toBe('ok')
        else expect(results[index], `${node.host} as ${dial}`).toMatch(/No subject alternative (DNS name|names) matching/)
      })
    }, 120_000)

    const dialsIp = local.some((node) => node.identities.some((identity) => isIP(identity.dial) === 4))
    it.skipIf(!dialsIp || !has('kcat') || !local.every((node) => canBind(node.bind!)))('librdkafka (kcat) completes the handshake with each node by its IP address, and refuses the next node\'s', async () => {
      for (const [index, node] of local.entries()) {
        const pfx = readFileSync(keystore(node))
        // librdkafka 2.0 checks an IPv6 broker address in brackets ("[::1]"), which no certificate matches.
        for (const {dial} of node.identities.filter((identity) => isIP(identity.dial) === 4)) {
          expect(await librdkafkaVerdict(pfx, ca, dial), `${node.host} as ${dial}`).toBe('accepted')
        }
        // This node's certificate served on the next node's address, as if the client reached the wrong host.
        const next = local[(index + 1) % local.length]
        if (next !== node && isIP(next.bind!) === 4) expect(await librdkafkaVerdict(pfx, ca, next.bind!), `${node.host} as ${next.bind}`).toBe('refused')
      }
    }, 120_000)
  })
})
