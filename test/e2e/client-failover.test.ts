import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { type Client, createClient } from '@freebird/client'
import { createNodeSigner } from '@freebird/node-verifier'
import { formatAccount, toHex } from '@freebird/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeProcess, waitFor } from './harness.ts'

const nodes: NodeProcess[] = []
const clients: Client[] = []
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) n.remove()
})

/** A port free right now, so a restarted node comes back on the same address. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function network(count: number): Promise<NodeProcess[]> {
  const first = await new NodeProcess().start()
  const started = [first]
  for (let i = 1; i < count; i++) {
    started.push(await new NodeProcess().start(['--bootstrap', first.multiaddrs[0] as string]))
  }
  nodes.push(...started)
  await waitFor(async () => (await first.info()).peers >= count - 1, 'the nodes connected')
  return started
}

describe('the light client keeps working when nodes fail', () => {
  it('fails over when a node is killed mid-session: writes and reads go on', async () => {
    const [a, b, c] = (await network(3)) as [NodeProcess, NodeProcess, NodeProcess]
    const signer = createNodeSigner(randomBytes(32))
    const client = createClient({
      nodes: [a.multiaddrs[0] as string, b.multiaddrs[0] as string, c.url],
      signer,
      reads: 1,
      timeoutMs: 2_000,
    })
    clients.push(client)
    const before = await client.post({ text: 'before the crash' })
    expect(before.stored).toHaveLength(3)
    await a.kill()
    // Every read of the session still answers, whichever node it starts with.
    for (let i = 0; i < 6; i++) {
      expect((await client.getPost(before.id)).post?.text).toBe('before the crash')
    }
    const after = await client.post({ text: 'after the crash' })
    expect(after.failed).toEqual([a.multiaddrs[0]])
    expect(after.stored.sort()).toEqual([b.multiaddrs[0], c.url].sort())
    const feedOwner = createClient({ nodes: [a.url, b.url], reads: 1, timeoutMs: 2_000 })
    clients.push(feedOwner)
    expect((await feedOwner.getThread(after.id)).post.text).toBe('after the crash')
  })

  it('a subscription survives its node restarting: nothing lost, nothing twice', async () => {
    const port = await freePort()
    const hub = new NodeProcess()
    await hub.start(['--listen', `/ip4/127.0.0.1/tcp/${port}`])
    nodes.push(hub)
    const other = await new NodeProcess().start(['--bootstrap', hub.multiaddrs[0] as string])
    nodes.push(other)
    await waitFor(async () => (await hub.info()).peers >= 1, 'connected')
    const address = `/ip4/127.0.0.1/tcp/${port}/p2p/${hub.peerId}`

    const author = createNodeSigner(randomBytes(32))
    const writer = createClient({ nodes: [other.url], signer: author })
    const reader = createClient({ nodes: [address], reads: 1 })
    clients.push(writer, reader)
    const got: string[] = []
    const sub = reader.subscribe({
      authors: [formatAccount(author.publicKey)],
      since: Date.now() - 1_000,
      onMessage: (m) => got.push(toHex(m.id)),
    })
    const posted: string[] = []
    const write = async (n: number) => {
      for (let i = 0; i < n; i++)
        posted.push((await writer.post({ text: `post ${posted.length}` })).id)
    }
    await write(5)
    await waitFor(() => got.length === 5, 'the first posts streamed')

    // The subscription's node goes down; posts go on elsewhere; it comes back with its data.
    await hub.stop()
    await write(5)
    await hub.start([
      '--listen',
      `/ip4/127.0.0.1/tcp/${port}`,
      '--bootstrap',
      other.multiaddrs[0] as string,
    ])
    await write(5)
    await waitFor(
      () => got.length >= 15,
      'every post, including those made while the node was down',
      30_000,
    )
    sub.close()
    expect(got).toHaveLength(15)
    expect(new Set(got)).toEqual(new Set(posted))
  })
})
