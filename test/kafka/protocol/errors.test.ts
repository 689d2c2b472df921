import {describe, expect, it} from 'vitest'
import {ErrorCode, allErrors, errorByCode, errorByName} from '../../../src/kafka/protocol/index.js'

// Every code the broker, the group coordinator and the security layer return.
const REQUIRED = `NONE OFFSET_OUT_OF_RANGE CORRUPT_MESSAGE UNKNOWN_TOPIC_OR_PARTITION INVALID_FETCH_SIZE
LEADER_NOT_AVAILABLE NOT_LEADER_OR_FOLLOWER REQUEST_TIMED_OUT MESSAGE_TOO_LARGE COORDINATOR_NOT_AVAILABLE
NOT_COORDINATOR INVALID_TOPIC_EXCEPTION RECORD_LIST_TOO_LARGE NOT_ENOUGH_REPLICAS ILLEGAL_GENERATION
INCONSISTENT_GROUP_PROTOCOL INVALID_GROUP_ID UNKNOWN_MEMBER_ID INVALID_SESSION_TIMEOUT REBALANCE_IN_PROGRESS
INVALID_COMMIT_OFFSET_SIZE TOPIC_AUTHORIZATION_FAILED GROUP_AUTHORIZATION_FAILED CLUSTER_AUTHORIZATION_FAILED
INVALID_TIMESTAMP UNSUPPORTED_SASL_MECHANISM ILLEGAL_SASL_STATE UNSUPPORTED_VERSION TOPIC_ALREADY_EXISTS
INVALID_PARTITIONS INVALID_REPLICATION_FACTOR INVALID_REPLICA_ASSIGNMENT INVALID_CONFIG INVALID_REQUEST
UNSUPPORTED_FOR_MESSAGE_FORMAT POLICY_VIOLATION OUT_OF_ORDER_SEQUENCE_NUMBER DUPLICATE_SEQUENCE_NUMBER
INVALID_PRODUCER_EPOCH SECURITY_DISABLED SASL_AUTHENTICATION_FAILED UNKNOWN_PRODUCER_ID NON_EMPTY_GROUP
GROUP_ID_NOT_FOUND GROUP_SUBSCRIBED_TO_TOPIC MEMBER_ID_REQUIRED FENCED_INSTANCE_ID UNKNOWN_TOPIC_ID
INCONSISTENT_TOPIC_ID OFFSET_NOT_AVAILABLE RESOURCE_NOT_FOUND UNSTABLE_OFFSET_COMMIT UNKNOWN_SERVER_ERROR
INVALID_RECORD THROTTLING_QUOTA_EXCEEDED`.split(/\s+/)

describe('error table', () => {
  it('has every error the broker returns, consistent by name and by code', () => {
    for (const name of REQUIRED) {
      const e = errorByName(name)
      expect(e.name).toBe(name)
      expect(errorByCode(e.code)).toBe(e)
      expect((ErrorCode as Record<string, number>)[name]).toBe(e.code)
      expect(e.message.length).toBeGreaterThan(5)
    }
  })

  it('matches Kafka for a few well-known codes and retriability', () => {
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1)
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6)
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35)
    expect(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER).toBe(45)
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100)
    expect(errorByName('NOT_COORDINATOR').retriable).toBe(true)
    expect(errorByName('UNKNOWN_TOPIC_OR_PARTITION').retriable).toBe(true)
    expect(errorByName('TOPIC_ALREADY_EXISTS').retriable).toBe(false)
  })

  it('has unique codes and names, and answers unknown codes and names', () => {
    expect(new Set(allErrors.map((e) => e.code)).size).toBe(allErrors.length)
    expect(new Set(allErrors.map((e) => e.name)).size).toBe(allErrors.length)
    expect(errorByCode(9999).name).toBe('UNKNOWN_ERROR_CODE_9999')
    expect(() => errorByName('NOT_A_KAFKA_ERROR')).toThrow(/unknown Kafka error name/)
  })
})
