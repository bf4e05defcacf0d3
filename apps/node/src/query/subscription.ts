import type { EventEmitter } from 'node:events'
import { type Message, type MessageFilter, matchesFilter, toHex } from '@freebird/protocol'
import type { MessageStore } from '../store/message-store.ts'
import { QueryError } from './errors.ts'
import { asFields, bytesField, timeField } from './fields.ts'

/** What a subscriber asks for (PROTOCOL.md §13.5); absent keys match everything. */
export interface Filter extends MessageFilter {
  /** Replay stored matches with a timestamp of at least this (ms) before the live ones. */
  since?: number
}

/** A subscriber that falls this far behind is dropped (it can resume with `since`). */
export const MAX_BACKLOG = 10_000
/** Stored messages one replay may scan: a `since` far in the past cannot make the node read everything. */
const MAX_REPLAY_SCAN = 200_000

/** Replays one store serves at once: old `since` values from many subscribers must not swamp it. */
const MAX_REPLAYS = 4
const replaying = new WeakMap<MessageStore, { running: number; waiting: (() => void)[] }>()

async function replaySlot(store: MessageStore, signal: AbortSignal): Promise<() => void> {
  let gate = replaying.get(store)
  if (!gate) {
    gate = { running: 0, waiting: [] }
    replaying.set(store, gate)
  }
  const g = gate
  while (g.running >= MAX_REPLAYS && !signal.aborted) {
    await new Promise<void>((resolve) => {
      g.waiting.push(resolve)
      signal.addEventListener('abort', () => resolve(), { once: true })
    })
  }
  g.running++
  return () => {
    g.running--
    // Every waiter re-checks: one that gave up (aborted) must not swallow the wake-up.
    for (const wake of g.waiting.splice(0)) wake()
  }
}

/** A filter frame, checked: a peer's malformed filter must fail its stream, not the node. */
export function parseFilter(value: unknown): Filter {
  const f = asFields(value, 'filter')
  for (const key of Object.keys(f)) {
    if (key !== 'authors' && key !== 'types' && key !== 'parent' && key !== 'since') {
      throw new QueryError('query.invalid', `unknown filter key "${key}"`)
    }
  }
  const list = <T>(v: unknown, ok: (x: unknown) => x is T): T[] | undefined => {
    if (v === undefined) return undefined
    if (!Array.isArray(v) || v.length > 1000 || !v.every(ok)) {
      throw new QueryError('query.invalid', 'filter lists must be arrays of at most 1,000 items')
    }
    return v
  }
  const filter: Filter = {}
  const authors = list(
    f.authors,
    (x): x is Uint8Array => x instanceof Uint8Array && x.length === 32,
  )
  const types = list(f.types, (x): x is string => typeof x === 'string')
  if (authors) filter.authors = authors
  if (types) filter.types = types
  if (f.parent !== undefined) filter.parent = bytesField(f, 'parent', 32)
  const since = timeField(f, 'since')
  if (since !== undefined) filter.since = since
  return filter
}

/**
 * Matching messages: first the stored ones since `filter.since` (oldest
 * first), then each newly stored one, until `signal` aborts or the
 * subscriber falls MAX_BACKLOG behind. The live listener is attached before
 * the replay reads the store, so a message stored meanwhile is not lost; one
 * both replayed and stored live is sent once.
 */
export async function* subscription(
  store: MessageStore,
  events: EventEmitter<{ stored: [Message] }>,
  filter: Filter,
  signal: AbortSignal,
): AsyncGenerator<Message> {
  const backlog: Message[] = []
  let overflow = false
  let wake: (() => void) | undefined
  const onStored = (m: Message) => {
    if (!matchesFilter(filter, m)) return
    if (backlog.length >= MAX_BACKLOG) overflow = true
    else backlog.push(m)
    wake?.()
  }
  const onAbort = () => wake?.()
  events.on('stored', onStored)
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    const replayed = new Set<string>()
    if (filter.since !== undefined) {
      const release = await replaySlot(store, signal)
      try {
        const ids = await store.idsSince(filter.since, MAX_REPLAY_SCAN)
        for (let i = 0; i < ids.length && !signal.aborted; i += 1024) {
          const chunk = ids.slice(i, i + 1024)
          for (const bytes of await store.getMessages(chunk)) {
            if (!bytes) continue
            const m = store.decode(bytes)
            if (!matchesFilter(filter, m)) continue
            replayed.add(toHex(m.id))
            yield m
          }
        }
      } finally {
        release()
      }
    }
    while (!signal.aborted && !overflow) {
      const m = backlog.shift()
      if (m) {
        if (replayed.size === 0 || !replayed.delete(toHex(m.id))) yield m
        continue
      }
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
  } finally {
    events.off('stored', onStored)
    signal.removeEventListener('abort', onAbort)
  }
}
