import { type KeyObject, verify } from 'node:crypto'
import {
  isWeakPublicKey,
  layeredVerifier,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  type Verifier,
} from '@freebird/protocol'
import { publicKeyObject } from './der.ts'
import { keyCache } from './key-cache.ts'
import { loadSodium, requireSodium, sodiumVerifier } from './sodium.ts'

/** Which native Ed25519 sits in front of the reference rule. */
export type Ed25519Backend = 'libsodium' | 'openssl'

export interface NodeVerifierOptions {
  /** How many signer keys to keep imported (KeyObject + small-order verdict). Default 10,000. */
  cacheSize?: number
  /** Default: libsodium where its prebuilt addon loads, else OpenSSL (node:crypto). */
  backend?: Ed25519Backend
}

/** The backend used when none is asked for: libsodium (faster) where it loads, else OpenSSL. */
export const ed25519Backend = (): Ed25519Backend => (loadSodium() ? 'libsodium' : 'openssl')

/**
 * Freebird's signature rule with a native backend in front (libsodium, or
 * OpenSSL): a small-order key never reaches it (OpenSSL accepts signatures
 * from such keys); its "valid" is final (each accepts a subset of ZIP-215);
 * its "invalid" is re-checked by the protocol's reference verifier, so
 * verdicts never differ.
 */
export function createNodeVerifier(options: NodeVerifierOptions = {}): Verifier {
  const backend = options.backend ?? ed25519Backend()
  return layeredVerifier(
    backend === 'libsodium' ? createSodiumVerifier(options) : createOpenSslVerifier(options),
  )
}

/**
 * The fast half alone on libsodium (~40 µs a verification here, against ~64
 * µs for OpenSSL); use it only through `createNodeVerifier` or
 * `layeredVerifier`. Throws where sodium-native's addon does not load.
 */
export function createSodiumVerifier(options: NodeVerifierOptions = {}): Verifier {
  return sodiumVerifier(requireSodium(), options.cacheSize ?? 10_000)
}

/**
 * The fast half alone on OpenSSL, behind the small-order guard (both cached
 * per key). Its `true` is always right; its `false` may be wrong (ZIP-215
 * accepts more), so use it only through `createNodeVerifier` or
 * `layeredVerifier`.
 */
export function createOpenSslVerifier(options: NodeVerifierOptions = {}): Verifier {
  // null: the key is of small order, or OpenSSL will not import it; defer to the reference.
  const keyObjectOf = keyCache(options.cacheSize ?? 10_000, (publicKey): KeyObject | null =>
    isWeakPublicKey(publicKey) ? null : publicKeyObject(publicKey),
  )

  const fast: Verifier = (publicKey, message, signature) => {
    if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
    const keyObject = keyObjectOf(publicKey)
    if (!keyObject) return false
    try {
      return verify(null, message, keyObject, signature)
    } catch {
      return false
    }
  }
  return fast
}
