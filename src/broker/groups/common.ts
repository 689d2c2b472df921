// What the coordinator's parts share: the Kafka error names they answer with (the handlers
// turn them into codes with kafka/protocol/errors.ts) and the commit request both protocols
// validate. A leaf of groups/.

/** The Kafka error names the coordinator answers with. */
export type GroupErrorName =
  | 'NONE'
  | 'COORDINATOR_NOT_AVAILABLE'
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
