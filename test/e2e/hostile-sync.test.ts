import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeProcess, varint, waitFor } from './harness.ts'

const nodes: NodeProcess[] = []
const peers: Libp2p[] = []
afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()))
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) n.remove()
})

const frame = (data: Uint8Array) => Buffer.concat([varint(data.length), data])

/** Reads one length-prefixed frame (enough for these short exchanges); undefined once the stream ends or is reset. */
async function readFrame(stream: Stream): Promise<Uint8Array | undefined> {
  try {
    return await readOne(stream)
  } catch {
    return undefined
  }
}

async function readOne(stream: Stream): Promise<Uint8Array | undefined> {
  let buffer = Buffer.alloc(0)
  for await (const chunk of stream) {
    buffer = Buffer.concat([buffer, chunk instanceof Uint8Array ? chunk : chunk.subarray()])
    let length = 0
    let shift = 1
    let i = 0
    for (; i < buffer.length; i++) {
      length += ((buffer[i] as number) & 0x7f) * shift
      shift *= 128
      if ((buffer[i] as number) < 0x80) break
    }
    if (i < buffer.length && buffer.length >= i + 1 + length)
      return buffer.subarray(i + 1, i + 1 + length)
  }
  return undefined
}

async function rawPeer(): Promise<Libp2p> {
  const peer = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
  peers.push(peer)
  return peer
}

/** A Negentropy V1 message: the whole range as an id list of the given ids. */
const idList = (ids: Uint8Array[]) =>
  Buffer.concat([Uint8Array.of(0x61, 0x00, 0x00, 0x02), varint(ids.length), ...ids])

describe('a hostile sync peer', () => {
  it('ends its sessions with clear codes, is counted and then refused; honest sync goes on', async () => {
    const a = new NodeProcess()
    nodes.push(a)
    await a.start(['--sync-interval', '0'])
    const b = new NodeProcess()
    nodes.push(b)
    await b.start(['--sync-interval', '0', '--bootstrap', a.multiaddrs[0] as string])
    const network = (await a.info()).network
    const proto = (name: string) => `/freebird/${network}/${name}/1.0.0`
    const faults = (code: string) => a.metric('freebird_sync_peer_faults_total', { code })

    // 1. It answers a's session claiming an id, then does not serve it.
    const liar = await rawPeer()
    await liar.handle(proto('sync'), async (stream) => {
      await readFrame(stream)
      stream.send(frame(idList([randomBytes(32)])))
      await stream.close()
    })
    await liar.handle(proto('fetch'), async (stream) => {
      await readFrame(stream)
      stream.send(frame(new Uint8Array(0)))
      await stream.close()
    })
    await liar.dial(multiaddr(a.multiaddrs[0] as string))
    const asked = await fetch(`${a.url}/v1/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peer: liar.peerId.toString() }),
    })
    const session = (await asked.json()) as {
      need: number
      error?: { code: string; peerFault: boolean }
    }
    expect(session.need).toBe(1)
    expect(session.error).toMatchObject({ code: 'sync.withheld', peerFault: true })
    expect(await faults('sync.withheld')).toBe(1)

    // 2. A malformed Negentropy message, then 3. an oversized frame.
    const malformed = await liar.dialProtocol(multiaddr(a.multiaddrs[0] as string), proto('sync'))
    malformed.send(frame(Uint8Array.of(0x61, 0x00, 0x00, 0x07)))
    await waitFor(async () => (await faults('sync.mode')) === 1, 'a to count the bad mode')
    const oversized = await liar.dialProtocol(multiaddr(a.multiaddrs[0] as string), proto('sync'))
    oversized.send(varint(64 * 1024 * 1024))
    oversized.send(new Uint8Array(64 * 1024))
    await waitFor(
      async () => (await faults('sync.frame_too_large')) === 1,
      'a to count the oversized frame',
    )

    // Three faults: a refuses it now, and its sessions fail at once.
    const refused = await fetch(`${a.url}/v1/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peer: liar.peerId.toString() }),
    })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { code: string }).code).toBe('sync.refused')
    const again = await liar.dialProtocol(multiaddr(a.multiaddrs[0] as string), proto('sync'))
    // a resets the stream at once (it may be gone before this write).
    try {
      again.send(frame(idList([])))
    } catch {}
    expect(await readFrame(again)).toBeUndefined()
    expect(
      await a.metric('freebird_sync_sessions_total', {
        role: 'responder',
        outcome: 'sync.refused',
      }),
    ).toBe(1)

    // 4. Another peer that never stops asking: its session ends at the round limit.
    const endless = await rawPeer()
    const stream = await endless.dialProtocol(multiaddr(a.multiaddrs[0] as string), proto('sync'))
    let rounds = 0
    for (;;) {
      stream.send(frame(idList([randomBytes(32)])))
      if (!(await readFrame(stream))) break
      rounds++
    }
    expect(rounds).toBe(2_000)
    expect(await faults('sync.rounds')).toBe(1)

    // Meanwhile a honest node syncs with a as before.
    const honest = await fetch(`${b.url}/v1/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peer: a.peerId }),
    })
    expect(honest.status).toBe(200)
    expect(((await honest.json()) as { error?: unknown }).error).toBeUndefined()
  }, 60_000)
})
