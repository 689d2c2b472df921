import {mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseCommandConfig, parseJaasConfig, readCommandConfig} from '../../src/config/client-properties.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'kctl-cc-'))
const caPem = '-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n'
const keyPem = '-----BEGIN PRIVATE KEY-----\nMIIEkey\n-----END PRIVATE KEY-----\n'

describe('command-config', () => {
  it('reads SASL_PLAINTEXT with the PLAIN login module', () => {
    const settings = parseCommandConfig(
      [
        'bootstrap.servers=kafka-1:9092, kafka-2:9092',
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\',
        '    username="alice" password="alice-secret";',
      ].join('\n'),
      'client.properties',
    )
    expect(settings).toEqual({
      bootstrapServers: ['kafka-1:9092', 'kafka-2:9092'],
      sasl: {mechanism: 'PLAIN', username: 'alice', password: 'alice-secret'},
    })
  })

  it('reads SASL_SSL with SCRAM and PEM trust and key stores relative to the file', () => {
    writeFileSync(path.join(dir, 'ca.pem'), caPem)
    writeFileSync(path.join(dir, 'client.pem'), keyPem + caPem)
    const file = path.join(dir, 'client.properties')
    writeFileSync(
      file,
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=ops password="p\\\\"w;d";',
        'ssl.truststore.type=PEM',
        'ssl.truststore.location=ca.pem',
        'ssl.keystore.type=PEM',
        'ssl.keystore.location=client.pem',
        'ssl.key.password=kp',
        'ssl.endpoint.identification.algorithm=',
      ].join('\n'),
    )
    const settings = readCommandConfig(file)
    expect(settings.sasl).toEqual({mechanism: 'SCRAM-SHA-512', username: 'ops', password: 'p"w;d'})
    expect(settings.tls).toEqual({ca: caPem, key: keyPem.trim(), cert: caPem.trim(), passphrase: 'kp', checkHostname: false})
  })

  it('keeps hostname verification unless the algorithm is set empty, and PLAINTEXT has no security', () => {
    expect(parseCommandConfig('security.protocol=SSL', 'f').tls).toEqual({checkHostname: true})
    expect(parseCommandConfig('client.id=x', 'f')).toEqual({})
  })

  it.each([
    ['security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=x required;', /sasl.mechanism GSSAPI is not supported/],
    ['security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN', /sasl.jaas.config is missing/],
    [
      'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";',
      /PlainLoginModule does not implement sasl.mechanism SCRAM-SHA-256/,
    ],
    ['security.protocol=SSL\nssl.truststore.location=/x.jks', /ssl.truststore.type JKS is not supported/],
    ['security.protocol=TLS', /security.protocol "TLS" is not one of/],
    ['security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a";', /needs username and password/],
  ])('rejects %j with a one-line reason', (text, message) => {
    expect(() => parseCommandConfig(text, 'bad.properties')).toThrow(message)
    try {
      parseCommandConfig(text, 'bad.properties')
    } catch (error) {
      expect((error as Error).message).toMatch(/^unable to use command config bad.properties: /)
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it('parses JAAS options with bare and quoted values and rejects a missing semicolon', () => {
    expect(parseJaasConfig('a.B required x=1 y="two words" z="q\\"uote";')).toEqual({module: 'a.B', options: {x: '1', y: 'two words', z: 'q"uote'}})
    expect(() => parseJaasConfig('a.B required x=1')).toThrow(/must end with ";"/)
    expect(() => parseJaasConfig('a.B x=1;')).toThrow(/must start with/)
  })
})
