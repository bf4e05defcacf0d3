import { type DecodeOptions, decode, encode } from 'cborg'
import { equalBytes } from './bytes.ts'
import { ValidationError } from './errors.ts'

// Strict decoding refuses what it can (non-minimal lengths and integers,
// indefinite lengths, undefined, NaN/Infinity, tags, duplicate keys); the
// re-encode comparison in decodeCanonical catches the rest (key order, float
// widths, invalid UTF-8 replaced on decode).
const DECODE_OPTIONS: DecodeOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: true,
  rejectDuplicateMapKeys: true,
  useMaps: false,
}

// Map keys are always text (the decoder refuses others), and for text keys
// cborg's default length-first order (RFC 7049 canonical) is exactly RFC 8949's
// bytewise order of encoded keys, because a text key's header grows with its
// length. The default sorter is twice as fast. Absent optional fields may
// arrive as `undefined` from JS callers: omit them.
const ENCODE_OPTIONS = { ignoreUndefinedProperties: true }

/**
 * Deterministic CBOR (RFC 8949 §4.2.1 core deterministic encoding): shortest
 * integer and length forms, definite lengths, map keys sorted bytewise.
 */
export function encodeCanonical(value: unknown): Uint8Array {
  const bytes = encode(value, ENCODE_OPTIONS)
  // cborg hands out a Buffer on Node; give every platform the same type (a view, no copy).
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Decodes deterministic CBOR and refuses every other byte string for the same
 * value: a value has exactly one accepted encoding.
 */
export function decodeCanonical(bytes: Uint8Array, what: string): unknown {
  let value: unknown
  try {
    value = decode(bytes, DECODE_OPTIONS)
  } catch (cause) {
    throw new ValidationError('invalid.encoding', `${what} is not well-formed CBOR`, { cause })
  }
  let again: Uint8Array
  try {
    again = encodeCanonical(value)
  } catch (cause) {
    throw new ValidationError('invalid.encoding', `${what} holds a value that cannot be encoded`, {
      cause,
    })
  }
  if (!equalBytes(again, bytes)) {
    throw new ValidationError('invalid.encoding', `${what} is not in deterministic CBOR encoding`)
  }
  return value
}
