// Table renderers for the topic views (json/yaml print the views as they are).
import {colour, renderKeyValues, renderLongTable, renderTable} from '../ui/output.js'
import type {TopicAlterRow, TopicCreateRow, TopicDescription, TopicListRow, TopicPartitionsRow, TopicStatusRow} from './topics.js'

export function renderTopicList(rows: TopicListRow[]): string {
  return renderLongTable(
    ['NAME', 'PARTITIONS', 'RF', 'UNDER-REPLICATED', 'OFFLINE'],
    rows.map((row) => [row.name, row.partitions, row.replicationFactor, warnIfPositive(row.underReplicatedPartitions), warnIfPositive(row.offlinePartitions)]),
  )
}

export function renderTopicDescription(topic: TopicDescription): string {
  const summary = renderKeyValues([
    ['NAME', topic.name],
    ['PARTITIONS', topic.partitionCount],
    ['REPLICATION-FACTOR', topic.replicationFactor],
  ])
  // A topic can have thousands of partitions; cli-table3 takes seconds for 2,000 rows.
  // The cleaner columns only for a compacted topic on the bundled broker (Kafka does not say).
  const cleaner = topic.partitions.some((partition) => partition.dirtyRatio !== undefined)
  const partitions = renderLongTable(
    ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'OFFLINE-REPLICAS', 'LOG-START-OFFSET', 'HIGH-WATERMARK', ...(cleaner ? ['DIRTY-RATIO', 'LAST-CLEANED'] : [])],
    topic.partitions.map((partition) => [
      partition.partition,
      partition.leader ?? colour.red('none'),
      list(partition.replicas),
      partition.underReplicated ? colour.yellow(list(partition.isr)) : list(partition.isr),
      partition.offlineReplicas.length > 0 ? colour.red(list(partition.offlineReplicas)) : '-',
      partition.logStartOffset,
      partition.highWatermark,
      ...(cleaner ? [partition.dirtyRatio?.toFixed(2), partition.lastCleanedMs === undefined || partition.lastCleanedMs < 0 ? 'never' : new Date(partition.lastCleanedMs).toISOString()] : []),
    ]),
  )
  const configs =
    topic.configs.length === 0
      ? 'CONFIGS  (all defaults)'
      : renderTable(
          ['CONFIG', 'VALUE', 'SOURCE'],
          topic.configs.map((entry) => [entry.name, entry.sensitive ? '(sensitive)' : entry.value, entry.source]),
        )
  return [summary, partitions, configs].join('\n\n')
}

export function renderTopicCreate(rows: TopicCreateRow[]): string {
  return renderTable(
    ['TOPIC', 'STATUS', 'PARTITIONS', 'RF', 'ERROR'],
    rows.map((row) => [row.topic, status(row.status), row.partitions, row.replicationFactor, row.error]),
  )
}

export function renderTopicStatus(rows: TopicStatusRow[]): string {
  return renderTable(['TOPIC', 'STATUS', 'ERROR'], rows.map((row) => [row.topic, status(row.status), row.error]))
}

export function renderTopicAlter(rows: TopicAlterRow[]): string {
  return renderTable(
    ['TOPIC', 'CONFIG', 'ACTION', 'VALUE', 'STATUS', 'ERROR'],
    rows.map((row) => [row.topic, row.config, row.action, row.value, status(row.status), row.error]),
  )
}

export function renderTopicPartitions(rows: TopicPartitionsRow[]): string {
  return renderTable(
    ['TOPIC', 'STATUS', 'PARTITIONS', 'ADDED', 'ERROR'],
    rows.map((row) => [row.topic, status(row.status), row.partitions, row.added, row.error]),
  )
}

function list(ids: number[]): string {
  return ids.length === 0 ? '-' : ids.join(',')
}

function warnIfPositive(count: number): string | number {
  return count > 0 ? colour.yellow(String(count)) : count
}

function status(value: string): string {
  return value === 'failed' ? colour.red(value) : value
}
