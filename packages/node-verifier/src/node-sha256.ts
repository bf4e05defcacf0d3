import { createHash } from 'node:crypto'

/**
 * SHA-256 of the parts, in order, through node:crypto: the protocol's `Sha256`
 * (pass it as decodeMessage's `sha256`). About 1.2 µs for a message id here,
 * against 2.4 µs for noble's.
 */
export function nodeSha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  const digest = hash.digest()
  // A plain Uint8Array, like noble's: Buffer's slice() is a view and its JSON differs.
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length)
}
