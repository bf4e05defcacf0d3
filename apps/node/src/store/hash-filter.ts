/** Bits per element and probes: about 1% false positives. */
const BITS_PER_ELEMENT = 10
const PROBES = 7

interface Layer {
  bits: Uint32Array
  /** Bit positions are masked to the layer's size (a power of two). */
  mask: number
  capacity: number
  count: number
}

/**
 * Which 32-byte hashes (message ids) may be in a set: "no" is certain, "maybe"
 * must be looked up. Lets the store skip a LevelDB read for every new message
 * (two per post: is it stored, is it removed), a sixth of the ingest's main
 * thread. A Bloom filter that grows by adding layers twice as large, so it is
 * never rebuilt; nothing is ever taken out (a removed id only costs a lookup).
 * The probes are words of the hash itself: SHA-256 output is already uniform,
 * and an id ground to collide only costs its sender a lookup.
 */
export class HashFilter {
  readonly #layers: Layer[] = []

  constructor(initialCapacity = 1 << 20) {
    this.#grow(initialCapacity)
  }

  #grow(capacity: number): void {
    let size = 32
    // Positions are masked as int32: a layer has at most 2^31 bits (256 MiB).
    while (size < capacity * BITS_PER_ELEMENT && size < 2 ** 31) size *= 2
    this.#layers.push({ bits: new Uint32Array(size / 32), mask: size - 1, capacity, count: 0 })
  }

  add(hash: Uint8Array): void {
    let layer = this.#layers.at(-1) as Layer
    if (layer.count >= layer.capacity) {
      this.#grow(layer.capacity * 2)
      layer = this.#layers.at(-1) as Layer
    }
    layer.count++
    for (let i = 0; i < PROBES; i++) {
      const bit = word(hash, i) & layer.mask
      layer.bits[bit >>> 5] = (layer.bits[bit >>> 5] as number) | (1 << (bit & 31))
    }
  }

  mayHave(hash: Uint8Array): boolean {
    for (const layer of this.#layers) {
      let all = true
      for (let i = 0; i < PROBES && all; i++) {
        const bit = word(hash, i) & layer.mask
        all = ((layer.bits[bit >>> 5] as number) & (1 << (bit & 31))) !== 0
      }
      if (all) return true
    }
    return false
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#layers.reduce((n, l) => n + l.bits.byteLength, 0)
  }
}

/** The i-th 32-bit word of a 32-byte hash (i < 8). */
function word(h: Uint8Array, i: number): number {
  const at = i * 4
  return (
    ((h[at] as number) << 24) |
    ((h[at + 1] as number) << 16) |
    ((h[at + 2] as number) << 8) |
    (h[at + 3] as number)
  )
}
