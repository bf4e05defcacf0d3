import { bech32m } from '@scure/base'
import { ParseError } from './errors.ts'
import { PUBLIC_KEY_BYTES } from './limits.ts'

/** Human-readable prefix of account text: `fb1...`. */
export const ACCOUNT_PREFIX = 'fb'

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
// "fb" + "1" + 52 data characters (32 bytes) + 6 checksum characters.
const ACCOUNT_TEXT_LENGTH = ACCOUNT_PREFIX.length + 1 + 52 + 6

/** The text form of an account: bech32m (BIP-350) with prefix `fb`, lower case. */
export function formatAccount(publicKey: Uint8Array): string {
  if (publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new ParseError(
      'invalid.account_length',
      `an account is a ${PUBLIC_KEY_BYTES}-byte key, got ${publicKey.length} bytes`,
    )
  }
  return bech32m.encode(ACCOUNT_PREFIX, bech32m.toWords(publicKey))
}

/**
 * Parses account text (`fb1...`, all lower or all upper case) into the 32-byte
 * public key. Errors say what is wrong: format, prefix, character (and where),
 * case, checksum (a typo), or length.
 */
export function parseAccount(text: string): Uint8Array {
  const sep = text.lastIndexOf('1')
  if (sep < 1) {
    throw new ParseError(
      'invalid.account_format',
      `not an account: expected "${ACCOUNT_PREFIX}1" followed by ${ACCOUNT_TEXT_LENGTH - 3} characters`,
    )
  }
  const lower = text.toLowerCase()
  if (text !== lower && text !== text.toUpperCase()) {
    throw new ParseError('invalid.account_case', 'account text mixes upper and lower case')
  }
  const prefix = lower.slice(0, sep)
  if (prefix !== ACCOUNT_PREFIX) {
    throw new ParseError(
      'invalid.account_prefix',
      `account prefix must be "${ACCOUNT_PREFIX}", got "${prefix}"`,
    )
  }
  for (let i = sep + 1; i < lower.length; i++) {
    if (!CHARSET.includes(lower.charAt(i))) {
      throw new ParseError(
        'invalid.account_character',
        `invalid character ${JSON.stringify(text.charAt(i))} at position ${i} (bech32 excludes 1, b, i, o)`,
      )
    }
  }
  if (lower.length !== ACCOUNT_TEXT_LENGTH) {
    throw new ParseError(
      'invalid.account_length',
      `account text must be ${ACCOUNT_TEXT_LENGTH} characters, got ${lower.length}`,
    )
  }
  const decoded = bech32m.decodeUnsafe(lower, ACCOUNT_TEXT_LENGTH)
  if (!decoded) {
    throw new ParseError(
      'invalid.account_checksum',
      'account checksum does not match: the text has a typo or was truncated',
    )
  }
  const bytes = bech32m.fromWordsUnsafe(decoded.words)
  if (!bytes || bytes.length !== PUBLIC_KEY_BYTES) {
    // Right length and checksum, but the 4 padding bits are not zero: not made by formatAccount.
    throw new ParseError('invalid.account_format', 'account text has non-zero padding bits')
  }
  return bytes
}

/** True when `text` parses as an account. */
export function isAccount(text: string): boolean {
  try {
    parseAccount(text)
    return true
  } catch {
    return false
  }
}
