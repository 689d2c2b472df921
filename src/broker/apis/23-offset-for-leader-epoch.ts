// OffsetForLeaderEpoch (key 23), versions 2-4.
//
// Behavior:
// - One leader that never changes: every partition is at leader epoch 0 and every stored
//   batch carries partitionLeaderEpoch 0. Asking for epoch 0 (or any epoch up to the current
//   one) gives epoch 0 and the log end offset; a later epoch gives -1/-1 (Kafka's
//   UNDEFINED_EPOCH_OFFSET). A currentLeaderEpoch above 0 is UNKNOWN_LEADER_EPOCH.
// - librdkafka and the Java consumer call this after a leader change or when validating a
//   position (KIP-320); here it always confirms the position.
// - ACLs: DESCRIBE on each topic.
//
// Not implemented:
// - Follower requests (replicaId >= 0): there are no followers.
//
// Version notes:
// - v2: currentLeaderEpoch (KIP-320). v3: replicaId (KIP-392). v4: flexible.
import {ErrorCode} from '../../kafka/protocol/index.js'
import {allowed} from './common.js'
import {defineApi} from './define-api.js'

const LEADER_EPOCH = 0

export default defineApi(23, {
  handle(request, ctx) {
    const {state} = ctx
    const topics = request.topics.map((requested) => {
      const mayDescribe = allowed(ctx, 'DESCRIBE', 'TOPIC', requested.topic)
      const partitions = requested.partitions.map(({partition, currentLeaderEpoch, leaderEpoch}) => {
        const answer = (errorCode: number, epoch = -1, endOffset = -1) => ({errorCode, partition, leaderEpoch: epoch, endOffset})
        if (!mayDescribe) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        const offsets = state.log.offsets(requested.topic, partition)
        if (!offsets) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        if (currentLeaderEpoch > LEADER_EPOCH) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH)
        if (leaderEpoch > LEADER_EPOCH) return answer(ErrorCode.NONE)
        return answer(ErrorCode.NONE, LEADER_EPOCH, offsets.highWatermark)
      })
      return {topic: requested.topic, partitions}
    })
    return {throttleTimeMs: 0, topics}
  },
})
