import { hex } from '@scure/base'
import { ParseError } from './errors.ts'

const encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Number of UTF-8 bytes in a string, without allocating. */
export function utf8Length(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4
        i++
      } else n += 3
    } else n += 3
  }
  return n
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return hex.encode(bytes)
}

/** Bytes of a hex string (either case); throws ParseError `invalid.hex`. */
export function fromHex(text: string, expectedLength?: number): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = hex.decode(text.toLowerCase())
  } catch (cause) {
    throw new ParseError('invalid.hex', `not a hex string: ${JSON.stringify(text)}`, { cause })
  }
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new ParseError(
      'invalid.hex',
      `expected ${expectedLength} bytes of hex, got ${bytes.length} bytes`,
    )
  }
  return bytes
}

/** Constant-length byte equality (not constant time: nothing here is secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lexicographic order of byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

/** Concatenation of byte strings. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
