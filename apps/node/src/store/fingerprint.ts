import { IdSum } from '@freebird/protocol'

/**
 * The fingerprint of the whole message set, Negentropy V1's: SHA-256(sum of
 * ids as little-endian 256-bit integers mod 2^256 || varint(count)), first 16
 * bytes. Kept as a running sum, so adding or removing an id is O(1); it is
 * the node's stateRoot (equal roots, equal sets).
 */
export class SetFingerprint {
  readonly #sum: IdSum
  #count: number

  constructor(sum: Uint8Array = new Uint8Array(32), count = 0) {
    this.#sum = IdSum.fromBytes(sum)
    this.#count = count
  }

  add(id: Uint8Array): void {
    this.#sum.add(id)
    this.#count++
  }

  remove(id: Uint8Array): void {
    this.#sum.subtract(id)
    this.#count--
  }

  get count(): number {
    return this.#count
  }

  get sum(): Uint8Array {
    return this.#sum.bytes()
  }

  fingerprint(): Uint8Array {
    return this.#sum.fingerprint(this.#count)
  }

  clone(): SetFingerprint {
    return new SetFingerprint(this.sum, this.#count)
  }
}
