import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, fromHex, toHex, utf8 } from './bytes.ts'
import { NETWORK_ID_BYTES } from './limits.ts'

const NETWORK_ID_TAG = utf8('freebird/network/v1')

/**
 * A network's id: the first 16 bytes of SHA-256(tag || genesis file bytes).
 * It is inside every signed message, protocol id and gossip topic, so nothing
 * signed for one network can be replayed on another.
 */
export function networkIdFromGenesis(genesisBytes: Uint8Array): Uint8Array {
  return sha256(concatBytes(NETWORK_ID_TAG, genesisBytes)).slice(0, NETWORK_ID_BYTES)
}

/** Text form of a network id: 32 lower-case hex characters. */
export function formatNetworkId(networkId: Uint8Array): string {
  return toHex(networkId)
}

/** Parses the text form of a network id. */
export function parseNetworkId(text: string): Uint8Array {
  return fromHex(text, NETWORK_ID_BYTES)
}
