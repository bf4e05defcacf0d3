import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildFollowAdd,
  buildFollowRemove,
  buildMessage,
  buildPostAdd,
  buildPostRemove,
  buildProfileSet,
  buildReactionAdd,
  buildSignerAdd,
  buildSignerRemove,
  createSigner,
  type Message,
  networkIdFromGenesis,
  toHex,
  utf8,
} from '@freebird/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { profileKey } from '../src/store/keys.ts'
import { MessageStore } from '../src/store/message-store.ts'

const network = networkIdFromGenesis(utf8('store tests'))
const T0 = Date.UTC(2026, 0, 1)
const seed = (n: number) => new Uint8Array(32).fill(n)
const alice = createSigner(seed(1))
const bob = createSigner(seed(2))
const app = createSigner(seed(3))
const as = (signer: typeof alice, timestamp: number) => ({ network, signer, timestamp })
const viaApp = (timestamp: number) => ({ network, signer: app, author: alice.publicKey, timestamp })

const dirs: string[] = []
const open = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'freebird-store-'))
  dirs.push(dir)
  return { dir, store: await MessageStore.open(dir, network) }
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
/** The sync index holds exactly the message set: its whole-range fingerprint is the stateRoot. */
const indexAgrees = async (store: MessageStore) => {
  const [size, fingerprint] = await store.syncIndex.read(async (view) => {
    const n = await view.size()
    return [n, await view.fingerprint(0, n)] as const
  })
  expect(size).toBe(store.messageCount)
  expect(toHex(fingerprint)).toBe(toHex(store.stateRoot))
}
const ids = (list: Uint8Array[], store: MessageStore) => list.map((b) => toHex(store.decode(b).id))

describe('MessageStore', () => {
  it('stores, deduplicates, indexes posts and replies, and survives a reopen', async () => {
    const { dir, store } = await open()
    const post = buildPostAdd({ text: 'hi' }, as(alice, T0))
    const reply = buildPostAdd({ text: 're', parent: post.id }, as(bob, T0 + 1))
    expect(await store.applyGroup([post, reply, post])).toEqual([
      { status: 'stored' },
      { status: 'stored' },
      { status: 'duplicate' },
    ])
    expect(store.messageCount).toBe(2)
    const root = toHex(store.stateRoot)
    expect(ids(await store.postsBy(alice.publicKey, 10), store)).toEqual([toHex(post.id)])
    expect(ids(await store.repliesOf(post.id, 10), store)).toEqual([toHex(reply.id)])
    await store.close()
    const again = await MessageStore.open(dir, network)
    expect(again.messageCount).toBe(2)
    expect(toHex(again.stateRoot)).toBe(root)
    expect(toHex((await again.getMessage(reply.id)) as Uint8Array)).toBe(toHex(reply.bytes))
    // The id filter is rebuilt from disk: what is stored is still a duplicate.
    expect(await again.applyGroup([reply, post])).toEqual([
      { status: 'duplicate' },
      { status: 'duplicate' },
    ])
    await again.close()
  })

  it('still refuses a removed post after a reopen (the tombstone filter is rebuilt)', async () => {
    const post = buildPostAdd({ text: 'gone' }, as(alice, T0))
    const { dir, store } = await open()
    await store.applyGroup([buildPostRemove({ target: post.id }, as(alice, T0 + 1))])
    await store.close()
    const again = await MessageStore.open(dir, network)
    expect(await again.applyGroup([post])).toEqual([{ status: 'ignored', code: 'post.removed' }])
    await again.close()
  })

  it('removes a post forever, whichever arrives first', async () => {
    const post = buildPostAdd({ text: 'bye' }, as(alice, T0))
    const remove = buildPostRemove({ target: post.id }, as(alice, T0 + 1))
    const a = (await open()).store
    const b = (await open()).store
    await a.applyGroup([post])
    await a.applyGroup([remove])
    expect(await b.applyGroup([remove, post])).toEqual([
      { status: 'stored' },
      { status: 'ignored', code: 'post.removed' },
    ])
    // Both in one group (one batch): the index sees the post come and go in a single commit.
    const opened = await open()
    await opened.store.applyGroup([buildPostAdd({ text: 'earlier' }, as(bob, T0 - 1))])
    await opened.store.close()
    // Reopened, so the index holds its block in memory and patches it in place.
    const c = await MessageStore.open(opened.dir, network)
    expect(await c.applyGroup([post, remove])).toEqual([{ status: 'stored' }, { status: 'stored' }])
    await c.applyGroup([buildPostAdd({ text: 'earlier' }, as(bob, T0 - 1))])
    expect(c.messageCount).toBe(2)
    await indexAgrees(c)
    await c.close()
    expect(a.messageCount).toBe(1)
    expect(toHex(a.stateRoot)).toBe(toHex(b.stateRoot))
    expect(await a.getMessage(post.id)).toBeUndefined()
    expect(await a.postsBy(alice.publicKey, 10)).toEqual([])
    // Gone for good on both: sync will not fetch the post again.
    expect(await a.goneOf([post.id, remove.id])).toEqual(new Set([0]))
    expect(await b.goneOf([post.id, remove.id])).toEqual(new Set([0]))
    await indexAgrees(a)
    await indexAgrees(b)
    await a.close()
    await b.close()
  })

  it('keeps last-writer-wins winners, follows and reactions, in any order', async () => {
    const post = buildPostAdd({ text: 'p' }, as(alice, T0))
    const msgs: Message[] = [
      post,
      buildProfileSet({ field: 'name', value: 'old' }, as(alice, T0)),
      buildProfileSet({ field: 'name', value: 'new' }, as(alice, T0 + 5)),
      buildFollowAdd({ target: bob.publicKey }, as(alice, T0 + 1)),
      buildFollowRemove({ target: bob.publicKey }, as(alice, T0 + 2)),
      buildFollowAdd({ target: alice.publicKey }, as(bob, T0 + 1)),
      buildReactionAdd({ kind: 'like', target: post.id }, as(bob, T0 + 1)),
    ]
    const forward = (await open()).store
    const backward = (await open()).store
    for (const m of msgs) await forward.applyGroup([m])
    await backward.applyGroup([...msgs].reverse())
    for (const store of [forward, backward]) {
      const name = await store.winner(profileKey(alice.publicKey, 'name'))
      expect(name && store.decode(name).data.body).toEqual({ field: 'name', value: 'new' })
      const hex = (list: Uint8Array[]) => list.map(toHex)
      expect(hex(await store.followingOf(alice.publicKey, 10))).toEqual([])
      expect(hex(await store.followingOf(bob.publicKey, 10))).toEqual([toHex(alice.publicKey)])
      expect(hex(await store.followersOf(alice.publicKey, 10))).toEqual([toHex(bob.publicKey)])
      expect(await store.reactionCounts(post.id)).toEqual({ like: 1 })
    }
    expect(toHex(forward.stateRoot)).toBe(toHex(backward.stateRoot))
    await forward.close()
    await backward.close()
  })

  it('authorizes delegated keys, and a revocation takes away all they signed', async () => {
    const { store } = await open()
    const early = buildPostAdd({ text: 'too early' }, viaApp(T0 + 1))
    expect(await store.applyGroup([early])).toEqual([
      { status: 'ignored', code: 'unauthorized.unknown_signer' },
    ])
    const rootName = buildProfileSet({ field: 'name', value: 'root' }, as(alice, T0))
    const add = buildSignerAdd({ key: app.publicKey, expiresAt: T0 + 1000 }, as(alice, T0))
    const appPost = buildPostAdd({ text: 'via app' }, viaApp(T0 + 2))
    const appName = buildProfileSet({ field: 'name', value: 'app' }, viaApp(T0 + 3))
    const late = buildPostAdd({ text: 'expired' }, viaApp(T0 + 1000))
    expect(await store.applyGroup([rootName, add, appPost, appName, late])).toEqual([
      { status: 'stored' },
      { status: 'stored' },
      { status: 'stored' },
      { status: 'stored' },
      { status: 'ignored', code: 'unauthorized.signer_expired' },
    ])
    const nameOf = async () => {
      const bytes = await store.winner(profileKey(alice.publicKey, 'name'))
      return bytes && (store.decode(bytes).data.body as { value: string }).value
    }
    expect(await nameOf()).toBe('app')
    const remove = buildSignerRemove({ key: app.publicKey }, as(alice, T0 + 10))
    const another = buildPostAdd({ text: 'after' }, viaApp(T0 + 11))
    expect(await store.applyGroup([remove, another])).toEqual([
      { status: 'stored' },
      { status: 'rejected', code: 'unauthorized.signer_removed' },
    ])
    expect(await nameOf()).toBe('root')
    expect(await store.postsBy(alice.publicKey, 10)).toEqual([])
    expect(store.messageCount).toBe(3) // rootName, add, remove
    // signer.remove wins for good: what the key signed is never fetched again.
    expect(await store.goneOf([appPost.id, appName.id, rootName.id])).toEqual(new Set([0, 1]))
    await indexAgrees(store)
  })

  it('has equal stateRoots exactly for equal sets', async () => {
    const a = (await open()).store
    const b = (await open()).store
    const m1 = buildMessage('post.add', { text: '1' }, as(alice, T0))
    const m2 = buildMessage('post.add', { text: '2' }, as(bob, T0))
    await a.applyGroup([m1, m2])
    await b.applyGroup([m2])
    expect(toHex(a.stateRoot)).not.toBe(toHex(b.stateRoot))
    await b.applyGroup([m1])
    expect(toHex(a.stateRoot)).toBe(toHex(b.stateRoot))
    await a.close()
    await b.close()
  })
})

describe('prefixEnd', () => {
  it('never changes its argument, even a Buffer', async () => {
    const { prefixEnd } = await import('../src/store/keys.ts')
    const prefix = Buffer.from([1, 2, 3])
    expect([...prefixEnd(prefix)]).toEqual([1, 2, 4])
    expect([...prefix]).toEqual([1, 2, 3])
    expect([...prefixEnd(Uint8Array.of(1, 0xff))]).toEqual([2])
  })
})

describe('MessageStore: revocations converge', () => {
  it('a delegated removal, revoked, brings the post back on every node', async () => {
    const add = buildSignerAdd({ key: app.publicKey, expiresAt: T0 + 1000 }, as(alice, T0))
    const post = buildPostAdd({ text: 'hidden, then back' }, as(alice, T0 + 1))
    const removal = buildPostRemove({ target: post.id }, viaApp(T0 + 2))
    const revoke = buildSignerRemove({ key: app.publicKey }, as(alice, T0 + 3))
    const a = (await open()).store
    const b = (await open()).store
    for (const m of [add, post, removal]) await a.applyGroup([m])
    expect(await a.postsBy(alice.publicKey, 10)).toEqual([])
    await a.applyGroup([revoke])
    await b.applyGroup([add, revoke, post, removal])
    for (const store of [a, b])
      expect(ids(await store.postsBy(alice.publicKey, 10), store)).toEqual([toHex(post.id)])
    expect(toHex(a.stateRoot)).toBe(toHex(b.stateRoot))
    expect(a.messageCount).toBe(b.messageCount)
  })

  it('a root removal deletes the content for good', async () => {
    const { store } = await open()
    const post = buildPostAdd({ text: 'gone' }, as(alice, T0))
    await store.applyGroup([post, buildPostRemove({ target: post.id }, as(alice, T0 + 1))])
    expect(await store.getMessage(post.id)).toBeUndefined()
    expect(await store.applyGroup([post])).toEqual([{ status: 'ignored', code: 'post.removed' }])
  })

  it('a newer signer.add with a shorter expiry drops what the key signed after it, in any order', async () => {
    const long = buildSignerAdd({ key: app.publicKey, expiresAt: T0 + 1_000_000 }, as(alice, T0))
    const short = buildSignerAdd({ key: app.publicKey, expiresAt: T0 + 50 }, as(alice, T0 + 5))
    const name = buildProfileSet({ field: 'name', value: 'by-app' }, viaApp(T0 + 100))
    const a = (await open()).store
    const b = (await open()).store
    for (const m of [long, name, short]) await a.applyGroup([m])
    for (const m of [short, long, name]) await b.applyGroup([m])
    for (const store of [a, b])
      expect(await store.winner(profileKey(alice.publicKey, 'name'))).toBeUndefined()
    expect(toHex(a.stateRoot)).toBe(toHex(b.stateRoot))
    // A later signer.add could widen the key again: not gone for good.
    expect(await a.goneOf([name.id])).toEqual(new Set())
    await indexAgrees(a)
    await indexAgrees(b)
  })
})
