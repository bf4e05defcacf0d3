import { buildPostAdd, toHex } from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { ClientError, createClient, verifyEnvelope } from '../src/index.ts'
import {
  alice,
  altered,
  by,
  errorOf,
  fakeNode,
  forged,
  NETWORK,
  network,
  otherNetwork,
  T0,
} from './fake-node.ts'

const root = buildPostAdd({ text: 'the root post' }, by(alice, 0))
const reply = buildPostAdd({ text: 'a reply', parent: root.id }, by(alice, 1))
const elsewhere = buildPostAdd(
  { text: 'the root post' },
  { network: otherNetwork, signer: alice, timestamp: T0 },
)

const refusal = (bytes: Uint8Array, expectedId?: Uint8Array) => {
  try {
    verifyEnvelope('node-x', bytes, network, expectedId)
  } catch (error) {
    return error
  }
  return undefined
}

describe('verifyEnvelope', () => {
  it('accepts a genuine envelope and recomputes its id', () => {
    const m = verifyEnvelope('node-x', root.bytes, network, root.id)
    expect(toHex(m.id)).toBe(toHex(root.id))
    expect(m.data.type).toBe('post.add')
  })

  it.each([
    ['altered bytes', altered(root, 'root post'), undefined],
    ['a forged signature', forged(root), undefined],
    ['a message of another network', elsewhere.bytes, undefined],
    ['another message than the one asked for', reply.bytes, root.id],
    ['bytes that are not an envelope', new Uint8Array([1, 2, 3]), undefined],
  ])('refuses %s as client.node_lied, naming the node', (_, bytes, expectedId) => {
    const error = refusal(bytes, expectedId)
    expect(error).toBeInstanceOf(ClientError)
    expect((error as ClientError).code).toBe('client.node_lied')
    expect((error as ClientError).node).toBe('node-x')
  })
})

describe('reads verify what nodes serve', () => {
  const lies = [
    ['altered bytes', () => altered(root, 'root post')],
    ['a forged signature', () => forged(root)],
    ['another network', () => elsewhere.bytes],
    ['another message', () => reply.bytes],
  ] as const

  it.each(lies)('getPost never returns %s and reports the node', async (_, lie) => {
    const faults: string[] = []
    const liar = fakeNode('liar', [root], {
      answer: (q, honest) => (q.q === 'message' ? [lie()] : honest),
    })
    const client = createClient({
      nodes: [fakeNode('honest', [root]), liar],
      network: NETWORK,
      onFault: (f) => faults.push(`${f.node}:${f.code}`),
    })
    const got = await client.getPost(toHex(root.id))
    expect(got.message.bytes).toEqual(root.bytes)
    expect(got.faults.map((f) => [f.node, f.code])).toEqual([['liar', 'client.node_lied']])
    expect(faults).toEqual(['liar:client.node_lied'])

    const alone = createClient({ nodes: [liar], network: NETWORK })
    const error = await errorOf(alone.getPost(toHex(root.id)))
    expect(error.code).toBe('client.node_lied')
    expect(error.node).toBe('liar')
  })

  it('refuses a whole thread answer that holds one altered reply', async () => {
    const liar = fakeNode('liar', [root, reply], {
      answer: (q, honest) => (q.q === 'thread' ? [root.bytes, altered(reply, 'a reply')] : honest),
    })
    const client = createClient({ nodes: [liar], network: NETWORK })
    const error = await errorOf(client.getThread(toHex(root.id)))
    expect(error.code).toBe('client.node_lied')
    expect(error.node).toBe('liar')
  })
})
