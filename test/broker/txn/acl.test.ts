// Transactional ids under ACLs, through kafkajs on a SASL/SCRAM listener: a principal needs
// WRITE on its transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED otherwise, Kafka's
// fatal answer), and READ on the group and the topics whose offsets it sends.
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {kafkaErrorName} from '../../../src/admin/errors.js'
import {authorizerClass, useSecureBroker} from '../auth/secure-broker.js'

// Kafka's numbers: resource 2 topic, 3 group, 5 transactional id; pattern 3 literal, 4 prefixed;
// operation 3 read, 4 write; permission 3 allow.
const TOPIC = 2
const GROUP = 3
const TRANSACTIONAL_ID = 5
const LITERAL = 3
const PREFIXED = 4
const READ = 3
const WRITE = 4
const ALLOW = 3

const users = {admin: 'admin-pw', alice: 'alice-pw', bob: 'bob-pw'}

describe('transactions under ACLs', () => {
  const secure = useSecureBroker({
    config: {listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'authorizer.class.name': authorizerClass, 'super.users': 'User:admin'},
    users,
  })
  const kafka = (user: keyof typeof users) =>
    new Kafka({
      brokers: [secure().address('SASL_PLAINTEXT')],
      clientId: `txn-acl-${user}`,
      sasl: {mechanism: 'scram-sha-256', username: user, password: users[user]},
      retry: {retries: 1, initialRetryTime: 50},
      logLevel: logLevel.NOTHING,
    })

  it('lets a principal use only the transactional ids and groups it may', async () => {
    const admin = kafka('admin').admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'ledger'}]})
    await admin.createAcls({
      acl: [
        ...(['alice', 'bob'] as const).map((user) => ({resourceType: TOPIC, resourceName: 'ledger', resourcePatternType: LITERAL, principal: `User:${user}`, host: '*', operation: WRITE, permissionType: ALLOW})),
        {resourceType: TRANSACTIONAL_ID, resourceName: 'alice-', resourcePatternType: PREFIXED, principal: 'User:alice', host: '*', operation: WRITE, permissionType: ALLOW},
        // TxnOffsetCommit needs READ on the topics whose offsets it sends, as OffsetCommit does.
        {resourceType: TOPIC, resourceName: 'ledger', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW},
        {resourceType: GROUP, resourceName: 'alice-group', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW},
      ] as never,
    })
    await admin.disconnect()

    const alice = kafka('alice').producer({transactionalId: 'alice-etl', idempotent: true, maxInFlightRequests: 1})
    await alice.connect()
    const txn = await alice.transaction()
    await txn.send({topic: 'ledger', messages: [{value: 'from-alice'}]})
    const refused = await txn
      .sendOffsets({consumerGroupId: 'bob-group', topics: [{topic: 'ledger', partitions: [{partition: 0, offset: '1'}]}]})
      .then(() => 'ok', (error) => kafkaErrorName(error))
    expect(refused).toBe('GROUP_AUTHORIZATION_FAILED')
    await txn.abort()
    const ok = await alice.transaction()
    await ok.send({topic: 'ledger', messages: [{value: 'from-alice'}]})
    await ok.sendOffsets({consumerGroupId: 'alice-group', topics: [{topic: 'ledger', partitions: [{partition: 0, offset: '1'}]}]})
    await ok.commit()
    await alice.disconnect()

    const bob = kafka('bob').producer({transactionalId: 'bob-etl', idempotent: true, maxInFlightRequests: 1})
    await bob.connect()
    const denied = await bob.transaction().then(() => 'ok', (error) => kafkaErrorName(error))
    expect(denied).toBe('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
    await bob.disconnect()

    // Bob's InitProducerId was refused before the coordinator took the id.
    expect(secure().broker.state.txn.list().map((t) => t.transactionalId)).toEqual(['alice-etl'])
  })
})
