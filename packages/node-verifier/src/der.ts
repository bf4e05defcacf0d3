import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'

// Fixed DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** A KeyObject for a raw public key, or null when OpenSSL refuses it. */
export function publicKeyObject(publicKey: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    })
  } catch {
    return null
  }
}

/** A KeyObject for a raw 32-byte secret key (seed). */
export function privateKeyObject(secretKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secretKey]),
    format: 'der',
    type: 'pkcs8',
  })
}
