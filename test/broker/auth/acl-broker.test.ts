// Each authorizer rule through real kafkajs requests on a SASL/SCRAM listener, with the error
// codes Kafka returns: allow, DENY wins, prefixed patterns, implied DESCRIBE (Metadata hides
// what a principal cannot describe), super users, group and cluster denials; ACLs created,
// listed and deleted with kafkajs's admin, and kept across a restart.
import {type Admin, Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {kafkaErrorName} from '../../../src/admin/errors.js'
import {startBroker} from '../../../src/broker/index.js'
import {authorizerClass, useSecureBroker} from './secure-broker.js'

// kafkajs's numbers (same as Kafka's): resource 2 topic, 3 group, 4 cluster; pattern 3 literal,
// 4 prefixed; operation 2 all, 3 read, 4 write, 8 describe; permission 2 deny, 3 allow.
const TOPIC = 2
const GROUP = 3
const LITERAL = 3
const PREFIXED = 4
const ALL = 2
const READ = 3
const WRITE = 4
const DENY = 2
const ALLOW = 3

const users = {admin: 'admin-pw', alice: 'alice-pw', bob: 'bob-pw'}

describe('ACLs on the bundled broker', () => {
  const secure = useSecureBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'authorizer.class.name': authorizerClass,
      'super.users': 'User:admin',
      'auto.create.topics.enable': 'false',
      'group.initial.rebalance.delay.ms': '0',
    },
    users,
  })
  const kafka = (user: keyof typeof users) =>
    new Kafka({
      brokers: [secure().address('SASL_PLAINTEXT')],
      clientId: `acl-${user}`,
      sasl: {mechanism: 'scram-sha-256', username: user, password: users[user]},
      retry: {retries: 0},
      logLevel: logLevel.NOTHING,
    })
  let admin: Admin

  beforeAll(async () => {
    admin = kafka('admin').admin()
    await admin.connect()
    await admin.createTopics({topics: ['orders', 'payments', 'logs.app', 'logsx', 'secret', 'hosts'].map((topic) => ({topic}))})
    await admin.createAcls({
      acl: [
        {resourceType: TOPIC, resourceName: 'orders', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: WRITE, permissionType: ALLOW},
        {resourceType: TOPIC, resourceName: 'orders', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW},
        {resourceType: GROUP, resourceName: 'alice-', resourcePatternType: PREFIXED, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW},
        {resourceType: TOPIC, resourceName: 'payments', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: ALL, permissionType: ALLOW},
        {resourceType: TOPIC, resourceName: 'payments', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: WRITE, permissionType: DENY},
        {resourceType: TOPIC, resourceName: 'logs.', resourcePatternType: PREFIXED, principal: 'User:bob', host: '*', operation: WRITE, permissionType: ALLOW},
        {resourceType: TOPIC, resourceName: 'hosts', resourcePatternType: LITERAL, principal: 'User:alice', host: '127.0.0.1', operation: WRITE, permissionType: ALLOW},
        {resourceType: TOPIC, resourceName: 'hosts', resourcePatternType: LITERAL, principal: 'User:bob', host: '10.0.0.1', operation: WRITE, permissionType: ALLOW},
      ] as never,
    })
  })
  afterAll(async () => {
    await admin?.disconnect()
  })

  async function produce(user: keyof typeof users, topic: string): Promise<string> {
    const producer = kafka(user).producer({allowAutoTopicCreation: false})
    await producer.connect()
    try {
      await producer.send({topic, messages: [{value: 'x'}]})
      return 'ok'
    } catch (error) {
      return kafkaErrorName(error) ?? (error as Error).message
    } finally {
      await producer.disconnect()
    }
  }

  async function visibleTopics(user: keyof typeof users): Promise<string[]> {
    const client = kafka(user).admin()
    await client.connect()
    try {
      return (await client.listTopics()).sort()
    } finally {
      await client.disconnect()
    }
  }

  it('allows what an ALLOW grants and refuses the rest with TOPIC_AUTHORIZATION_FAILED', async () => {
    expect(await produce('alice', 'orders')).toBe('ok')
    expect(await produce('bob', 'orders')).toBe('TOPIC_AUTHORIZATION_FAILED')
    expect(await produce('alice', 'secret')).toBe('TOPIC_AUTHORIZATION_FAILED')
  })

  it('lets DENY win over an ALLOW of ALL', async () => {
    expect(await produce('alice', 'payments')).toBe('TOPIC_AUTHORIZATION_FAILED')
  })

  it('matches prefixed ACLs by prefix only', async () => {
    expect(await produce('bob', 'logs.app')).toBe('ok')
    expect(await produce('bob', 'logsx')).toBe('TOPIC_AUTHORIZATION_FAILED')
  })

  it('matches an ACL host against the client address', async () => {
    // The clients connect from 127.0.0.1: alice's ACL names it, bob's names another host.
    expect(await produce('alice', 'hosts')).toBe('ok')
    expect(await produce('bob', 'hosts')).toBe('TOPIC_AUTHORIZATION_FAILED')
  })

  it('implies DESCRIBE from READ/WRITE/ALL: Metadata shows only describable topics', async () => {
    // alice: orders (READ, WRITE), payments (ALL; the DENY WRITE leaves DESCRIBE), hosts (WRITE
    // from 127.0.0.1). bob: logs.app (prefixed WRITE); his hosts ACL is for another address.
    expect(await visibleTopics('alice')).toEqual(['hosts', 'orders', 'payments'])
    expect(await visibleTopics('bob')).toEqual(['logs.app'])
  })

  it('lets a super user do anything without ACLs', async () => {
    expect(await produce('admin', 'secret')).toBe('ok')
    expect(await visibleTopics('admin')).toEqual(['hosts', 'logs.app', 'logsx', 'orders', 'payments', 'secret'])
  })

  it('refuses a consumer group without READ on it with GROUP_AUTHORIZATION_FAILED', async () => {
    const consume = async (groupId: string) => {
      const consumer = kafka('alice').consumer({groupId, retry: {retries: 0}})
      await consumer.connect()
      try {
        await consumer.subscribe({topics: ['orders'], fromBeginning: true})
        const first = new Promise<string>((resolve, reject) => {
          consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error))
          void consumer.run({eachMessage: async ({message}) => resolve(message.value!.toString())})
        })
        return await first
      } catch (error) {
        return kafkaErrorName(error) ?? (error as Error).message
      } finally {
        await consumer.disconnect()
      }
    }
    expect(await consume('alice-group')).toBe('x')
    expect(await consume('other-group')).toBe('GROUP_AUTHORIZATION_FAILED')
  })

  it('refuses ACL and topic administration to a principal without cluster rights', async () => {
    const bob = kafka('bob').admin()
    await bob.connect()
    try {
      await expect(
        bob.createAcls({acl: [{resourceType: TOPIC, resourceName: 'x', resourcePatternType: LITERAL, principal: 'User:bob', host: '*', operation: ALL, permissionType: ALLOW}] as never}),
      ).rejects.toMatchObject({type: 'CLUSTER_AUTHORIZATION_FAILED'})
      await expect(bob.describeAcls({resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1} as never)).rejects.toMatchObject({
        type: 'CLUSTER_AUTHORIZATION_FAILED',
      })
      await expect(bob.createTopics({topics: [{topic: 'bobs'}]})).rejects.toMatchObject({
        errors: [expect.objectContaining({type: 'TOPIC_AUTHORIZATION_FAILED'})],
      })
    } finally {
      await bob.disconnect()
    }
  })

  it('describes with MATCH filters, deletes, and keeps ACLs across a restart', async () => {
    const matching = await admin.describeAcls({resourceType: TOPIC, resourceName: 'logs.app', resourcePatternType: 2, operation: 1, permissionType: 1} as never)
    expect(matching.resources).toEqual([
      {resourceType: TOPIC, resourceName: 'logs.', resourcePatternType: PREFIXED, acls: [{principal: 'User:bob', host: '*', operation: WRITE, permissionType: ALLOW}]},
    ])
    const deleted = await admin.deleteAcls({filters: [{resourceType: TOPIC, resourceName: 'logs.', resourcePatternType: PREFIXED, operation: 1, permissionType: 1}] as never})
    expect(deleted.filterResponses[0].matchingAcls).toHaveLength(1)
    expect(await produce('bob', 'logs.app')).toBe('TOPIC_AUTHORIZATION_FAILED')

    const {broker, dataDir} = secure()
    const before = (await admin.describeAcls({resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1} as never)).resources
    await admin.disconnect()
    await broker.close()
    const restarted = await startBroker({port: 0, host: '127.0.0.1', dataDir, config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'authorizer.class.name': authorizerClass,
      'super.users': 'User:admin',
    }})
    try {
      const again = new Kafka({
        brokers: [`127.0.0.1:${restarted.port}`],
        sasl: {mechanism: 'scram-sha-512', username: 'admin', password: users.admin},
        logLevel: logLevel.NOTHING,
      }).admin()
      await again.connect()
      const after = (await again.describeAcls({resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1} as never)).resources
      await again.disconnect()
      expect(after).toEqual(before)
      expect(after.flatMap((resource) => resource.acls)).toHaveLength(7)
    } finally {
      await restarted.close()
    }
  })
})
