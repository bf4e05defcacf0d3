import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8 } from '../bytes.ts'

/** Domain tag hashed before the data, so a message id is never another structure's hash. */
export const MESSAGE_ID_TAG = utf8('freebird/message/v1')

/** id = SHA-256(MESSAGE_ID_TAG || dataBytes). The signature signs this id. */
export function computeMessageId(dataBytes: Uint8Array): Uint8Array {
  return sha256(concatBytes(MESSAGE_ID_TAG, dataBytes))
}
