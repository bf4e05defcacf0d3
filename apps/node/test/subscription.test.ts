import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildPostAdd,
  buildProfileSet,
  createSigner,
  type Message,
  networkIdFromGenesis,
  toHex,
  utf8,
} from '@freebird/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { parseFilter, subscription } from '../src/query/subscription.ts'
import { MessageStore } from '../src/store/message-store.ts'

const network = networkIdFromGenesis(utf8('subscription tests'))
const T0 = Date.UTC(2026, 0, 1)
const alice = createSigner(new Uint8Array(32).fill(1))
const bob = createSigner(new Uint8Array(32).fill(2))
const post = (signer: typeof alice, t: number) =>
  buildPostAdd({ text: `at ${t}` }, { network, signer, timestamp: T0 + t })

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'freebird-sub-'))
  dirs.push(dir)
  return MessageStore.open(dir, network)
}

describe('subscription (replay since, then live)', () => {
  it('replays matches from `since` oldest first, then live ones; one stored during the replay comes once', async () => {
    const store = await open()
    const events = new EventEmitter<{ stored: [Message] }>()
    const stored = [post(alice, 1), post(bob, 2), post(alice, 3), post(alice, 4)]
    await store.applyGroup(stored)
    const done = new AbortController()
    const filter = parseFilter({ authors: [alice.publicKey], since: T0 + 2 })
    const got: string[] = []
    const live = post(alice, 5)
    const profile = buildProfileSet(
      { field: 'name', value: 'A' },
      { network, signer: alice, timestamp: T0 + 7 },
    )
    for await (const m of subscription(store, events, filter, done.signal)) {
      got.push(toHex(m.id))
      if (got.length === 1) {
        // Stored (and announced) while the replay is under way: it was in the
        // store too, so the replay may send it; it must come exactly once.
        await store.applyGroup([live])
        events.emit('stored', live)
        events.emit('stored', post(bob, 6))
        events.emit('stored', profile)
      }
      if (got.length === 4) done.abort()
    }
    // Alice's from T0+2 in time order, the live one once, then her next live message (not Bob's).
    expect(got).toEqual([stored[2], stored[3], live, profile].map((m) => toHex((m as Message).id)))
    await store.close()
  })

  it('refuses malformed filters with query.invalid', () => {
    for (const bad of [
      1,
      { authors: 1 },
      { since: -1 },
      { since: 'x' },
      { nope: true },
      { parent: Uint8Array.of(1) },
    ]) {
      expect(() => parseFilter(bad)).toThrow(expect.objectContaining({ code: 'query.invalid' }))
    }
  })
})
