import {
  buildPostAdd,
  createSigner,
  encodeEnvelope,
  networkIdFromGenesis,
  toHex,
  utf8,
} from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { ClientError, createClient, type NodeTransport, verifyEnvelope } from '../src/index.ts'

const network = networkIdFromGenesis(utf8('client tests'))
const other = networkIdFromGenesis(utf8('another network'))
const alice = createSigner(new Uint8Array(32).fill(1))
const T0 = Date.UTC(2026, 0, 1)
const root = buildPostAdd({ text: 'root' }, { network, signer: alice, timestamp: T0 })
const r1 = buildPostAdd(
  { text: 'one', parent: root.id },
  { network, signer: alice, timestamp: T0 + 1 },
)
const r2 = buildPostAdd(
  { text: 'two', parent: r1.id },
  { network, signer: alice, timestamp: T0 + 2 },
)

/** A node over a fixed set of envelopes (real bytes; `thread` answers the root's whole thread). */
function node(name: string, envelopes: Uint8Array[]): NodeTransport {
  const byId = new Map(envelopes.map((b) => [toHex(verifyEnvelope('setup', b, network).id), b]))
  return {
    name,
    network: async () => toHex(network),
    submit: async () => ({ status: 'stored', id: '' }),
    message: async (id) => byId.get(id),
    thread: async (id) => {
      const post = byId.get(id)
      return post ? [post, ...envelopes.filter((b) => b !== post)] : undefined
    },
  }
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (error) {
    return error instanceof ClientError ? error.code : String(error)
  }
  return 'no error'
}

describe('verifyEnvelope', () => {
  it('refuses altered bytes, another id, another network and a bad signature, naming the node', () => {
    const altered = root.bytes.slice()
    const at = altered.length - 70
    altered[at] = (altered[at] as number) ^ 1
    const forged = encodeEnvelope({
      data: root.dataBytes,
      signer: root.signer,
      signature: new Uint8Array(64).fill(9),
    })
    const elsewhere = buildPostAdd({ text: 'x' }, { network: other, signer: alice, timestamp: T0 })
    for (const [bytes, id] of [
      [altered, undefined],
      [forged, undefined],
      [elsewhere.bytes, undefined],
      [r1.bytes, root.id],
    ] as const) {
      let error: unknown
      try {
        verifyEnvelope('node-x', bytes, network, id)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ClientError)
      expect((error as ClientError).code).toBe('client.node_lied')
      expect((error as ClientError).node).toBe('node-x')
    }
    expect(toHex(verifyEnvelope('node-x', root.bytes, network, root.id).id)).toBe(toHex(root.id))
  })
})

describe('reads across nodes', () => {
  it('merges a thread, shows a reply one node withholds, and reports that node', async () => {
    const withheld: string[] = []
    const client = createClient({
      nodes: [
        node('full', [root.bytes, r1.bytes, r2.bytes]),
        node('partial', [root.bytes, r1.bytes]),
      ],
      network: toHex(network),
      onWithheld: (r) => withheld.push(`${r.node}:${r.ids.length}`),
    })
    const thread = await client.getThread(toHex(root.id))
    expect(thread.post.text).toBe('root')
    expect(thread.replies.map((r) => r.text)).toEqual(['one', 'two'])
    expect(thread.withheld).toEqual([{ node: 'partial', ids: [toHex(r2.id)] }])
    expect(withheld).toEqual(['partial:1'])
  })

  it('never shows a forged answer, and reports the node that gave it', async () => {
    const liar: NodeTransport = {
      ...node('liar', []),
      message: async () => r1.bytes,
      thread: async () => [
        root.bytes,
        buildPostAdd({ text: 'off-thread' }, { network, signer: alice }).bytes,
      ],
    }
    const faults: string[] = []
    const client = createClient({
      nodes: [node('honest', [root.bytes, r1.bytes]), liar],
      network: toHex(network),
      onFault: (f) => faults.push(f.node),
    })
    const got = await client.getPost(toHex(root.id))
    expect(toHex(got.message.id)).toBe(toHex(root.id))
    expect(got.faults.map((f) => f.node)).toEqual(['liar'])
    const thread = await client.getThread(toHex(root.id))
    expect(thread.replies.map((r) => r.text)).toEqual(['one'])
    expect(thread.faults.map((f) => f.node)).toEqual(['liar'])
    expect(faults).toEqual(['liar', 'liar'])

    // With only the liar, the read fails with its fault, not its answer.
    const alone = createClient({ nodes: [liar], network: toHex(network) })
    expect(await codeOf(alone.getPost(toHex(root.id)))).toBe('client.node_lied')
  })

  it('says not found, unavailable and invalid request with their codes', async () => {
    const client = createClient({ nodes: [node('a', [root.bytes])], network: toHex(network) })
    expect(await codeOf(client.getPost(toHex(r2.id)))).toBe('client.not_found')
    expect(await codeOf(client.getPost('nope'))).toBe('client.invalid_request')
    expect(await codeOf(client.post({ text: 'no signer' }))).toBe('client.invalid_request')
    const down = createClient({ nodes: ['http://127.0.0.1:9'], timeoutMs: 500 })
    expect(await codeOf(down.getPost(toHex(root.id)))).toBe('client.unavailable')
  })
})
