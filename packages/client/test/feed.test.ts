import {
  buildFollowAdd,
  buildFollowRemove,
  buildPostAdd,
  buildPostRemove,
  formatAccount,
  type Message,
  type Signer,
  toHex,
} from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { type Client, createClient, type PostView } from '../src/index.ts'
import {
  alice,
  bob,
  by,
  carol,
  dave,
  errorOf,
  type FakeNode,
  fakeNode,
  NETWORK,
} from './fake-node.ts'

const CAROL = formatAccount(carol.publicKey)

// Carol follows alice and bob; she followed dave and stopped.
const follows = [
  buildFollowAdd({ target: alice.publicKey }, by(carol, 1)),
  buildFollowAdd({ target: bob.publicKey }, by(carol, 2)),
  buildFollowAdd({ target: dave.publicKey }, by(carol, 3)),
  buildFollowRemove({ target: dave.publicKey }, by(carol, 4)),
]
const post = (signer: Signer, t: number, text: string) =>
  buildPostAdd({ text }, by(signer, 1000 + t))

const a1 = post(alice, 10, 'a1')
const b1 = post(bob, 20, 'b1')
const a2 = post(alice, 30, 'a2')
const daves = post(dave, 40, 'dave')
const own = post(carol, 50, 'carol')

const ids = (posts: PostView[]) => posts.map((p) => p.id)

/** Every page of carol's feed, following `next`. */
async function allPages(client: Client, limit: number): Promise<PostView[][]> {
  const pages: PostView[][] = []
  let cursor: string | undefined
  do {
    const page = await client.getFeed({ account: CAROL, limit, ...(cursor ? { cursor } : {}) })
    pages.push(page.posts)
    cursor = page.next
  } while (cursor && pages.length < 20)
  return pages
}

describe('getFeed', () => {
  it('shows posts of followed accounts only, newest first', async () => {
    const all = [...follows, a1, b1, a2, daves, own]
    const client = createClient({
      nodes: [fakeNode('A', all), fakeNode('B', all)],
      network: NETWORK,
    })
    const page = await client.getFeed({ account: CAROL })
    expect(page.posts.map((p) => p.text)).toEqual(['a2', 'b1', 'a1'])
    expect(page.next).toBeUndefined()
    expect(page.faults).toEqual([])
    expect(page.withheld).toEqual([])
  })

  it("defaults to the client's own account", async () => {
    const client = createClient({
      nodes: [fakeNode('A', [...follows, a1])],
      network: NETWORK,
      signer: carol,
    })
    expect((await client.getFeed()).posts.map((p) => p.text)).toEqual(['a1'])
  })

  it('reports a node that slips in a post of an account not followed, and never shows it', async () => {
    const all = [...follows, a1, b1, daves]
    const liar = fakeNode('liar', all, {
      answer: (q, honest) => (q.q === 'feed' ? [daves.bytes, ...honest] : honest),
    })
    const faults: string[] = []
    const client = createClient({
      nodes: [liar, fakeNode('honest', all)],
      network: NETWORK,
      onFault: (f) => faults.push(`${f.node}:${f.code}`),
    })
    const page = await client.getFeed({ account: CAROL })
    expect(page.posts.map((p) => p.text)).toEqual(['b1', 'a1'])
    expect(page.faults.map((f) => [f.node, f.code])).toEqual([['liar', 'client.node_lied']])
    expect(faults).toEqual(['liar:client.node_lied'])
  })

  it('shows a post one node withholds, and hides one its author removed', async () => {
    const removeB1 = buildPostRemove({ target: b1.id }, by(bob, 2000))
    const client = createClient({
      nodes: [
        fakeNode('stale', [...follows, a1, b1, a2]),
        fakeNode('partial', [...follows, a1, b1, removeB1]),
      ],
      network: NETWORK,
    })
    const page = await client.getFeed({ account: CAROL })
    expect(page.posts.map((p) => p.text)).toEqual(['a2', 'a1'])
    expect(page.withheld).toEqual([{ node: 'partial', ids: [toHex(a2.id)] }])
    expect(page.faults.map((f) => [f.node, f.code])).toEqual([['stale', 'client.node_stale']])
  })

  it('says client.invalid_request without an account, or for a bad cursor or limit', async () => {
    const client = createClient({ nodes: [fakeNode('A')], network: NETWORK })
    expect((await errorOf(client.getFeed())).code).toBe('client.invalid_request')
    for (const args of [{ cursor: 'nope' }, { limit: 0 }, { limit: 501 }, { limit: 1.5 }]) {
      expect((await errorOf(client.getFeed({ account: CAROL, ...args }))).code).toBe(
        'client.invalid_request',
      )
    }
  })
})

describe('getFeed pagination', () => {
  /** Posts at these offsets (ms); equal offsets share one timestamp. */
  const feedOf = (times: number[]) => {
    const posts = times.map((t, i) => post(i % 2 ? alice : bob, t, `p${i}`))
    const newestFirst = [...posts].sort(
      (x, y) => y.data.timestamp - x.data.timestamp || (toHex(y.id) > toHex(x.id) ? 1 : -1),
    )
    const nodes: FakeNode[] = [
      fakeNode('A', [...follows, ...posts]),
      fakeNode('B', [...follows, ...posts]),
    ]
    return { expected: newestFirst.map((m: Message) => toHex(m.id)), nodes }
  }

  it('yields every post exactly once, with a shared timestamp across a page boundary', async () => {
    // With limit 3 the first page ends inside the pair at 80.
    const { expected, nodes } = feedOf([100, 90, 80, 80, 70, 60, 50])
    const client = createClient({ nodes, network: NETWORK })
    const pages = await allPages(client, 3)
    expect(pages.flatMap(ids)).toEqual(expected)
    expect(pages[0]?.length).toBe(3)
    // The first page ended between the two posts of one millisecond.
    expect(pages[0]?.[2]?.timestamp).toBe(pages[1]?.[0]?.timestamp)
  })

  it('yields every post once when the page size divides the feed', async () => {
    const { expected, nodes } = feedOf([60, 50, 40, 30])
    const client = createClient({ nodes, network: NETWORK })
    expect((await allPages(client, 2)).flatMap(ids)).toEqual(expected)
  })

  // The cursor is (timestamp, id): a page may end anywhere inside one millisecond.
  it('yields every post once when `limit` posts share the cursor millisecond', async () => {
    const { expected, nodes } = feedOf([100, 80, 80, 70])
    const client = createClient({ nodes, network: NETWORK })
    expect((await allPages(client, 2)).flatMap(ids)).toEqual(expected)
  })

  it('pages through the feed with limit 1', async () => {
    const { expected, nodes } = feedOf([30, 20, 10])
    const client = createClient({ nodes, network: NETWORK })
    expect((await allPages(client, 1)).flatMap(ids)).toEqual(expected)
  })
})
