import { buildPostAdd, buildPostRemove, toHex } from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { createClient, type NodeFault, type WithheldReport } from '../src/index.ts'
import { alice, bob, by, carol, errorOf, fakeNode, NETWORK } from './fake-node.ts'

const root = buildPostAdd({ text: 'root' }, by(alice, 0))
const r1 = buildPostAdd({ text: 'one', parent: root.id }, by(bob, 10))
const r2 = buildPostAdd({ text: 'two', parent: root.id }, by(carol, 20))
const r3 = buildPostAdd({ text: 'three', parent: root.id }, by(bob, 30))
/** Bob takes his first reply back. */
const r1Removed = buildPostRemove({ target: r1.id }, by(bob, 40))
/** A reply to r1, not to root: not part of root's thread. */
const nested = buildPostAdd({ text: 'nested', parent: r1.id }, by(carol, 15))
const offThread = buildPostAdd({ text: 'off-thread' }, by(carol, 5))

const observe = () => {
  const faults: NodeFault[] = []
  const withheld: WithheldReport[] = []
  return {
    faults,
    withheld,
    options: {
      network: NETWORK,
      onFault: (f: NodeFault) => faults.push(f),
      onWithheld: (w: WithheldReport) => withheld.push(w),
    },
  }
}

describe('getThread', () => {
  it('merges replies across nodes and reports the node that withholds one', async () => {
    const seen = observe()
    const client = createClient({
      nodes: [fakeNode('full', [root, r1, r2, r3, nested]), fakeNode('partial', [root, r1, r3])],
      ...seen.options,
    })
    const thread = await client.getThread(toHex(root.id))
    expect(thread.post.text).toBe('root')
    expect(thread.replies.map((r) => r.text)).toEqual(['one', 'two', 'three'])
    expect(thread.replies.every((r) => r.parent === toHex(root.id))).toBe(true)
    expect(thread.withheld).toEqual([{ node: 'partial', ids: [toHex(r2.id)] }])
    expect(seen.withheld).toEqual(thread.withheld)
    expect(thread.faults).toEqual([])
  })

  it('refuses a liar that slips an off-thread post in, and never shows it', async () => {
    const seen = observe()
    const liar = fakeNode('liar', [root, r1], {
      answer: (q, honest) =>
        q.q === 'thread' ? [...honest, offThread.bytes, nested.bytes] : honest,
    })
    const client = createClient({
      nodes: [fakeNode('honest', [root, r1, r2]), liar],
      ...seen.options,
    })
    const thread = await client.getThread(toHex(root.id))
    expect(thread.replies.map((r) => r.text)).toEqual(['one', 'two'])
    expect(thread.faults.map((f) => [f.node, f.code])).toEqual([['liar', 'client.node_lied']])
    expect(seen.faults.map((f) => f.node)).toEqual(['liar'])
    // The liar's answer is discarded whole: it is not blamed for "withholding" r2 either.
    expect(thread.withheld).toEqual([])
  })

  it('fails over to a third node when one lies', async () => {
    const liar = fakeNode('liar', [root], {
      answer: (q, honest) => (q.q === 'thread' ? [...honest, offThread.bytes] : honest),
    })
    const spare = fakeNode('spare', [root, r1, r2])
    const client = createClient({
      nodes: [fakeNode('honest', [root, r1]), liar, spare],
      network: NETWORK,
      reads: 2,
    })
    const thread = await client.getThread(toHex(root.id))
    expect(spare.queries.some((q) => q.q === 'thread')).toBe(true)
    expect(thread.replies.map((r) => r.text)).toEqual(['one', 'two'])
    expect(thread.withheld).toEqual([{ node: 'honest', ids: [toHex(r2.id)] }])
  })

  it('says client.not_found when no node has the root, client.invalid_request for a bad id', async () => {
    const client = createClient({ nodes: [fakeNode('a', [r1])], network: NETWORK })
    expect((await errorOf(client.getThread(toHex(root.id)))).code).toBe('client.not_found')
    expect((await errorOf(client.getThread('nope'))).code).toBe('client.invalid_request')
  })
})

describe('removal disputes', () => {
  it('hides a reply the author removed and reports the stale node, not the honest one', async () => {
    const seen = observe()
    const stale = fakeNode('stale', [root, r1, r2])
    const honest = fakeNode('honest', [root, r1, r2, r1Removed])
    const client = createClient({ nodes: [stale, honest], ...seen.options })
    const thread = await client.getThread(toHex(root.id))
    expect(thread.replies.map((r) => r.text)).toEqual(['two'])
    expect(thread.faults.map((f) => [f.node, f.code])).toEqual([['stale', 'client.node_stale']])
    expect(seen.faults.map((f) => [f.node, f.code])).toEqual([['stale', 'client.node_stale']])
    expect(thread.withheld).toEqual([])
    expect(seen.withheld).toEqual([])
    // The honest node was asked for the disputed reply's removal.
    expect(honest.queries.some((q) => q.q === 'removal' && toHex(q.id) === toHex(r1.id))).toBe(true)
  })

  it('does not accept a removal signed by someone else than the author', async () => {
    const notBobs = buildPostRemove({ target: r1.id }, by(carol, 40))
    const liar = fakeNode('liar', [root, r2], {
      answer: (q, honest) => (q.q === 'removal' ? [notBobs.bytes] : honest),
    })
    const client = createClient({
      nodes: [fakeNode('full', [root, r1, r2]), liar],
      network: NETWORK,
    })
    const thread = await client.getThread(toHex(root.id))
    expect(thread.replies.map((r) => r.text)).toEqual(['one', 'two'])
    expect(thread.withheld).toEqual([{ node: 'liar', ids: [toHex(r1.id)] }])
  })

  it('getPost says removed: true when one node holds the removal', async () => {
    const seen = observe()
    const client = createClient({
      nodes: [fakeNode('stale', [root, r1]), fakeNode('honest', [root, r1, r1Removed])],
      ...seen.options,
    })
    const got = await client.getPost(toHex(r1.id))
    expect(got.removed).toBe(true)
    expect(toHex(got.message.id)).toBe(toHex(r1.id))
    // The honest node answered "not found" because the post is removed: not withholding.
    expect(got.withheld).toEqual([])
    expect(seen.withheld).toEqual([])
  })
})

describe('getPost', () => {
  it('returns the post, reporting a node that says not found while another serves it', async () => {
    const seen = observe()
    const client = createClient({
      nodes: [fakeNode('has', [root]), fakeNode('lacks', [])],
      ...seen.options,
    })
    const got = await client.getPost(toHex(root.id))
    expect(got.removed).toBe(false)
    expect(got.post?.text).toBe('root')
    expect(got.post?.id).toBe(toHex(root.id))
    expect(got.withheld).toEqual([{ node: 'lacks', ids: [toHex(root.id)] }])
    expect(seen.withheld).toEqual(got.withheld)
  })

  it('says client.not_found when every node asked lacks it', async () => {
    const client = createClient({ nodes: [fakeNode('a'), fakeNode('b')], network: NETWORK })
    expect((await errorOf(client.getPost(toHex(root.id)))).code).toBe('client.not_found')
  })
})
