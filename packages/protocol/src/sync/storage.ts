import type { SyncBound, SyncItem } from './bound.ts'

type Awaitable<T> = T | Promise<T>

/**
 * The sorted set a Reconciler works over, addressed by position. A node backs
 * it with its (timestamp, id) index; `SyncVector` keeps it in memory. Methods
 * may answer synchronously or with a promise. Positions need only be stable
 * while one message is processed.
 */
export interface SyncStorage {
  size(): Awaitable<number>
  getItem(index: number): Awaitable<SyncItem>
  /** Visits items begin..end-1 in order while `visit` returns true. */
  iterate(
    begin: number,
    end: number,
    visit: (item: SyncItem, index: number) => boolean,
  ): Awaitable<void>
  /** Position of the first item in [begin, end) not below `bound` (end if none). */
  findLowerBound(begin: number, end: number, bound: SyncBound): Awaitable<number>
  /** Negentropy V1 fingerprint of items begin..end-1. */
  fingerprint(begin: number, end: number): Awaitable<Uint8Array>
}
