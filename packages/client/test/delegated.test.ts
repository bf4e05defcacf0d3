import {
  buildPostAdd,
  buildProfileSet,
  buildSignerAdd,
  buildSignerRemove,
  createSigner,
  equalBytes,
  formatAccount,
  toHex,
} from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { createClient, type NodeFault } from '../src/index.ts'
import { alice, bob, by, errorOf, fakeNode, NETWORK, T0 } from './fake-node.ts'

const ALICE = formatAccount(alice.publicKey)
/** An app key alice (the root key) authorizes. */
const app = createSigner(new Uint8Array(32).fill(9))
/** A key alice never authorized. */
const rogue = createSigner(new Uint8Array(32).fill(10))
const YEAR = 365 * 24 * 3600 * 1000

const addApp = buildSignerAdd({ key: app.publicKey, expiresAt: Date.now() + YEAR }, by(alice, 1))
const removeApp = buildSignerRemove({ key: app.publicKey }, by(alice, 100))
const root = buildPostAdd({ text: 'root' }, by(bob, 0))
const appReply = buildPostAdd({ text: 'via app', parent: root.id }, by(app, 10, alice.publicKey))
const rootReply = buildPostAdd({ text: 'via root', parent: root.id }, by(alice, 20))
const rogueReply = buildPostAdd({ text: 'rogue', parent: root.id }, by(rogue, 30, alice.publicKey))

const faultsOf = (list: NodeFault[]) => list.map((f) => [f.node, f.code])

describe('delegated signers', () => {
  it('an app client signs for the root account, and its posts read back as the account', async () => {
    const nodes = [fakeNode('A', [addApp]), fakeNode('B', [addApp])]
    const client = createClient({
      nodes,
      network: NETWORK,
      signer: app,
      account: ALICE,
    })
    const sent = await client.post({ text: 'hello from the app' })
    expect(equalBytes(sent.message.data.author, alice.publicKey)).toBe(true)
    expect(equalBytes(sent.message.signer, app.publicKey)).toBe(true)
    expect(sent.stored.sort()).toEqual(['A', 'B'])

    const got = await client.getPost(sent.id)
    expect(got.post?.author).toBe(ALICE)
    expect(got.post?.text).toBe('hello from the app')
    expect(got.faults).toEqual([])
    // The client looked up alice's signers to accept the app key's signature.
    expect(nodes.some((n) => n.queries.some((q) => q.q === 'signers'))).toBe(true)
  })

  it('a client given only a signer writes as the signer itself', async () => {
    const client = createClient({ nodes: [fakeNode('A')], network: NETWORK, signer: app })
    const sent = await client.setProfile({ field: 'name', value: 'app' })
    expect(equalBytes(sent.message.data.author, app.publicKey)).toBe(true)
  })

  it('accepts a thread reply signed by an authorized app key', async () => {
    const client = createClient({
      nodes: [fakeNode('A', [addApp, root, appReply]), fakeNode('B', [addApp, root, appReply])],
      network: NETWORK,
    })
    const thread = await client.getThread(toHex(root.id))
    expect(thread.replies.map((r) => [r.text, r.author])).toEqual([['via app', ALICE]])
    expect(thread.faults).toEqual([])
  })

  it('after a signer.remove on one node, a node still serving the key’s post is reported and the post hidden', async () => {
    const seen: NodeFault[] = []
    const client = createClient({
      nodes: [
        fakeNode('A', [addApp, root, appReply, rootReply]),
        fakeNode('B', [addApp, removeApp, root, appReply, rootReply]),
      ],
      network: NETWORK,
      onFault: (f) => seen.push(f),
    })
    const thread = await client.getThread(toHex(root.id))
    // Revocation is total: the reply is gone although it predates the removal.
    expect(thread.replies.map((r) => r.text)).toEqual(['via root'])
    // A is stale twice over: it lacks the signer.remove, and it serves the revoked key's reply.
    expect(faultsOf(thread.faults)).toEqual([
      ['A', 'client.node_stale'],
      ['A', 'client.node_stale'],
    ])
    expect(faultsOf(seen)).toEqual(faultsOf(thread.faults))
    // B hid a post it must hide: that is not withholding; A withheld B's signer.remove.
    expect(thread.withheld).toEqual([{ node: 'A', ids: [toHex(removeApp.id)] }])
  })

  it('getPost refuses an app-key post once the key is removed', async () => {
    const client = createClient({
      nodes: [fakeNode('A', [addApp, appReply]), fakeNode('B', [addApp, removeApp, appReply])],
      network: NETWORK,
    })
    const error = await errorOf(client.getPost(toHex(appReply.id)))
    expect(error.code).toBe('client.node_stale')
    expect(error.node).toBe('A')
  })

  it('refuses a post signed by a key the account never authorized', async () => {
    const liar = fakeNode('liar', [addApp, root, rootReply], {
      answer: (q, honest) => (q.q === 'thread' ? [...honest, rogueReply.bytes] : honest),
    })
    const client = createClient({
      nodes: [liar, fakeNode('honest', [addApp, root, rootReply])],
      network: NETWORK,
    })
    const thread = await client.getThread(toHex(root.id))
    expect(thread.replies.map((r) => r.text)).toEqual(['via root'])
    expect(faultsOf(thread.faults)).toEqual([['liar', 'client.node_stale']])
  })

  it('refuses an app-key message timestamped at or after the key expires', async () => {
    const shortLived = buildSignerAdd({ key: app.publicKey, expiresAt: T0 + 50 }, by(alice, 1))
    const late = buildProfileSet({ field: 'name', value: 'late' }, by(app, 50, alice.publicKey))
    const early = buildProfileSet({ field: 'bio', value: 'early' }, by(app, 49, alice.publicKey))
    // This node serves the expired key's message too.
    const liar = fakeNode('liar', [shortLived], {
      answer: (q, honest) => (q.q === 'profile' ? [late.bytes, early.bytes] : honest),
    })
    const client = createClient({ nodes: [liar], network: NETWORK })
    const view = await client.getProfile(ALICE)
    expect(view.fields).toEqual({ bio: 'early' })
    expect(faultsOf(view.faults)).toEqual([['liar', 'client.node_stale']])
  })

  it('refuses a signers answer holding a signer.add of another account', async () => {
    const bobsAdd = buildSignerAdd({ key: app.publicKey, expiresAt: Date.now() + YEAR }, by(bob, 1))
    const liar = fakeNode('liar', [addApp, root, appReply], {
      answer: (q, honest) => (q.q === 'signers' ? [bobsAdd.bytes] : honest),
    })
    const client = createClient({ nodes: [liar], network: NETWORK })
    const thread = await client.getThread(toHex(root.id))
    // Without a verified signer set, the app key's reply is not shown.
    expect(thread.replies).toEqual([])
    expect(thread.faults.map((f) => f.code)).toContain('client.node_lied')
  })
})
