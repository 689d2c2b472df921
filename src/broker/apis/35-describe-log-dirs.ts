// DescribeLogDirs (key 35), versions 1-4.
//
// Behavior:
// - One log dir, the data dir, holding every partition: its size in bytes (segments),
//   offsetLag 0 (no replica moves), isFutureKey false. topics null = all topics; named topics
//   that do not exist are left out, as Kafka does. v4 adds the file system's total and usable
//   bytes (statfs).
// - ACLs: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED (top-level in v3+).
//
// Version notes:
// - v1: same as v0. v2: flexible. v3: top-level errorCode. v4: totalBytes/usableBytes (KIP-827).
import {statfsSync} from 'node:fs'
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

export default defineApi(35, {
  handle(request, ctx) {
    const {state} = ctx
    if (!allowed(ctx, 'DESCRIBE', 'CLUSTER', 'kafka-cluster')) return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: []}
    const wanted =
      request.topics === null
        ? state.log.topicNames().map((name) => ({topic: name, partitions: null as number[] | null}))
        : request.topics.map((t) => ({topic: t.topic, partitions: t.partitions as number[] | null}))
    const topics = wanted.flatMap(({topic, partitions}) => {
      const info = state.log.topic(topic)
      if (!info) return []
      const indexes = (partitions ?? Array.from({length: info.partitions}, (_, i) => i)).filter((p) => p >= 0 && p < info.partitions)
      return [
        {
          name: topic,
          partitions: indexes.map((partitionIndex) => ({
            partitionIndex,
            partitionSize: state.log.sizeBytes(topic, partitionIndex),
            offsetLag: 0,
            isFutureKey: false,
          })),
        },
      ]
    })
    let totalBytes = -1
    let usableBytes = -1
    try {
      const fs = statfsSync(state.dataDir)
      totalBytes = fs.blocks * fs.bsize
      usableBytes = fs.bavail * fs.bsize
    } catch {
      // Unknown sizes are -1, as Kafka reports when it cannot tell.
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{errorCode: ErrorCode.NONE, logDir: state.dataDir, topics, totalBytes, usableBytes}],
    }
  },
})
