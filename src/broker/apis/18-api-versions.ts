// ApiVersions (key 18), versions 0-4.
//
// Behavior:
// - The key list is computed from the handler registry (apis/index.ts, handed to the broker's state): every API the broker
//   implements, with Kafka 4.0's range for it (KIP-896 baseline), and nothing else.
// - A request version above 4 never reaches this handler: the server answers it with
//   UNSUPPORTED_VERSION, the same key list and a v0 header (KIP-511), and the client retries.
// - Header and body of the response are v0-compatible for every version (the server's header
//   rule: ApiVersions responses always use header v0).
//
// - transaction.version: none is finalized, which every client reads as transaction.version 0
//   (KIP-890 part 1 only). That is the level the transaction coordinator implements in full:
//   the server-side partition verification of transactional produce, and the epoch bumped by
//   InitProducerId and by fencing. Part 2 (TV 2: an epoch bump on every EndTxn, implicit
//   AddPartitionsToTxn via Produce v12) is not implemented, and the Java 4.0 client changes
//   behaviour when it sees TV 2 finalized, so advertising it would be a lie.
//
// - group.version: supported 0-1 and finalized at 1 (v3+), as Kafka 4.0 does: the KIP-848
//   consumer group protocol (ConsumerGroupHeartbeat/Describe) is served (groups/consumer.ts).
//
// Not implemented:
// - Feature flags (supportedFeatures / finalizedFeatures, KIP-584) other than group.version.
//   Clients only read them for DescribeFeatures, the KIP-848 consumer protocol and
//   transaction.version (see above).
// - Client software name/version validation (KIP-511 says a broker may reject bad names;
//   Kafka only logs them).
//
// Version notes:
// - v1: throttleTimeMs. v2: same as v1. v3: flexible, client software name/version (KIP-511),
//   feature tags (KIP-584). v4: same as v3, lets clients see UNSUPPORTED_VERSION (KIP-896).
import {apiVersionsBody} from './registry.js'
import {defineApi} from './define-api.js'

/** The epoch of the finalized features: they never change while the broker runs. */
const FEATURES_EPOCH = 1

export default defineApi(18, {
  handle: (_request, ctx) => ({
    ...apiVersionsBody(ctx.state.apis, 0),
    supportedFeatures: [{name: 'group.version', minVersion: 0, maxVersion: 1}],
    finalizedFeaturesEpoch: FEATURES_EPOCH,
    finalizedFeatures: [{name: 'group.version', minVersionLevel: 1, maxVersionLevel: 1}],
  }),
})
