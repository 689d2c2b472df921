// Regression: deleting a topic left its committed offsets with their groups, so a topic
// re-created under the same name showed the old group positions (and bogus lag).
// Exchange: OffsetCommit(g, t:0=5) → DeleteTopics(t) → CreateTopics(t) → OffsetFetch(g, t).
import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {useBroker} from '../helpers/broker.js'

describe('DeleteTopics and committed offsets', () => {
  const broker = useBroker()

  it('removes the deleted topic from every group, so a re-created topic starts uncommitted', async () => {
    const admin = new Kafka({brokers: [broker().bootstrap], logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    try {
      await admin.createTopics({topics: [{topic: 'recycled', numPartitions: 1}, {topic: 'kept', numPartitions: 1}]})
      await admin.setOffsets({groupId: 'g', topic: 'recycled', partitions: [{partition: 0, offset: '5'}]})
      await admin.setOffsets({groupId: 'g', topic: 'kept', partitions: [{partition: 0, offset: '3'}]})
      await admin.deleteTopics({topics: ['recycled']})
      await admin.createTopics({topics: [{topic: 'recycled', numPartitions: 1}]})
      const offsets = await admin.fetchOffsets({groupId: 'g', topics: ['recycled', 'kept']})
      expect(offsets.map(({topic, partitions}) => [topic, partitions[0].offset])).toEqual([
        ['recycled', '-1'],
        ['kept', '3'],
      ])
    } finally {
      await admin.disconnect()
    }
  })
})
