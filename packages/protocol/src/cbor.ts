import { compareBytes, utf8, utf8Length } from './bytes.ts'
import { MAX_CBOR_DEPTH } from './limits.ts'

// Deterministic CBOR (RFC 8949 §4.2.1) of Freebird's subset, by hand: unsigned
// integers, byte strings, text strings, arrays and maps with text keys. One
// pass over the bytes with no token objects: a generic CBOR library spent
// ~7 KB of garbage and most of the decode time per message in a node's ingest.

/** The bytes are not deterministic CBOR of the subset (encoding.ts turns this into `invalid.encoding`). */
export class CborError extends Error {
  override name = 'CborError'
}

// Fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: a leading U+FEFF is
// text like any other (the default decoder would drop it).
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Encoder = new TextEncoder()
/** Smallest value each argument width may carry (strict: the shortest form only). */
const MIN_1 = 24
const MIN_2 = 0x100
const MIN_4 = 0x10000
const TWO_32 = 0x1_0000_0000

class Decoder {
  pos = 0
  readonly b: Uint8Array
  constructor(bytes: Uint8Array) {
    this.b = bytes
  }

  /** The argument of a head with additional info `info` (the initial byte already read). */
  #argument(info: number, major: number): number | bigint {
    const b = this.b
    if (info < 24) return info
    const p = this.pos
    switch (info) {
      case 24: {
        if (p + 1 > b.length) throw new CborError('truncated head')
        const v = b[p] as number
        if (v < MIN_1) throw new CborError('integer not in its shortest form')
        this.pos = p + 1
        return v
      }
      case 25: {
        if (p + 2 > b.length) throw new CborError('truncated head')
        const v = ((b[p] as number) << 8) | (b[p + 1] as number)
        if (v < MIN_2) throw new CborError('integer not in its shortest form')
        this.pos = p + 2
        return v
      }
      case 26: {
        if (p + 4 > b.length) throw new CborError('truncated head')
        const v = this.#u32(p)
        if (v < MIN_4) throw new CborError('integer not in its shortest form')
        this.pos = p + 4
        return v
      }
      case 27: {
        if (p + 8 > b.length) throw new CborError('truncated head')
        const hi = this.#u32(p)
        const lo = this.#u32(p + 4)
        if (hi === 0) throw new CborError('integer not in its shortest form')
        this.pos = p + 8
        // Past 2^53 - 1 a number would lose precision: such integers are bigints.
        if (hi < 0x200000) return hi * TWO_32 + lo
        if (major !== 0) throw new CborError('length too large')
        return (BigInt(hi) << 32n) | BigInt(lo)
      }
      case 31:
        throw new CborError('indefinite lengths are not allowed')
      default:
        throw new CborError('reserved additional information')
    }
  }

  #u32(p: number): number {
    const b = this.b
    return (
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    )
  }

  /** A length that must fit in what is left of the input (each item takes at least a byte). */
  #length(info: number, major: number): number {
    const n = this.#argument(info, major) as number
    if (n > this.b.length - this.pos) throw new CborError('truncated: length past the end')
    return n
  }

  #text(n: number): string {
    const b = this.b
    const start = this.pos
    const end = start + n
    this.pos = end
    if (n <= 64) {
      let ascii = true
      for (let i = start; i < end; i++) {
        if ((b[i] as number) >= 0x80) {
          ascii = false
          break
        }
      }
      if (ascii) {
        let s = ''
        for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number)
        return s
      }
    }
    try {
      return utf8Strict.decode(b.subarray(start, end))
    } catch {
      throw new CborError('text is not valid UTF-8')
    }
  }

  /** A map key: the few field names repeat in every message, so each is decoded once. */
  #key(n: number): string {
    if (n > MAX_CACHED_KEY) return this.#text(n)
    const b = this.b
    const start = this.pos
    let h = n
    let ascii = true
    for (let i = start; i < start + n; i++) {
      const c = b[i] as number
      if (c >= 0x80) ascii = false
      h = (Math.imul(h, 31) + c) | 0
    }
    // Only ASCII keys are cached, so a match (one code unit per byte) proves the bytes are that key.
    if (!ascii) return this.#text(n)
    const cached = keyCache.get(h)
    if (cached !== undefined && sameKey(cached, b, start, n)) {
      this.pos = start + n
      return cached
    }
    const key = this.#text(n)
    if (keyCache.size < MAX_CACHED_KEYS) keyCache.set(h, key)
    return key
  }

  /** One item; `depth` counts the open containers around it. */
  item(depth: number): unknown {
    const b = this.b
    if (this.pos >= b.length) throw new CborError('truncated: item expected')
    const initial = b[this.pos++] as number
    const major = initial >> 5
    const info = initial & 31
    switch (major) {
      case 0:
        return this.#argument(info, major)
      case 2: {
        const n = this.#length(info, major)
        const start = this.pos
        this.pos = start + n
        return b.subarray(start, start + n)
      }
      case 3:
        return this.#text(this.#length(info, major))
      case 4: {
        const n = this.#length(info, major)
        if (n > 0 && depth >= MAX_CBOR_DEPTH)
          throw new CborError(`nested deeper than ${MAX_CBOR_DEPTH}`)
        const array: unknown[] = new Array(n)
        for (let i = 0; i < n; i++) array[i] = this.item(depth + 1)
        return array
      }
      case 5: {
        const n = this.#length(info, major)
        if (n > 0 && depth >= MAX_CBOR_DEPTH)
          throw new CborError(`nested deeper than ${MAX_CBOR_DEPTH}`)
        return this.#map(n, depth + 1)
      }
      default:
        throw new CborError(`CBOR major type ${major} is not allowed`)
    }
  }

  #map(n: number, depth: number): Record<string, unknown> {
    const b = this.b
    const map: Record<string, unknown> = {}
    let lastStart = -1
    let lastEnd = -1
    for (let i = 0; i < n; i++) {
      const start = this.pos
      if (start >= b.length) throw new CborError('truncated: map key expected')
      const initial = b[start] as number
      if (initial >> 5 !== 3) throw new CborError('map keys must be text')
      this.pos++
      const key = this.#key(this.#length(initial & 31, 3))
      const end = this.pos
      // Each key's encoding bytewise greater than the one before: canonical order, no repeats.
      if (lastStart >= 0 && compareRanges(b, lastStart, lastEnd, start, end) >= 0)
        throw new CborError('map keys are not in canonical order (or repeat)')
      lastStart = start
      lastEnd = end
      const value = this.item(depth)
      // An own property even for "__proto__" (a plain assignment would set the prototype).
      if (key === '__proto__')
        Object.defineProperty(map, key, {
          value,
          configurable: true,
          enumerable: true,
          writable: true,
        })
      else map[key] = value
    }
    return map
  }
}

// Bounded, so odd keys from hostile input cannot grow it; past the bound keys are simply decoded.
const MAX_CACHED_KEYS = 512
const MAX_CACHED_KEY = 32
const keyCache = new Map<number, string>()

/** Whether the ASCII `key` is the bytes b[start, start + n). */
function sameKey(key: string, b: Uint8Array, start: number, n: number): boolean {
  if (key.length !== n) return false
  for (let i = 0; i < n; i++) if (key.charCodeAt(i) !== b[start + i]) return false
  return true
}

function compareRanges(b: Uint8Array, a0: number, a1: number, c0: number, c1: number): number {
  const n = Math.min(a1 - a0, c1 - c0)
  for (let i = 0; i < n; i++) {
    const d = (b[a0 + i] as number) - (b[c0 + i] as number)
    if (d !== 0) return d
  }
  return a1 - a0 - (c1 - c0)
}

/**
 * Decodes one item that must span all of `bytes`. Byte strings come back as
 * views of `bytes` (no copies); integers past 2^53 - 1 as bigints. Throws
 * CborError for anything but the one deterministic encoding of a value.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  const decoder = new Decoder(bytes)
  const value = decoder.item(0)
  if (decoder.pos !== bytes.length) throw new CborError('trailing bytes after the item')
  return value
}

// ------------------------------------------------------------------ encode

class Encoder {
  buf: Uint8Array
  pos = 0

  constructor(buf: Uint8Array) {
    this.buf = buf
  }

  #reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }

  /** A head: major type and argument, in the shortest form. */
  head(major: number, n: number): void {
    this.#reserve(9)
    const b = this.buf
    const m = major << 5
    let p = this.pos
    if (n < 24) b[p++] = m | n
    else if (n < MIN_2) {
      b[p++] = m | 24
      b[p++] = n
    } else if (n < MIN_4) {
      b[p++] = m | 25
      b[p++] = n >>> 8
      b[p++] = n & 0xff
    } else if (n < TWO_32) {
      b[p++] = m | 26
      b[p++] = n >>> 24
      b[p++] = (n >>> 16) & 0xff
      b[p++] = (n >>> 8) & 0xff
      b[p++] = n & 0xff
    } else {
      const hi = Math.floor(n / TWO_32)
      const lo = n >>> 0
      b[p++] = m | 27
      b[p++] = hi >>> 24
      b[p++] = (hi >>> 16) & 0xff
      b[p++] = (hi >>> 8) & 0xff
      b[p++] = hi & 0xff
      b[p++] = lo >>> 24
      b[p++] = (lo >>> 16) & 0xff
      b[p++] = (lo >>> 8) & 0xff
      b[p++] = lo & 0xff
    }
    this.pos = p
  }

  bytes(major: number, data: Uint8Array): void {
    this.head(major, data.length)
    this.#reserve(data.length)
    this.buf.set(data, this.pos)
    this.pos += data.length
  }

  text(s: string): void {
    const n = utf8Length(s)
    this.head(3, n)
    this.#reserve(n)
    if (n === s.length) {
      // ASCII (map keys, most text): written as is.
      const b = this.buf
      let p = this.pos
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i)
      this.pos = p
    } else {
      utf8Encoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + n))
      this.pos += n
    }
  }

  item(value: unknown): void {
    switch (typeof value) {
      case 'number':
        if (!Number.isSafeInteger(value) || value < 0)
          throw new TypeError(`Freebird CBOR has no ${value} (unsigned integers only)`)
        this.head(0, value)
        return
      case 'bigint':
        this.#bigint(value)
        return
      case 'string':
        this.text(value)
        return
      case 'object':
        if (value instanceof Uint8Array) this.bytes(2, value)
        else if (Array.isArray(value)) {
          this.head(4, value.length)
          for (const v of value) this.item(v)
        } else if (value !== null) this.#map(value as Record<string, unknown>)
        else throw new TypeError('Freebird CBOR has no null')
        return
      default:
        throw new TypeError(`Freebird CBOR cannot encode a ${typeof value}`)
    }
  }

  #bigint(value: bigint): void {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn)
      throw new TypeError(`Freebird CBOR has no ${value} (integers are 0..2^64 - 1)`)
    if (value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      this.head(0, Number(value))
      return
    }
    this.#reserve(9)
    const b = this.buf
    b[this.pos++] = 27
    for (let shift = 56n; shift >= 0n; shift -= 8n) b[this.pos++] = Number((value >> shift) & 0xffn)
  }

  #map(object: Record<string, unknown>): void {
    // Absent optional fields may arrive as `undefined` from JS callers: omitted.
    const all = Object.keys(object)
    const keys = all.every((k) => object[k] !== undefined)
      ? all
      : all.filter((k) => object[k] !== undefined)
    // Maps here have a handful of keys: an insertion sort in place allocates
    // nothing (Array.prototype.sort copies into a work array every time).
    if (keys.length > 32) keys.sort(compareKeys)
    else
      for (let i = 1; i < keys.length; i++) {
        const k = keys[i] as string
        let j = i - 1
        while (j >= 0 && compareKeys(keys[j] as string, k) > 0) {
          keys[j + 1] = keys[j] as string
          j--
        }
        keys[j + 1] = k
      }
    this.head(5, keys.length)
    for (const k of keys) {
      this.text(k)
      this.item(object[k])
    }
  }
}

/**
 * RFC 8949's order of text keys: bytewise over their encodings, which (the
 * head grows with the length) is shorter UTF-8 first, then bytewise.
 */
function compareKeys(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) {
    if (a.length !== b.length) return a.length - b.length
    return a < b ? -1 : a > b ? 1 : 0
  }
  const x = utf8(a)
  const y = utf8(b)
  return x.length - y.length || compareBytes(x, y)
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false
  return true
}

/**
 * The one deterministic encoding of `value`: unsigned integers (numbers or
 * bigints up to 2^64 - 1), Uint8Array, strings, arrays, and plain objects
 * (keys sorted, `undefined` fields left out). Throws TypeError for anything else.
 */
export function encodeCbor(value: unknown): Uint8Array {
  // One scratch buffer for the encodings (only the result is a new allocation);
  // a getter that encodes while an encoding runs gets a buffer of its own.
  if (scratchBusy) return encodeWith(new Encoder(new Uint8Array(256)), value)
  scratchBusy = true
  try {
    const encoder = new Encoder(scratch)
    const bytes = encodeWith(encoder, value)
    // Keep a grown buffer for next time, up to a bound (a huge one-off is let go).
    if (encoder.buf.length <= MAX_SCRATCH) scratch = encoder.buf
    return bytes
  } finally {
    scratchBusy = false
  }
}

function encodeWith(encoder: Encoder, value: unknown): Uint8Array {
  encoder.item(value)
  return encoder.buf.slice(0, encoder.pos)
}

const MAX_SCRATCH = 1 << 20
let scratch: Uint8Array = new Uint8Array(4096)
let scratchBusy = false
