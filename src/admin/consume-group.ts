// `kctl consume --group`: a kafkajs consumer in that group (kafkajs's public consumer API; it
// joins, heartbeats and follows rebalances). Loaded only with --group, so consume without a
// group, and every other command, starts without kafkajs.
//
// The contract: the group's committed offset of each partition is the offset after the last
// record kctl printed. A record is committed only once printed; every printed record is
// committed every second and once more on a clean stop (--max-messages, --timeout, Ctrl-C), so
// the next run prints the next record, with no gap and no duplicate.
import type {Consumer} from 'kafkajs'
import {toRecord} from './consume-format.js'
import {type ConsumeOptions, type ConsumeResult, fetchMaxWaitMs, type RecordOutput, type StopCondition} from './consume-run.js'
import type {ResolvedConnection} from './connection.js'
import {connectWithin, createSession} from './kafkajs-session.js'

/** Starts from the committed offsets (or `seeks`), prints, and commits exactly what it printed. */
export async function readAsGroup(
  connection: ResolvedConnection,
  options: ConsumeOptions,
  groupId: string,
  seeks: Map<number, number>,
  stop: StopCondition,
  onRecord: RecordOutput,
  action: string,
): Promise<ConsumeResult> {
  const session = createSession(connection)
  const consumer: Consumer = session.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: fetchMaxWaitMs,
    readUncommitted: options.isolation === 'read_uncommitted',
  })
  await connectWithin(consumer, session, action)
  const {topic} = options
  // Per partition: the offset after the last printed record, and what the group holds.
  const printed = new Map<number, number>()
  const committed = new Map<number, number>()
  let committing: Promise<void> = Promise.resolve()
  // One commit at a time, in order, so an older commit never lands after a newer one; a failed
  // commit leaves `committed` behind, and the next commit sends those offsets again.
  const commit = (): Promise<void> => {
    committing = committing
      .catch(() => undefined)
      .then(async () => {
        const pending = [...printed].filter(([partition, offset]) => committed.get(partition) !== offset)
        if (pending.length === 0) return
        await consumer.commitOffsets(pending.map(([partition, offset]) => ({topic, partition, offset: String(offset)})))
        for (const [partition, offset] of pending) committed.set(partition, offset)
      })
    return committing
  }
  const commitTimer = setInterval(() => commit().catch(() => undefined), options.commitIntervalMs ?? 1000)
  try {
    consumer.on(consumer.events.CRASH, (event) => stop.stop('interrupted', event.payload.error))
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // After a rebalance: partitions now another member's are no longer this one's to commit;
      // partitions kept resume after what was printed, not at an older commit (no duplicates).
      const assigned = event.payload.memberAssignment[topic] ?? []
      for (const partition of [...printed.keys()]) {
        if (!assigned.includes(partition)) {
          printed.delete(partition)
          committed.delete(partition)
        } else if (committed.get(partition) !== printed.get(partition)) {
          consumer.seek({topic, partition, offset: String(printed.get(partition))})
        }
      }
    })
    const fromBeginning = options.start.kind === 'earliest' || (options.start.kind === 'committed' && options.start.reset === 'earliest')
    await consumer.subscribe({topics: [topic], fromBeginning})
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({partition, message}) => {
        // Records that arrive after the stop are neither printed nor committed.
        if (stop.reason) return
        const written = onRecord(toRecord(topic, partition, message))
        // Printed means out of the process: a record still in stdout's buffer is not committed.
        // (Attached before stop.recorded(), so it runs before a stop waits on the same write.)
        const marked = written.then((out) => {
          if (out) printed.set(partition, Number(message.offset) + 1)
        })
        stop.recorded(written)
        // Read no faster than the output takes.
        await marked
      },
    })
    for (const [partition, offset] of seeks) consumer.seek({topic, partition, offset: String(offset)})
    await stop.stopped
    await stop.written()
    clearInterval(commitTimer)
    if (stop.failure) {
      // Keep what was printed if the group still takes commits; the failure is the error to report.
      await commit().catch(() => undefined)
      throw stop.failure
    }
    await commit()
  } finally {
    clearInterval(commitTimer)
    await consumer.disconnect().catch(() => undefined)
  }
  return {
    count: stop.count,
    reason: stop.reason ?? 'interrupted',
    committed: [...committed].map(([partition, offset]) => ({partition, offset})).sort((a, b) => a.partition - b.partition),
  }
}
