import { sha256 } from '@noble/hashes/sha2.js'
import { utf8 } from '../bytes.ts'

/** Domain tag hashed before the data, so a message id is never another structure's hash. */
export const MESSAGE_ID_TAG = utf8('freebird/message/v1')

/**
 * id = SHA-256(MESSAGE_ID_TAG || signer || dataBytes); the signature signs it.
 * The signer is in the preimage because validity depends on it: without it,
 * the same data signed by the root key and by a delegated key (later revoked)
 * would share an id, and which copy a node kept would depend on arrival order.
 */
export function computeMessageId(
  signer: Uint8Array,
  dataBytes: Uint8Array,
  hash: Sha256 = nobleSha256,
): Uint8Array {
  return hash(MESSAGE_ID_TAG, signer, dataBytes)
}

/**
 * SHA-256 of the parts, in order. The default is noble's, which runs
 * anywhere; a node passes node:crypto's, about twice as fast per message.
 */
export type Sha256 = (...parts: Uint8Array[]) => Uint8Array

export function nobleSha256(...parts: Uint8Array[]): Uint8Array {
  const hash = sha256.create()
  for (const part of parts) hash.update(part)
  return hash.digest()
}
