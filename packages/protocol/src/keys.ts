import * as ed from '@noble/ed25519'
import { bech32m } from '@scure/base'
import { fromHex } from './bytes.ts'
import { ParseError } from './errors.ts'
import { SECRET_KEY_BYTES } from './limits.ts'
import './signature.ts'

/** An Ed25519 key pair. `secretKey` is the 32-byte RFC 8032 seed. */
export interface KeyPair {
  secretKey: Uint8Array
  publicKey: Uint8Array
}

/**
 * Something that signs for an account: the root key or a delegated app key.
 * `sign` gets the 32-byte message id and returns a 64-byte Ed25519 signature.
 */
export interface Signer {
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

const SECRET_KEY_PREFIX = 'fbsecret'

/** A fresh key pair from the platform's CSPRNG (crypto.getRandomValues). */
export function generateKeyPair(): KeyPair {
  const { secretKey, publicKey } = ed.keygen()
  return { secretKey, publicKey }
}

/** The key pair of a 32-byte secret key (seed). */
export function keyPairFromSecretKey(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== 32) {
    throw new ParseError(
      'invalid.secret_key',
      `secret key must be 32 bytes, got ${secretKey.length}`,
    )
  }
  return { secretKey: Uint8Array.from(secretKey), publicKey: ed.getPublicKey(secretKey) }
}

/** A Signer backed by a secret key held in memory (pure JS, runs anywhere). */
export function createSigner(secretKey: Uint8Array): Signer {
  const pair = keyPairFromSecretKey(secretKey)
  return {
    publicKey: pair.publicKey,
    sign: (message) => ed.sign(message, pair.secretKey),
  }
}

/** Text form of a secret key: bech32m with prefix `fbsecret`. */
export function formatSecretKey(secretKey: Uint8Array): string {
  if (secretKey.length !== 32) {
    throw new ParseError(
      'invalid.secret_key',
      `secret key must be 32 bytes, got ${secretKey.length}`,
    )
  }
  return bech32m.encode(SECRET_KEY_PREFIX, bech32m.toWords(secretKey))
}

/** Parses `fbsecret1...` or 64 hex characters into a 32-byte secret key. */
export function parseSecretKey(text: string): Uint8Array {
  const trimmed = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return fromHex(trimmed, SECRET_KEY_BYTES)
  const decoded = bech32m.decodeUnsafe(trimmed, 200)
  if (!decoded || decoded.prefix !== SECRET_KEY_PREFIX) {
    throw new ParseError(
      'invalid.secret_key',
      `a secret key is "${SECRET_KEY_PREFIX}1..." (bech32m) or 64 hex characters`,
    )
  }
  const bytes = bech32m.fromWordsUnsafe(decoded.words)
  if (!bytes || bytes.length !== SECRET_KEY_BYTES) {
    throw new ParseError('invalid.secret_key', `secret key must encode ${SECRET_KEY_BYTES} bytes`)
  }
  return bytes
}
