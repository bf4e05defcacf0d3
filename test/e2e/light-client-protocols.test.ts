import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildFollowAdd,
  buildFollowRemove,
  buildPostAdd,
  buildPostRemove,
  buildSignerAdd,
  decodeCanonical,
  encodeCanonical,
  equalBytes,
  parseNetworkId,
  toHex,
} from '@freebird/protocol'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeProcess } from './harness.ts'

let node: NodeProcess
let client: Libp2p
let network: string
const signer = createNodeSigner(randomBytes(32))

beforeAll(async () => {
  node = await new NodeProcess().start()
  network = (await node.info()).network
  client = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
  await client.dial(multiaddr(node.multiaddrs[0] as string))
})
afterAll(async () => {
  await client?.stop()
  await node?.stop()
  node?.remove()
})

const open = async (name: string) => {
  const stream = await client.dialProtocol(
    multiaddr(node.multiaddrs[0] as string),
    `/freebird/${network}/${name}`,
  )
  return { stream, lp: lpStream(stream, { maxDataLength: 4 * 1024 * 1024 }) }
}
const query = async (q: Record<string, unknown>) => {
  const { stream, lp } = await open('query/1.0.0')
  await lp.write(encodeCanonical(q))
  await stream.close()
  return decodeCanonical((await lp.read()).subarray(), 'answer') as {
    messages?: Uint8Array[]
    error?: { code: string }
  }
}

describe('light-client protocols over libp2p', () => {
  it('submit: one answer per frame, in order, with codes', async () => {
    const post = buildPostAdd({ text: 'over libp2p' }, { network: parseNetworkId(network), signer })
    const { stream, lp } = await open('submit/1.0.0')
    for (const frame of [post.bytes, Uint8Array.of(0xff), post.bytes]) await lp.write(frame)
    await stream.close()
    const answers = []
    for (let i = 0; i < 3; i++)
      answers.push(decodeCanonical((await lp.read()).subarray(), 'answer'))
    expect(answers).toEqual([
      { status: 'stored', id: post.id },
      { status: 'rejected', code: 'invalid.encoding', message: expect.any(String) },
      { status: 'duplicate', id: post.id },
    ])
  })

  it('query: by id, by author, thread, and a typed error for unknown queries', async () => {
    const net = parseNetworkId(network)
    const root = buildPostAdd({ text: 'root' }, { network: net, signer })
    const reply = buildPostAdd({ text: 'reply', parent: root.id }, { network: net, signer })
    expect((await node.submit(root.bytes)).status).toBe(201)
    expect((await node.submit(reply.bytes)).status).toBe(201)
    const byId = await query({ q: 'message', id: root.id })
    expect(byId.messages?.map(toHex)).toEqual([toHex(root.bytes)])
    const posts = await query({ q: 'posts', author: signer.publicKey, limit: 10 })
    expect(posts.messages?.some((m) => equalBytes(m, reply.bytes))).toBe(true)
    const thread = await query({ q: 'thread', id: root.id })
    expect(thread.messages?.map(toHex)).toEqual([toHex(root.bytes), toHex(reply.bytes)])
    expect((await query({ q: 'nope' })).error?.code).toBe('query.unknown')
    expect((await query({ q: 'posts', author: Uint8Array.of(1) })).error?.code).toBe(
      'query.invalid',
    )
  })

  it('subscribe: streams newly stored messages that match the filter', async () => {
    const { lp } = await open('subscribe/1.0.0')
    await lp.write(encodeCanonical({ types: ['post.add'], authors: [signer.publicKey] }))
    const other = createNodeSigner(randomBytes(32))
    const net = parseNetworkId(network)
    const skipped = buildPostAdd({ text: 'not mine' }, { network: net, signer: other })
    const mine = buildPostAdd({ text: 'live' }, { network: net, signer })
    // Submit until the subscription is registered (the first frame proves it).
    const first = lp.read()
    expect((await node.submit(skipped.bytes)).status).toBe(201)
    expect((await node.submit(mine.bytes)).status).toBe(201)
    expect(toHex((await first).subarray())).toBe(toHex(mine.bytes))
  })

  it('query: signers, follows with unfollows, followers and removals, over libp2p and HTTP', async () => {
    const net = parseNetworkId(network)
    const fan = createNodeSigner(randomBytes(32))
    const app = createNodeSigner(randomBytes(32))
    const t = Date.now()
    const follow = buildFollowAdd({ target: signer.publicKey }, { network: net, signer: fan })
    const other = createNodeSigner(randomBytes(32)).publicKey
    const followOther = buildFollowAdd(
      { target: other },
      { network: net, signer: fan, timestamp: t },
    )
    const unfollowOther = buildFollowRemove(
      { target: other },
      { network: net, signer: fan, timestamp: t + 1 },
    )
    const addApp = buildSignerAdd(
      { key: app.publicKey, expiresAt: t + 3_600_000 },
      { network: net, signer },
    )
    const post = buildPostAdd({ text: 'to remove' }, { network: net, signer })
    const removal = buildPostRemove({ target: post.id }, { network: net, signer })
    for (const m of [follow, followOther, unfollowOther, addApp, post, removal]) {
      expect([200, 201]).toContain((await node.submit(m.bytes)).status)
    }
    const hexes = (a: { messages?: Uint8Array[] }) => (a.messages ?? []).map(toHex).sort()
    const following = await query({ q: 'following', author: fan.publicKey })
    expect(hexes(following)).toEqual([follow.bytes, unfollowOther.bytes].map(toHex).sort())
    const followers = await query({ q: 'followers', account: signer.publicKey })
    expect(hexes(followers)).toContain(toHex(follow.bytes))
    expect(hexes(await query({ q: 'signers', author: signer.publicKey }))).toEqual([
      toHex(addApp.bytes),
    ])
    expect(hexes(await query({ q: 'removal', author: signer.publicKey, id: post.id }))).toEqual([
      toHex(removal.bytes),
    ])
    // The same query over HTTP answers the same envelopes.
    const response = await fetch(`${node.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: encodeCanonical({ q: 'following', author: fan.publicKey }) as Uint8Array<ArrayBuffer>,
    })
    expect(response.status).toBe(200)
    const overHttp = decodeCanonical(new Uint8Array(await response.arrayBuffer()), 'answer')
    expect(hexes(overHttp as { messages: Uint8Array[] })).toEqual(hexes(following))
    const bad = await fetch(`${node.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: encodeCanonical({ q: 'nope' }) as Uint8Array<ArrayBuffer>,
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { code: string }).code).toBe('query.unknown')
  })

  it('subscribe with since: stored matches first, then live ones, none twice', async () => {
    const net = parseNetworkId(network)
    const author = createNodeSigner(randomBytes(32))
    const t = Date.now()
    const stored = [0, 1, 2].map((i) =>
      buildPostAdd({ text: `before ${i}` }, { network: net, signer: author, timestamp: t + i }),
    )
    for (const m of stored) expect((await node.submit(m.bytes)).status).toBe(201)
    const { lp } = await open('subscribe/1.0.0')
    await lp.write(encodeCanonical({ authors: [author.publicKey], since: t + 1 }))
    const replayed = [toHex((await lp.read()).subarray()), toHex((await lp.read()).subarray())]
    expect(replayed).toEqual([
      toHex(stored[1]?.bytes as Uint8Array),
      toHex(stored[2]?.bytes as Uint8Array),
    ])
    const live = buildPostAdd({ text: 'after' }, { network: net, signer: author })
    expect((await node.submit(live.bytes)).status).toBe(201)
    expect(toHex((await lp.read()).subarray())).toBe(toHex(live.bytes))
  })

  it('survives hostile streams: a malformed filter, a submit reset mid-answer', async () => {
    const net = parseNetworkId(network)
    const bad = await open('subscribe/1.0.0')
    await bad.lp.write(encodeCanonical({ authors: 1 }))
    await expect(bad.lp.read()).rejects.toThrow()
    const reset = await open('submit/1.0.0')
    await reset.lp.write(buildPostAdd({ text: 'then gone' }, { network: net, signer }).bytes)
    reset.stream.abort(new Error('bye'))
    // The node is still up and still storing and answering.
    const after = buildPostAdd({ text: 'still alive' }, { network: net, signer })
    expect((await node.submit(after.bytes)).status).toBe(201)
    expect((await node.info()).messageCount).toBeGreaterThan(0)
  })
})
