import { type DecodeOptions, decode, encode, type Token, Tokenizer } from 'cborg'
import { equalBytes } from './bytes.ts'
import { ValidationError } from './errors.ts'
import { MAX_CBOR_DEPTH } from './limits.ts'

// Freebird's CBOR subset: unsigned integers, byte strings, text strings,
// arrays and maps (major types 0, 2, 3, 4, 5). Nothing in a message is a
// negative integer, a float, a tag or a simple value, so those are encoding
// errors, whatever their form.
const ALLOWED_MAJOR_TYPES = new Set([0, 2, 3, 4, 5])
// Fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: a leading U+FEFF is
// text like any other (the default decoder would drop it).
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// Bytes of a text string's head, by the low 5 bits of its initial byte.
const headLength = (initial: number) => [1, 2, 3, 5, 9][Math.max(0, (initial & 31) - 23)] ?? 1

/**
 * cborg's tokenizer, held to the subset above, to MAX_CBOR_DEPTH levels of
 * nesting (checked before the recursive decoder goes deeper, so the outcome
 * never depends on the stack size), and to strict UTF-8.
 */
class StrictTokenizer extends Tokenizer {
  /** Items still to come in each open array or map, innermost last. */
  readonly #open: number[] = []

  override next(): Token {
    const start = this.pos()
    const token = super.next()
    if (!ALLOWED_MAJOR_TYPES.has(token.type.major)) {
      throw new Error(`CBOR ${token.type.name} is not allowed`)
    }
    const open = this.#open
    if (open.length > 0) open[open.length - 1] = (open.at(-1) as number) - 1
    const items =
      token.type.major === 4 ? token.value : token.type.major === 5 ? token.value * 2 : 0
    if (items > 0) {
      open.push(items)
      if (open.length > MAX_CBOR_DEPTH) throw new Error(`nested deeper than ${MAX_CBOR_DEPTH}`)
    } else {
      while (open.length > 0 && open.at(-1) === 0) open.pop()
    }
    if (token.type.major === 3) {
      const data = this.data
      const from = start + headLength(data[start] as number)
      const to = start + (token.encodedLength as number)
      for (let i = from; i < to; i++) {
        if ((data[i] as number) >= 0x80) {
          token.value = utf8Strict.decode(data.subarray(from, to))
          break
        }
      }
    }
    return token
  }
}

// Strict decoding refuses non-minimal lengths and integers, indefinite
// lengths and duplicate keys; the tokenizer refuses types outside the subset,
// deep nesting and bad UTF-8; the re-encode comparison in decodeCanonical
// catches the rest (map key order).
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
    value = decode(bytes, {
      ...DECODE_OPTIONS,
      tokenizer: new StrictTokenizer(bytes, DECODE_OPTIONS),
    })
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
