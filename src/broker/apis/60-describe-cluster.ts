// DescribeCluster (key 60), versions 0-2.
//
// Behavior:
// - One broker, this node, which is also the controller; its endpoint is the advertised one of
//   the listener the request came in on. endpointType 2 (controllers, KIP-919) returns the same
//   node: the bundled broker is its own controller. Never fenced.
// - Cluster authorized operations (KIP-430) when asked. Like Kafka, no ACL guards the request
//   itself: any authenticated client may see the brokers (it could get them from Metadata).
//
// Version notes:
// - v0: KIP-700. v1: endpointType (KIP-919). v2: includeFencedBrokers, isFenced (KIP-1073).
import {ErrorCode} from '../../kafka/protocol/index.js'
import {OPERATIONS_NOT_REQUESTED, authorizedOperations} from './common.js'
import {defineApi} from './define-api.js'

const BROKERS = 1
const CONTROLLERS = 2

export default defineApi(60, {
  handle(request, ctx) {
    const {state} = ctx
    const endpointType = request.endpointType === CONTROLLERS ? CONTROLLERS : BROKERS
    const endpoint = state.advertisedFor(ctx.connection.listenerName)
    return {
      throttleTimeMs: 0,
      endpointType,
      clusterId: state.clusterId,
      controllerId: state.nodeId,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      brokers: [{brokerId: state.nodeId, host: endpoint.host, port: endpoint.port, rack: null, isFenced: false}],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
        ? authorizedOperations(ctx, 'CLUSTER', 'kafka-cluster')
        : OPERATIONS_NOT_REQUESTED,
    }
  },
})
