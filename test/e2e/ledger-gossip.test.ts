import type { DevnetNode } from '@freebird/node'
import { compareBytes, encodeCanonical } from '@freebird/protocol'
import { encodeCertificateBatch } from '@freebird/protocol/ledger'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGossipPeer } from './gossip-peer.ts'
import { waitFor } from './harness.ts'
import {
  accountOf,
  askVote,
  certify,
  encodeRawCertificate,
  forgeCertificate,
  freshSigner,
  type LedgerNet,
  metric,
  order,
  startLedgerNet,
  voteOf,
  waitBalances,
} from './ledger-helpers.ts'

/**
 * Certificate gossip carries batches (PROTOCOL.md §14.13). A peer that
 * validates nothing publishes to one node: a valid batch is applied and
 * forwarded to the rest; a malformed batch, or one with a forged certificate
 * in it, is rejected and counted, and changes no balance (the valid
 * certificates beside a forged one still apply: each stands on its own).
 */
let net: LedgerNet
let peer: Awaited<ReturnType<typeof createGossipPeer>> | undefined
beforeAll(async () => {
  net = await startLedgerNet({ accounts: 3, syncIntervalMs: 60_000 })
}, 90_000)
afterAll(async () => {
  await peer?.stop()
  await net?.stop()
})

const at = (i: number): DevnetNode => net.nodes[i] as DevnetNode

describe('certificate gossip in batches', () => {
  it('applies and forwards a valid batch; rejects and counts malformed or forged ones', async () => {
    const info = (await (await fetch(`${at(0).url}/v1/info`)).json()) as { network: string }
    const topic = `/freebird/${info.network}/certificates/2`
    peer = await createGossipPeer()
    const pubsub = peer.services.pubsub
    pubsub.subscribe(topic)
    await peer.dial(multiaddr(at(0).multiaddrs.tcp))
    await waitFor(
      () => pubsub.getSubscribers(topic).some((p) => p.toString() === at(0).peerId),
      'node 0 on the certificate topic, seen by the peer',
    )
    const verdicts = async (verdict: string) =>
      metric(at(0), 'freebird_gossip_received_total', { verdict })
    const refused = (code: string) =>
      metric(at(0), 'freebird_ledger_certificates_refused_total', {
        outcome: 'rejected',
        code,
        source: 'gossip',
      })

    // Two certified transfers, never pushed: only the batch brings them.
    const [alice, bob] = net.accounts as [(typeof net.accounts)[0], (typeof net.accounts)[0]]
    const x = freshSigner()
    const y = freshSigner()
    const a = (
      await certify(
        net,
        order(net, alice, { to: x.publicKey, amount: 5n, seq: 0, kind: 'payment' }),
      )
    ).certificate
    const b = (
      await certify(net, order(net, bob, { to: y.publicKey, amount: 7n, seq: 0, kind: 'payment' }))
    ).certificate

    const accepted = await verdicts('accept')
    await pubsub.publish(topic, encodeCertificateBatch([a.bytes, a.bytes]))
    // Node 0 applies it and forwards the batch: every node has it (sync is off for a minute).
    await waitBalances(net.nodes, new Map([[accountOf(x), { balance: 5n }]]))
    expect(await verdicts('accept')).toBe(accepted + 1)
    expect(
      await metric(at(1), 'freebird_ledger_certificates_applied_total', { source: 'gossip' }),
    ).toBeGreaterThanOrEqual(1)

    // Not a batch at all.
    const rejected = await verdicts('reject')
    await pubsub.publish(topic, Uint8Array.of(0xff, 0x00))
    await waitFor(async () => (await refused('ledger.encoding')) >= 1, 'the garbage refused')

    // A forged certificate (two votes of four) beside a valid one.
    const c = order(net, alice, { to: y.publicKey, amount: 1_000n, seq: 1, kind: 'payment' })
    const answers = await Promise.all(net.nodes.slice(0, 2).map((n) => askVote(n, c.bytes)))
    const twoVotes = answers.map(voteOf).filter((v) => !!v)
    expect(twoVotes.length).toBe(2)
    const forged = encodeRawCertificate(
      c,
      twoVotes.sort((p, q) => compareBytes(p.validator, q.validator)),
    )
    await pubsub.publish(topic, encodeCertificateBatch([b.bytes, forged]))
    await waitFor(
      async () => (await refused('ledger.quorum')) >= 1,
      'the forged certificate refused',
    )
    await waitFor(async () => (await verdicts('reject')) >= rejected + 2, 'both batches rejected')
    // b stands on its own and applies; the forged order moved nothing.
    await waitBalances(
      [at(0)],
      new Map([
        [accountOf(y), { balance: 7n }],
        [accountOf(x), { balance: 5n }],
      ]),
    )
    const health = await fetch(`${at(0).url}/v1/health`)
    expect(health.status).toBe(200)
  })

  it('sends a burst of certificates applied from a client as one gossip message', async () => {
    const carol = net.accounts[2] as (typeof net.accounts)[0]
    const z = freshSigner()
    const n = 20
    // Signed by the validator keys directly: 20 seqs at once, with no votes to wait for.
    const certificates = Array.from({ length: n }, (_, seq) =>
      forgeCertificate(
        net,
        order(net, carol, { to: z.publicKey, amount: 1n, seq, kind: 'payment' }),
      ),
    )
    const published = () => metric(at(0), 'freebird_gossip_published_total')
    const before = await published()
    const response = await fetch(`${at(0).url}/v1/ledger/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: encodeCanonical(certificates.map((c) => ({ certificate: c.bytes }))),
    })
    expect(response.status).toBe(200)
    await waitBalances(net.nodes, new Map([[accountOf(z), { balance: BigInt(n) }]]))
    // One batch, or a few if the writes straddled the 10 ms window: far fewer than one each.
    const sent = (await published()) - before
    expect(sent).toBeGreaterThanOrEqual(1)
    expect(sent).toBeLessThanOrEqual(3)
  })
})
