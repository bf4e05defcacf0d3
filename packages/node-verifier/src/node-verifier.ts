import { type KeyObject, verify } from 'node:crypto'
import {
  isWeakPublicKey,
  layeredVerifier,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  type Verifier,
} from '@freebird/protocol'
import { publicKeyObject } from './der.ts'

export interface NodeVerifierOptions {
  /** How many signer keys to keep imported (KeyObject + small-order verdict). Default 10,000. */
  cacheSize?: number
}

interface CachedKey {
  /** null: the key is of small order, or OpenSSL will not import it; defer to the reference. */
  keyObject: KeyObject | null
}

/**
 * Freebird's signature rule with OpenSSL in front: a small-order key never
 * reaches OpenSSL (OpenSSL accepts signatures from such keys); OpenSSL's
 * "valid" is final (it accepts a subset of ZIP-215); its "invalid" is
 * re-checked by the protocol's reference verifier, so verdicts never differ.
 * Imported keys are cached: importing from DER per message costs ~30%.
 */
export function createNodeVerifier(options: NodeVerifierOptions = {}): Verifier {
  return layeredVerifier(createOpenSslVerifier(options))
}

/**
 * The fast half alone: OpenSSL behind the small-order guard. Its `true` is
 * always right; its `false` may be wrong (ZIP-215 accepts more), so use it
 * only through `createNodeVerifier` or `layeredVerifier`.
 */
export function createOpenSslVerifier(options: NodeVerifierOptions = {}): Verifier {
  const cacheSize = options.cacheSize ?? 10_000
  const cache = new Map<string, CachedKey>()

  const lookup = (publicKey: Uint8Array): CachedKey => {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString(
      'base64',
    )
    let entry = cache.get(id)
    if (entry) return entry
    entry = { keyObject: isWeakPublicKey(publicKey) ? null : publicKeyObject(publicKey) }
    // Map keeps insertion order: dropping the first key evicts the oldest.
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string)
    cache.set(id, entry)
    return entry
  }

  const fast: Verifier = (publicKey, message, signature) => {
    if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
    const { keyObject } = lookup(publicKey)
    if (!keyObject) return false
    try {
      return verify(null, message, keyObject, signature)
    } catch {
      return false
    }
  }
  return fast
}
