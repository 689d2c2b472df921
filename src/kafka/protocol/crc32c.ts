// CRC-32C (Castagnoli), the checksum of a v2 record batch (KIP-98): the project's one copy.
// @node-rs/crc32 is native and uses the SSE4.2/ARMv8 CRC instructions.
// It is CommonJS and is required, not imported: an ES import of a CommonJS module runs Node's
// export scanner over it, tens of milliseconds of every broker start.
import {createRequire} from 'node:module'

const {crc32c: nativeCrc32c} = createRequire(import.meta.url)('@node-rs/crc32') as typeof import('@node-rs/crc32')

/** CRC-32C of `buf`; pass a previous result as `initial` to continue over several chunks. */
export function crc32c(buf: Uint8Array, initial?: number): number {
  return nativeCrc32c(buf, initial) >>> 0
}
