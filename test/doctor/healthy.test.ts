// A healthy cluster yields no errors and no warnings; every check runs on it.
import {describe, expect, it} from 'vitest'
import {checkCatalogue, doctorExitCode, runChecks, selectChecks} from '../../src/admin/doctor/index.js'
import {broker, healthyCluster, topic, withLogDirs} from './fixtures.js'

describe('kctl doctor on a healthy 3-broker, 3-rack cluster', () => {
  it('finds no errors and no warnings', () => {
    const report = runChecks(healthyCluster())
    expect(report.findings.filter((item) => item.severity !== 'info')).toEqual([])
    expect(report.checks).toHaveLength(checkCatalogue.length)
    expect(doctorExitCode(report.summary, true)).toBe(0)
  })

  it('--checks and --skip narrow what runs', () => {
    expect(runChecks(healthyCluster(), {checks: ['data'], skip: ['data.group-error']}).checks).toEqual(selectChecks({checks: ['data'], skip: ['data.group-error']}))
  })
})

describe('kctl doctor on a development node (the bundled broker, defaults)', () => {
  it('warns about PLAINTEXT and no authorizer, notes the single broker, and exits 0', () => {
    const node = broker(1, undefined, {
      'controller.quorum.voters': '1@localhost:9093',
      listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      'advertised.listeners': 'PLAINTEXT://localhost:9092',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
      'authorizer.class.name': '',
      'super.users': '',
      'auto.create.topics.enable': 'true',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'log.dirs': '/home/dev/.kctl/data',
    })
    node.listeners = [{name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT'}]
    const snapshot = withLogDirs({
      clusterId: 'dev', controllerId: 1, takenAtMs: 1_700_000_030_000, windowMs: 30_000, brokers: [node],
      topics: [topic('demo', {partitions: 3, rf: 1, brokers: [1], writeBytesPerSec: 1000, configs: {'min.insync.replicas': '1'}})],
    }, {})
    const report = runChecks(snapshot)
    expect(report.findings.map((item) => `${item.severity} ${item.id}`)).toEqual([
      'info capacity.broker-loss',
      'warning security.plaintext-listener',
      'warning security.no-authorizer',
    ])
    expect(doctorExitCode(report.summary, false)).toBe(0)
  })
})

describe('kctl doctor without broker.rack', () => {
  it('3 brokers in one (unknown) rack: the model cannot survive an AZ loss, and says to set broker.rack', () => {
    const snapshot = healthyCluster()
    snapshot.brokers = snapshot.brokers.map((node) => ({...node, rack: undefined}))
    const findings = runChecks(snapshot, {checks: ['capacity.rack-loss']}).findings
    expect(findings.map((item) => `${item.severity} ${item.problem}`)).toEqual(['warning losing one rack/AZ: no: a single AZ; spread brokers over 3 AZs (--azs 3)'])
    expect(findings[0].fix).toBe('set broker.rack on every broker and spread the brokers over 3 racks/AZs')
  })
})
