import type { Verifier } from '@freebird/protocol'

/**
 * A verifier that remembers signatures it has seen verify, and signatures this
 * node made itself: a validator checks an order's signature when it votes and
 * then sees the same order, and its own vote, again in the certificate. Each
 * entry is the exact (key, message, signature) bytes, so a hit is the same
 * check answered before. Bounded: the oldest entries go first.
 */
export class MemoVerifier {
  readonly #verify: Verifier
  readonly #known = new Set<string>()
  readonly #max: number

  constructor(verify: Verifier, max = 65_536) {
    this.#verify = verify
    this.#max = max
  }

  readonly verify: Verifier = (publicKey, message, signature) => {
    const key = entry(publicKey, message, signature)
    if (this.#known.has(key)) return true
    const ok = this.#verify(publicKey, message, signature)
    if (ok) this.remember(publicKey, message, signature)
    return ok
  }

  /** Records a signature known to be valid (one this node made). */
  remember(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
    this.#known.add(entry(publicKey, message, signature))
    if (this.#known.size > this.#max) {
      const oldest = this.#known.values().next().value
      if (oldest !== undefined) this.#known.delete(oldest)
    }
  }
}

const latin1 = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')
const entry = (k: Uint8Array, m: Uint8Array, s: Uint8Array) => latin1(k) + latin1(m) + latin1(s)
