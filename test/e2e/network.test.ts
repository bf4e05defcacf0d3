import { createHash, randomBytes } from 'node:crypto'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildPostAdd,
  encodeEnvelope,
  MAX_MESSAGE_BYTES,
  parseNetworkId,
  toHex,
} from '@freebird/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeProcess, waitFor } from './harness.ts'

const nodes: NodeProcess[] = []
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) n.remove()
})
const track = (n: NodeProcess) => {
  nodes.push(n)
  return n
}
const signer = createNodeSigner(randomBytes(32))

describe('three node processes', () => {
  it('gossip a post submitted to one node to the other two', async () => {
    const a = await track(new NodeProcess()).start()
    const [b, c] = await Promise.all([
      track(new NodeProcess()).start(['--bootstrap', a.multiaddrs[0] as string]),
      track(new NodeProcess()).start(['--bootstrap', a.multiaddrs[0] as string]),
    ])
    await waitFor(async () => (await a.info()).gossipPeers >= 2, 'a to see b and c on the topic')
    await waitFor(
      async () => (await b.info()).gossipPeers >= 1 && (await c.info()).gossipPeers >= 1,
      'b and c on the topic',
    )
    await waitFor(async () => (await a.info()).meshPeers >= 2, 'b and c in the gossip mesh of a')
    const network = parseNetworkId((await a.info()).network)

    const post = buildPostAdd({ text: 'across the network' }, { network, signer })
    expect((await a.submit(post.bytes)).status).toBe(201)
    const id = toHex(post.id)
    await waitFor(async () => (await b.has(id)) && (await c.has(id)), 'the post on b and c')

    // And from a leaf: c -> a -> b.
    const reply = buildPostAdd({ text: 'and back', parent: post.id }, { network, signer })
    expect((await c.submit(reply.bytes)).status).toBe(201)
    await waitFor(
      async () => (await a.has(toHex(reply.id))) && (await b.has(toHex(reply.id))),
      'the reply on a and b',
    )
    const roots = await Promise.all([a, b, c].map(async (n) => (await n.info()).stateRoot))
    expect(new Set(roots).size).toBe(1)
  })
})

describe('a node process killed with SIGKILL', () => {
  it('restarts with a consistent store holding every acknowledged message', async () => {
    const node = await track(new NodeProcess()).start()
    const network = parseNetworkId((await node.info()).network)
    const posts = Array.from({ length: 3000 }, (_, i) =>
      buildPostAdd({ text: `n${i}` }, { network, signer, timestamp: Date.now() + i }),
    )
    const acked = new Set<string>()
    let next = 0
    // 32 submitters stream posts until the node dies under them.
    const worker = async () => {
      while (next < posts.length) {
        const m = posts[next++] as (typeof posts)[number]
        try {
          const r = await node.submit(m.bytes)
          if (r.status === 201) acked.add(toHex(m.id))
        } catch {
          return
        }
      }
    }
    const workers = Array.from({ length: 32 }, worker)
    await waitFor(() => acked.size >= 800, '800 acknowledged submissions')
    await node.kill()
    await Promise.all(workers)
    expect(acked.size).toBeLessThan(posts.length)

    await node.start()
    const info = await node.info()
    for (const id of acked) expect(await node.has(id), id).toBe(true)
    // Consistent: the persisted count and fingerprint describe exactly the messages present.
    const present = []
    for (const m of posts) if (await node.has(toHex(m.id))) present.push(m.id)
    expect(info.messageCount).toBe(present.length)
    expect(info.stateRoot).toBe(fingerprint(present))
  })
})

describe('a node process restarted with its data', () => {
  it('keeps its peer id and its content', async () => {
    const node = await track(new NodeProcess()).start()
    const network = parseNetworkId((await node.info()).network)
    const post = buildPostAdd({ text: 'still here' }, { network, signer })
    expect((await node.submit(post.bytes)).status).toBe(201)
    const before = await node.info()
    // An open event stream must not hold the node up: SIGTERM still exits 0, promptly.
    const events = await fetch(`${node.url}/v1/events`)
    expect(events.status).toBe(200)
    const stopping = Date.now()
    expect(await node.stop()).toBe(0)
    expect(Date.now() - stopping).toBeLessThan(8_000)
    await node.start()
    const after = await node.info()
    expect(after.peerId).toBe(before.peerId)
    expect(after.stateRoot).toBe(before.stateRoot)
    expect(await node.has(toHex(post.id))).toBe(true)
  })

  it('answers bad HTTP input with a code and stores nothing', async () => {
    const node = await track(new NodeProcess()).start()
    const network = parseNetworkId((await node.info()).network)
    const post = buildPostAdd({ text: 'x' }, { network, signer })
    const forged = encodeEnvelope({
      data: post.dataBytes,
      signer: post.signer,
      signature: new Uint8Array(64),
    })
    expect(await node.submit(forged)).toEqual({
      status: 422,
      body: { code: 'invalid.signature', message: expect.any(String) },
    })
    expect((await node.submit(new Uint8Array(5000))).body.code).toBe('too_large')
    expect((await node.submit(Uint8Array.of(0xff))).body.code).toBe('invalid.encoding')
    const bad = await fetch(`${node.url}/v1/accounts/fb1nope/posts`)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { code: string }).code).toMatch(/^invalid\.account/)
    // Off the fast path (another media type, a body past the limit): fastify's route, same codes.
    const post415 = await fetch(`${node.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    })
    expect(post415.status).toBe(415)
    expect(((await post415.json()) as { code: string }).code).toBe('http.unsupported_media_type')
    const huge = await node.submit(new Uint8Array(16 * MAX_MESSAGE_BYTES + 1))
    expect(huge).toEqual({ status: 413, body: { code: 'too_large', message: expect.any(String) } })
    expect((await node.info()).messageCount).toBe(0)
    expect(
      await node.metric('freebird_messages_refused_total', { outcome: 'rejected', source: 'http' }),
    ).toBe(5)
  })

  it('stores a submission however its body is framed: submit lane, chunked (node:http), application/cbor', async () => {
    const node = await track(new NodeProcess()).start()
    const network = parseNetworkId((await node.info()).network)
    const posts = Array.from({ length: 4 }, (_, i) =>
      buildPostAdd({ text: `framed ${i}` }, { network, signer }),
    )
    const [plain, chunked, cbor, again] = posts as [
      (typeof posts)[0],
      (typeof posts)[0],
      (typeof posts)[0],
      (typeof posts)[0],
    ]
    expect(await node.submit(plain.bytes)).toEqual({
      status: 201,
      body: { id: toHex(plain.id), status: 'stored' },
    })
    expect(await node.submit(plain.bytes)).toEqual({
      status: 200,
      body: { id: toHex(plain.id), status: 'duplicate' },
    })
    // No Content-Length: fastify's route reads the chunked body.
    const stream = await fetch(`${node.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(chunked.bytes.subarray(0, 10))
          controller.enqueue(chunked.bytes.subarray(10))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(stream.status).toBe(201)
    expect(await stream.json()).toEqual({ id: toHex(chunked.id), status: 'stored' })
    const asCbor = await fetch(`${node.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: cbor.bytes,
    })
    expect(await asCbor.json()).toEqual({ id: toHex(cbor.id), status: 'stored' })
    expect(await node.submit(again.bytes)).toEqual({
      status: 201,
      body: { id: toHex(again.id), status: 'stored' },
    })
    expect((await node.info()).messageCount).toBe(4)
  })
})

/** Negentropy V1 fingerprint of a set of ids (what stateRoot must be). */
function fingerprint(ids: Uint8Array[]): string {
  let sum = 0n
  for (const id of ids)
    sum = (sum + BigInt(`0x${Buffer.from(id).reverse().toString('hex')}`)) % (1n << 256n)
  const sumBytes = Buffer.from(sum.toString(16).padStart(64, '0'), 'hex').reverse()
  const count: number[] = [ids.length & 0x7f]
  for (let v = Math.floor(ids.length / 128); v > 0; v = Math.floor(v / 128))
    count.unshift(0x80 | (v & 0x7f))
  return createHash('sha256')
    .update(sumBytes)
    .update(Buffer.from(count))
    .digest()
    .subarray(0, 16)
    .toString('hex')
}
