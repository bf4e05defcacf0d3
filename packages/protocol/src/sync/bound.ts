import { SyncError } from '../errors.ts'
import type { SyncReader, SyncWriter } from './varint.ts'

/** An item of the reconciled set: a message's timestamp (ms) and id. */
export interface SyncItem {
  readonly timestamp: number
  readonly id: Uint8Array
}

/**
 * A point in (timestamp, id) order: a timestamp and an id prefix (0 to 32
 * bytes, the rest implicitly zero). The upper end of the space has an
 * infinite timestamp.
 */
export interface SyncBound {
  readonly timestamp: number
  readonly id: Uint8Array
}

export const ID_SIZE = 32
export const INFINITE = Number.POSITIVE_INFINITY
const EMPTY = new Uint8Array(0)

export const zeroBound = (): SyncBound => ({ timestamp: 0, id: EMPTY })
export const infiniteBound = (): SyncBound => ({ timestamp: INFINITE, id: EMPTY })

/** Order of an item relative to a bound: negative when the item lies below it. */
export function compareToBound(item: SyncItem, bound: SyncBound): number {
  if (item.timestamp !== bound.timestamp) return item.timestamp < bound.timestamp ? -1 : 1
  const prefix = bound.id
  for (let i = 0; i < prefix.length; i++) {
    const d = (item.id[i] as number) - (prefix[i] as number)
    if (d !== 0) return d
  }
  for (let i = prefix.length; i < ID_SIZE; i++) if (item.id[i] !== 0) return 1
  return 0
}

/** Order of two items: by timestamp, then id bytes. */
export function compareItems(a: SyncItem, b: SyncItem): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1
  for (let i = 0; i < ID_SIZE; i++) {
    const d = (a.id[i] as number) - (b.id[i] as number)
    if (d !== 0) return d
  }
  return 0
}

/** The shortest bound above `prev` and not above `curr` (prev < curr). */
export function minimalBound(prev: SyncItem, curr: SyncItem): SyncBound {
  if (curr.timestamp !== prev.timestamp) return { timestamp: curr.timestamp, id: EMPTY }
  let shared = 0
  while (shared < ID_SIZE && curr.id[shared] === prev.id[shared]) shared++
  return { timestamp: curr.timestamp, id: curr.id.slice(0, shared + 1) }
}

/** Timestamps within one message are deltas from the previous bound's. */
export interface BoundState {
  last: number
}

export function writeBound(w: SyncWriter, bound: SyncBound, state: BoundState): void {
  if (bound.timestamp === INFINITE) {
    state.last = INFINITE
    w.varint(0)
  } else {
    w.varint(bound.timestamp - state.last + 1)
    state.last = bound.timestamp
  }
  w.varint(bound.id.length)
  w.push(bound.id)
}

export function readBound(r: SyncReader, state: BoundState): SyncBound {
  const encoded = r.varint()
  let timestamp: number
  if (encoded === 0 || state.last === INFINITE) timestamp = INFINITE
  else {
    timestamp = state.last + encoded - 1
    if (!Number.isSafeInteger(timestamp))
      throw new SyncError('sync.malformed', 'timestamp too large')
  }
  state.last = timestamp
  const length = r.varint()
  if (length > ID_SIZE) throw new SyncError('sync.bound', `bound id prefix of ${length} bytes`)
  return { timestamp, id: r.take(length).slice() }
}
