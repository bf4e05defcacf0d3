import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  buildMessage,
  createSigner,
  equalBytes,
  formatAccount,
  type Message,
  type MessageBodies,
  type MessageType,
  reduceMessages,
  SocialState,
  toHex,
} from '../src/index.ts'
import { alice, app, bob, NETWORK, T0 } from './fixtures.ts'

const signers = {
  alice: createSigner(alice.secretKey),
  bob: createSigner(bob.secretKey),
  app: createSigner(app.secretKey),
}
const make = <T extends MessageType>(
  type: T,
  body: MessageBodies[T],
  timestamp: number,
  who: keyof typeof signers = 'alice',
) =>
  buildMessage(type, body, {
    network: NETWORK,
    signer: signers[who],
    timestamp,
    ...(who === 'app' ? { author: alice.publicKey } : {}),
  })

// A pool of messages that collide a lot: few authors, few targets, few timestamps.
const seedPosts = [
  make('post.add', { text: 'p0' }, T0),
  make('post.add', { text: 'p1' }, T0, 'bob'),
]
const ts = fc.integer({ min: 0, max: 3 }).map((d) => T0 + d)
const who = fc.constantFrom('alice', 'bob', 'app') as fc.Arbitrary<keyof typeof signers>
const postId = fc.constantFrom(...seedPosts.map((p) => p.id))
const account = fc.constantFrom(alice.publicKey, bob.publicKey)
const message: fc.Arbitrary<Message> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('name', 'bio') as fc.Arbitrary<'name' | 'bio'>,
      fc.constantFrom('a', 'b', 'c'),
      ts,
      who,
    )
    .map(([field, value, t, w]) => make('profile.set', { field, value }, t, w)),
  fc
    .tuple(fc.constantFrom('x', 'y'), fc.option(postId, { nil: undefined }), ts, who)
    .map(([text, parent, t, w]) => make('post.add', parent ? { text, parent } : { text }, t, w)),
  fc.tuple(postId, ts, who).map(([target, t, w]) => make('post.remove', { target }, t, w)),
  fc
    .tuple(
      fc.boolean(),
      fc.constantFrom('like', 'repost') as fc.Arbitrary<'like' | 'repost'>,
      postId,
      ts,
      who,
    )
    .map(([add, kind, target, t, w]) =>
      make(add ? 'reaction.add' : 'reaction.remove', { kind, target }, t, w),
    ),
  fc
    .tuple(fc.boolean(), account, ts, who)
    .map(([add, target, t, w]) => make(add ? 'follow.add' : 'follow.remove', { target }, t, w)),
  fc
    .tuple(fc.constantFrom(T0 + 2, T0 + 10), fc.constantFrom(T0, T0 + 1))
    .map(([expiresAt, t]) =>
      make('signer.add', { key: app.publicKey, expiresAt, scope: ['social'] }, t),
    ),
  ts.map((t) => make('signer.remove', { key: app.publicKey }, t)),
)
const messages = fc.array(message, { maxLength: 30 }).map((ms) => [...seedPosts, ...ms])

describe('convergent state', () => {
  it('any permutation of the same messages, with duplicates, gives the same state', () => {
    fc.assert(
      fc.property(
        messages,
        fc.func(fc.integer()),
        fc.array(fc.nat(), { maxLength: 10 }),
        (ms, rank, dupes) => {
          const shuffled = ms
            .map((m, i) => ({ m, k: rank(i) }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.m)
          for (const d of dupes)
            shuffled.splice(d % (shuffled.length + 1), 0, ms[d % ms.length] as Message)
          expect(reduceMessages(shuffled)).toEqual(reduceMessages(ms))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('a post with a removal by its author is never visible, in any order', () => {
    fc.assert(
      fc.property(messages, (ms) => {
        const view = reduceMessages(ms)
        const removed = ms.filter(
          (m) => m.data.type === 'post.remove' && equalBytes(m.signer, m.data.author),
        )
        for (const r of removed) {
          const target = toHex((r as Message<'post.remove'>).data.body.target)
          const post = seedPosts.find((p) => toHex(p.id) === target)
          if (post && toHex(post.data.author) === toHex(r.data.author)) {
            expect(view.posts[target]).toBeUndefined()
            expect(view.tombstones).toContain(`${formatAccount(r.data.author)}/${target}`)
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  it('a signer.remove beats every signer.add of that key and hides what it signed', () => {
    const add = make(
      'signer.add',
      { key: app.publicKey, expiresAt: T0 + 100, scope: ['social'] },
      T0 + 50,
    )
    const viaApp = make('post.add', { text: 'via app' }, T0 + 1, 'app')
    const remove = make('signer.remove', { key: app.publicKey }, T0)
    const before = reduceMessages([add, viaApp])
    expect(Object.keys(before.posts)).toEqual([toHex(viaApp.id)])
    const after = reduceMessages([add, viaApp, remove])
    expect(after.posts).toEqual({})
    expect(after.signers[formatAccount(alice.publicKey)]).toEqual({
      active: [],
      removed: [toHex(app.publicKey)],
    })
  })

  it('equal timestamps: reaction and follow removes win, profile ties break on id', () => {
    const like = make(
      'reaction.add',
      { kind: 'like', target: seedPosts[0]?.id as Uint8Array },
      T0 + 1,
      'bob',
    )
    const unlike = make(
      'reaction.remove',
      { kind: 'like', target: seedPosts[0]?.id as Uint8Array },
      T0 + 1,
      'bob',
    )
    expect(reduceMessages([like, unlike]).reactions).toEqual({})
    const follow = make('follow.add', { target: alice.publicKey }, T0, 'bob')
    const unfollow = make('follow.remove', { target: alice.publicKey }, T0, 'bob')
    expect(reduceMessages([unfollow, follow]).following).toEqual({})
    const a = make('profile.set', { field: 'name', value: 'a' }, T0)
    const b = make('profile.set', { field: 'name', value: 'b' }, T0)
    const winner = toHex(a.id) > toHex(b.id) ? 'a' : 'b'
    expect(reduceMessages([a, b]).profiles[formatAccount(alice.publicKey)]).toEqual({
      name: winner,
    })
  })

  it('the same data signed by the root key and by a delegated key are two messages', () => {
    const byRoot = make('post.add', { text: 'same' }, T0 + 1)
    const byApp = make('post.add', { text: 'same' }, T0 + 1, 'app')
    expect(byRoot.dataBytes).toEqual(byApp.dataBytes)
    expect(toHex(byRoot.id)).not.toBe(toHex(byApp.id))
    const add = make(
      'signer.add',
      { key: app.publicKey, expiresAt: T0 + 10, scope: ['social'] },
      T0,
    )
    const remove = make('signer.remove', { key: app.publicKey }, T0 + 2)
    for (const order of [
      [byApp, byRoot],
      [byRoot, byApp],
    ]) {
      expect(Object.keys(reduceMessages([add, remove, ...order]).posts)).toEqual([toHex(byRoot.id)])
    }
  })

  it('SocialState.add reports duplicates and keeps one copy', () => {
    const state = new SocialState()
    expect(state.add(seedPosts[0] as Message)).toBe(true)
    expect(state.add(seedPosts[0] as Message)).toBe(false)
    expect(state.size).toBe(1)
    expect(state.has((seedPosts[0] as Message).id)).toBe(true)
  })
})
