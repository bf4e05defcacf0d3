import { createHash } from 'node:crypto'

const MOD = 1n << 256n

/** Little-endian 256-bit integer of a 32-byte id. */
function toBig(id: Uint8Array): bigint {
  let n = 0n
  for (let i = id.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(id[i] as number)
  return n
}

function fromBig(n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}

function varint(n: number): Uint8Array {
  // Negentropy's varint: base-128, most significant group first.
  const groups = [n & 0x7f]
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128))
    groups.unshift(0x80 | (v & 0x7f))
  return Uint8Array.from(groups)
}

/**
 * The set fingerprint of Negentropy V1: SHA-256(sum of ids as little-endian
 * 256-bit integers mod 2^256 || varint(count)), first 16 bytes. Kept as a
 * running sum, so adding or removing an id is O(1); of the whole set it is the
 * node's stateRoot (equal roots, equal sets).
 */
export class SetFingerprint {
  #sum: bigint
  #count: number

  constructor(sum: Uint8Array = new Uint8Array(32), count = 0) {
    this.#sum = toBig(sum)
    this.#count = count
  }

  add(id: Uint8Array): void {
    this.#sum = (this.#sum + toBig(id)) % MOD
    this.#count++
  }

  remove(id: Uint8Array): void {
    this.#sum = (this.#sum - toBig(id) + MOD) % MOD
    this.#count--
  }

  get count(): number {
    return this.#count
  }

  get sum(): Uint8Array {
    return fromBig(this.#sum)
  }

  fingerprint(): Uint8Array {
    const input = new Uint8Array(32 + 10)
    input.set(this.sum)
    const v = varint(this.#count)
    input.set(v, 32)
    const digest = createHash('sha256')
      .update(input.subarray(0, 32 + v.length))
      .digest()
    return new Uint8Array(digest.subarray(0, 16))
  }

  clone(): SetFingerprint {
    return new SetFingerprint(this.sum, this.#count)
  }
}
