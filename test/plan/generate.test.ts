// kctl init's files, generated in-process: every key is a Kafka 4.0 key, none is removed,
// the quorum is the same everywhere, and the docker env names map back to the keys.
import {readFileSync} from 'node:fs'
import yaml from 'js-yaml'
import {describe, expect, it} from 'vitest'
import {lookupKey} from '../../src/config/catalogue.js'
import {lintFiles} from '../../src/config/lint.js'
import {parseProperties, propertiesToMap} from '../../src/config/properties.js'
import {type ClusterOptions, dockerEnvName, type SecurityMode, voterCount} from '../../src/plan/cluster.js'
import {generateInitFiles, type TemplateName, templateFiles} from '../../src/plan/generate.js'
import {resolvePlanInput} from '../../src/plan/input.js'
import {planCapacity} from '../../src/plan/model.js'
import {renderTemplate} from '../../src/plan/templates.js'

const templates = Object.fromEntries(templateFiles.map((name) => [name, readFileSync(new URL(`../../templates/${name}`, import.meta.url), 'utf8')])) as Record<TemplateName, string>

function generate(flags: {ha?: boolean; nodes?: number; dedicated?: boolean; security?: SecurityMode}) {
  const input = resolvePlanInput({ha: flags.ha, writeMbps: '0.5'})
  const plan = planCapacity(input)
  const options: ClusterOptions = {
    nodes: flags.nodes ?? (flags.ha ? 3 : 1), dedicatedControllers: Boolean(flags.dedicated), security: flags.security ?? 'plaintext',
    clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', adminPassword: 'admin-secret', storePassword: 'store-secret', logDirs: '/var/lib/kafka/data',
  }
  return generateInitFiles(plan, input, options, templates)
}

// The image's own reverse mapping (KafkaDockerWrapper.getServerConfigsFromEnv).
function imageEnvToKey(env: string): string {
  return env.replace(/^KAFKA_/, '').toLowerCase().replaceAll('_', '.').replaceAll('...', '-').replaceAll('..', '_')
}

const layouts = [
  {name: 'single node', flags: {}},
  {name: 'HA, 3 combined nodes', flags: {ha: true, nodes: 3}},
  {name: 'HA, 5 combined nodes', flags: {ha: true, nodes: 5}},
  {name: 'HA, 4 brokers + 3 dedicated controllers', flags: {ha: true, nodes: 4, dedicated: true}},
  {name: 'single node, sasl_plaintext', flags: {security: 'sasl_plaintext' as const}},
  {name: 'HA, sasl_ssl', flags: {ha: true, nodes: 3, security: 'sasl_ssl' as const}},
  {name: 'HA dedicated, sasl_plaintext', flags: {ha: true, nodes: 3, dedicated: true, security: 'sasl_plaintext' as const}},
]

describe.each(layouts)('kctl init: $name', ({flags}) => {
  const files = generate(flags)
  const properties = files.filter((file) => file.path.endsWith('.properties'))
  const parsed = properties.map((file) => ({path: file.path, entries: parseProperties(file.content)}))

  it('writes only keys Kafka 4.0 defines, none removed, none twice, no inline comments', () => {
    expect(properties.length).toBeGreaterThan(0)
    for (const {path, entries} of parsed) {
      const keys = entries.map((entry) => entry.key)
      expect(new Set(keys).size, path).toBe(keys.length)
      for (const entry of entries) {
        const status = lookupKey(entry.key)
        expect(['known', 'listener-override'], `${path}: ${entry.key}`).toContain(status.kind)
        expect(entry.value, `${path}: ${entry.key}`).not.toMatch(/\s#/)
      }
      expect(keys).not.toContain('broker.id')
      expect(keys.some((key) => key.startsWith('zookeeper.'))).toBe(false)
    }
  })

  it('lints with zero errors', () => {
    const report = lintFiles(properties.map((file) => ({path: file.path, text: file.content})))
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([])
  })

  it('gives every node the same voters, unique ids, and voters that are controllers', () => {
    const maps = parsed.map(({entries}) => propertiesToMap(entries))
    const voters = new Set(maps.map((map) => map.get('controller.quorum.voters')))
    expect(voters.size).toBe(1)
    const ids = maps.map((map) => map.get('node.id'))
    expect(new Set(ids).size).toBe(ids.length)
    const voterIds = [...voters][0]!.split(',').map((voter) => voter.split('@')[0]).sort()
    const controllerIds = maps.filter((map) => map.get('process.roles')!.includes('controller')).map((map) => map.get('node.id')).sort()
    expect(voterIds).toEqual(controllerIds)
    expect(voterIds.length % 2).toBe(1)
  })

  it('uses one cluster id in format-storage.sh and docker-compose.yml, with no --initial-controllers', () => {
    const format = files.find((file) => file.path === 'format-storage.sh')!.content
    expect(format).toContain('kafka-storage.sh" format --cluster-id "MkU3OEVBNTcwNTJENDM2Qg" --config "$CONFIG"')
    const commands = format.split('\n').filter((line) => !line.startsWith('#')).join('\n')
    expect(commands).not.toMatch(/--initial-controllers|--standalone/)
    const compose = yaml.load(files.find((file) => file.path === 'docker-compose.yml')!.content) as {services: Record<string, {image: string; environment: Record<string, string>}>}
    const services = Object.values(compose.services)
    expect(services.length).toBe(properties.length)
    for (const service of services) {
      expect(service.image).toBe('apache/kafka:4.0.0')
      expect(service.environment.CLUSTER_ID).toBe('MkU3OEVBNTcwNTJENDM2Qg')
      expect(service.environment.KAFKA_HEAP_OPTS).toMatch(/^-Xms\d+m -Xmx\d+m$/)
      const keys = Object.keys(service.environment).filter((env) => !['CLUSTER_ID', 'KAFKA_OPTS', 'KAFKA_HEAP_OPTS'].includes(env) && !env.startsWith('KAFKA_SSL_KEY'))
      for (const env of keys) expect(['known', 'listener-override'], env).toContain(lookupKey(imageEnvToKey(env)).kind)
      if (service.environment.KAFKA_PROCESS_ROLES === 'controller') expect(service.environment.KAFKA_ADVERTISED_LISTENERS).toBeUndefined()
    }
  })

  it('renders every template placeholder and keeps PLAN.md formulas', () => {
    for (const file of files) expect(file.content, file.path).not.toMatch(/@@\w+@@/)
    const plan = files.find((file) => file.path === 'PLAN.md')!.content
    expect(plan).toContain('storage = W·retention·RF/N/0.75')
    expect(plan).toContain('| LIMIT | NEED | HAVE |')
    JSON.parse(files.find((file) => file.path === 'grafana/kafka-dashboard.json')!.content)
    const alerts = yaml.load(files.find((file) => file.path === 'prometheus/kafka-alerts.yml')!.content) as {groups: {rules: {alert: string}[]}[]}
    expect(alerts.groups[0].rules.map((rule) => rule.alert)).toEqual(expect.arrayContaining([
      'KafkaBrokerDown', 'KafkaUnderReplicatedPartitions', 'KafkaOfflinePartitions', 'KafkaActiveControllerCount', 'KafkaConsumerLag', 'KafkaDiskUsageHigh',
    ]))
    yaml.load(files.find((file) => file.path === 'jmx-exporter.yml')!.content)
  })
})

describe('init specifics', () => {
  it('PLAN.md states the partition count the plan uses, not only how it was derived', () => {
    // HA, 50 MiB/s for 7 days: 117 brokers; 5 partitions by throughput spread to 39 (117/gcd(117, 3))
    const input = resolvePlanInput({ha: true, writeMbps: '50'})
    const plan = planCapacity(input)
    const options: ClusterOptions = {nodes: 3, dedicatedControllers: false, security: 'plaintext', clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', adminPassword: 'a', storePassword: 's', logDirs: '/var/lib/kafka/data'}
    const planMd = generateInitFiles(plan, input, options, templates).find((file) => file.path === 'PLAN.md')!.content
    expect(planMd).toContain('| partitions | 39, derived at 10 MiB/s per partition and spread evenly over the brokers |')
  })

  it('single node: combined roles and internal topics at RF 1', () => {
    const map = propertiesToMap(parseProperties(generate({}).find((file) => file.path === 'server-1.properties')!.content))
    expect(map.get('process.roles')).toBe('broker,controller')
    expect(map.get('controller.quorum.voters')).toBe('1@localhost:9093')
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr', 'share.coordinator.state.topic.replication.factor', 'share.coordinator.state.topic.min.isr']) {
      expect(map.get(key), key).toBe('1')
    }
  })

  it('HA: seed durability defaults, internal topics RF 3 / min ISR 2, one rack per AZ', () => {
    const files = generate({ha: true, nodes: 3})
    const maps = files.filter((file) => file.path.endsWith('.properties')).map((file) => propertiesToMap(parseProperties(file.content)))
    for (const map of maps) {
      expect(map.get('default.replication.factor')).toBe('3')
      expect(map.get('min.insync.replicas')).toBe('2')
      expect(map.get('unclean.leader.election.enable')).toBe('false')
      expect(map.get('auto.create.topics.enable')).toBe('false')
      expect(map.get('offsets.topic.replication.factor')).toBe('3')
      expect(map.get('transaction.state.log.min.isr')).toBe('2')
    }
    expect(maps.map((map) => map.get('broker.rack'))).toEqual(['az-1', 'az-2', 'az-3'])
  })

  it('5 combined nodes get 5 voters; dedicated controllers get 3 and brokers none', () => {
    expect(voterCount(true, 5, false)).toBe(5)
    expect(voterCount(true, 4, false)).toBe(3)
    expect(voterCount(true, 9, true)).toBe(3)
    const maps = generate({ha: true, nodes: 4, dedicated: true}).filter((file) => file.path.endsWith('.properties')).map((file) => propertiesToMap(parseProperties(file.content)))
    const controllers = maps.filter((map) => map.get('process.roles') === 'controller')
    expect(controllers.map((map) => map.get('node.id'))).toEqual(['101', '102', '103'])
    for (const map of controllers) expect(map.get('listeners')).toBe('CONTROLLER://:9093')
    for (const map of maps.filter((m) => m.get('process.roles') === 'broker')) expect(map.get('listeners')).toBe('PLAINTEXT://:9092')
  })

  it('sasl_ssl: SCRAM for clients, PLAIN for controllers, StandardAuthorizer with super user', () => {
    const files = generate({ha: true, nodes: 3, security: 'sasl_ssl'})
    const map = propertiesToMap(parseProperties(files.find((file) => file.path === 'server-1.properties')!.content))
    expect(map.get('listeners')).toBe('SASL_SSL://:9092,CONTROLLER://:9093')
    expect(map.get('listener.security.protocol.map')).toBe('SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL')
    expect(map.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512,PLAIN')
    expect(map.get('sasl.mechanism.controller.protocol')).toBe('PLAIN')
    expect(map.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer')
    expect(map.get('super.users')).toBe('User:admin')
    expect(map.get('listener.name.controller.plain.sasl.jaas.config')).toContain('user_admin="admin-secret"')
    expect(files.find((file) => file.path === 'format-storage.sh')!.content).toContain('--add-scram "SCRAM-SHA-512=[name=admin,password=admin-secret]"')
    expect(files.find((file) => file.path === 'ssl/store_creds')!.secret).toBe(true)
  })

  it.each([
    ['process.roles', 'KAFKA_PROCESS_ROLES'],
    ['node.id', 'KAFKA_NODE_ID'],
    ['controller.quorum.voters', 'KAFKA_CONTROLLER_QUORUM_VOTERS'],
    ['share.coordinator.state.topic.min.isr', 'KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR'],
    ['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config', 'KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___512_SASL_JAAS_CONFIG'],
  ])('docker env for %s is %s and maps back', (key, env) => {
    expect(dockerEnvName(key)).toBe(env)
    expect(imageEnvToKey(env)).toBe(key)
  })

  it('template rendering refuses a missing value', () => {
    expect(renderTemplate('x', 'a @@b@@ c', {b: 1})).toBe('a 1 c')
    expect(() => renderTemplate('x', '@@missing@@', {})).toThrow(/no value for @@missing@@/)
  })
})
