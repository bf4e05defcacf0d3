import { buildPostAdd, formatAccount, toHex } from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { createClient } from '../src/index.ts'
import { alice, by, errorOf, type FakeNode, fakeNode, NETWORK } from './fake-node.ts'

const post = buildPostAdd({ text: 'hello' }, by(alice, 0))
const id = toHex(post.id)

const down = (name: string) => {
  const node = fakeNode(name, [post])
  node.down = true
  return node
}
/** How many times a node was asked for the post (getPost then asks answering nodes for removals). */
const asked = (node: FakeNode) => node.queries.filter((q) => q.q === 'message').length

describe('failover between nodes', () => {
  it('with reads: 1, a read the first node fails is answered by the next', async () => {
    const first = down('first')
    const second = fakeNode('second', [post])
    const client = createClient({ nodes: [first, second], network: NETWORK, reads: 1 })
    const got = await client.getPost(id)
    expect(got.post?.text).toBe('hello')
    expect(asked(first)).toBe(1)
    expect(asked(second)).toBe(1)
    // A node that could not be reached is not "withholding".
    expect(got.withheld).toEqual([])
  })

  it('with reads: 1, only one healthy node is asked', async () => {
    const a = fakeNode('a', [post])
    const b = fakeNode('b', [post])
    const client = createClient({ nodes: [a, b], network: NETWORK, reads: 1 })
    await client.getPost(id)
    expect(asked(a) + asked(b)).toBe(1)
  })

  it('says client.unavailable when every node is down', async () => {
    const nodes = [down('a'), down('b'), down('c')]
    const client = createClient({ nodes, network: NETWORK, reads: 1 })
    expect((await errorOf(client.getPost(id))).code).toBe('client.unavailable')
    expect((await errorOf(client.getThread(id))).code).toBe('client.unavailable')
    expect((await errorOf(client.getProfile(formatAccount(alice.publicKey)))).code).toBe(
      'client.unavailable',
    )
    // Every node was tried before giving up.
    expect(nodes.map((n) => n.queries.map((q) => q.q))).toEqual([
      ['message', 'thread', 'profile'],
      ['message', 'thread', 'profile'],
      ['message', 'thread', 'profile'],
    ])
  })

  it('says client.unavailable when no node says which network it is on', async () => {
    const client = createClient({ nodes: [down('a'), down('b')] })
    expect((await errorOf(client.getPost(id))).code).toBe('client.unavailable')
  })

  it('learns the network from a node when not given', async () => {
    const client = createClient({ nodes: [down('a'), fakeNode('b', [post])], reads: 1 })
    expect((await client.getPost(id)).post?.text).toBe('hello')
  })

  it('tries a node that failed last on the following reads', async () => {
    const failing = down('failing')
    const a = fakeNode('a', [post])
    const b = fakeNode('b', [post])
    const client = createClient({ nodes: [failing, a, b], network: NETWORK, reads: 1 })
    await client.getPost(id)
    expect(asked(failing)).toBe(1)
    const orders = [1, 2, 3].map(() => client.context.order().map((n) => n.name))
    // Rotation alone would put `failing` first or in the middle; backoff puts it last every time.
    expect(orders).toEqual([
      ['a', 'b', 'failing'],
      ['b', 'a', 'failing'],
      ['a', 'b', 'failing'],
    ])
    // And the next reads are answered without asking it again.
    await client.getPost(id)
    await client.getPost(id)
    expect(asked(failing)).toBe(1)
  })

  it('a node that recovers is healthy again once it answers', async () => {
    const flaky = fakeNode('flaky', [post])
    const other = fakeNode('other', [post])
    flaky.down = true
    const client = createClient({ nodes: [flaky, other], network: NETWORK, reads: 2 })
    const first = await client.getPost(id)
    expect(first.post?.text).toBe('hello')
    flaky.down = false
    other.down = true
    // `other` now fails: the read still succeeds from `flaky`, tried after the healthy ones.
    const second = await client.getPost(id)
    expect(second.post?.text).toBe('hello')
    // Both calls (rotation would alternate) put `other`, now in backoff, after `flaky`.
    const orders = [1, 2].map(() => client.context.order().map((n) => n.name))
    expect(orders).toEqual([
      ['flaky', 'other'],
      ['flaky', 'other'],
    ])
  })
})
