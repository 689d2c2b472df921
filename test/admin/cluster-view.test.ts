import {describe, expect, it} from 'vitest'
import {clusterDescriptionView, renderClusterDescription} from '../../src/admin/cluster.js'
import {renderData} from '../../src/ui/output.js'

describe('cluster description view', () => {
  const view = clusterDescriptionView(
    {
      clusterId: 'q1Sh-9_ISia_zwGINzRvyQ',
      controllerId: 2,
      brokers: [
        {nodeId: 2, host: 'kafka-2', port: 9092, rack: 'eu-west-1b'},
        {nodeId: 1, host: 'kafka-1', port: 9092, rack: null},
      ],
    },
    new Map([
      [0, {minVersion: 0, maxVersion: 12}],
      [3, {minVersion: 0, maxVersion: 13}],
      [60, {minVersion: 0, maxVersion: 2}],
      [10, {minVersion: 0, maxVersion: 6}],
      [87, {minVersion: 0, maxVersion: 0}],
    ]),
    // What a connection negotiated: nothing for an API the client does not speak.
    (apiKey) => ({0: 12, 3: 12, 10: 6} as Record<number, number>)[apiKey],
  )

  it('lists brokers by id with racks, and per API the broker range and the version kctl uses', () => {
    expect(view.brokers).toEqual([
      {nodeId: 1, host: 'kafka-1', port: 9092, rack: null, controller: false},
      {nodeId: 2, host: 'kafka-2', port: 9092, rack: 'eu-west-1b', controller: true},
    ])
    expect(view.apiVersions).toEqual([
      {apiKey: 0, name: 'Produce', minVersion: 0, maxVersion: 12, kctlVersion: 12},
      {apiKey: 3, name: 'Metadata', minVersion: 0, maxVersion: 13, kctlVersion: 12},
      {apiKey: 10, name: 'FindCoordinator', minVersion: 0, maxVersion: 6, kctlVersion: 6},
      {apiKey: 60, name: 'DescribeCluster', minVersion: 0, maxVersion: 2, kctlVersion: null},
      {apiKey: 87, name: 'ReadShareGroupStateSummary', minVersion: 0, maxVersion: 0, kctlVersion: null},
    ])
  })

  it('renders table and json', () => {
    expect(renderClusterDescription(view)).toBe(
      [
        'CLUSTER-ID  q1Sh-9_ISia_zwGINzRvyQ',
        'CONTROLLER  2',
        'BROKERS     2',
        '',
        'ID  HOST     PORT  RACK        CONTROLLER',
        '1   kafka-1  9092  -',
        '2   kafka-2  9092  eu-west-1b  yes',
        '',
        'KEY  API                         BROKER-MIN  BROKER-MAX  KCTL-USES',
        '  0  Produce                              0          12  v12',
        '  3  Metadata                             0          13  v12',
        ' 10  FindCoordinator                      0           6  v6',
        ' 60  DescribeCluster                      0           2  -',
        ' 87  ReadShareGroupStateSummary           0           0  -',
      ].join('\n'),
    )
    expect(JSON.parse(renderData(view, 'json', renderClusterDescription))).toEqual(view)
  })
})
