import { SyncError } from '../errors.ts'

/** Largest varint accepted: timestamps and counts stay exact JavaScript numbers. */
const MAX = Number.MAX_SAFE_INTEGER

/** Negentropy's varint: base-128 digits, most significant first, high bit on all but the last. */
export function encodeVarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`)
  const digits = [n % 128]
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) digits.push(128 | (v % 128))
  return Uint8Array.from(digits.reverse())
}

/** Reads a Negentropy message front to back; every shortfall is a `sync.malformed` SyncError. */
export class SyncReader {
  readonly bytes: Uint8Array
  #pos = 0
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  get remaining(): number {
    return this.bytes.length - this.#pos
  }

  byte(): number {
    if (this.#pos >= this.bytes.length) throw new SyncError('sync.malformed', 'message ends early')
    return this.bytes[this.#pos++] as number
  }

  take(n: number): Uint8Array {
    if (this.remaining < n) throw new SyncError('sync.malformed', 'message ends early')
    const out = this.bytes.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return out
  }

  varint(): number {
    let n = 0
    for (;;) {
      const b = this.byte()
      n = n * 128 + (b & 127)
      if (n > MAX) throw new SyncError('sync.malformed', 'varint too large')
      if ((b & 128) === 0) return n
    }
  }
}

/** Appends byte chunks; the message being built. */
export class SyncWriter {
  #chunks: Uint8Array[] = []
  #length = 0

  get length(): number {
    return this.#length
  }

  push(bytes: Uint8Array): void {
    this.#chunks.push(bytes)
    this.#length += bytes.length
  }

  varint(n: number): void {
    this.push(encodeVarint(n))
  }

  append(other: SyncWriter): void {
    for (const c of other.#chunks) this.push(c)
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length)
    let at = 0
    for (const c of this.#chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }
}
