import { createRequire } from 'node:module'
import {
  isWeakPublicKey,
  ParseError,
  PUBLIC_KEY_BYTES,
  SECRET_KEY_BYTES,
  SIGNATURE_BYTES,
  type Signer,
  type Verifier,
} from '@freebird/protocol'
import { keyCache } from './key-cache.ts'

/** The part of sodium-native (libsodium) used here. */
interface Sodium {
  crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void
}

let loaded: Sodium | null | undefined

/**
 * libsodium through sodium-native's prebuilt addon, or null where it does not
 * load (a platform without a prebuild): callers fall back to node:crypto.
 */
export function loadSodium(): Sodium | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('sodium-native') as Sodium
    } catch {
      loaded = null
    }
  }
  return loaded
}

/** libsodium, or an error saying it does not load here (for callers that asked for it). */
export function requireSodium(): Sodium {
  const sodium = loadSodium()
  if (!sodium) throw new Error('libsodium (sodium-native) does not load on this platform')
  return sodium
}

/**
 * The fast half on libsodium (~40 µs a verification here, against ~64 µs for
 * OpenSSL): libsodium accepts a subset of what ZIP-215 accepts (canonical S, A
 * and R, cofactorless equation, small-order A and R refused), so its `true` is
 * final; use it only through `layeredVerifier`. Small-order keys are refused
 * before libsodium too, by the protocol's own test (cached per key).
 */
export function sodiumVerifier(sodium: Sodium, cacheSize: number): Verifier {
  const isWeak = keyCache(cacheSize, isWeakPublicKey)
  return (publicKey, message, signature) => {
    if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
    if (isWeak(publicKey)) return false
    return sodium.crypto_sign_verify_detached(signature, message, publicKey)
  }
}

/** A Signer on libsodium: the same signatures as the reference (Ed25519 is deterministic). */
export function sodiumSigner(sodium: Sodium, secretKey: Uint8Array): Signer {
  if (secretKey.length !== SECRET_KEY_BYTES)
    throw new ParseError(
      'invalid.secret_key',
      `secret key must be ${SECRET_KEY_BYTES} bytes, got ${secretKey.length}`,
    )
  const publicKey = new Uint8Array(PUBLIC_KEY_BYTES)
  // libsodium's secret key is seed || public key.
  const sk = new Uint8Array(64)
  sodium.crypto_sign_seed_keypair(publicKey, sk, secretKey)
  return {
    publicKey,
    sign: (message) => {
      const signature = new Uint8Array(SIGNATURE_BYTES)
      sodium.crypto_sign_detached(signature, message, sk)
      return signature
    },
  }
}
