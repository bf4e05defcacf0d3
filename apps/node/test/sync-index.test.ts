import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compareItems, Reconciler, type SyncItem, SyncVector, toHex } from '@freebird/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../src/store/db.ts'
import { concat, u64 } from '../src/store/keys.ts'
import { SyncIndex } from '../src/sync/sync-index.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A deterministic pseudo-random generator (xorshift), so failures replay. */
function rng(seed: number) {
  let x = seed
  return (n: number) => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) % n
  }
}

const keyOf = (i: SyncItem) => concat(u64(i.timestamp), i.id)

async function setup(blockSize: number, cacheItems?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'freebird-sync-index-'))
  dirs.push(dir)
  const { db, subs } = await openDb(dir)
  const index = new SyncIndex(subs.byTime, {
    blockSize,
    ...(cacheItems === undefined ? {} : { cacheItems }),
  })
  await index.load()
  const set = new Map<string, SyncItem>()
  const apply = (added: SyncItem[], removed: SyncItem[]) =>
    index.exclusive(async () => {
      await subs.byTime.batch([
        ...added.map((i) => ({ type: 'put' as const, key: keyOf(i), value: new Uint8Array(0) })),
        ...removed.map((i) => ({ type: 'del' as const, key: keyOf(i) })),
      ])
      await index.commit(added.map(keyOf), removed.map(keyOf))
      for (const i of added) set.set(toHex(keyOf(i)), i)
      for (const i of removed) set.delete(toHex(keyOf(i)))
    })
  return { db, subs, index, set, apply }
}

function randomItem(r: (n: number) => number): SyncItem {
  return {
    timestamp: 1_767_225_600_000 + r(200),
    id: Uint8Array.from({ length: 32 }, () => r(256)),
  }
}

describe('SyncIndex (LevelDB-backed Negentropy storage)', () => {
  it.each([
    ['a cache for everything', undefined],
    ['a cache of 20 items', 20],
    ['no cache', 0],
  ])(
    'answers like an in-memory vector through inserts, removals and block splits, with %s',
    async (_, cacheItems) => {
      const r = rng(7)
      const { index, set, apply, db } = await setup(8, cacheItems)
      for (let round = 0; round < 40; round++) {
        const added = Array.from({ length: r(30) }, () => randomItem(r))
        const present = [...set.values()]
        const removed = present.filter(() => r(5) === 0).slice(0, 10)
        await apply(added, removed)
        const vector = new SyncVector(set.values())
        const n = vector.size()
        await index.read(async (view) => {
          expect(await view.size()).toBe(n)
          for (let k = 0; k < 10; k++) {
            const a = r(n + 1)
            const b = a + r(n - a + 1)
            expect(toHex(await view.fingerprint(a, b))).toBe(toHex(vector.fingerprint(a, b)))
            const bound = randomItem(r)
            const cut = { timestamp: bound.timestamp, id: bound.id.subarray(0, r(33)) }
            expect(await view.findLowerBound(a, b, cut)).toBe(vector.findLowerBound(a, b, cut))
            if (n > 0) {
              const i = r(n)
              expect(compareItems(await view.getItem(i), vector.getItem(i))).toBe(0)
            }
          }
          const seen: string[] = []
          await view.iterate(0, n, (item) => {
            seen.push(toHex(item.id))
            return true
          })
          expect(seen).toEqual([...set.values()].sort(compareItems).map((i) => toHex(i.id)))
        })
      }
      // A fresh load of the same index (its cache too small to hold it) gives the same answers.
      const again = new SyncIndex((await setupSubs(db)).byTime, { blockSize: 8, cacheItems: 16 })
      await again.load()
      const vector = new SyncVector(set.values())
      const n = vector.size()
      await again.read(async (view) => {
        for (let k = 0; k < 20; k++) {
          const a = r(n + 1)
          const b = a + r(n - a + 1)
          expect(toHex(await view.fingerprint(a, b))).toBe(toHex(vector.fingerprint(a, b)))
        }
        const seen: string[] = []
        await view.iterate(0, n, (item) => {
          seen.push(toHex(item.id))
          return true
        })
        expect(seen).toEqual([...set.values()].sort(compareItems).map((i) => toHex(i.id)))
      })
    },
  )

  it('reconciles against an in-memory peer, finding exactly the differences', async () => {
    const r = rng(11)
    const { index, apply } = await setup(64)
    const common = Array.from({ length: 3000 }, () => randomItem(r))
    const onlyHere = Array.from({ length: 40 }, () => randomItem(r))
    const onlyThere = Array.from({ length: 25 }, () => randomItem(r))
    await apply([...common, ...onlyHere], [])
    const peer = new Reconciler(new SyncVector([...common, ...onlyThere]))
    let query: Uint8Array | null = await index.read((view) => new Reconciler(view).initiate())
    const have: string[] = []
    const need: string[] = []
    let rounds = 0
    while (query) {
      const answer = (await peer.reconcile(query)).output as Uint8Array
      // A new Reconciler per round, over a fresh view, as a node runs it.
      const result = await index.read((view) =>
        new Reconciler(view, { initiator: true }).reconcile(answer),
      )
      have.push(...result.have.map(toHex))
      need.push(...result.need.map(toHex))
      query = result.output
      rounds++
    }
    expect(have.sort()).toEqual(onlyHere.map((i) => toHex(i.id)).sort())
    expect(need.sort()).toEqual(onlyThere.map((i) => toHex(i.id)).sort())
    expect(rounds).toBeLessThanOrEqual(4)
  })
})

async function setupSubs(db: Awaited<ReturnType<typeof openDb>>['db']) {
  return {
    byTime: db.sublevel<Uint8Array, Uint8Array>('t', {
      keyEncoding: 'view',
      valueEncoding: 'view',
    }),
  }
}
