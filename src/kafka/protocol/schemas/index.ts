// Every API the protocol layer describes, by API key.
import {ProduceRequest, ProduceResponse} from './00-produce.js'
import {FetchRequest, FetchResponse} from './01-fetch.js'
import {ListOffsetsRequest, ListOffsetsResponse} from './02-list-offsets.js'
import {MetadataRequest, MetadataResponse} from './03-metadata.js'
import {OffsetCommitRequest, OffsetCommitResponse} from './08-offset-commit.js'
import {OffsetFetchRequest, OffsetFetchResponse} from './09-offset-fetch.js'
import {FindCoordinatorRequest, FindCoordinatorResponse} from './10-find-coordinator.js'
import {JoinGroupRequest, JoinGroupResponse} from './11-join-group.js'
import {HeartbeatRequest, HeartbeatResponse} from './12-heartbeat.js'
import {LeaveGroupRequest, LeaveGroupResponse} from './13-leave-group.js'
import {SyncGroupRequest, SyncGroupResponse} from './14-sync-group.js'
import {DescribeGroupsRequest, DescribeGroupsResponse} from './15-describe-groups.js'
import {ListGroupsRequest, ListGroupsResponse} from './16-list-groups.js'
import {SaslHandshakeRequest, SaslHandshakeResponse} from './17-sasl-handshake.js'
import {ApiVersionsRequest, ApiVersionsResponse} from './18-api-versions.js'
import {CreateTopicsRequest, CreateTopicsResponse} from './19-create-topics.js'
import {DeleteTopicsRequest, DeleteTopicsResponse} from './20-delete-topics.js'
import {DeleteRecordsRequest, DeleteRecordsResponse} from './21-delete-records.js'
import {InitProducerIdRequest, InitProducerIdResponse} from './22-init-producer-id.js'
import {OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse} from './23-offset-for-leader-epoch.js'
import {AddPartitionsToTxnRequest, AddPartitionsToTxnResponse} from './24-add-partitions-to-txn.js'
import {AddOffsetsToTxnRequest, AddOffsetsToTxnResponse} from './25-add-offsets-to-txn.js'
import {EndTxnRequest, EndTxnResponse} from './26-end-txn.js'
import {TxnOffsetCommitRequest, TxnOffsetCommitResponse} from './28-txn-offset-commit.js'
import {DescribeAclsRequest, DescribeAclsResponse} from './29-describe-acls.js'
import {CreateAclsRequest, CreateAclsResponse} from './30-create-acls.js'
import {DeleteAclsRequest, DeleteAclsResponse} from './31-delete-acls.js'
import {DescribeConfigsRequest, DescribeConfigsResponse} from './32-describe-configs.js'
import {AlterConfigsRequest, AlterConfigsResponse} from './33-alter-configs.js'
import {DescribeLogDirsRequest, DescribeLogDirsResponse} from './35-describe-log-dirs.js'
import {SaslAuthenticateRequest, SaslAuthenticateResponse} from './36-sasl-authenticate.js'
import {CreatePartitionsRequest, CreatePartitionsResponse} from './37-create-partitions.js'
import {DeleteGroupsRequest, DeleteGroupsResponse} from './42-delete-groups.js'
import {IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse} from './44-incremental-alter-configs.js'
import {OffsetDeleteRequest, OffsetDeleteResponse} from './47-offset-delete.js'
import {DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse} from './50-describe-user-scram-credentials.js'
import {AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse} from './51-alter-user-scram-credentials.js'
import {DescribeQuorumRequest, DescribeQuorumResponse} from './55-describe-quorum.js'
import {DescribeClusterRequest, DescribeClusterResponse} from './60-describe-cluster.js'
import {ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse} from './68-consumer-group-heartbeat.js'
import {ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse} from './69-consumer-group-describe.js'
import {DescribeProducersRequest, DescribeProducersResponse} from './61-describe-producers.js'
import {DescribeTransactionsRequest, DescribeTransactionsResponse} from './65-describe-transactions.js'
import {ListTransactionsRequest, ListTransactionsResponse} from './66-list-transactions.js'

export const schemasByKey = {
  0: {name: 'Produce', request: ProduceRequest, response: ProduceResponse},
  1: {name: 'Fetch', request: FetchRequest, response: FetchResponse},
  2: {name: 'ListOffsets', request: ListOffsetsRequest, response: ListOffsetsResponse},
  3: {name: 'Metadata', request: MetadataRequest, response: MetadataResponse},
  8: {name: 'OffsetCommit', request: OffsetCommitRequest, response: OffsetCommitResponse},
  9: {name: 'OffsetFetch', request: OffsetFetchRequest, response: OffsetFetchResponse},
  10: {name: 'FindCoordinator', request: FindCoordinatorRequest, response: FindCoordinatorResponse},
  11: {name: 'JoinGroup', request: JoinGroupRequest, response: JoinGroupResponse},
  12: {name: 'Heartbeat', request: HeartbeatRequest, response: HeartbeatResponse},
  13: {name: 'LeaveGroup', request: LeaveGroupRequest, response: LeaveGroupResponse},
  14: {name: 'SyncGroup', request: SyncGroupRequest, response: SyncGroupResponse},
  15: {name: 'DescribeGroups', request: DescribeGroupsRequest, response: DescribeGroupsResponse},
  16: {name: 'ListGroups', request: ListGroupsRequest, response: ListGroupsResponse},
  17: {name: 'SaslHandshake', request: SaslHandshakeRequest, response: SaslHandshakeResponse},
  18: {name: 'ApiVersions', request: ApiVersionsRequest, response: ApiVersionsResponse},
  19: {name: 'CreateTopics', request: CreateTopicsRequest, response: CreateTopicsResponse},
  20: {name: 'DeleteTopics', request: DeleteTopicsRequest, response: DeleteTopicsResponse},
  21: {name: 'DeleteRecords', request: DeleteRecordsRequest, response: DeleteRecordsResponse},
  22: {name: 'InitProducerId', request: InitProducerIdRequest, response: InitProducerIdResponse},
  23: {name: 'OffsetForLeaderEpoch', request: OffsetForLeaderEpochRequest, response: OffsetForLeaderEpochResponse},
  24: {name: 'AddPartitionsToTxn', request: AddPartitionsToTxnRequest, response: AddPartitionsToTxnResponse},
  25: {name: 'AddOffsetsToTxn', request: AddOffsetsToTxnRequest, response: AddOffsetsToTxnResponse},
  26: {name: 'EndTxn', request: EndTxnRequest, response: EndTxnResponse},
  28: {name: 'TxnOffsetCommit', request: TxnOffsetCommitRequest, response: TxnOffsetCommitResponse},
  29: {name: 'DescribeAcls', request: DescribeAclsRequest, response: DescribeAclsResponse},
  30: {name: 'CreateAcls', request: CreateAclsRequest, response: CreateAclsResponse},
  31: {name: 'DeleteAcls', request: DeleteAclsRequest, response: DeleteAclsResponse},
  32: {name: 'DescribeConfigs', request: DescribeConfigsRequest, response: DescribeConfigsResponse},
  33: {name: 'AlterConfigs', request: AlterConfigsRequest, response: AlterConfigsResponse},
  35: {name: 'DescribeLogDirs', request: DescribeLogDirsRequest, response: DescribeLogDirsResponse},
  36: {name: 'SaslAuthenticate', request: SaslAuthenticateRequest, response: SaslAuthenticateResponse},
  37: {name: 'CreatePartitions', request: CreatePartitionsRequest, response: CreatePartitionsResponse},
  42: {name: 'DeleteGroups', request: DeleteGroupsRequest, response: DeleteGroupsResponse},
  44: {name: 'IncrementalAlterConfigs', request: IncrementalAlterConfigsRequest, response: IncrementalAlterConfigsResponse},
  47: {name: 'OffsetDelete', request: OffsetDeleteRequest, response: OffsetDeleteResponse},
  50: {name: 'DescribeUserScramCredentials', request: DescribeUserScramCredentialsRequest, response: DescribeUserScramCredentialsResponse},
  51: {name: 'AlterUserScramCredentials', request: AlterUserScramCredentialsRequest, response: AlterUserScramCredentialsResponse},
  55: {name: 'DescribeQuorum', request: DescribeQuorumRequest, response: DescribeQuorumResponse},
  60: {name: 'DescribeCluster', request: DescribeClusterRequest, response: DescribeClusterResponse},
  68: {name: 'ConsumerGroupHeartbeat', request: ConsumerGroupHeartbeatRequest, response: ConsumerGroupHeartbeatResponse},
  69: {name: 'ConsumerGroupDescribe', request: ConsumerGroupDescribeRequest, response: ConsumerGroupDescribeResponse},
  61: {name: 'DescribeProducers', request: DescribeProducersRequest, response: DescribeProducersResponse},
  65: {name: 'DescribeTransactions', request: DescribeTransactionsRequest, response: DescribeTransactionsResponse},
  66: {name: 'ListTransactions', request: ListTransactionsRequest, response: ListTransactionsResponse},
} as const

export {
  ProduceRequest,
  ProduceResponse,
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  SaslHandshakeRequest,
  SaslHandshakeResponse,
  ApiVersionsRequest,
  ApiVersionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  EndTxnRequest,
  EndTxnResponse,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
  DescribeAclsRequest,
  DescribeAclsResponse,
  CreateAclsRequest,
  CreateAclsResponse,
  DeleteAclsRequest,
  DeleteAclsResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  AlterConfigsRequest,
  AlterConfigsResponse,
  DescribeLogDirsRequest,
  DescribeLogDirsResponse,
  SaslAuthenticateRequest,
  SaslAuthenticateResponse,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
  DescribeQuorumRequest,
  DescribeQuorumResponse,
  DescribeClusterRequest,
  DescribeClusterResponse,
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  DescribeProducersRequest,
  DescribeProducersResponse,
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
  ListTransactionsRequest,
  ListTransactionsResponse,
}
