import { type DecodeOptions, decode, encode, type Token, Tokenizer } from 'cborg'
import { compareBytes } from '../src/bytes.ts'
import { MAX_CBOR_DEPTH } from '../src/limits.ts'

// The generic-library codec the protocol used before its own (src/cbor.ts):
// cborg, held to the subset by a strict tokenizer. Tests check that both
// accept exactly the same bytes and produce the same values and encodings.

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

interface OpenContainer {
  /** Items still to come; in a map, keys and values both count. */
  left: number
  isMap: boolean
  /** Encoded bytes of the map's previous key. */
  lastKey: Uint8Array | null
}

/**
 * cborg's tokenizer, held to the subset above, to canonical map-key order
 * (each key's encoding bytewise greater than the one before: RFC 8949
 * §4.2.1, which also rules out duplicates), to MAX_CBOR_DEPTH levels of
 * nesting (checked before the recursive decoder goes deeper, so the outcome
 * never depends on the stack size), and to strict UTF-8. With cborg's strict
 * mode (shortest integers and lengths, definite lengths) that is every rule of
 * the deterministic encoding, so one pass decides it; a property test checks
 * that what it accepts re-encodes to the same bytes.
 */
class StrictTokenizer extends Tokenizer {
  readonly #open: OpenContainer[] = []

  override next(): Token {
    const start = this.pos()
    const token = super.next()
    const major = token.type.major
    if (!ALLOWED_MAJOR_TYPES.has(major)) throw new Error(`CBOR ${token.type.name} is not allowed`)
    const data = this.data
    const end = start + (token.encodedLength as number)
    const open = this.#open
    const parent = open[open.length - 1]
    if (parent) {
      if (parent.isMap && parent.left % 2 === 0) {
        if (major !== 3) throw new Error('map keys must be text')
        const key = data.subarray(start, end)
        if (parent.lastKey && compareBytes(parent.lastKey, key) >= 0) {
          throw new Error('map keys are not in canonical order (or repeat)')
        }
        parent.lastKey = key
      }
      parent.left--
    }
    const items = major === 4 ? token.value : major === 5 ? token.value * 2 : 0
    if (items > 0) {
      open.push({ left: items, isMap: major === 5, lastKey: null })
      if (open.length > MAX_CBOR_DEPTH) throw new Error(`nested deeper than ${MAX_CBOR_DEPTH}`)
    } else {
      while (open.length > 0 && open[open.length - 1]?.left === 0) open.pop()
    }
    if (major === 3) {
      const from = start + headLength(data[start] as number)
      for (let i = from; i < end; i++) {
        if ((data[i] as number) >= 0x80) {
          token.value = utf8Strict.decode(data.subarray(from, end))
          break
        }
      }
    }
    return token
  }
}

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

/** cborg's encoding (length-first key order, undefined fields left out). */
export function referenceEncode(value: unknown): Uint8Array {
  return Uint8Array.from(encode(value, ENCODE_OPTIONS))
}

/** cborg's decoding held to the subset; throws on anything else. */
export function referenceDecode(input: Uint8Array): unknown {
  return decode(input, { ...DECODE_OPTIONS, tokenizer: new StrictTokenizer(input, DECODE_OPTIONS) })
}
