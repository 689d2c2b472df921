// FindCoordinator (key 10), versions 0-6.
//
// Behavior:
// - This broker is the coordinator of every group and transactional id: the answer is always
//   its own node id and the advertised endpoint of the listener the request came in on.
//
// Not implemented:
// - Kafka refuses FindCoordinator without DESCRIBE on the group or transactional id. Here the
//   coordinator is always this broker, so the answer reveals nothing; the refusal comes from
//   the group APIs themselves (JoinGroup, OffsetCommit, OffsetFetch ...), where kafkajs reports
//   it as GROUP_AUTHORIZATION_FAILED rather than "Failed to find group coordinator".
// - Share group coordinators (key type 2, KIP-932): answered with INVALID_REQUEST.
//
// Version notes:
// - v1: KeyType (0 group, 1 transaction), throttle time, error message. v2: same as v1.
// - v3: flexible. v4: batched CoordinatorKeys, one result per key (KIP-699). v5: may answer
//   TRANSACTION_ABORTABLE (KIP-890). v6: share group key type (KIP-932).
import {ErrorCode} from '../../kafka/protocol/errors.js'
import {defineApi} from './define-api.js'

const KEY_TYPE_GROUP = 0
const KEY_TYPE_TRANSACTION = 1

export default defineApi(10, {
  handle(request, ctx) {
    const {host, port} = ctx.state.advertisedFor(ctx.connection.listenerName)
    const nodeId = ctx.state.nodeId
    const answer = (key: string) => {
      if (request.keyType !== KEY_TYPE_GROUP && request.keyType !== KEY_TYPE_TRANSACTION) {
        return {key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `key type ${request.keyType} is not supported by this broker`}
      }
      return {key, nodeId, host, port, errorCode: ErrorCode.NONE, errorMessage: null}
    }
    if (ctx.apiVersion < 4) {
      const {key: _key, ...single} = answer(request.key)
      return {throttleTimeMs: 0, ...single}
    }
    return {throttleTimeMs: 0, coordinators: request.coordinatorKeys.map(answer)}
  },
})
