import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildPostAdd,
  buildPostRemove,
  type Message,
  parseNetworkId,
  toHex,
} from '@freebird/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeProcess, waitFor } from './harness.ts'

const BIN = fileURLToPath(new URL('../../apps/node/bin/freebird.js', import.meta.url))
const freebird = async (...args: string[]) =>
  (await promisify(execFile)(process.execPath, [BIN, ...args])).stdout.trim()
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
    // Synced messages are old news: b does not gossip them again.
    expect(await b.metric('freebird_gossip_published_total')).toBe(0)
  }, 120_000)

  it('six nodes split in two groups with writes on both sides converge after healing', async () => {
    const six: NodeProcess[] = []
    for (let i = 0; i < 6; i++) {
      // Each node knows every node started before it.
      const bootstrap = six.flatMap((n) => ['--bootstrap', n.multiaddrs[0] as string])
      six.push(await track(new NodeProcess()).start(['--sync-interval', '2000', ...bootstrap]))
    }
    const [left, right] = [six.slice(0, 3), six.slice(3)]
    const network = parseNetworkId((await six[0]?.info())?.network as string)
    await waitFor(
      async () => (await Promise.all(six.map((n) => n.info()))).every((i) => i.peers >= 3),
      'the six nodes connected',
    )

    // Split: each side refuses the other, both ways.
    await Promise.all([
      ...left.map((n) => n.deny(right.map((r) => r.peerId))),
      ...right.map((n) => n.deny(left.map((l) => l.peerId))),
    ])
    await waitFor(
      async () => (await Promise.all(six.map((n) => n.info()))).every((i) => i.peers <= 2),
      'the two groups apart',
    )
    await submitAll(left[0] as NodeProcess, posts(network, 300, 'left'))
    await submitAll(right[2] as NodeProcess, posts(network, 200, 'right'))
    // Each side agrees within itself, and has only its own side's posts.
    const sideHas = async (side: NodeProcess[], count: number) => {
      const infos = await Promise.all(side.map((n) => n.info()))
      return infos.every((i) => i.messageCount === count && i.stateRoot === infos[0]?.stateRoot)
    }
    await waitFor(
      async () => (await sideHas(left, 300)) && (await sideHas(right, 200)),
      'each side to agree within itself',
    )

    const healed = Date.now()
    await Promise.all(six.map((n) => n.deny([])))
    await waitFor(
      async () => {
        const infos = await Promise.all(six.map((n) => n.info()))
        return new Set(infos.map((i) => i.stateRoot)).size === 1 && infos[0]?.messageCount === 500
      },
      'one stateRoot on all six',
      30_000,
    )
    console.log(`six nodes converged ${Date.now() - healed} ms after healing`)

    // A node started empty with only a bootstrap address reaches the same stateRoot.
    const fresh = await track(new NodeProcess()).start([
      '--bootstrap',
      right[1]?.multiaddrs[0] as string,
    ])
    await waitFor(() => sameRoot(fresh, left[0] as NodeProcess), 'the new node to sync', 30_000)
  }, 120_000)

  it('a removed post does not come back, and is not fetched again', async () => {
    const a = await track(new NodeProcess()).start(['--sync-interval', '0'])
    const b = await track(new NodeProcess()).start(['--sync-interval', '0'])
    const network = parseNetworkId((await a.info()).network)
    const post = buildPostAdd({ text: 'regretted' }, { network, signer })
    const removal = buildPostRemove({ target: post.id }, { network, signer })
    // a saw the post and its removal; b, apart, only the post.
    await submitAll(a, [post, removal], 1)
    await submitAll(b, [post], 1)
    expect(await a.has(toHex(post.id))).toBe(false)

    // a dials b, so a runs the session.
    await a.stop()
    await a.start(['--sync-interval', '0', '--bootstrap', b.multiaddrs[0] as string])
    await waitFor(() => sameRoot(a, b), 'a and b to agree')
    expect(await b.has(toHex(post.id))).toBe(false)
    await waitFor(async () => (await a.info()).sync.completed >= 1, 'the session to be recorded')
    // b had the post: a did not fetch it (gone for good here) and pushed the removal.
    expect((await a.info()).sync.lastSync[0]).toMatchObject({
      need: 1,
      skipped: 1,
      fetched: 0,
      have: 1,
      pushed: 1,
    })

    // Nothing moves any more (asked through the CLI).
    const again = JSON.parse(await freebird('sync', '--node', a.url, '--peer', b.peerId, '--json'))
    expect(again).toMatchObject({ peer: b.peerId, need: 0, have: 0, rounds: 1 })
    expect(await freebird('sync', '--node', b.url)).toMatch(/fetched {2}0 of 0 missing here/)
  }, 60_000)
})
