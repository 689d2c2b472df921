// What the coordinator's parts share: the Kafka error names they answer with (the handlers
// turn them into codes with kafka/protocol/errors.ts) and the commit request both protocols
// validate. A leaf of groups/.

/** The Kafka error names the coordinator answers with. */
export type GroupErrorName =
  | 'NONE'
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'NOT_COORDINATOR'
  | 'INVALID_GROUP_ID'
  | 'INVALID_REQUEST'
  | 'INVALID_SESSION_TIMEOUT'
  | 'UNKNOWN_MEMBER_ID'
  | 'MEMBER_ID_REQUIRED'
  | 'FENCED_INSTANCE_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'GROUP_MAX_SIZE_REACHED'
  | 'GROUP_ID_NOT_FOUND'
  | 'NON_EMPTY_GROUP'
  | 'GROUP_SUBSCRIBED_TO_TOPIC'
  | 'OFFSET_METADATA_TOO_LARGE'
  | 'FENCED_MEMBER_EPOCH'
  | 'STALE_MEMBER_EPOCH'
  | 'UNRELEASED_INSTANCE_ID'
  | 'UNSUPPORTED_ASSIGNOR'
  | 'INVALID_REGULAR_EXPRESSION'

export interface OffsetToCommit {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly leaderEpoch: number
  readonly metadata: string | null
}

export interface CommitRequest {
  readonly groupId: string
  /** The classic generation, or the member epoch of a consumer-protocol member (OffsetCommit v9
   *  names the field generationIdOrMemberEpoch); -1 with an empty member id is an admin commit. */
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly offsets: readonly OffsetToCommit[]
}

export interface TopicPartitions {
  readonly topic: string
  readonly partitions: readonly number[]
}

/**
 * The answer to a request whose group state could not be written (GroupStoreWriteError).
 * Kafka maps a failed append to __consumer_offsets the same way for JoinGroup, SyncGroup,
 * OffsetCommit and ConsumerGroupHeartbeat (GroupMetadataManager
 * .appendGroupMetadataErrorToResponseError, GroupCoordinatorService): KAFKA_STORAGE_ERROR and
 * NOT_LEADER_OR_FOLLOWER become NOT_COORDINATOR; UNKNOWN_TOPIC_OR_PARTITION,
 * NOT_ENOUGH_REPLICAS and REQUEST_TIMED_OUT become COORDINATOR_NOT_AVAILABLE; MESSAGE_TOO_LARGE,
 * RECORD_LIST_TOO_LARGE and INVALID_FETCH_SIZE become UNKNOWN_SERVER_ERROR. A failed write of
 * the bundled broker's group files (ENOSPC, EIO) is its KAFKA_STORAGE_ERROR, hence
 * NOT_COORDINATOR: clients look the coordinator up again and retry.
 */
export const STORE_WRITE_FAILED: GroupErrorName = 'NOT_COORDINATOR'
