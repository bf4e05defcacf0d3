import type { Db, Sub } from '../store/db.ts'
import type { SyncIndex } from '../sync/sync-index.ts'

export type Op =
  | { type: 'put'; sublevel: Sub; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; sublevel: Sub; key: Uint8Array }

interface Pending {
  ops: Op[]
  added: Uint8Array[]
  done: () => void
  failed: (error: unknown) => void
}

/**
 * Group commit: writes that arrive while a batch is being written go
 * together in the next one, in order, as one atomic LevelDB batch. Memory state is updated before a write is
 * queued, so batches commit a prefix of the changes: disk is always a state
 * the ledger passed through.
 */
export class LedgerWriter {
  readonly #db: Db
  readonly #index: SyncIndex
  #queue: Pending[] = []
  #running: Promise<void> | undefined

  constructor(db: Db, index: SyncIndex) {
    this.#db = db
    this.#index = index
  }

  write(ops: Op[], options: { added?: Uint8Array[] } = {}): Promise<void> {
    return new Promise((done, failed) => {
      this.#queue.push({
        ops,
        added: options.added ?? [],
        done,
        failed,
      })
      this.#running ??= this.#run()
    })
  }

  /** Resolves when everything queued so far is written. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue
      this.#queue = []
      const ops = group.flatMap((p) => p.ops)
      const added = group.flatMap((p) => p.added)
      try {
        await this.#index.exclusive(async () => {
          await this.#db.batch(ops as never)
          if (added.length > 0) await this.#index.commit(added, [])
        })
        for (const p of group) p.done()
      } catch (error) {
        for (const p of group) p.failed(error)
      }
    }
    this.#running = undefined
  }
}
