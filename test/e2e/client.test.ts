import { randomBytes } from 'node:crypto'
import { type Client, createClient } from '@freebird/client'
import { createNodeSigner } from '@freebird/node-verifier'
import { formatAccount, type Message, toHex } from '@freebird/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeProcess, waitFor } from './harness.ts'

// Three node processes: the client reaches two over libp2p (TCP) and one over HTTP.
const nodes: NodeProcess[] = []
const clients: Client[] = []
let addresses: string[] = []

beforeAll(async () => {
  const a = await new NodeProcess().start()
  const b = await new NodeProcess().start(['--bootstrap', a.multiaddrs[0] as string])
  const c = await new NodeProcess().start(['--bootstrap', a.multiaddrs[0] as string])
  nodes.push(a, b, c)
  await waitFor(async () => (await a.info()).peers >= 2, 'b and c connected to a')
  addresses = [a.multiaddrs[0] as string, b.multiaddrs[0] as string, c.url]
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) n.remove()
})

const clientOf = (options: Partial<Parameters<typeof createClient>[0]> = {}) => {
  const client = createClient({ nodes: addresses, reads: 3, ...options })
  clients.push(client)
  return client
}
/** Every node holds the message (gossip done), so reads agree. */
const everywhere = (id: string) =>
  waitFor(
    async () => (await Promise.all(nodes.map((n) => n.has(id)))).every(Boolean),
    `${id} on every node`,
  )

describe('every client action against node processes (libp2p and HTTP)', () => {
  const alice = createNodeSigner(randomBytes(32))
  const bob = createNodeSigner(randomBytes(32))
  const aliceAccount = formatAccount(alice.publicKey)
  const bobAccount = formatAccount(bob.publicKey)

  it('posts, replies, reacts, follows, profiles, feeds and threads, all verified', async () => {
    const a = clientOf({ signer: alice })
    const b = clientOf({ signer: bob })
    const posted = await a.post({ text: 'hello from alice' })
    expect(posted.stored.sort()).toEqual([...addresses].sort())
    const replied = await b.reply({ parent: posted.id, text: 'hi alice' })
    const liked = await b.react({ target: posted.id })
    await b.follow(aliceAccount)
    await a.setProfile({ field: 'name', value: 'Alice' })
    await everywhere(replied.id)
    await everywhere(liked.id)

    const thread = await b.getThread(posted.id)
    expect(thread.post.text).toBe('hello from alice')
    expect(thread.replies.map((r) => [r.author, r.text])).toEqual([[bobAccount, 'hi alice']])
    expect(thread.withheld).toEqual([])
    expect(thread.faults).toEqual([])
    const got = await b.getPost(posted.id)
    expect(got.post?.text).toBe('hello from alice')
    expect(got.removed).toBe(false)

    await waitFor(
      async () => (await b.getFollowing(bobAccount)).following.includes(aliceAccount),
      'the follow on every node',
    )
    expect((await b.getFollowers(aliceAccount)).followers).toEqual([bobAccount])
    await waitFor(
      async () => (await b.getProfile(aliceAccount)).fields.name === 'Alice',
      'the profile on every node',
    )
    const feed = await b.getFeed()
    expect(feed.posts.map((p) => p.text)).toEqual(['hello from alice'])

    await b.unreact({ target: posted.id })
    await b.unfollow(aliceAccount)
    await waitFor(
      async () => (await b.getFollowing(bobAccount)).following.length === 0,
      'the unfollow everywhere',
    )
    expect((await b.getFeed()).posts).toEqual([])
    expect((await b.getFollowers(aliceAccount)).followers).toEqual([])

    // A root-signed removal: every node drops the post, and no read shows it.
    await a.remove(posted.id)
    await waitFor(
      async () => (await Promise.all(nodes.map((n) => n.has(posted.id)))).every((h) => !h),
      'the post removed everywhere',
    )
    await expect(b.getPost(posted.id)).rejects.toMatchObject({ code: 'client.not_found' })
    expect((await b.getThread(replied.id).catch(() => null))?.post.parent).toBe(posted.id)
  })

  it('pages through a feed newest first, every post once', async () => {
    const reader = createNodeSigner(randomBytes(32))
    const writers = [createNodeSigner(randomBytes(32)), createNodeSigner(randomBytes(32))]
    const r = clientOf({ signer: reader })
    const ids: string[] = []
    for (const w of writers) {
      await r.follow(formatAccount(w.publicKey))
      const c = clientOf({ signer: w })
      for (let i = 0; i < 7; i++) ids.push((await c.post({ text: `post ${i}` })).id)
    }
    await Promise.all(ids.map(everywhere))
    const seen: string[] = []
    let page = await r.getFeed({ limit: 4 })
    seen.push(...page.posts.map((p) => p.id))
    while (page.next) {
      page = await r.getFeed({ limit: 4, cursor: page.next })
      seen.push(...page.posts.map((p) => p.id))
    }
    expect(seen.sort()).toEqual([...ids].sort())
  })

  it('an app key signs for its account until the root key revokes it', async () => {
    const root = createNodeSigner(randomBytes(32))
    const appKey = createNodeSigner(randomBytes(32))
    const rootClient = clientOf({ signer: root })
    const account = formatAccount(root.publicKey)
    const app = clientOf({ signer: appKey, account })
    await rootClient.addSigner({ key: toHex(appKey.publicKey) })
    const fromApp = await app.post({ text: 'posted by the app' })
    expect(formatAccount(fromApp.message.data.author)).toBe(account)
    await everywhere(fromApp.id)
    const read = await rootClient.getPost(fromApp.id)
    expect(read.post?.author).toBe(account)
    expect(toHex(read.message.signer)).toBe(toHex(appKey.publicKey))

    const revoked = await rootClient.removeSigner(toHex(appKey.publicKey))
    await everywhere(revoked.id)
    // Revocation is total: the app's post is gone, and the app can no longer post.
    await waitFor(async () => !(await nodes[0]?.has(fromApp.id)), 'the app post dropped')
    await expect(app.post({ text: 'after revocation' })).rejects.toMatchObject({
      code: 'client.rejected',
    })
  })

  it('subscribes to new posts with a filter, each verified once', async () => {
    const author = createNodeSigner(randomBytes(32))
    const writer = clientOf({ signer: author })
    const got: Message[] = []
    const sub = clientOf().subscribe({
      authors: [formatAccount(author.publicKey)],
      types: ['post.add'],
      since: Date.now() - 1000,
      onMessage: (m) => got.push(m),
    })
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await writer.post({ text: `live ${i}` })).id)
    await writer.setProfile({ field: 'bio', value: 'not a post' })
    await waitFor(() => got.length >= 5, 'five posts streamed')
    sub.close()
    expect(got.map((m) => toHex(m.id))).toEqual(ids)
  })
})
