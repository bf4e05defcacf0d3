import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './limits.ts'

// noble ships without a hash so it can stay dependency-free; give it SHA-512.
ed.hashes.sha512 = sha512

/**
 * A signature check: true when `signature` is a valid signature of `message`
 * by `publicKey` under Freebird's rule. Never throws on bad input.
 */
export type Verifier = (
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
) => boolean

/**
 * True when the key decodes (ZIP-215 decoding accepts non-canonical y) to a
 * point of small order (order dividing 8), or does not decode at all. Such keys
 * "sign" messages without a secret, so Freebird refuses them everywhere.
 */
export function isWeakPublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES) return true
  try {
    return ed.Point.fromBytes(publicKey, true).isSmallOrder()
  } catch {
    return true
  }
}

/**
 * Freebird's signature rule, the same on every path: ZIP-215 verification
 * (cofactored equation; S < L; non-canonical A and R encodings accepted, the
 * hash taken over the bytes as given) AND the public key is not of small order.
 * This is the reference (noble, pure JS, runs in browsers).
 */
export function verifySignature(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
  if (isWeakPublicKey(publicKey)) return false
  try {
    return ed.verify(signature, message, publicKey, { zip215: true })
  } catch {
    return false
  }
}

/**
 * Puts a faster backend in front of the reference rule. The fast verifier's
 * `true` is final, so it must accept only a subset of what the rule accepts
 * (e.g. OpenSSL after a small-order key check); its `false` is re-checked by
 * the reference, because strict backends refuse some signatures ZIP-215 accepts.
 */
export function layeredVerifier(fast: Verifier, reference: Verifier = verifySignature): Verifier {
  return (publicKey, message, signature) =>
    fast(publicKey, message, signature) || reference(publicKey, message, signature)
}
