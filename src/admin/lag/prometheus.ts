// Prometheus text exposition (format 0.0.4) of a lag report, with the metric names and
// labels of danielqsj/kafka_exporter so existing dashboards and alerts work unchanged
// (kafka_consumergroup_lag{consumergroup,topic,partition} ...). kctl's additions, which
// kafka_exporter has no name for, use the kctl_ prefix: time lag and the --watch status.
import type {LagReport} from './compute.js'
import type {GroupTrend, LagStatus} from './watch.js'
import {lagStatuses} from './watch.js'

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function labels(pairs: Record<string, string | number>): string {
  return `{${Object.entries(pairs).map(([key, value]) => `${key}="${escapeLabel(String(value))}"`).join(',')}}`
}

export class Exposition {
  private readonly lines: string[] = []

  metric(name: string, help: string, samples: [Record<string, string | number>, number][]): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`)
    for (const [pairs, value] of samples) this.lines.push(`${name}${Object.keys(pairs).length > 0 ? labels(pairs) : ''} ${value}`)
  }

  text(): string {
    return `${this.lines.join('\n')}\n`
  }
}

export function renderPrometheus(report: LagReport, extras: {brokers?: number; trends?: readonly GroupTrend[]} = {}): string {
  const out = new Exposition()
  if (extras.brokers !== undefined) out.metric('kafka_brokers', 'Number of Brokers in the Kafka Cluster.', [[{}, extras.brokers]])
  // Partition offsets once per topic-partition, whichever group row carried them.
  const partitions = new Map<string, {topic: string; partition: number; start: number; end: number}>()
  for (const row of report.rows) partitions.set(`${row.topic}\u0000${row.partition}`, {topic: row.topic, partition: row.partition, start: row.logStartOffset, end: row.logEndOffset})
  const partitionList = [...partitions.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  const partitionCounts = new Map<string, number>()
  for (const {topic} of partitionList) partitionCounts.set(topic, (partitionCounts.get(topic) ?? 0) + 1)
  out.metric('kafka_topic_partitions', 'Number of partitions for this Topic', [...partitionCounts].map(([topic, count]) => [{topic}, count]))
  out.metric('kafka_topic_partition_current_offset', 'Current Offset of a Broker at Topic/Partition', partitionList.map((p) => [{topic: p.topic, partition: p.partition}, p.end]))
  out.metric('kafka_topic_partition_oldest_offset', 'Oldest Offset of a Broker at Topic/Partition', partitionList.map((p) => [{topic: p.topic, partition: p.partition}, p.start]))
  out.metric('kafka_consumergroup_members', 'Amount of members in a consumer group', report.groups.map((group) => [{consumergroup: group.group}, group.members]))
  // kafka_exporter reports -1 for a partition without a commit; its lag is the whole backlog here.
  out.metric('kafka_consumergroup_current_offset', 'Current Offset of a ConsumerGroup at Topic/Partition', report.rows.map((row) => [{consumergroup: row.group, topic: row.topic, partition: row.partition}, row.currentOffset ?? -1]))
  out.metric('kafka_consumergroup_current_offset_sum', 'Current Offset of a ConsumerGroup at Topic for all partitions', report.topics.map((total) => [
    {consumergroup: total.group, topic: total.topic},
    report.rows.filter((row) => row.group === total.group && row.topic === total.topic).reduce((sum, row) => sum + Math.max(0, row.currentOffset ?? 0), 0),
  ]))
  out.metric('kafka_consumergroup_lag', 'Current Approximate Lag of a ConsumerGroup at Topic/Partition', report.rows.map((row) => [{consumergroup: row.group, topic: row.topic, partition: row.partition}, row.lag]))
  out.metric('kafka_consumergroup_lag_sum', 'Current Approximate Lag of a ConsumerGroup at Topic for all partitions', report.topics.map((total) => [{consumergroup: total.group, topic: total.topic}, total.lag]))
  out.metric('kctl_consumergroup_lag_seconds', 'Age of the first unconsumed record of a ConsumerGroup at Topic/Partition (0 when caught up)', report.rows
    .filter((row) => row.timeLagMs !== null)
    .map((row) => [{consumergroup: row.group, topic: row.topic, partition: row.partition}, row.timeLagMs! / 1000]))
  if (extras.trends) {
    // One series per status, 1 for the current one (the state-set idiom), so alerts can
    // match kctl_consumergroup_status{status="STOP"} == 1.
    out.metric('kctl_consumergroup_status', 'Burrow-style evaluation of the ConsumerGroup over the watch window', extras.trends.flatMap((trend) =>
      lagStatuses.map((status: LagStatus): [Record<string, string>, number] => [{consumergroup: trend.group, status}, trend.status === status ? 1 : 0]),
    ))
  }
  return out.text()
}
