import { sha256 } from '@noble/hashes/sha2.js'
import { encodeVarint } from './varint.ts'

/**
 * A sum of 32-byte ids read as little-endian 256-bit integers, mod 2^256, in
 * eight 32-bit words. Sums add and subtract, so a range's sum can come from
 * precomputed sums of its parts: what makes fingerprints of large ranges cheap.
 */
export class IdSum {
  readonly words: Uint32Array

  constructor(words?: Uint32Array) {
    this.words = words ? Uint32Array.from(words) : new Uint32Array(8)
  }

  static fromBytes(sum: Uint8Array): IdSum {
    const s = new IdSum()
    s.#apply(sum, 0, 1)
    return s
  }

  /** Adds the id at `offset` of `bytes` (32 bytes). */
  add(bytes: Uint8Array, offset = 0): this {
    return this.#apply(bytes, offset, 1)
  }

  /** Subtracts the id at `offset` of `bytes` (32 bytes). */
  subtract(bytes: Uint8Array, offset = 0): this {
    return this.#apply(bytes, offset, -1)
  }

  addSum(other: IdSum): this {
    let carry = 0
    for (let i = 0; i < 8; i++) {
      const v = (this.words[i] as number) + (other.words[i] as number) + carry
      this.words[i] = v >>> 0
      carry = v > 0xffffffff ? 1 : 0
    }
    return this
  }

  subtractSum(other: IdSum): this {
    let borrow = 0
    for (let i = 0; i < 8; i++) {
      const v = (this.words[i] as number) - (other.words[i] as number) - borrow
      this.words[i] = v >>> 0
      borrow = v < 0 ? 1 : 0
    }
    return this
  }

  #apply(b: Uint8Array, o: number, sign: 1 | -1): this {
    let carry = 0
    for (let i = 0; i < 8; i++) {
      const k = o + i * 4
      const word =
        ((b[k] as number) |
          ((b[k + 1] as number) << 8) |
          ((b[k + 2] as number) << 16) |
          ((b[k + 3] as number) << 24)) >>>
        0
      const v = (this.words[i] as number) + sign * word + carry
      this.words[i] = v >>> 0
      carry = v > 0xffffffff ? 1 : v < 0 ? -1 : 0
    }
    return this
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(32)
    for (let i = 0; i < 8; i++) {
      const w = this.words[i] as number
      out[i * 4] = w & 0xff
      out[i * 4 + 1] = (w >>> 8) & 0xff
      out[i * 4 + 2] = (w >>> 16) & 0xff
      out[i * 4 + 3] = w >>> 24
    }
    return out
  }

  /** Negentropy V1 fingerprint: SHA-256(sum || varint(count)), first 16 bytes. */
  fingerprint(count: number): Uint8Array {
    const v = encodeVarint(count)
    const input = new Uint8Array(32 + v.length)
    input.set(this.bytes())
    input.set(v, 32)
    return sha256(input).subarray(0, 16)
  }
}
