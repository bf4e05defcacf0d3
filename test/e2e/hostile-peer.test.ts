import { randomBytes } from 'node:crypto'
import { createNodeSigner } from '@freebird/node-verifier'
import { buildPostAdd, encodeEnvelope, parseNetworkId, toHex } from '@freebird/protocol'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, describe, expect, it } from 'vitest'
import { createGossipPeer } from './gossip-peer.ts'
import { NodeProcess, waitFor } from './harness.ts'

const nodes: NodeProcess[] = []
let hostile: Awaited<ReturnType<typeof createGossipPeer>> | undefined
afterAll(async () => {
  await hostile?.stop()
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) n.remove()
})

describe('a hostile gossip peer', () => {
  it('is rejected, counted and graylisted while honest traffic continues', async () => {
    const a = new NodeProcess()
    nodes.push(a)
    await a.start()
    const b = new NodeProcess()
    nodes.push(b)
    await b.start(['--bootstrap', a.multiaddrs[0] as string])
    const info = await a.info()
    const network = parseNetworkId(info.network)
    const topic = `/freebird/${info.network}/messages/1`

    hostile = await createGossipPeer()
    const pubsub = hostile.services.pubsub
    pubsub.subscribe(topic)
    await hostile.dial(multiaddr(a.multiaddrs[0] as string))
    await waitFor(
      () => pubsub.getSubscribers(topic).some((p) => p.toString() === a.peerId),
      'a subscribed, seen by the hostile peer',
    )
    await waitFor(
      async () => (await a.info()).gossipPeers >= 2,
      'a to see b and the hostile peer on the topic',
    )

    const rejected = () =>
      a.metric('freebird_messages_refused_total', { outcome: 'rejected', source: 'gossip' })
    const signer = createNodeSigner(randomBytes(32))
    const forged = () => {
      const m = buildPostAdd({ text: randomBytes(8).toString('hex') }, { network, signer })
      return encodeEnvelope({ data: m.dataBytes, signer: m.signer, signature: randomBytes(64) })
    }
    // A burst of garbage and forgeries: each is validated, rejected and counted.
    for (let i = 0; i < 10; i++) await pubsub.publish(topic, i % 2 ? randomBytes(100) : forged())
    await waitFor(async () => (await rejected()) >= 10, 'a to reject the burst')
    expect(
      await a.metric('freebird_gossip_received_total', { verdict: 'reject' }),
    ).toBeGreaterThanOrEqual(10)

    // Keep sending until a stops processing them: graylisted (its score is below the threshold).
    await waitFor(
      async () => {
        const before = await rejected()
        await pubsub.publish(topic, forged())
        const end = Date.now() + 400
        while (Date.now() < end) {
          if ((await rejected()) > before) return false
          await new Promise((r) => setTimeout(r, 20))
        }
        return true
      },
      'the hostile peer to be graylisted',
      20_000,
    )

    // Now even a valid message from the hostile peer is dropped unseen, while b's post arrives.
    const fromHostile = buildPostAdd(
      { text: 'valid, but from a graylisted peer' },
      { network, signer },
    )
    await pubsub.publish(topic, fromHostile.bytes)
    const honest = buildPostAdd(
      { text: 'honest traffic' },
      { network, signer: createNodeSigner(randomBytes(32)) },
    )
    expect((await b.submit(honest.bytes)).status).toBe(201)
    await waitFor(() => a.has(toHex(honest.id)), 'the honest post on a')
    expect(await a.has(toHex(fromHostile.id))).toBe(false)
    expect((await a.info()).peers).toBeGreaterThanOrEqual(1)
  })
})
