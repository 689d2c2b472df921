// Reading the records of fetched record batches on the client side: decompression, and the
// read_committed filter every Kafka consumer applies. Used by `kctl consume` (without a group)
// and by the time-lag reads of `kctl lag`.
//
// read_committed (KIP-98): the broker stops a read_committed Fetch at the last stable offset
// and lists the aborted transactions of the range (producer id, first offset); the consumer
// drops control batches, and drops a transactional producer's batches from the aborted
// transaction's first offset until that producer's control (ABORT) marker.
import {type CodecName, codecNames, decompress} from '../compression/index.js'
import {
  ATTRIBUTES_AT,
  BATCH_LENGTH_AT,
  batchAttributesAt,
  COMPRESSION_MASK,
  type DecodedRecord,
  decodeRecords,
  LOG_OVERHEAD_BYTES,
  RECORD_BATCH_HEADER_BYTES,
  readRecordBatchHeader,
} from '../kafka/protocol/record-batch.js'

/** The batch with its records uncompressed (header patched to match), or undefined for an unknown codec. */
export function uncompressedBatch(batch: Buffer, compression: string): Buffer | undefined {
  if (compression === 'none') return batch
  if (!(codecNames as readonly string[]).includes(compression)) return undefined
  const records = decompress(compression as CodecName, batch.subarray(RECORD_BATCH_HEADER_BYTES))
  const header = Buffer.from(batch.subarray(0, RECORD_BATCH_HEADER_BYTES))
  header.writeInt16BE(batchAttributesAt(header, 0) & ~COMPRESSION_MASK, ATTRIBUTES_AT)
  header.writeInt32BE(RECORD_BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES + records.length, BATCH_LENGTH_AT)
  return Buffer.concat([header, records])
}

export interface AbortedTransaction {
  producerId: number
  firstOffset: number
}

export interface ReadBatches {
  /** Data records at or after the fetch offset, in offset order, aborted ones dropped. */
  records: DecodedRecord[]
  /** The offset after the last whole batch read (the next fetch offset); the fetch offset when none was whole. */
  nextOffset: number
}

/**
 * The records of the whole batches in `records` (a Fetch response's records field) at or after
 * `fetchOffset`. With `aborted` (read_committed), aborted transactions' records are dropped.
 * A batch cut at the end of the response is left for the next fetch.
 */
export function readBatches(records: Buffer, fetchOffset: number, aborted: readonly AbortedTransaction[] | null): ReadBatches {
  const out: DecodedRecord[] = []
  let nextOffset = fetchOffset
  const pendingAborts = [...(aborted ?? [])].sort((a, b) => a.firstOffset - b.firstOffset)
  const abortedProducers = new Set<number>()
  let position = 0
  while (position + RECORD_BATCH_HEADER_BYTES <= records.length) {
    const header = readRecordBatchHeader(records, position)
    const end = position + header.sizeBytes
    if (header.magic !== 2 || end > records.length) break // legacy format or a partial batch
    const batch = records.subarray(position, end)
    position = end
    const lastOffset = header.baseOffset + header.lastOffsetDelta
    while (pendingAborts.length > 0 && pendingAborts[0].firstOffset <= lastOffset) abortedProducers.add(pendingAborts.shift()!.producerId)
    if (lastOffset >= nextOffset) nextOffset = lastOffset + 1
    if (header.isControl) {
      // The marker that ends a transaction: later batches of this producer are a new transaction.
      abortedProducers.delete(header.producerId)
      continue
    }
    if (aborted && header.isTransactional && abortedProducers.has(header.producerId)) continue
    if (lastOffset < fetchOffset) continue
    const plain = uncompressedBatch(batch, header.compression)
    if (!plain) continue
    for (const record of decodeRecords(plain)) if (record.offset >= fetchOffset) out.push(record)
  }
  return {records: out, nextOffset}
}
