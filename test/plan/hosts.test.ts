// --hosts / --controller-hosts: names, IP addresses and name=ip, and what each becomes in the
// layout. A malformed entry is a one-line usage error (exit 2) naming the entry.
import {fileURLToPath} from 'node:url'
import {describe, expect, it, vi} from 'vitest'
import InitCommand from '../../commands/init.js'
import {ExitCode, KctlError} from '../../src/errors.js'
import {buildNodes, certificateNames, type ClusterOptions, hostPort} from '../../src/plan/cluster.js'
import {parseHosts, resolvePlanInput} from '../../src/plan/input.js'
import {planCapacity} from '../../src/plan/model.js'

function usageErrorOf(run: () => unknown): KctlError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(KctlError)
    expect((error as KctlError).exitCode).toBe(ExitCode.usage)
    return error as KctlError
  }
  throw new Error('expected a usage error')
}

describe('parseHosts', () => {
  it('reads names, IPv4, IPv6 and name=ip entries, trimming spaces and empty entries', () => {
    expect(parseHosts(' kafka-1 , 10.0.0.2,, fd00::3 ,k4.example.com=10.0.0.4,kafka-5 = fd00::5', 'hosts')).toEqual([
      {host: 'kafka-1'},
      {host: '10.0.0.2'},
      {host: 'fd00::3'},
      {host: 'k4.example.com', address: '10.0.0.4'},
      {host: 'kafka-5', address: 'fd00::5'},
    ])
  })

  it.each([
    ['kafka-1=', /^invalid --hosts entry "kafka-1=": expected name=ip with both parts$/],
    ['=10.0.0.1', /^invalid --hosts entry "=10.0.0.1": expected name=ip with both parts$/],
    ['kafka-1=kafka-one', /^invalid --hosts entry "kafka-1=kafka-one": "kafka-one" is not an IP address$/],
    ['kafka-1=10.0.0.256', /^invalid --hosts entry "kafka-1=10.0.0.256": "10.0.0.256" is not an IP address$/],
    ['10.0.0.1=10.0.0.2', /^invalid --hosts entry "10.0.0.1=10.0.0.2": the part before "=" is an address/],
    ['kafka_1=10.0.0.1', /^invalid --hosts entry "kafka_1=10.0.0.1": "kafka_1" is not a host name$/],
    ['10.0.0.300', /^invalid --hosts entry "10.0.0.300": 10.0.0.300 is not an IP address$/],
    ['kafka-1:9092', /^invalid --hosts entry "kafka-1:9092": expected a host name, an IP address or name=ip \(no port, no brackets\)$/],
    ['[::1]', /^invalid --hosts entry "\[::1\]": expected a host name/],
    ['a;rm -rf ~', /^invalid --hosts entry "a;rm -rf ~": expected a host name/],
  ])('%j is a usage error naming the entry, with name=ip in the hint', (text, message) => {
    const error = usageErrorOf(() => parseHosts(`kafka-0,${text}`, 'hosts'))
    expect(error.message).toMatch(message)
    expect(error.hint).toContain('--hosts kafka-1=10.0.0.1,kafka-2=10.0.0.2')
  })

  it.each([
    ['a,b,a', '--hosts lists a twice'],
    ['a=10.0.0.1,b=10.0.0.1', '--hosts lists 10.0.0.1 twice'],
    ['10.0.0.1,b=10.0.0.1', '--hosts lists 10.0.0.1 twice'],
    ['a=10.0.0.1,a=10.0.0.2', '--hosts lists a twice'],
  ])('%j: one host for two nodes is a usage error', (text, message) => {
    expect(usageErrorOf(() => parseHosts(text, 'hosts')).message).toBe(message)
  })

  it('an empty list is a usage error rather than a cluster of no nodes', () => {
    expect(usageErrorOf(() => parseHosts(' , ', 'controller-hosts')).message).toBe('--controller-hosts is empty')
  })
})

describe('hosts in the layout', () => {
  const input = resolvePlanInput({ha: true, writeMbps: '10', retention: '1d', tier: 'minimum'})
  const plan = planCapacity(input)
  const options = (hosts: string, extra: Partial<ClusterOptions> = {}): ClusterOptions => ({
    nodes: 3, hosts: parseHosts(hosts, 'hosts'), dedicatedControllers: false, security: 'sasl_ssl',
    clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', adminPassword: 'a', storePassword: 's', logDirs: '/var/lib/kafka/data', ...extra,
  })
  const entry = (node: {properties: {entries: [string, string][]}[]}, key: string) => node.properties.flatMap((section) => section.entries).find(([name]) => name === key)?.[1]

  it('name=ip nodes use the name in listeners, voters and keystore; the IP only in the certificate', () => {
    const nodes = buildNodes(plan, input, options('kafka-1=10.0.0.1,kafka-2=10.0.0.2,kafka-3=10.0.0.3'))
    expect(nodes.map((node) => [node.host, node.address])).toEqual([['kafka-1', '10.0.0.1'], ['kafka-2', '10.0.0.2'], ['kafka-3', '10.0.0.3']])
    expect(entry(nodes[1], 'advertised.listeners')).toBe('SASL_SSL://kafka-2:9092')
    expect(entry(nodes[1], 'controller.quorum.voters')).toBe('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093')
    expect(entry(nodes[1], 'ssl.keystore.location')).toBe('/etc/kafka/ssl/kafka-2.keystore.p12')
    const text = JSON.stringify(nodes.map((node) => node.properties))
    expect(text).not.toContain('10.0.0.')
    expect(nodes.map((node) => certificateNames(node))).toEqual([['DNS:kafka-1', 'IP:10.0.0.1'], ['DNS:kafka-2', 'IP:10.0.0.2'], ['DNS:kafka-3', 'IP:10.0.0.3']])
  })

  it('dedicated controllers take name=ip too', () => {
    const nodes = buildNodes(plan, input, options('b1,b2,b3', {dedicatedControllers: true, controllerHosts: parseHosts('c1=10.1.0.1,c2=10.1.0.2,fd00::13', 'controller-hosts')}))
    const controllers = nodes.filter((node) => node.roles.includes('controller'))
    expect(controllers.map((node) => certificateNames(node))).toEqual([['DNS:c1', 'IP:10.1.0.1'], ['DNS:c2', 'IP:10.1.0.2'], ['IP:fd00::13']])
    expect(entry(nodes[0], 'controller.quorum.voters')).toBe('101@c1:9093,102@c2:9093,103@[fd00::13]:9093')
  })

  it('hostPort brackets IPv6 only', () => {
    expect([hostPort('fd00::1', 9092), hostPort('10.0.0.1', 9092), hostPort('kafka-1', 9092)]).toEqual(['[fd00::1]:9092', '10.0.0.1:9092', 'kafka-1:9092'])
  })
})

describe('kctl init --hosts (the command, in process)', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url))

  it.each([
    [['--hosts', 'kafka-1=10.0.0.1,kafka-2=,kafka-3=10.0.0.3'], 'error: invalid --hosts entry "kafka-2=": expected name=ip with both parts'],
    [['--hosts', 'kafka-1,kafka-2:9092,kafka-3'], 'error: invalid --hosts entry "kafka-2:9092": expected a host name, an IP address or name=ip (no port, no brackets)'],
    [['--hosts', 'a=10.0.0.1,b=10.0.0.1,c'], 'error: --hosts lists 10.0.0.1 twice'],
    [['--hosts', 'a,b,c', '--dedicated-controllers', '--controller-hosts', 'c1,c2=x,c3'], 'error: invalid --controller-hosts entry "c2=x": "x" is not an IP address'],
  ])('%j exits 2 with one error line and a hint', async (args, message) => {
    const stderr: string[] = []
    // oclif writes the command's stderr lines through console.error.
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      stderr.push(`${String(line).replace(/\x1b\[[0-9;]*m/g, '')}\n`)
    })
    let exit: number | undefined
    try {
      await InitCommand.run(['--ha', '--security', 'sasl_ssl', '--out', '/nonexistent/never-written', ...args], root)
    } catch (error) {
      exit = (error as {oclif?: {exit?: number}}).oclif?.exit
    } finally {
      spy.mockRestore()
    }
    expect(exit).toBe(ExitCode.usage)
    const lines = stderr.join('').trim().split('\n')
    expect(lines[0]).toBe(message)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^hint: /)
  })
})
