// The topics a load test runs on: where each partition's leader is, created on demand. The
// load generators talk to Kafka through kctl's one client (src/kafka/client): a KafkaClient for
// metadata and topic creation, and connections of their own per producer or consumer (opened
// with openConnection), pipelined, with record batches handed to the socket without copying.
import {KafkaClient} from '../kafka/client/index.js'
import {errorByCode} from '../kafka/protocol/index.js'
import {KctlError} from '../errors.js'

/**
 * Highest versions the load generators ask for. Fetch v13+ and Metadata v13+ name topics by
 * id only or add nothing the load tests need; the rest is Kafka 4.0's range (the codec's).
 */
const versionCaps: Partial<Record<number, number>> = {1: 12, 3: 12}

/** A client for a load test (plaintext; TLS and SASL are for the admin commands). */
export async function openCluster(bootstrapServers: string[], clientId: string): Promise<KafkaClient> {
  try {
    return await KafkaClient.connect({bootstrap: bootstrapServers, clientId, connectTimeoutMs: 10_000, requestTimeoutMs: 30_000, versionCaps})
  } catch (error) {
    throw new KctlError(`unable to connect to ${bootstrapServers.join(',')}: ${(error as Error).message}`, {
      hint: 'check --bootstrap-server, or start the bundled broker with `kctl broker start`',
    })
  }
}

export interface TopicLayout {
  name: string
  /** Leader node id per partition index. */
  leaders: number[]
}

/** Partition leaders of a topic, or null when the topic does not exist. */
export async function describeTopic(cluster: KafkaClient, topic: string): Promise<TopicLayout | null> {
  const metadata = await cluster.metadata([topic])
  const found = metadata.topics.find((candidate) => candidate.name === topic)
  if (!found || found.errorCode === 3) return null
  if (found.errorCode !== 0) {
    throw new KctlError(`unable to describe topic ${topic}: ${errorByCode(found.errorCode).name}`)
  }
  const leaders: number[] = []
  for (const partition of found.partitions) leaders[partition.partition] = partition.leader
  if (leaders.some((leader) => leader === undefined || leader < 0)) {
    throw new KctlError(`unable to describe topic ${topic}: a partition has no leader`, {hint: 'wait for the cluster to elect leaders and retry'})
  }
  return {name: topic, leaders}
}

/** Creates a topic (replication factor: the broker's default) and waits for its leaders. */
async function createTopic(cluster: KafkaClient, topic: string, partitions: number): Promise<TopicLayout> {
  const response = await (await cluster.anyBroker()).send(19, {
    topics: [{name: topic, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: []}],
    timeoutMs: 30_000,
  })
  const result = response.topics[0]
  // 36 = TOPIC_ALREADY_EXISTS: someone else created it meanwhile, which is fine.
  if (result && result.errorCode !== 0 && result.errorCode !== 36) {
    throw new KctlError(`unable to create topic ${topic}: ${errorByCode(result.errorCode).name}${result.errorMessage ? ` (${result.errorMessage})` : ''}`)
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const layout = await describeTopic(cluster, topic).catch(() => null)
    if (layout && layout.leaders.length > 0) return layout
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new KctlError(`unable to create topic ${topic}: it has no leaders after 5 s`)
}

/** The existing topic, or a new one with `createPartitions` partitions when it is missing. */
export async function ensureTopic(cluster: KafkaClient, topic: string, createPartitions: number | undefined): Promise<TopicLayout> {
  const layout = await describeTopic(cluster, topic)
  if (layout) return layout
  if (createPartitions === undefined) {
    throw new KctlError(`unable to load-test topic ${topic}: it does not exist`, {
      exitCode: 4,
      hint: `create it with \`kctl topics create ${topic}\` or pass --partitions N to create it`,
    })
  }
  return createTopic(cluster, topic, createPartitions)
}
