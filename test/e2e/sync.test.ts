import { randomBytes } from 'node:crypto'
import { createNodeSigner } from '@freebird/node-verifier'
import { buildPostAdd, type Message, parseNetworkId } from '@freebird/protocol'
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

/** Submits messages with `concurrency` requests in flight; every one must be stored. */
async function submitAll(node: NodeProcess, messages: Message[], concurrency = 64): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < messages.length) {
      const m = messages[next++] as Message
      const r = await node.submit(m.bytes)
      if (r.status !== 201) throw new Error(`submit answered ${r.status} ${r.body.code}`)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

const posts = (network: Uint8Array, n: number, tag: string) => {
  const now = Date.now()
  return Array.from({ length: n }, (_, i) =>
    buildPostAdd({ text: `${tag} ${i}` }, { network, signer, timestamp: now - n + i }),
  )
}

const sameRoot = async (a: NodeProcess, b: NodeProcess) => {
  const [x, y] = await Promise.all([a.info(), b.info()])
  return x.stateRoot === y.stateRoot && x.messageCount === y.messageCount
}

describe('anti-entropy sync between node processes', () => {
  it('a node offline during 10,000 new messages catches up after it restarts', async () => {
    const a = await track(new NodeProcess()).start(['--sync-interval', '0'])
    const b = await track(new NodeProcess()).start([
      '--sync-interval',
      '0',
      '--bootstrap',
      a.multiaddrs[0] as string,
    ])
    await waitFor(async () => (await a.info()).peers >= 1, 'b connected to a')
    const network = parseNetworkId((await a.info()).network)
    await submitAll(a, posts(network, 200, 'before'))
    await waitFor(() => sameRoot(a, b), 'b to have the first 200 posts')

    expect(await b.stop()).toBe(0)
    await submitAll(a, posts(network, 10_000, 'offline'))
    expect((await a.info()).messageCount).toBe(10_200)

    const started = Date.now()
    await b.start(['--sync-interval', '0', '--bootstrap', a.multiaddrs[0] as string])
    await waitFor(() => sameRoot(a, b), 'b to catch up', 60_000)
    const info = await b.info()
    expect(info.messageCount).toBe(10_200)
    const session = (
      info as unknown as { sync: { lastSync: { need: number; fetched: number; rounds: number }[] } }
    ).sync.lastSync[0]
    expect(session?.need).toBe(10_000)
    expect(session?.fetched).toBe(10_000)
    console.log(
      `catch-up of 10,000 messages: ${Date.now() - started} ms from restart, ${session?.rounds} rounds`,
    )
    expect(await b.metric('freebird_messages_stored_total', { source: 'sync' })).toBe(10_000)
  }, 120_000)
})
