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
export function computeMessageId(signer: Uint8Array, dataBytes: Uint8Array): Uint8Array {
  return sha256.create().update(MESSAGE_ID_TAG).update(signer).update(dataBytes).digest()
}
