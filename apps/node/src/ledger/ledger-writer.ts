import type { Db, Sub } from '../store/db.ts'
import type { SyncIndex } from '../sync/sync-index.ts'
import { GroupCommit } from './group-commit.ts'

export type Op =
  | { type: 'put'; sublevel: Sub; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; sublevel: Sub; key: Uint8Array }

/**
 * Group commit: writes that arrive while a batch is being written go
 * together in the next one, in order, as one atomic LevelDB batch. Memory
 * state is updated before a write is queued, so batches commit a prefix of
 * the changes: disk is always a state the ledger passed through.
 */
export class LedgerWriter {
  readonly #group: GroupCommit<{ ops: Op[]; added: Uint8Array[] }>

  constructor(db: Db, index: SyncIndex) {
    this.#group = new GroupCommit((writes) =>
      index.exclusive(async () => {
        await db.batch(writes.flatMap((w) => w.ops) as never)
        const added = writes.flatMap((w) => w.added)
        if (added.length > 0) await index.commit(added, [])
      }),
    )
  }

  write(ops: Op[], options: { added?: Uint8Array[] } = {}): Promise<void> {
    return this.#group.add({ ops, added: options.added ?? [] })
  }

  /** Resolves when everything queued so far is written. */
  idle(): Promise<void> {
    return this.#group.idle()
  }
}
