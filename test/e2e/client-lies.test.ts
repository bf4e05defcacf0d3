import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { type Client, createClient } from '@freebird/client'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildPostAdd,
  decodeMessage,
  equalBytes,
  formatAccount,
  networkIdFromGenesis,
  parseNetworkId,
  toHex,
  utf8,
} from '@freebird/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeProcess, waitFor } from './harness.ts'
import { lyingNode } from './lying-node.ts'

// Two honest node processes; each lying node is a proxy in front of one of them.
const nodes: NodeProcess[] = []
const servers: Server[] = []
const clients: Client[] = []
let a: NodeProcess
let b: NodeProcess
const alice = createNodeSigner(randomBytes(32))
let postId = ''
let replyId = ''
let network: Uint8Array

beforeAll(async () => {
  a = await new NodeProcess().start()
  b = await new NodeProcess().start(['--bootstrap', a.multiaddrs[0] as string])
  nodes.push(a, b)
  await waitFor(async () => (await a.info()).peers >= 1, 'b connected to a')
  network = parseNetworkId((await a.info()).network)
  const writer = clientOf([a.url, b.url], alice)
  postId = (await writer.post({ text: 'an honest post' })).id
  replyId = (await writer.reply({ parent: postId, text: 'an honest reply' })).id
})
afterAll(async () => {
  for (const s of servers) s.close()
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) n.remove()
})

function clientOf(nodeUrls: string[], signer?: ReturnType<typeof createNodeSigner>) {
  const client = createClient({
    nodes: nodeUrls,
    reads: nodeUrls.length,
    ...(signer ? { signer } : {}),
  })
  clients.push(client)
  return client
}
async function liar(target: NodeProcess, lie: Parameters<typeof lyingNode>[1]) {
  const { url, server } = await lyingNode(target.url, lie)
  servers.push(server)
  return url
}
/** The envelope with one byte of its text changed. */
function altered(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes)
  const at = Buffer.from(copy).indexOf('honest')
  if (at >= 0) copy[at] = 'H'.charCodeAt(0)
  return copy
}

describe('the light client catches lying nodes (real node processes behind lying proxies)', () => {
  it('a node that alters text is reported and never shown', async () => {
    const altering = await liar(b, (_, messages) => messages.map(altered))
    const faults: string[] = []
    const client = createClient({
      nodes: [a.url, altering],
      reads: 2,
      onFault: (f) => faults.push(`${f.node} ${f.code}`),
    })
    clients.push(client)
    const thread = await client.getThread(postId)
    expect(thread.post.text).toBe('an honest post')
    expect(thread.replies.map((r) => r.text)).toEqual(['an honest reply'])
    expect(thread.faults.map((f) => [f.node, f.code])).toEqual([[altering, 'client.node_lied']])
    expect(faults).toEqual([`${altering} client.node_lied`])
    // Alone, the liar's answer fails the read rather than being shown.
    await expect(clientOf([altering]).getPost(postId)).rejects.toMatchObject({
      code: 'client.node_lied',
      node: altering,
    })
  })

  it('a node that drops a reply is reported as withholding; the reply still shows', async () => {
    const dropping = await liar(a, (query, messages) =>
      query.q === 'thread'
        ? messages.filter((m) => toHex(decodeMessage(m, { network }).id) !== replyId)
        : messages,
    )
    const thread = await clientOf([dropping, b.url]).getThread(postId)
    expect(thread.replies.map((r) => r.id)).toEqual([replyId])
    expect(thread.withheld).toEqual([{ node: dropping, ids: [replyId] }])
  })

  it('a node that serves a message from another network is reported', async () => {
    const elsewhere = networkIdFromGenesis(utf8('another freebird network'))
    const foreign = buildPostAdd({ text: 'from elsewhere' }, { network: elsewhere, signer: alice })
    const crossing = await liar(a, (query, messages) =>
      query.q === 'feed' || query.q === 'thread' ? [...messages, foreign.bytes] : messages,
    )
    const thread = await clientOf([crossing, b.url]).getThread(postId)
    expect(thread.faults.map((f) => [f.node, f.code])).toEqual([[crossing, 'client.node_lied']])
    expect(thread.replies.every((r) => r.text !== 'from elsewhere')).toBe(true)
  })

  it('a node that serves a stale profile is reported stale, and the newest value shown', async () => {
    const writer = clientOf([a.url, b.url], alice)
    const first = await writer.setProfile({ field: 'name', value: 'Alice' })
    let frozen: Uint8Array[] | undefined
    // Answers the first profile it saw, forever: it hides every later change.
    const stale = await liar(a, (query, messages) => {
      if (query.q !== 'profile') return messages
      frozen ??= messages
      return frozen
    })
    const account = formatAccount(alice.publicKey)
    expect((await clientOf([stale]).getProfile(account)).fields.name).toBe('Alice')
    const second = await writer.setProfile({ field: 'name', value: 'Alice B.' })
    await waitFor(async () => b.has(second.id), 'the new name on b')
    const profile = await clientOf([stale, b.url]).getProfile(account)
    expect(profile.fields.name).toBe('Alice B.')
    expect(profile.faults.map((f) => [f.node, f.code])).toEqual([[stale, 'client.node_stale']])
    expect(profile.withheld).toEqual([{ node: stale, ids: [second.id] }])
    expect(equalBytes(profile.messages[0]?.id ?? new Uint8Array(), first.message.id)).toBe(false)
  })
})
