import type { Db } from '../store/db.ts'
import { GroupCommit } from './group-commit.ts'

/**
 * Vote locks, group-committed: locks asked for while a batch is being
 * fsync'd go to disk together in the next one. Each lock still resolves only
 * once it is on disk (a vote goes out after its lock, never before), but a
 * busy validator pays one fsync per batch instead of one per vote.
 */
export class LockWriter {
  readonly #group: GroupCommit<{ key: Uint8Array; value: Uint8Array }>

  constructor(db: Db) {
    this.#group = new GroupCommit((locks) =>
      db.batch(
        locks.map((l) => ({ type: 'put' as const, key: l.key, value: l.value })),
        { sync: true },
      ),
    )
  }

  /** Writes one lock; resolves once it is fsync'd. */
  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return this.#group.add({ key, value })
  }

  /** Resolves when every lock queued so far is written. */
  idle(): Promise<void> {
    return this.#group.idle()
  }
}
