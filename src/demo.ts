// The guided tour behind `kctl demo`: real kctl commands run one after another against
// a bundled broker, each shown as the line a user would type, followed by its output.
// It grows with the product: topics, produce/consume, a consumer group and its lag, a
// short load test, a capacity plan, and last a `kctl doctor` run over the cluster the tour
// built (a 2 s window, so its write rates are real but the tour stays short).

export interface TourStep {
  /** What the step shows, printed above the command. */
  title: string
  args: string[]
  /** Text fed to the command's stdin. */
  input?: string
}

export interface CommandResult {
  stdout: string
  stderr: string
  exitCode: number
}

const orders = [
  {key: 'user-123', value: {userId: 'user-123', action: 'login'}, headers: {'correlation-id': 'req-456'}},
  {key: 'user-7', value: {userId: 'user-7', action: 'add-to-cart'}, headers: {'correlation-id': 'req-457'}},
  {key: 'user-123', value: {userId: 'user-123', action: 'checkout'}, headers: {'correlation-id': 'req-458'}},
  {key: 'user-42', value: {userId: 'user-42', action: 'login'}, headers: {'correlation-id': 'req-459'}},
]
const laterOrders = [
  {key: 'user-7', value: {userId: 'user-7', action: 'checkout'}},
  {key: 'user-42', value: {userId: 'user-42', action: 'logout'}},
]

function jsonLines(records: object[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n') + '\n'
}

export function tourSteps(bootstrap: string): TourStep[] {
  const b = ['-b', bootstrap]
  return [
    {title: 'Create a topic with three partitions', args: ['topics', 'create', 'demo.events', '-p', '3', ...b]},
    {
      title: "Produce records shaped like the seed's message format (key, value, headers)",
      args: ['produce', 'demo.events', '--format', 'json', ...b],
      input: jsonLines(orders),
    },
    {
      title: 'Consume them as consumer group demo-app, which commits its offsets',
      args: ['consume', 'demo.events', '--group', 'demo-app', '--from-beginning', '--max-messages', String(orders.length), '-f', 'partition %p offset %o  %k  %v\\n', ...b],
    },
    {title: 'Two more records arrive while demo-app is away', args: ['produce', 'demo.events', '--format', 'json', ...b], input: jsonLines(laterOrders)},
    {title: "demo-app's lag: offsets behind and how old its oldest unread record is", args: ['lag', '--group', 'demo-app', ...b]},
    {title: 'The topic, partition by partition', args: ['topics', 'describe', 'demo.events', ...b]},
    {
      title: 'A short load test: 200,000 records of 100 bytes as fast as the broker takes them',
      args: ['perf', 'produce', '--topic', 'demo.load', '--partitions', '3', '--num-records', '200000', '--record-size', '100', '--throughput', '-1', ...b],
    },
    {title: 'Consumer groups on the broker', args: ['groups', 'list', ...b]},
    {
      title: 'Size a three-zone production cluster: 20 MiB/s in, two consumer groups, 3 days, 8-core brokers with 4 TB disks',
      args: ['plan', '--ha', '--write-mbps', '20', '--fanout', '2', '--retention', '3d', '--azs', '3', '--cores', '8', '--memory', '32GB', '--disk', '4TB', '--network', '10Gbps'],
    },
    {
      title: 'Check the cluster: availability, capacity, configuration, security and consumer groups, write rates measured over 2s',
      args: ['doctor', '--window', '2s', ...b],
    },
  ]
}

/** Runs every step in order; stops at the first failure and returns its exit code. */
export async function runTour(options: {
  bootstrap: string
  run: (args: string[], input?: string) => Promise<CommandResult>
  write: (text: string) => void
  heading: (step: TourStep, index: number, command: string) => string
}): Promise<number> {
  const steps = tourSteps(options.bootstrap)
  for (const [index, step] of steps.entries()) {
    options.write(options.heading(step, index, `kctl ${step.args.map(quoteArg).join(' ')}`))
    const result = await options.run(step.args, step.input)
    if (result.stdout) options.write(result.stdout.trimEnd())
    if (result.exitCode !== 0) {
      options.write(result.stderr.trimEnd())
      return result.exitCode
    }
  }
  return 0
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`
}
