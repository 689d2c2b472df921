// kctl's one Kafka client: connections (TLS, SASL, version negotiation, pipelining,
// timeouts), the cluster view (metadata, routing to leaders and coordinators, retries) and
// one error type. Admin commands, the load generators, the broker's own probe and the tests
// all talk to Kafka through it.
export {BrokerConnection, type ConnectionOptions, type SaslOptions, type TlsOptions} from './connection.js'
export {
  type BrokerNode,
  type ClientOptions,
  type ClusterMetadata,
  type CoordinatorType,
  KafkaClient,
  type PartitionMetadata,
  parseHostPort,
  type RetryOptions,
  type TopicMetadata,
} from './cluster.js'
export {KafkaClientError, type KafkaClientErrorKind, throwIfError} from './errors.js'
