// kafkajs 2.2.4 on TLS listeners: SSL verified against the generated CA (and refused without
// it), SASL_SSL with SCRAM-SHA-512, and ssl.client.auth=required, where the client
// certificate's subject becomes the principal the authorizer sees.
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {kafkaErrorName} from '../../src/admin/errors.js'
import {brokerCa, issueCertificate} from '../../src/broker/auth/certs.js'
import {authorizerClass, useSecureBroker} from '../broker/auth/secure-broker.js'

async function roundtrip(kafka: Kafka, topic: string): Promise<string[]> {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({topics: [{topic}]})
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({topic, messages: [{value: 'one'}, {value: 'two'}]})
  await producer.disconnect()
  const consumer = kafka.consumer({groupId: `${topic}-group`})
  await consumer.connect()
  await consumer.subscribe({topics: [topic], fromBeginning: true})
  const values: string[] = []
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({message}) => {
        values.push(message.value!.toString())
        if (values.length === 2) resolve()
      },
    })
  })
  await consumer.disconnect()
  return values
}

describe('kafkajs on TLS listeners', () => {
  const secure = useSecureBroker({
    config: {listeners: 'SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0', 'group.initial.rebalance.delay.ms': '0'},
    users: {js: 'js-secret'},
  })
  const ca = () => readFileSync(secure().caFile, 'utf8')

  it('produces and consumes over SSL, verifying the broker against the CA', async () => {
    const kafka = new Kafka({brokers: [secure().address('SSL')], ssl: {ca: [ca()]}, logLevel: logLevel.NOTHING})
    expect(await roundtrip(kafka, 'js-tls')).toEqual(['one', 'two'])
  })

  it('produces and consumes with SCRAM-SHA-512 over SASL_SSL', async () => {
    const kafka = new Kafka({
      brokers: [secure().address('SASL_SSL')],
      ssl: {ca: [ca()]},
      sasl: {mechanism: 'scram-sha-512', username: 'js', password: 'js-secret'},
      logLevel: logLevel.NOTHING,
    })
    expect(await roundtrip(kafka, 'js-sasl-ssl')).toEqual(['one', 'two'])
  })

  it('refuses a client that does not trust the CA, and a wrong password over SASL_SSL', async () => {
    const untrusting = new Kafka({brokers: [secure().address('SSL')], ssl: true, retry: {retries: 0}, logLevel: logLevel.NOTHING}).admin()
    await expect(untrusting.connect()).rejects.toThrow(/self.signed|unable to verify|certificate/i)
    const wrong = new Kafka({
      brokers: [secure().address('SASL_SSL')],
      ssl: {ca: [ca()]},
      sasl: {mechanism: 'scram-sha-256', username: 'js', password: 'nope'},
      retry: {retries: 0},
      logLevel: logLevel.NOTHING,
    }).admin()
    await expect(wrong.connect()).rejects.toMatchObject({name: 'KafkaJSSASLAuthenticationError'})
  })
})

describe('kafkajs with ssl.client.auth=required', () => {
  const secure = useSecureBroker({
    config: {
      listeners: 'SSL://127.0.0.1:0',
      'ssl.client.auth': 'required',
      'authorizer.class.name': authorizerClass,
      'super.users': 'User:CN=admin,O=kctl',
    },
  })
  const client = (commonName: string | undefined) => {
    const ca = readFileSync(secure().caFile, 'utf8')
    // The broker creates its CA on first use; sign client certificates with it.
    const identity = commonName ? issueCertificate(brokerCa(secure().dataDir), commonName, {client: true}) : undefined
    return new Kafka({
      brokers: [secure().address('SSL')],
      ssl: {ca: [ca], cert: identity?.cert, key: identity?.key},
      retry: {retries: 0},
      logLevel: logLevel.NOTHING,
    })
  }

  it('takes the principal from the certificate subject: a super user by DN, others by ACL', async () => {
    const admin = client('admin').admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'mtls'}]})
    await admin.createAcls({
      acl: [{resourceType: 2, resourceName: 'mtls', resourcePatternType: 3, principal: 'User:CN=alice,O=kctl', host: '*', operation: 4, permissionType: 3}] as never,
    })
    await admin.disconnect()
    const send = async (commonName: string) => {
      const producer = client(commonName).producer()
      await producer.connect()
      try {
        await producer.send({topic: 'mtls', messages: [{value: commonName}]})
        return 'ok'
      } catch (error) {
        return kafkaErrorName(error) ?? (error as Error).message
      } finally {
        await producer.disconnect()
      }
    }
    expect(await send('alice')).toBe('ok')
    expect(await send('bob')).toBe('TOPIC_AUTHORIZATION_FAILED')
  })

  it('refuses a client without a certificate', async () => {
    const anonymous = client(undefined).admin()
    await expect(anonymous.connect()).rejects.toThrow()
  })
})

describe('kafkajs with ssl.client.auth=requested', () => {
  const secure = useSecureBroker({
    config: {
      listeners: 'SSL://127.0.0.1:0',
      'ssl.client.auth': 'requested',
      'authorizer.class.name': authorizerClass,
      'super.users': 'User:CN=admin,O=kctl',
      'allow.everyone.if.no.acl.found': 'true',
    },
  })

  it('names the principal only from a certificate the CA signed', async () => {
    const ca = readFileSync(secure().caFile, 'utf8')
    const connect = async (identity?: {cert: string; key: string}) => {
      const ssl = {ca: [ca], cert: identity?.cert, key: identity?.key}
      const admin = new Kafka({brokers: [secure().address('SSL')], ssl, retry: {retries: 0}, logLevel: logLevel.NOTHING}).admin()
      await admin.connect()
      try {
        // Only a super user may list ACLs: a DENY of DESCRIBE on the cluster for User:* (set up
        // below) overrides allow.everyone.if.no.acl.found for everyone else.
        return await admin
          .describeAcls({resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1} as never)
          .then(() => 'allowed', (error) => kafkaErrorName(error) ?? String(error))
      } finally {
        await admin.disconnect()
      }
    }
    const realAdmin = issueCertificate(brokerCa(secure().dataDir), 'admin', {client: true})
    const setup = new Kafka({brokers: [secure().address('SSL')], ssl: {ca: [ca], cert: realAdmin.cert, key: realAdmin.key}, logLevel: logLevel.NOTHING}).admin()
    await setup.connect()
    await setup.createAcls({
      acl: [{resourceType: 4, resourceName: 'kafka-cluster', resourcePatternType: 3, principal: 'User:*', host: '*', operation: 8, permissionType: 2}] as never,
    })
    await setup.disconnect()
    // A certificate from another CA claiming CN=admin: the handshake passes (requested), the
    // name does not count. (Each generated CA has a name of its own; a certificate naming this
    // broker's CA as issuer with a bad signature makes OpenSSL fail the socket instead.)
    const {ensureBrokerCertificates} = await import('../../src/broker/auth/certs.js')
    const otherDir = path.join(secure().dataDir, 'other')
    ensureBrokerCertificates(otherDir)
    const forged = issueCertificate(brokerCa(otherDir), 'admin', {client: true})
    expect(await connect(realAdmin)).toBe('allowed')
    expect(await connect(forged)).toBe('CLUSTER_AUTHORIZATION_FAILED')
    expect(await connect()).toBe('CLUSTER_AUTHORIZATION_FAILED')
  })
})
