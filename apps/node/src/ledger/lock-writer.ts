import type { Db } from '../store/db.ts'

interface Pending {
  key: Uint8Array
  value: Uint8Array
  done: () => void
  failed: (error: unknown) => void
}

/**
 * Group commit for vote locks: locks asked for while a batch is being
 * fsync'd go to disk together in the next one. Each lock still resolves only
 * once it is on disk (a vote goes out after its lock, never before), but a
 * busy validator pays one fsync per batch instead of one per vote.
 */
export class LockWriter {
  readonly #db: Db
  #queue: Pending[] = []
  #running: Promise<void> | undefined

  constructor(db: Db) {
    this.#db = db
  }

  /** Writes one lock; resolves once it is fsync'd. */
  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return new Promise((done, failed) => {
      this.#queue.push({ key, value, done, failed })
      this.#running ??= this.#run()
    })
  }

  /** Resolves when every lock queued so far is written. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue
      this.#queue = []
      try {
        await this.#db.batch(
          group.map((p) => ({ type: 'put' as const, key: p.key, value: p.value })),
          { sync: true },
        )
        for (const p of group) p.done()
      } catch (error) {
        for (const p of group) p.failed(error)
      }
    }
    this.#running = undefined
  }
}
