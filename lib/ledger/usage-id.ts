import { randomFillSync } from "node:crypto";
import { v7 as uuidv7 } from "uuid";

/** Random bytes for 512 ids at a time: `uuid`'s own generator asks Web Crypto for 16 bytes per id (≈ 7 µs each). */
const POOL_BYTES = 16 * 512;
let pool = Buffer.alloc(0);
let offset = POOL_BYTES;

/**
 * A new usage id: a UUIDv7 (RFC 9562; `uuid`), time-ordered so new rows append near the right edge of their
 * B-tree, drawing its random bits from a pooled buffer. Ids made in the same millisecond share the
 * timestamp prefix and differ in their random bits.
 */
export function newUsageId(): string {
  if (offset + 16 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const random = pool.subarray(offset, (offset += 16));
  return uuidv7({ random });
}
