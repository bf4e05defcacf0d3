import type { Sub } from './db.ts'

type Op =
  | { type: 'put'; sublevel: Sub; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; sublevel: Sub; key: Uint8Array }

/**
 * A write transaction over the store: reads see earlier writes of the same
 * transaction, and every write goes into one atomic LevelDB batch. Applying a
 * group of messages in one Tx makes the group crash-consistent as a whole.
 */
export class Tx {
  readonly #cache = new Map<string, Uint8Array | null>()
  readonly #ops: Op[] = []
  /** Writes up to here are in #cache: indexed only when a read comes (most new posts read nothing). */
  #indexed = 0

  #id(sub: Sub, key: Uint8Array): string {
    // latin1 maps each byte to one char: a unique string key, made natively (hex is 10x slower here).
    return sub.prefix + Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')
  }

  /**
   * A synchronous read: LevelDB answers from its memtable or block cache in
   * about a microsecond, far less than a hand-off to the libuv pool and back.
   */
  get(sub: Sub, key: Uint8Array): Uint8Array | undefined {
    for (; this.#indexed < this.#ops.length; this.#indexed++) {
      const op = this.#ops[this.#indexed] as Op
      this.#cache.set(this.#id(op.sublevel, op.key), op.type === 'put' ? op.value : null)
    }
    const id = this.#id(sub, key)
    const cached = this.#cache.get(id)
    if (cached !== undefined) return cached ?? undefined
    const value = sub.getSync(key)
    this.#cache.set(id, value ?? null)
    return value
  }

  put(sub: Sub, key: Uint8Array, value: Uint8Array): void {
    this.#ops.push({ type: 'put', sublevel: sub, key, value })
  }

  del(sub: Sub, key: Uint8Array): void {
    this.#ops.push({ type: 'del', sublevel: sub, key })
  }

  get size(): number {
    return this.#ops.length
  }

  get ops() {
    return this.#ops
  }
}
