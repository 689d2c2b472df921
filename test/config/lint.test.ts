// Every lint rule with a file that fails it and one that passes, plus the seed's own examples.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {checkValue, configDefinition, lookupKey, suggestKey} from '../../src/config/catalogue.js'
import {lintFiles} from '../../src/config/lint.js'

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')

// A clean single-node KRaft file; cases below add or change one thing.
const good = [
  'process.roles=broker,controller',
  'node.id=1',
  'controller.quorum.voters=1@localhost:9093',
  'controller.listener.names=CONTROLLER',
  'listeners=SASL_SSL://:9092,CONTROLLER://:9093',
  'advertised.listeners=SASL_SSL://localhost:9092',
  'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL',
  'inter.broker.listener.name=SASL_SSL',
  'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'log.dirs=/var/lib/kafka/data',
  'offsets.topic.replication.factor=1',
  'transaction.state.log.replication.factor=1',
  'share.coordinator.state.topic.replication.factor=1',
].join('\n')

function withLines(text: string, changes: Record<string, string | null>): string {
  const lines = text.split('\n').filter((line) => !(line.split('=')[0] in changes))
  for (const [key, value] of Object.entries(changes)) if (value !== null) lines.push(`${key}=${value}`)
  return lines.join('\n')
}

function rules(files: {path: string; text: string}[]): string[] {
  return lintFiles(files).findings.map((finding) => finding.rule)
}
const lintOne = (text: string) => rules([{path: 'server.properties', text}])

describe('lint rules on one file', () => {
  it('the clean file has no findings', () => {
    expect(lintFiles([{path: 'server.properties', text: good}]).findings).toEqual([])
  })

  it.each([
    ['duplicate-key', `${good}\nlisteners=SASL_SSL://:9092,CONTROLLER://:9093`],
    ['inline-comment', withLines(good, {'num.io.threads': '8  # sized for 8 cores'})],
    ['broker-id-conflict', `broker.id=0\n${good}`],
    ['unknown-key', `${good}\nnum.io.thread=8`],
    ['removed-key', `${good}\nzookeeper.connect=localhost:2181`],
    ['removed-key', `${good}\nlog.message.format.version=3.0`],
    ['invalid-value', `${good}\nnum.io.threads=0`],
    ['invalid-value', `${good}\nauto.create.topics.enable=yes`],
    ['invalid-value', `${good}\nlog.retention.hours=7d`],
    ['invalid-value', `${good}\ncompression.type=brotli`],
    ['missing-kraft-key', withLines(good, {'process.roles': null})],
    ['missing-kraft-key', withLines(good, {'controller.quorum.voters': null})],
    ['listener-malformed', withLines(good, {listeners: 'SASL_SSL://:9092,CONTROLLER:9093'})],
    ['listener-duplicate', withLines(good, {listeners: 'SASL_SSL://:9092,CONTROLLER://:9092'})],
    ['broker-listener-on-controller', withLines(good, {'process.roles': 'controller', 'advertised.listeners': null, 'inter.broker.listener.name': null})],
    ['controller-listener-missing', withLines(good, {listeners: 'SASL_SSL://:9092'})],
    ['controller-listener-on-broker', withLines(good, {'process.roles': 'broker', 'controller.quorum.voters': '2@c:9093'})],
    ['advertised-listener-undeclared', withLines(good, {'advertised.listeners': 'SASL_SSL://localhost:9092,EXTERNAL://example.com:19092'})],
    ['advertised-listener-unroutable', withLines(good, {'advertised.listeners': 'SASL_SSL://0.0.0.0:9092'})],
    ['security-map-gap', withLines(good, {'listener.security.protocol.map': 'SASL_SSL:SASL_SSL'})],
    // Without an explicit map Kafka adds CONTROLLER:PLAINTEXT only when nothing uses SSL or SASL.
    ['security-map-gap', withLines(good, {'listener.security.protocol.map': null})],
    ['inter-broker-listener-not-advertised', withLines(good, {'inter.broker.listener.name': 'CONTROLLER'})],
    ['sasl-mechanism-not-enabled', withLines(good, {'sasl.enabled.mechanisms': 'SCRAM-SHA-512', 'sasl.mechanism.inter.broker.protocol': 'PLAIN'})],
    ['voters-missing-node', withLines(good, {'controller.quorum.voters': '2@localhost:9093'})],
    ['voters-contain-broker', withLines(good, {'process.roles': 'broker', listeners: 'SASL_SSL://:9092'})],
    ['internal-topic-rf', withLines(good, {'offsets.topic.replication.factor': null})],
    ['plaintext-listener', withLines(good, {'listener.security.protocol.map': 'SASL_SSL:PLAINTEXT,CONTROLLER:SASL_SSL'})],
    ['no-authorizer', withLines(good, {'authorizer.class.name': null})],
    ['log-dirs-tmp', withLines(good, {'log.dirs': '/tmp/kraft-combined-logs'})],
  ])('%s fires', (rule, text) => {
    expect(lintOne(text)).toContain(rule)
    // and nothing fires on the clean file (checked above), so each case is a fail/pass pair
  })

  it('reports file:line, severity and a fix hint', () => {
    const report = lintFiles([{path: 'a.properties', text: `${good}\nnum.io.thread=8`}])
    expect(report.findings).toEqual([{
      file: 'a.properties', line: 14, severity: 'warning', rule: 'unknown-key',
      message: 'num.io.thread is not a Kafka 4.0 broker or controller setting', hint: 'did you mean num.io.threads?',
    }])
    expect(report).toMatchObject({errors: 0, warnings: 1})
  })

  it('broker.id equal to node.id is only a warning', () => {
    const report = lintFiles([{path: 'a', text: `broker.id=1\n${good}`}])
    expect(report.findings.map((finding) => [finding.rule, finding.severity])).toEqual([['broker-id-conflict', 'warning']])
  })

  it('reads values exactly as Java does: continuation lines, escapes and ":" separators', () => {
    const text = withLines(good, {listeners: null}).concat('\nlisteners : SASL_SSL://:9092,\\\n    CONTROLLER://:9093\n# a comment = not a key\n! another')
    expect(lintOne(text)).toEqual([])
  })

  it('without an explicit map, a PLAINTEXT-only node gets CONTROLLER:PLAINTEXT as Kafka does', () => {
    const plaintext = withLines(good, {
      listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093', 'advertised.listeners': 'PLAINTEXT://localhost:9092',
      'inter.broker.listener.name': 'PLAINTEXT', 'listener.security.protocol.map': null,
    })
    expect(lintOne(plaintext)).not.toContain('security-map-gap')
  })

  it('reports an unparseable escape as parse-error', () => {
    expect(lintOne(`${good}\nsasl.jaas.config=bad \\u12`)).toEqual(['parse-error'])
  })
})

describe('lint rules across files', () => {
  const node = (id: number, voters = '1@a:9093,2@b:9093,3@c:9093', extra: Record<string, string | null> = {}) => ({
    path: `server-${id}.properties`,
    text: withLines(good, {
      'node.id': String(id), 'controller.quorum.voters': voters, 'default.replication.factor': '3', 'min.insync.replicas': '2',
      'unclean.leader.election.enable': 'false', 'auto.create.topics.enable': 'false', 'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3', 'share.coordinator.state.topic.replication.factor': '3', ...extra,
    }),
  })
  const cluster = [node(1), node(2), node(3)]

  it('a consistent 3-node HA cluster is clean', () => {
    expect(rules(cluster)).toEqual([])
  })

  it.each([
    ['quorum-mismatch', [node(1), node(2, '1@a:9093,2@b:9093,3@d:9093'), node(3)]],
    ['node-id-duplicate', [node(1), node(2), {...node(2), path: 'other.properties'}]],
    ['voter-count', [node(1, '1@a:9093,2@b:9093'), node(2, '1@a:9093,2@b:9093')]],
    ['ha-replication-factor', [node(1, undefined, {'default.replication.factor': '2', 'min.insync.replicas': '1'}), node(2), node(3)]],
    ['ha-min-insync', [node(1, undefined, {'min.insync.replicas': '3'}), node(2), node(3)]],
    ['ha-min-insync', [node(1, undefined, {'min.insync.replicas': '4'}), node(2), node(3)]],
    ['ha-unclean-election', [node(1, undefined, {'unclean.leader.election.enable': 'true'}), node(2), node(3)]],
    ['ha-auto-create', [node(1, undefined, {'auto.create.topics.enable': null}), node(2), node(3)]],
    ['internal-topic-rf', [node(1, undefined, {'offsets.topic.replication.factor': '4'}), node(2), node(3)]],
  ])('%s fires', (rule, files) => {
    expect(rules(files)).toContain(rule)
  })
})

describe("the seed's example configs", () => {
  it('single: broker.id=0 conflicts with node.id=1, and controller.listener.names is missing', () => {
    const report = lintFiles([{path: 'seed-single.properties', text: fixture('seed-single.properties')}])
    const conflict = report.findings.find((finding) => finding.rule === 'broker-id-conflict')!
    expect(conflict).toMatchObject({line: 2, severity: 'error'})
    expect(conflict.message).toContain('broker.id=0 differs from node.id=1')
    expect(report.findings.map((finding) => finding.rule)).toContain('missing-kraft-key')
    expect(report.findings.map((finding) => finding.rule)).toContain('internal-topic-rf')
  })

  it('HA: duplicate listeners and the inline comment that makes broker.id no integer', () => {
    const report = lintFiles([{path: 'seed-ha.properties', text: fixture('seed-ha.properties')}])
    const at = (rule: string) => report.findings.filter((finding) => finding.rule === rule).map((finding) => finding.line)
    expect(at('duplicate-key')).toEqual([28])
    expect(at('inline-comment')).toEqual([2])
    expect(at('invalid-value')).toEqual([2])
    // No explicit map and no SSL/SASL listener: Kafka maps CONTROLLER to PLAINTEXT itself.
    expect(at('security-map-gap')).toEqual([])
    expect(report.errors).toBe(3)
  })
})

describe('catalogue', () => {
  it('knows Kafka 4.0 keys with their types and ranges', () => {
    expect(configDefinition('num.io.threads')).toMatchObject({type: 'int', default: 8, min: 1, source: 'ServerConfigs'})
    expect(configDefinition('controller.quorum.voters')).toMatchObject({type: 'list', source: 'QuorumConfig'})
    expect(configDefinition('log.segment.bytes')).toMatchObject({type: 'int', default: 1073741824, min: 1048576})
    expect(configDefinition('node.id')).toMatchObject({required: true})
  })

  it.each([
    ['zookeeper.connect', 'removed'],
    ['zookeeper.ssl.client.enable', 'removed'],
    ['message.format.version', 'removed'],
    ['log.message.format.version', 'removed'],
    ['broker.id.generation.enable', 'removed'],
    ['inter.broker.protocol.version', 'removed'],
    ['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config', 'listener-override'],
    ['listener.name.internal.ssl.keystore.location', 'listener-override'],
    ['super.users', 'known'],
    ['rsm.config.bucket', 'plugin'],
    ['no.such.key', 'unknown'],
  ])('%s is %s', (key, kind) => {
    expect(lookupKey(key).kind).toBe(kind)
  })

  it('suggests close keys only', () => {
    expect(suggestKey('log.retention.hour')).toBe('log.retention.hours')
    expect(suggestKey('completely.different.thing')).toBeUndefined()
  })

  it.each([
    ['num.io.threads', '0', /below the minimum 1/],
    ['num.io.threads', '2147483648', /does not fit a Java int/],
    ['unclean.leader.election.enable', 'no', /not a boolean/],
    ['process.roles', 'broker,zookeeper', /zookeeper not in broker, controller/],
    ['compression.lz4.level', '18', /outside 1..17/],
  ])('%s=%s is rejected', (key, value, message) => {
    expect(checkValue(configDefinition(key)!, value)).toMatch(message)
  })

  it.each([['num.io.threads', '16'], ['unclean.leader.election.enable', 'FALSE'], ['process.roles', 'broker, controller'], ['security.inter.broker.protocol', 'sasl_ssl']])('%s=%s is accepted', (key, value) => {
    expect(checkValue(configDefinition(key)!, value)).toBeUndefined()
  })
})
