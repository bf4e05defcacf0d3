import { decodeCbor, encodeCbor } from './cbor.ts'
import { ValidationError } from './errors.ts'

/**
 * Deterministic CBOR (RFC 8949 §4.2.1 core deterministic encoding): shortest
 * integer and length forms, definite lengths, map keys sorted bytewise.
 * Freebird's subset: unsigned integers, byte strings, text, arrays, maps.
 */
export function encodeCanonical(value: unknown): Uint8Array {
  return encodeCbor(value)
}

/**
 * Decodes deterministic CBOR of Freebird's subset and refuses every other
 * byte string for the same value: a value has exactly one accepted encoding.
 * Nothing in a message is a negative integer, a float, a tag or a simple
 * value, so those are encoding errors whatever their form; so are map keys
 * that are not text in canonical order, nesting past MAX_CBOR_DEPTH (checked
 * before going deeper, so the outcome never depends on the stack size),
 * invalid UTF-8, and trailing bytes.
 */
export function decodeCanonical(input: Uint8Array, what: string): unknown {
  // A plain Uint8Array view: decoded byte strings are then Uint8Array on every platform (not Buffer).
  const bytes =
    input.constructor === Uint8Array
      ? input
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  try {
    return decodeCbor(bytes)
  } catch (cause) {
    throw new ValidationError(
      'invalid.encoding',
      `${what} is not canonical CBOR of the Freebird subset`,
      { cause },
    )
  }
}
