import { buildPostAdd, equalBytes, formatAccount, type Message, toHex } from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { createClient } from '../src/index.ts'
import { alice, bob, by, errorOf, type FakeNode, fakeNode, NETWORK } from './fake-node.ts'

const BOB = formatAccount(bob.publicKey)
const target = buildPostAdd({ text: 'target' }, by(bob, 0))

const three = () => [fakeNode('A'), fakeNode('B'), fakeNode('C')]
const down = (node: FakeNode) => {
  node.down = true
  return node
}
const refusing = (name: string) =>
  fakeNode(name, [], {
    submit: () => ({ status: 'refused', code: 'invalid.timestamp_future', message: 'no' }),
  })

describe('writes', () => {
  it('a post goes to every node, signed by the client', async () => {
    const nodes = three()
    const client = createClient({ nodes, network: NETWORK, signer: alice })
    const sent = await client.post({ text: 'hello', mentions: [BOB] })
    expect(sent.stored.sort()).toEqual(['A', 'B', 'C'])
    expect(sent.refused).toEqual([])
    expect(sent.failed).toEqual([])
    expect(sent.id).toBe(toHex(sent.message.id))
    for (const node of nodes) {
      expect(node.submitted.map((m) => toHex(m.id))).toEqual([sent.id])
      expect(node.submitted[0]?.bytes).toEqual(sent.message.bytes)
    }
    const m = sent.message as Message<'post.add'>
    expect(m.data.type).toBe('post.add')
    expect(m.data.body.text).toBe('hello')
    expect(m.data.body.mentions?.map(formatAccount)).toEqual([BOB])
    expect(equalBytes(m.data.author, alice.publicKey)).toBe(true)
    // What was sent reads back.
    expect((await client.getPost(sent.id)).post?.text).toBe('hello')
  })

  it('builds each action as its message type and body', async () => {
    const node = fakeNode('A', [target])
    const client = createClient({ nodes: [node], network: NETWORK, signer: alice })
    const id = toHex(target.id)
    const reply = await client.reply({ parent: id, text: 're' })
    const sent = [
      reply,
      await client.remove(reply.id),
      await client.react({ target: id }),
      await client.unreact({ target: id, kind: 'repost' }),
      await client.follow(BOB),
      await client.unfollow(BOB),
      await client.setProfile({ field: 'bio', value: 'hi' }),
      await client.addSigner({ key: toHex(bob.publicKey) }),
      await client.removeSigner(toHex(bob.publicKey)),
    ].map((r) => r.message)
    expect(sent.map((m) => m.data.type)).toEqual([
      'post.add',
      'post.remove',
      'reaction.add',
      'reaction.remove',
      'follow.add',
      'follow.remove',
      'profile.set',
      'signer.add',
      'signer.remove',
    ])
    const [r, rm, like, repost] = sent
    expect(r?.data.type === 'post.add' && toHex(r.data.body.parent ?? new Uint8Array())).toBe(id)
    expect(rm?.data.type === 'post.remove' && toHex(rm.data.body.target)).toBe(reply.id)
    expect(like?.data.type === 'reaction.add' && like.data.body.kind).toBe('like')
    expect(repost?.data.type === 'reaction.remove' && repost.data.body.kind).toBe('repost')
    expect(node.submitted).toHaveLength(sent.length)
  })

  it('resolves when one node stores it, listing those that refused or failed', async () => {
    const client = createClient({
      nodes: [fakeNode('ok'), refusing('picky'), down(fakeNode('off'))],
      network: NETWORK,
      signer: alice,
    })
    const sent = await client.post({ text: 'hello' })
    expect(sent.stored).toEqual(['ok'])
    expect(sent.refused.map((r) => [r.node, r.code])).toEqual([
      ['picky', 'invalid.timestamp_future'],
    ])
    expect(sent.failed).toEqual(['off'])
  })

  it('a node that already has the message counts as storing it', async () => {
    const node = fakeNode('A')
    const client = createClient({ nodes: [node], network: NETWORK, signer: alice })
    const sent = await client.post({ text: 'twice' })
    expect((await node.submit(sent.message.bytes)).status).toBe('duplicate')
  })

  it('says client.rejected when every node refuses', async () => {
    const client = createClient({
      nodes: [refusing('A'), refusing('B')],
      network: NETWORK,
      signer: alice,
    })
    const error = await errorOf(client.post({ text: 'hello' }))
    expect(error.code).toBe('client.rejected')
    expect(['A', 'B']).toContain(error.node)
  })

  it('says client.rejected when nodes refuse and the rest are down', async () => {
    const client = createClient({
      nodes: [refusing('A'), down(fakeNode('B'))],
      network: NETWORK,
      signer: alice,
    })
    expect((await errorOf(client.post({ text: 'hello' }))).code).toBe('client.rejected')
  })

  it('says client.unavailable when no node can be reached', async () => {
    const nodes = three().map(down)
    const client = createClient({ nodes, network: NETWORK, signer: alice })
    expect((await errorOf(client.post({ text: 'hello' }))).code).toBe('client.unavailable')
    expect((await errorOf(client.follow(BOB))).code).toBe('client.unavailable')
  })

  it('says client.invalid_request without a signer, sending nothing', async () => {
    const nodes = three()
    const client = createClient({ nodes, network: NETWORK })
    for (const write of [
      () => client.post({ text: 'hello' }),
      () => client.follow(BOB),
      () => client.setProfile({ field: 'name', value: 'x' }),
    ]) {
      expect((await errorOf(write())).code).toBe('client.invalid_request')
    }
    expect(nodes.every((n) => n.submitted.length === 0)).toBe(true)
  })

  it('says client.invalid_request for bad arguments, before sending anything', async () => {
    const nodes = three()
    const client = createClient({ nodes, network: NETWORK, signer: alice })
    const writes = [
      () => client.post({ text: 'x'.repeat(2000) }),
      () => client.reply({ parent: 'not-an-id', text: 'x' }),
      () => client.follow('fb1nope'),
      () => client.remove('00'),
      () => client.setProfile({ field: 'name', value: 'n'.repeat(100) }),
      () => client.addSigner({ key: 'abc' }),
    ]
    for (const write of writes) {
      expect((await errorOf(write())).code).toBe('client.invalid_request')
    }
    expect(nodes.every((n) => n.submitted.length === 0)).toBe(true)
  })

  it('rejects (does not throw) on a bad argument', async () => {
    const client = createClient({ nodes: [fakeNode('A')], network: NETWORK, signer: alice })
    let promise: Promise<unknown> | undefined
    expect(() => {
      promise = client.follow('fb1nope')
    }).not.toThrow()
    expect((await errorOf(promise ?? Promise.resolve())).code).toBe('client.invalid_request')
  })

  it('says client.invalid_request for a bad option', () => {
    expect(() => createClient({ nodes: [] })).toThrowError(
      expect.objectContaining({ code: 'client.invalid_request' }),
    )
    expect(() => createClient({ nodes: ['ftp://x'] })).toThrowError(
      expect.objectContaining({ code: 'client.invalid_request' }),
    )
    expect(() => createClient({ nodes: [fakeNode('A')], account: 'fb1nope' })).toThrowError(
      expect.objectContaining({ code: 'client.invalid_request' }),
    )
  })
})
