import {describe, expect, it} from 'vitest'
import {renderTopicCreate, renderTopicDescription, renderTopicList, renderTopicStatus} from '../../src/admin/topics-render.js'
import {batchError, globToRegex, selectTopics, topicDescriptionView, topicListView} from '../../src/admin/topics.js'
import type {TopicMetadata} from '../../src/kafka/client/index.js'
import {renderData} from '../../src/ui/output.js'

const partition = (index: number, leader: number, replicas: number[], isr: number[], offline: number[] = []) => ({
  partition: index,
  errorCode: 0,
  leader,
  leaderEpoch: 0,
  replicas,
  isr,
  offline,
})

const topic = (name: string, isInternal: boolean, partitions: ReturnType<typeof partition>[]): TopicMetadata => ({name, topicId: '', errorCode: 0, isInternal, partitions})
const topics: TopicMetadata[] = [
  topic('payments', false, [partition(0, 1, [1, 2, 3], [1, 2, 3]), partition(1, 2, [2, 3, 1], [2, 3])]),
  topic('__consumer_offsets', true, [partition(0, 1, [1], [1])]),
  topic('orders', false, [partition(0, -1, [3], [], [3])]),
]

describe('topic list view', () => {
  const rows = topicListView({topics}, {includeInternal: false})

  it('sorts, hides internal topics and counts under-replicated and offline partitions', () => {
    expect(rows).toEqual([
      {name: 'orders', partitions: 1, replicationFactor: 1, underReplicatedPartitions: 1, offlinePartitions: 1, internal: false},
      {name: 'payments', partitions: 2, replicationFactor: 3, underReplicatedPartitions: 1, offlinePartitions: 0, internal: false},
    ])
    expect(topicListView({topics}, {includeInternal: true}).map((row) => row.name)).toEqual(['__consumer_offsets', 'orders', 'payments'])
  })

  it('renders table, json and yaml', () => {
    expect(renderData(rows, 'table', renderTopicList)).toBe(
      ['NAME      PARTITIONS  RF  UNDER-REPLICATED  OFFLINE', 'orders    1           1   1                 1', 'payments  2           3   1                 0'].join('\n'),
    )
    expect(JSON.parse(renderData(rows, 'json', renderTopicList))).toEqual(rows)
    expect(renderData(rows, 'yaml', renderTopicList)).toBe(
      [
        '- name: orders',
        '  partitions: 1',
        '  replicationFactor: 1',
        '  underReplicatedPartitions: 1',
        '  offlinePartitions: 1',
        '  internal: false',
        '- name: payments',
        '  partitions: 2',
        '  replicationFactor: 3',
        '  underReplicatedPartitions: 1',
        '  offlinePartitions: 0',
        '  internal: false',
      ].join('\n'),
    )
  })
})

describe('topic description view', () => {
  const view = topicDescriptionView(
    'payments',
    [partition(1, 2, [2, 3, 1], [2, 3]), partition(0, -1, [1, 2, 3], [], [1])],
    [
      {partition: 0, low: 0, high: 10},
      {partition: 1, low: 5, high: 7},
    ],
    [
      {name: 'retention.ms', value: '86400000', configSource: 1, isSensitive: false, readOnly: false},
      {name: 'cleanup.policy', value: 'delete', configSource: 5, isSensitive: false, readOnly: false},
      {name: 'min.insync.replicas', value: '2', configSource: 4, isSensitive: false, readOnly: false},
    ],
  )

  it('orders partitions, marks offline leaders and keeps only non-default configs with their source', () => {
    expect(view).toEqual({
      name: 'payments',
      partitionCount: 2,
      replicationFactor: 3,
      partitions: [
        {partition: 0, leader: null, replicas: [1, 2, 3], isr: [], offlineReplicas: [1], underReplicated: true, logStartOffset: 0, highWatermark: 10},
        {partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3], offlineReplicas: [], underReplicated: true, logStartOffset: 5, highWatermark: 7},
      ],
      configs: [
        {name: 'min.insync.replicas', value: '2', source: 'STATIC_BROKER_CONFIG', sensitive: false, readOnly: false},
        {name: 'retention.ms', value: '86400000', source: 'DYNAMIC_TOPIC_CONFIG', sensitive: false, readOnly: false},
      ],
    })
  })

  it('renders a summary, a partition table and a config table', () => {
    expect(renderTopicDescription(view)).toBe(
      [
        'NAME                payments',
        'PARTITIONS          2',
        'REPLICATION-FACTOR  3',
        '',
        'PARTITION  LEADER  REPLICAS  ISR  OFFLINE-REPLICAS  LOG-START-OFFSET  HIGH-WATERMARK',
        '0          none    1,2,3     -    1                 0                 10',
        '1          2       2,3,1     2,3  -                 5                 7',
        '',
        'CONFIG               VALUE     SOURCE',
        'min.insync.replicas  2         STATIC_BROKER_CONFIG',
        'retention.ms         86400000  DYNAMIC_TOPIC_CONFIG',
      ].join('\n'),
    )
  })
})

describe('batch rows', () => {
  it('renders one row per topic and fails the batch only after every row', () => {
    const rows = [
      {topic: 'a', status: 'created', error: null, partitions: 3, replicationFactor: 1},
      {topic: 'b', status: 'failed', error: 'INVALID_CONFIG: Unknown topic config name: x', partitions: 3, replicationFactor: 1},
    ]
    expect(renderTopicCreate(rows)).toBe(
      ['TOPIC  STATUS   PARTITIONS  RF  ERROR', 'a      created  3           1   -', 'b      failed   3           1   INVALID_CONFIG: Unknown topic config name: x'].join('\n'),
    )
    const error = batchError(rows, 'create')
    expect(error?.message).toBe('unable to create 1 of 2 topics: INVALID_CONFIG: Unknown topic config name: x')
    expect(error?.exitCode).toBe(1)
    expect(batchError([rows[0]], 'create')).toBeUndefined()
    const missing = [{topic: 'x', status: 'failed', error: 'UNKNOWN_TOPIC_OR_PARTITION: topic does not exist'}]
    expect(batchError(missing, 'delete')?.exitCode).toBe(4)
    expect(renderTopicStatus(missing)).toBe('TOPIC  STATUS  ERROR\nx      failed  UNKNOWN_TOPIC_OR_PARTITION: topic does not exist')
  })
})

describe('topic selection', () => {
  const all = [
    {name: 'test-1', internal: false},
    {name: 'test-22', internal: false},
    {name: 'prod', internal: false},
    {name: '__consumer_offsets', internal: true},
  ]

  it('matches globs and regexes against whole names, never internal topics', () => {
    expect(selectTopics(['test-*'], all, {regex: false})).toEqual({topics: ['test-1', 'test-22'], missing: [], usedPattern: true})
    expect(selectTopics(['test-?'], all, {regex: false}).topics).toEqual(['test-1'])
    expect(selectTopics(['*'], all, {regex: false}).topics).toEqual(['prod', 'test-1', 'test-22'])
    expect(selectTopics(['test-\\d{2}'], all, {regex: true}).topics).toEqual(['test-22'])
    expect(selectTopics(['prod', 'gone'], all, {regex: false})).toEqual({topics: ['prod'], missing: ['gone'], usedPattern: false})
    expect(globToRegex('a.[!b]c').test('a.xc')).toBe(true)
    expect(globToRegex('a.[!b]c').test('a.bc')).toBe(false)
    expect(() => selectTopics(['('], all, {regex: true})).toThrow(/invalid regular expression/)
  })
})
