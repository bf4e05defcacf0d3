import {
  buildFollowAdd,
  buildPostAdd,
  formatAccount,
  type Message,
  toHex,
} from '@freebird/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type ClientError, createClient, type Subscription } from '../src/index.ts'
import { alice, bob, type FakeNode, fakeNode, forged, NETWORK, network } from './fake-node.ts'

const ALICE = formatAccount(alice.publicKey)
const WAIT = { timeout: 5_000, interval: 10 }

/** Alice's posts, timestamped relative to now (a reconnect replays the last minutes only). */
const now = Date.now()
const postAt = (ago: number, text: string) =>
  buildPostAdd({ text }, { network, signer: alice, timestamp: now - ago })

const subs: Subscription[] = []
afterEach(() => {
  for (const s of subs.splice(0)) s.close()
})

function watch(nodes: FakeNode[], since?: number) {
  const got: Message[] = []
  const errors: ClientError[] = []
  const client = createClient({ nodes, network: NETWORK, reads: 1 })
  const sub = client.subscribe({
    authors: [ALICE],
    types: ['post.add'],
    ...(since === undefined ? {} : { since }),
    onMessage: (m) => got.push(m),
    onError: (e) => errors.push(e),
  })
  subs.push(sub)
  return { got, errors, sub, ids: () => got.map((m) => toHex(m.id)) }
}

describe('subscribe', () => {
  it('replays what was stored from `since`, then streams live', async () => {
    const before = postAt(90_000, 'too old')
    const [m1, m2, m3] = [50, 40, 30].map((ago, i) => postAt(ago * 1000, `m${i}`))
    if (!m1 || !m2 || !m3) throw new Error('unreachable')
    const a = fakeNode('A', [before, m1, m2])
    const w = watch([a], now - 60_000)
    await vi.waitFor(() => expect(w.got).toHaveLength(2), WAIT)
    expect(a.filters[0]?.since).toBe(now - 60_000)
    expect(a.filters[0]?.authors?.map(toHex)).toEqual([toHex(alice.publicKey)])
    expect(a.filters[0]?.types).toEqual(['post.add'])
    a.add(m3)
    await vi.waitFor(() => expect(w.got).toHaveLength(3), WAIT)
    expect(w.ids()).toEqual([m1, m2, m3].map((m) => toHex(m.id)))
  })

  it('survives a node restart: the reconnect replays, nothing is lost or repeated', async () => {
    const [m1, m2, m3, m4] = [40, 30, 20, 10].map((ago, i) => postAt(ago * 1000, `m${i}`))
    if (!m1 || !m2 || !m3 || !m4) throw new Error('unreachable')
    const a = fakeNode('A')
    const b = fakeNode('B')
    const both = (m: Message) => {
      a.add(m)
      b.add(m)
    }
    // No `since`: the first stream is live only.
    const w = watch([a, b])
    await vi.waitFor(() => expect(a.open).toBe(1), WAIT)
    expect(a.filters[0]?.since).toBeUndefined()
    both(m1)
    both(m2)
    await vi.waitFor(() => expect(w.got).toHaveLength(2), WAIT)

    // A restarts; m3 is stored while no stream is open.
    a.restart()
    both(m3)
    await vi.waitFor(() => expect(w.got).toHaveLength(3), WAIT)
    const resumed = b.open ? b : a
    expect(resumed.open).toBe(1)
    // The reconnect asked for what was stored since before the newest message seen.
    const since = resumed.filters.at(-1)?.since
    expect(since).toBeLessThanOrEqual(m2.data.timestamp)

    both(m4)
    await vi.waitFor(() => expect(w.got).toHaveLength(4), WAIT)
    expect(w.ids()).toEqual([m1, m2, m3, m4].map((m) => toHex(m.id)))
    expect(w.errors.map((e) => [e.code, e.node])).toEqual([['client.unavailable', 'A']])
  })

  it('delivers a message two nodes both stream once', async () => {
    const m1 = postAt(5_000, 'once')
    const a = fakeNode('A', [m1])
    const b = fakeNode('B', [m1])
    const got: Message[] = []
    const client = createClient({ nodes: [a, b], network: NETWORK, reads: 2 })
    subs.push(client.subscribe({ since: now - 60_000, onMessage: (m) => got.push(m) }))
    await vi.waitFor(() => expect(a.open + b.open).toBe(2), WAIT)
    const m2 = postAt(1_000, 'live')
    a.add(m2)
    b.add(m2)
    await vi.waitFor(() => expect(got).toHaveLength(2), WAIT)
    // Both nodes have streamed both messages; the client delivered each once.
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(got.map((m) => toHex(m.id))).toEqual([toHex(m1.id), toHex(m2.id)])
  })

  const liars = [
    ['a message the filter excludes', { ignoreFilter: true }],
    ['a message whose signature does not verify', { stream: forged }],
  ] as const

  it.each(liars)('drops a node that streams %s and never delivers it', async (_, lie) => {
    const bobs = buildPostAdd({ text: 'bob' }, { network, signer: bob, timestamp: now - 9_000 })
    const follow = buildFollowAdd(
      { target: bob.publicKey },
      { network, signer: alice, timestamp: now - 8_000 },
    )
    const m1 = postAt(7_000, 'first')
    const liar = fakeNode('liar', [bobs, follow, m1], lie)
    const honest = fakeNode('honest', [bobs, follow, m1])
    const w = watch([liar, honest], now - 60_000)

    await vi.waitFor(() => expect(w.errors).toHaveLength(1), WAIT)
    expect(w.errors[0]?.code).toBe('client.node_lied')
    expect(w.errors[0]?.node).toBe('liar')
    // The client went on with the honest node, which delivers the genuine message once.
    await vi.waitFor(() => expect(honest.open).toBe(1), WAIT)
    await vi.waitFor(() => expect(w.got).toHaveLength(1), WAIT)
    expect(liar.open).toBe(0)
    const m2 = postAt(1_000, 'second')
    honest.add(bobs, follow, m2)
    await vi.waitFor(() => expect(w.got).toHaveLength(2), WAIT)
    expect(w.ids()).toEqual([toHex(m1.id), toHex(m2.id)])
    expect(w.got.every((m) => toHex(m.data.author) === toHex(alice.publicKey))).toBe(true)
    expect(w.got.every((m) => m.data.type === 'post.add')).toBe(true)
  })

  it('close() ends every stream', async () => {
    const a = fakeNode('A')
    const b = fakeNode('B')
    const client = createClient({ nodes: [a, b], network: NETWORK })
    const sub = client.subscribe({ onMessage: () => {} })
    await vi.waitFor(() => expect(sub.nodes.sort()).toEqual(['A', 'B']), WAIT)
    sub.close()
    await vi.waitFor(() => expect(a.open + b.open).toBe(0), WAIT)
    await vi.waitFor(() => expect(sub.nodes).toEqual([]), WAIT)
  })

  it('goes on delivering after onMessage throws', async () => {
    const a = fakeNode('A')
    const got: string[] = []
    const client = createClient({ nodes: [a], network: NETWORK })
    const sub = client.subscribe({
      onMessage: (m) => {
        got.push(m.data.type === 'post.add' ? m.data.body.text : m.data.type)
        if (got.length === 1) throw new Error('a bug in the app')
      },
    })
    subs.push(sub)
    await vi.waitFor(() => expect(a.open).toBe(1), WAIT)
    a.add(postAt(2_000, 'one'), postAt(1_000, 'two'))
    await vi.waitFor(() => expect(got).toEqual(['one', 'two']), WAIT)
  })
})
