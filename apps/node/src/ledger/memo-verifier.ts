import { equalBytes, type Verifier } from '@freebird/protocol'

interface Known {
  publicKey: Uint8Array
  message: Uint8Array
}

/**
 * A verifier that knows signatures checked before: a validator checks an
 * order's signature when it votes and then sees the same order, and its own
 * vote, again in the certificate. Only those are remembered (`remember`);
 * other signatures are checked and not kept, since they do not come back (a
 * certificate held already is a duplicate before any check). A hit is the
 * exact (key, message, signature) bytes seen before, and is used up: the
 * certificate comes once, so the memo holds mostly votes still open (an
 * entry never used, e.g. a vote left out of its certificate, waits for the
 * bound). Bounded: the oldest entries go first (a certificate later than
 * that is checked in full, as without the memo).
 */
export class MemoVerifier {
  readonly #verify: Verifier
  /** Signature (latin1) -> the key and message it was checked for. */
  readonly #known = new Map<string, Known>()
  readonly #max: number

  constructor(verify: Verifier, max = 16_384) {
    this.#verify = verify
    this.#max = max
  }

  readonly verify: Verifier = (publicKey, message, signature) => {
    const id = latin1(signature)
    const known = this.#known.get(id)
    if (known && equalBytes(known.publicKey, publicKey) && equalBytes(known.message, message)) {
      this.#known.delete(id)
      return true
    }
    return this.#verify(publicKey, message, signature)
  }

  /** Records a signature known to be valid (checked here, or made by this node). */
  remember(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
    this.#known.set(latin1(signature), {
      publicKey: Uint8Array.from(publicKey),
      message: Uint8Array.from(message),
    })
    if (this.#known.size > this.#max) {
      const oldest = this.#known.keys().next().value
      if (oldest !== undefined) this.#known.delete(oldest)
    }
  }
}

const latin1 = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')
