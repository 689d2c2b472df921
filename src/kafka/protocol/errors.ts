// Kafka's protocol error codes (Errors.java): code, name, whether a client retries it, and a
// one-line message. Handlers refer to errors by name (`ErrorCode.NOT_COORDINATOR`), never by number.

export interface KafkaError {
  readonly code: number
  readonly name: string
  /** True where Kafka's exception is retriable (RetriableException / InvalidMetadataException). */
  readonly retriable: boolean
  readonly message: string
}

// [code, name, retriable, message]
const TABLE = [
  [-1, 'UNKNOWN_SERVER_ERROR', false, 'The server experienced an unexpected error when processing the request.'],
  [0, 'NONE', false, 'No error.'],
  [1, 'OFFSET_OUT_OF_RANGE', false, 'The requested offset is outside the range of offsets held by the partition.'],
  [2, 'CORRUPT_MESSAGE', true, 'A record failed its CRC check, is malformed, or has an invalid key for a compacted topic.'],
  [3, 'UNKNOWN_TOPIC_OR_PARTITION', true, 'This server does not host this topic-partition.'],
  [4, 'INVALID_FETCH_SIZE', false, 'The requested fetch size is invalid.'],
  [5, 'LEADER_NOT_AVAILABLE', true, 'There is no leader for this topic-partition (for example during leader election).'],
  [6, 'NOT_LEADER_OR_FOLLOWER', true, 'This server is not the leader or a follower of this topic-partition.'],
  [7, 'REQUEST_TIMED_OUT', true, 'The request timed out.'],
  [8, 'BROKER_NOT_AVAILABLE', false, 'The broker is not available.'],
  [9, 'REPLICA_NOT_AVAILABLE', true, 'The replica is not available for the requested topic-partition.'],
  [10, 'MESSAGE_TOO_LARGE', false, 'The request included a record batch larger than the server accepts.'],
  [11, 'STALE_CONTROLLER_EPOCH', false, 'The controller moved to another broker.'],
  [12, 'OFFSET_METADATA_TOO_LARGE', false, 'The metadata field of the offset request was too large.'],
  [13, 'NETWORK_EXCEPTION', true, 'The server disconnected before a response was received.'],
  [14, 'COORDINATOR_LOAD_IN_PROGRESS', true, 'The coordinator is loading and cannot process requests yet.'],
  [15, 'COORDINATOR_NOT_AVAILABLE', true, 'The coordinator is not available.'],
  [16, 'NOT_COORDINATOR', true, 'This is not the correct coordinator.'],
  [17, 'INVALID_TOPIC_EXCEPTION', false, 'The request attempted an operation on an invalid topic.'],
  [18, 'RECORD_LIST_TOO_LARGE', false, 'The request included a record batch larger than the segment size.'],
  [19, 'NOT_ENOUGH_REPLICAS', true, 'Fewer in-sync replicas than required.'],
  [20, 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', true, 'The records were written, but to fewer in-sync replicas than required.'],
  [21, 'INVALID_REQUIRED_ACKS', false, 'The requested acks value is invalid (it must be -1, 0 or 1).'],
  [22, 'ILLEGAL_GENERATION', false, 'The generation id provided in the request is not the current generation.'],
  [23, 'INCONSISTENT_GROUP_PROTOCOL', false, "The group member's protocol type or protocols do not match the group's."],
  [24, 'INVALID_GROUP_ID', false, 'The group id is invalid.'],
  [25, 'UNKNOWN_MEMBER_ID', false, 'The coordinator does not know this member id.'],
  [26, 'INVALID_SESSION_TIMEOUT', false, 'The session timeout is outside the range the broker allows.'],
  [27, 'REBALANCE_IN_PROGRESS', false, 'The group is rebalancing, so a rejoin is needed.'],
  [28, 'INVALID_COMMIT_OFFSET_SIZE', false, 'The committing offset data size is not valid.'],
  [29, 'TOPIC_AUTHORIZATION_FAILED', false, 'Topic authorization failed.'],
  [30, 'GROUP_AUTHORIZATION_FAILED', false, 'Group authorization failed.'],
  [31, 'CLUSTER_AUTHORIZATION_FAILED', false, 'Cluster authorization failed.'],
  [32, 'INVALID_TIMESTAMP', false, 'A record timestamp is out of the acceptable range.'],
  [33, 'UNSUPPORTED_SASL_MECHANISM', false, 'The broker does not support the requested SASL mechanism.'],
  [34, 'ILLEGAL_SASL_STATE', false, 'The request is not valid given the current SASL state.'],
  [35, 'UNSUPPORTED_VERSION', false, 'The broker does not support this version of the API.'],
  [36, 'TOPIC_ALREADY_EXISTS', false, 'A topic with this name already exists.'],
  [37, 'INVALID_PARTITIONS', false, 'The number of partitions is invalid.'],
  [38, 'INVALID_REPLICATION_FACTOR', false, 'The replication factor is invalid.'],
  [39, 'INVALID_REPLICA_ASSIGNMENT', false, 'The replica assignment is invalid.'],
  [40, 'INVALID_CONFIG', false, 'The configuration is invalid.'],
  [41, 'NOT_CONTROLLER', true, 'This is not the correct controller for this cluster.'],
  [42, 'INVALID_REQUEST', false, 'The request is malformed or not valid for this broker; see the broker log for details.'],
  [43, 'UNSUPPORTED_FOR_MESSAGE_FORMAT', false, 'The record format on the broker does not support this request.'],
  [44, 'POLICY_VIOLATION', false, 'The request parameters do not satisfy the configured policy.'],
  [45, 'OUT_OF_ORDER_SEQUENCE_NUMBER', false, 'The broker received an out of order sequence number.'],
  [46, 'DUPLICATE_SEQUENCE_NUMBER', false, 'The broker received a duplicate sequence number.'],
  [47, 'INVALID_PRODUCER_EPOCH', false, "The producer's epoch is older than the broker's (the producer was fenced)."],
  [48, 'INVALID_TXN_STATE', false, 'The producer attempted a transactional operation in an invalid state.'],
  [49, 'INVALID_PRODUCER_ID_MAPPING', false, 'The producer id does not match the one mapped to the transactional id.'],
  [50, 'INVALID_TRANSACTION_TIMEOUT', false, 'The transaction timeout is larger than transaction.max.timeout.ms.'],
  [51, 'CONCURRENT_TRANSACTIONS', true, 'Another transaction with the same producer is still being completed.'],
  [52, 'TRANSACTION_COORDINATOR_FENCED', false, 'The transaction coordinator has a newer epoch than this one.'],
  [53, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', false, 'Transactional id authorization failed.'],
  [54, 'SECURITY_DISABLED', false, 'Security features are disabled.'],
  [55, 'OPERATION_NOT_ATTEMPTED', false, 'The broker did not attempt this operation because another in the batch failed.'],
  [56, 'KAFKA_STORAGE_ERROR', true, 'Disk error when trying to access the log file on disk.'],
  [57, 'LOG_DIR_NOT_FOUND', false, 'The user-specified log directory is not found in the broker config.'],
  [58, 'SASL_AUTHENTICATION_FAILED', false, 'SASL authentication failed.'],
  [59, 'UNKNOWN_PRODUCER_ID', false, "The broker has no state for this producer id (its records may have been deleted)."],
  [60, 'REASSIGNMENT_IN_PROGRESS', false, 'A partition reassignment is in progress.'],
  [61, 'DELEGATION_TOKEN_AUTH_DISABLED', false, 'Delegation token authentication is disabled.'],
  [62, 'DELEGATION_TOKEN_NOT_FOUND', false, 'The delegation token was not found.'],
  [63, 'DELEGATION_TOKEN_OWNER_MISMATCH', false, 'The principal is not the owner of the delegation token.'],
  [64, 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', false, 'Delegation token requests are not allowed on this connection.'],
  [65, 'DELEGATION_TOKEN_AUTHORIZATION_FAILED', false, 'Delegation token authorization failed.'],
  [66, 'DELEGATION_TOKEN_EXPIRED', false, 'The delegation token has expired.'],
  [67, 'INVALID_PRINCIPAL_TYPE', false, 'The principal type is not supported.'],
  [68, 'NON_EMPTY_GROUP', false, 'The group is not empty.'],
  [69, 'GROUP_ID_NOT_FOUND', false, 'The group id does not exist.'],
  [70, 'FETCH_SESSION_ID_NOT_FOUND', true, 'The fetch session id was not found.'],
  [71, 'INVALID_FETCH_SESSION_EPOCH', true, 'The fetch session epoch is invalid.'],
  [72, 'LISTENER_NOT_FOUND', true, 'There is no listener on the leader broker that matches the one the request came in on.'],
  [73, 'TOPIC_DELETION_DISABLED', false, 'Topic deletion is disabled.'],
  [74, 'FENCED_LEADER_EPOCH', true, 'The leader epoch in the request is older than the broker\'s.'],
  [75, 'UNKNOWN_LEADER_EPOCH', true, "The leader epoch in the request is newer than the broker's."],
  [76, 'UNSUPPORTED_COMPRESSION_TYPE', false, 'The requesting client does not support the compression type of the partition.'],
  [77, 'STALE_BROKER_EPOCH', false, 'The broker epoch has changed.'],
  [78, 'OFFSET_NOT_AVAILABLE', true, 'The leader high watermark has not caught up after a leader change.'],
  [79, 'MEMBER_ID_REQUIRED', false, 'The group member needs a valid member id before joining the group.'],
  [80, 'PREFERRED_LEADER_NOT_AVAILABLE', true, 'The preferred leader was not available.'],
  [81, 'GROUP_MAX_SIZE_REACHED', false, 'The group has reached its maximum size.'],
  [82, 'FENCED_INSTANCE_ID', false, 'Another member with the same group.instance.id fenced this one.'],
  [83, 'ELIGIBLE_LEADERS_NOT_AVAILABLE', true, 'Eligible topic partition leaders are not available.'],
  [84, 'ELECTION_NOT_NEEDED', true, 'A leader election is not needed for the topic partition.'],
  [85, 'NO_REASSIGNMENT_IN_PROGRESS', false, 'No partition reassignment is in progress.'],
  [86, 'GROUP_SUBSCRIBED_TO_TOPIC', false, 'The offsets cannot be deleted because the group is subscribed to the topic.'],
  [87, 'INVALID_RECORD', false, 'A record failed the broker\'s validation and the batch was rejected.'],
  [88, 'UNSTABLE_OFFSET_COMMIT', true, 'There are unstable offsets that need to be cleared.'],
  [89, 'THROTTLING_QUOTA_EXCEEDED', true, 'The throttling quota has been exceeded.'],
  [90, 'PRODUCER_FENCED', false, 'A newer producer with the same transactional id has fenced this one.'],
  [91, 'RESOURCE_NOT_FOUND', false, 'A request illegally referred to a resource that does not exist.'],
  [92, 'DUPLICATE_RESOURCE', false, 'A request illegally referred to the same resource twice.'],
  [93, 'UNACCEPTABLE_CREDENTIAL', false, 'The requested credential does not meet the criteria for acceptability.'],
  [94, 'INCONSISTENT_VOTER_SET', false, 'The voter set in the request does not match the receiver\'s.'],
  [95, 'INVALID_UPDATE_VERSION', false, 'The given update version was invalid.'],
  [96, 'FEATURE_UPDATE_FAILED', false, 'Unable to update finalized features due to an unexpected server error.'],
  [97, 'PRINCIPAL_DESERIALIZATION_FAILURE', false, 'The forwarded request principal could not be deserialized.'],
  [98, 'SNAPSHOT_NOT_FOUND', false, 'The requested snapshot was not found.'],
  [99, 'POSITION_OUT_OF_RANGE', false, 'The requested position is outside the snapshot.'],
  [100, 'UNKNOWN_TOPIC_ID', true, 'This server does not host this topic id.'],
  [101, 'DUPLICATE_BROKER_REGISTRATION', false, 'This broker id is already in use.'],
  [102, 'BROKER_ID_NOT_REGISTERED', false, 'The given broker id was not registered.'],
  [103, 'INCONSISTENT_TOPIC_ID', true, 'The topic id in the request does not match the topic id in the log.'],
  [104, 'INCONSISTENT_CLUSTER_ID', false, 'The cluster id in the request does not match the receiver\'s.'],
  [105, 'TRANSACTIONAL_ID_NOT_FOUND', false, 'The transactional id was not found.'],
  [106, 'FETCH_SESSION_TOPIC_ID_ERROR', true, 'The fetch session saw a topic id change or an unknown topic id.'],
  [107, 'INELIGIBLE_REPLICA', false, 'The new ISR contains at least one ineligible replica.'],
  [108, 'NEW_LEADER_ELECTED', false, 'A new leader was elected before the ISR change could be applied.'],
  [109, 'OFFSET_MOVED_TO_TIERED_STORAGE', false, 'The requested offset was moved to tiered storage.'],
  [110, 'FENCED_MEMBER_EPOCH', false, 'The member epoch is fenced by the group coordinator.'],
  [111, 'UNRELEASED_INSTANCE_ID', false, 'The instance id is still used by another member of the group.'],
  [112, 'UNSUPPORTED_ASSIGNOR', false, 'The assignor or its version range is not supported by the group.'],
  [113, 'STALE_MEMBER_EPOCH', false, 'The member epoch is stale.'],
  [114, 'MISMATCHED_ENDPOINT_TYPE', false, 'The request was sent to an endpoint of the wrong type.'],
  [115, 'UNSUPPORTED_ENDPOINT_TYPE', false, 'This endpoint type is not supported yet.'],
  [116, 'UNKNOWN_CONTROLLER_ID', false, 'This controller id is not known.'],
  [117, 'UNKNOWN_SUBSCRIPTION_ID', false, 'The client sent a push telemetry request with an invalid subscription id.'],
  [118, 'TELEMETRY_TOO_LARGE', false, 'The client sent a push telemetry request larger than the broker allows.'],
  [119, 'INVALID_REGISTRATION', false, 'The controller considers the broker registration invalid.'],
  [120, 'TRANSACTION_ABORTABLE', false, 'The server hit an error the transactional producer can abort the transaction for.'],
  [121, 'INVALID_RECORD_STATE', false, 'The record state is invalid.'],
  [122, 'SHARE_SESSION_NOT_FOUND', true, 'The share session was not found.'],
  [123, 'INVALID_SHARE_SESSION_EPOCH', true, 'The share session epoch is invalid.'],
  [124, 'FENCED_STATE_EPOCH', false, 'The share coordinator rejected the request because the share-group state epoch did not match.'],
  [125, 'INVALID_VOTER_KEY', false, 'The voter key does not match the receiving replica\'s key.'],
  [126, 'DUPLICATE_VOTER', false, 'The voter is already part of the set of voters.'],
  [127, 'VOTER_NOT_FOUND', false, 'The voter is not part of the set of voters.'],
  [128, 'INVALID_REGULAR_EXPRESSION', false, 'The regular expression is not valid.'],
] as const

export type ErrorName = (typeof TABLE)[number][1]

const byName = new Map<string, KafkaError>()
const byCode = new Map<number, KafkaError>()
for (const [code, name, retriable, message] of TABLE) {
  const e: KafkaError = Object.freeze({code, name, retriable, message})
  byName.set(name, e)
  byCode.set(code, e)
}

/** Error codes by name, for handlers: `ErrorCode.UNKNOWN_TOPIC_OR_PARTITION` is 3. */
export const ErrorCode = Object.freeze(Object.fromEntries(TABLE.map(([code, name]) => [name, code]))) as {
  readonly [E in (typeof TABLE)[number] as E[1]]: E[0]
}

/** The error with this name; throws for a name Kafka does not have (a typo is a bug). */
export function errorByName(name: ErrorName | string): KafkaError {
  const e = byName.get(name)
  if (!e) throw new RangeError(`unknown Kafka error name ${name}`)
  return e
}

/** The error with this code, or an UNKNOWN_SERVER_ERROR-like entry naming the unknown code. */
export function errorByCode(code: number): KafkaError {
  return byCode.get(code) ?? {code, name: `UNKNOWN_ERROR_CODE_${code}`, retriable: false, message: `Unknown error code ${code}.`}
}

export const allErrors: readonly KafkaError[] = [...byCode.values()]
