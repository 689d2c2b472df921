// The consumer embedded protocol (ConsumerProtocolSubscription.json and
// ConsumerProtocolAssignment.json in Kafka): the bytes that consumers put in JoinGroup
// metadata and SyncGroup assignments. The coordinator reads subscriptions for OffsetDelete
// (GROUP_SUBSCRIBED_TO_TOPIC); `kctl groups describe` reads assignments. Every version starts
// with the same fields (version int16, then topics), and later versions only append fields,
// so one reader serves all; it reads what it needs and ignores the rest. Never flexible.

class ByteReader {
  private position = 0
  constructor(private readonly buf: Buffer) {}

  private need(bytes: number): void {
    if (this.position + bytes > this.buf.length) throw new RangeError('truncated consumer protocol bytes')
  }

  int16(): number {
    this.need(2)
    const value = this.buf.readInt16BE(this.position)
    this.position += 2
    return value
  }

  int32(): number {
    this.need(4)
    const value = this.buf.readInt32BE(this.position)
    this.position += 4
    return value
  }

  string(): string {
    const length = this.int16()
    if (length < 0) return ''
    this.need(length)
    const value = this.buf.toString('utf8', this.position, this.position + length)
    this.position += length
    return value
  }

  array<T>(read: () => T): T[] {
    const count = this.int32()
    const items: T[] = []
    for (let index = 0; index < count; index++) items.push(read())
    return items
  }
}

/** The subscribed topics, or undefined if the bytes are not a consumer subscription. */
export function decodeSubscriptionTopics(metadata: Buffer): string[] | undefined {
  try {
    const reader = new ByteReader(metadata)
    reader.int16()
    return reader.array(() => reader.string())
  } catch {
    return undefined
  }
}

export interface ConsumerAssignment {
  readonly version: number
  readonly partitions: readonly {topic: string; partitions: number[]}[]
}

/** An assignment from SyncGroup or DescribeGroups, or undefined if the bytes are not one
 *  (an empty buffer is a member with nothing assigned yet: no partitions). */
export function decodeAssignment(assignment: Buffer): ConsumerAssignment | undefined {
  if (assignment.length === 0) return {version: 0, partitions: []}
  try {
    const reader = new ByteReader(assignment)
    const version = reader.int16()
    const partitions = reader.array(() => ({topic: reader.string(), partitions: reader.array(() => reader.int32())}))
    return {version, partitions}
  } catch {
    return undefined
  }
}
