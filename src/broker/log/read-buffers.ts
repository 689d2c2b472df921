// Reusable buffers for the fetch read path. A fetch reads up to a megabyte per partition
// with one pread; a fresh Buffer for each costs more CPU than the read itself (new pages
// faulted in, then garbage to collect), so segment reads of FETCH_POOL_MIN_BYTES or more
// borrow a slab from here and the connection gives it back once the response that carries it
// has been handed to the kernel (server.ts: the write callback, only on success).
//
// Safety rests on one rule: a slab is reused only after `release` names a buffer over it,
// and only the server releases, after a successful socket write of the chunks. A borrowed
// slab that is never released (a long-poll fetch that read again, a closed connection, any
// caller other than Fetch) is simply garbage collected, as a fresh buffer would be. A slab
// is released at most once per borrow (`lent` forgets it on release), so a response naming
// the same slab twice cannot put it on the free list twice.

/** Reads smaller than this use a plain buffer (Node's own pool covers tiny ones). */
export const FETCH_POOL_MIN_BYTES = 16 * 1024
/** Larger reads are rare (partitionMaxBytes above the default 1 MB) and not pooled. */
const MAX_SLAB_BYTES = 8 * 1024 * 1024
/** Free slabs kept across all size classes; beyond it a released slab is left to the GC. */
const MAX_FREE_BYTES = 32 * 1024 * 1024

class ReadBufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>()
  private freeBytes = 0
  private readonly lent = new WeakSet<ArrayBuffer>()

  /** A buffer of exactly `length` bytes over a pooled slab (or a plain one when unpooled). */
  take(length: number): Buffer {
    if (length < FETCH_POOL_MIN_BYTES || length > MAX_SLAB_BYTES) return Buffer.allocUnsafe(length)
    // Power-of-two classes so a slab fits the next read of a similar size.
    const slabBytes = 2 ** Math.ceil(Math.log2(length))
    const slab = this.free.get(slabBytes)?.pop()
    let arrayBuffer: ArrayBuffer
    if (slab) {
      this.freeBytes -= slabBytes
      arrayBuffer = slab
    } else {
      // allocUnsafeSlow: a buffer of its own, never a view into Node's shared 8 KB pool.
      arrayBuffer = Buffer.allocUnsafeSlow(slabBytes).buffer as ArrayBuffer
    }
    this.lent.add(arrayBuffer)
    return Buffer.from(arrayBuffer, 0, length)
  }

  /** Gives back the pooled slabs under `chunks` (others are ignored): their bytes are written. */
  release(chunks: readonly Uint8Array[]): void {
    for (const chunk of chunks) {
      const arrayBuffer = chunk.buffer as ArrayBuffer
      if (!this.lent.has(arrayBuffer)) continue
      this.lent.delete(arrayBuffer)
      const slabBytes = arrayBuffer.byteLength
      if (this.freeBytes + slabBytes > MAX_FREE_BYTES) continue
      let list = this.free.get(slabBytes)
      if (!list) this.free.set(slabBytes, (list = []))
      list.push(arrayBuffer)
      this.freeBytes += slabBytes
    }
  }
}

/** One pool per process: several brokers in one process (tests) share it harmlessly. */
export const fetchReadBuffers = new ReadBufferPool()
