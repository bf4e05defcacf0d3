import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildPostAdd, fromHex, toHex } from '@freebird/protocol'
import {
  buildCertificate,
  buildTransferOrder,
  decodeCertificate,
  decodeTransferOrder,
  decodeVote,
  encodeVote,
  signVote,
} from '@freebird/protocol/ledger'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createClient,
  fileStore,
  type KeyValueStore,
  localStorageStore,
  memoryStore,
  type NodeFault,
} from '../src/index.ts'
import {
  ALICE,
  ALLOCATION,
  alice,
  BOB,
  bob,
  CAROL,
  carol,
  committee,
  LEDGER_NETWORK,
  ledgerNetwork,
  ledgerNode,
  params,
  validators,
} from './fake-ledger.ts'
import { errorOf, T0 } from './fake-node.ts'

const dir = mkdtempSync(join(tmpdir(), 'freebird-client-ledger-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const pendingKey = (account: string) => `freebird/ledger/${LEDGER_NETWORK}/${account}/pending`

/** Alice's order at `seq`, signed as a client would (not sent anywhere). */
const aliceOrder = (seq: number, amount = 10n, to = bob.publicKey) =>
  buildTransferOrder(
    { to, amount, seq, kind: 'payment' },
    { network: ledgerNetwork, signer: alice },
  )

describe('transfers', () => {
  it('certifies an order with a quorum of verified votes, verifies it, and the validators attest the new balances', async () => {
    const nodes = committee()
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice })
    const sent = await client.transfer({ to: BOB, amount: 250n, memo: 'lunch' })
    expect(sent).toMatchObject({ seq: 0, from: ALICE, to: BOB, amount: 250n, kind: 'payment' })
    const certificate = decodeCertificate(sent.certificate, params)
    expect(toHex(certificate.order.id)).toBe(sent.id)
    expect(certificate.order.data.memo).toBe('lunch')
    expect(certificate.votes.length).toBeGreaterThanOrEqual(params.quorum)
    expect(sent.acceptedBy.length).toBeGreaterThan(0)
    expect(sent.latencyMs).toBeGreaterThanOrEqual(0)
    await client.close() // awaits the pushes still going on
    for (const node of nodes) {
      expect(node.pushed.map(toHex)).toEqual([toHex(sent.certificate)])
    }
    expect(await client.getBalance()).toMatchObject({
      balance: ALLOCATION - 250n,
      nextSeq: 1,
      source: 'attested',
    })
    expect(await client.getBalance(BOB)).toMatchObject({
      account: BOB,
      balance: ALLOCATION + 250n,
      nextSeq: 0,
      source: 'attested',
    })
  })

  it('runs concurrent transfers of one account one at a time: seqs 0..9', async () => {
    const nodes = committee()
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice })
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.transfer({ to: BOB, amount: BigInt(i + 1) })),
    )
    expect(sent.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(sent.map((s) => s.amount)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)))
    expect((await client.getBalance()).balance).toBe(ALLOCATION - 55n)
    await client.close()
  })

  it('needs only a quorum: one validator down is fine, two are not (the order stays pending, then finishes unchanged)', async () => {
    const nodes = committee()
    const store = memoryStore()
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, store })
    ;(nodes[3] as (typeof nodes)[number]).down = true
    expect((await client.transfer({ to: BOB, amount: 1n })).seq).toBe(0)

    ;(nodes[2] as (typeof nodes)[number]).down = true
    const error = await errorOf(client.transfer({ to: BOB, amount: 2n }))
    expect(error.code).toBe('client.unavailable')
    const record = JSON.parse((await store.get(pendingKey(ALICE))) as string)
    expect(record).toMatchObject({ v: 1, seq: 1 })

    for (const node of nodes) node.down = false
    const resumed = await client.resumePending()
    expect(resumed?.id).toBe(record.id)
    expect(resumed?.seq).toBe(1)
    expect(toHex(decodeCertificate(resumed?.certificate as Uint8Array, params).order.bytes)).toBe(
      record.order,
    )
    expect(await store.get(pendingKey(ALICE))).toBeUndefined()
    expect(await client.resumePending()).toBeUndefined()
    await client.close()
  })

  it('pushes its previous certificate to a validator that answers ledger.wrong_seq, then gets its vote', async () => {
    const nodes = committee()
    const [a, , , d] = nodes as [
      (typeof nodes)[0],
      (typeof nodes)[0],
      (typeof nodes)[0],
      (typeof nodes)[0],
    ]
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice })
    d.down = true
    const first = await client.transfer({ to: BOB, amount: 5n })
    await client.close()
    // D missed the first transfer entirely; with A down it is needed for the quorum.
    d.down = false
    a.down = true
    const second = await client.transfer({ to: BOB, amount: 6n })
    expect(second.seq).toBe(1)
    expect(d.pushed.map(toHex)).toContain(toHex(first.certificate))
    expect(d.state.account(alice.publicKey)).toMatchObject({ nextSeq: 2 })
    await client.close()
  })

  it('refuses an overdraft before signing anything when a quorum attests the balance', async () => {
    const nodes = committee()
    const store = memoryStore()
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, store })
    const error = await errorOf(client.transfer({ to: BOB, amount: ALLOCATION + 1n }))
    expect(error.code).toBe('client.refused')
    expect(error.reason).toBe('ledger.insufficient_balance')
    for (const node of nodes) expect(node.orders).toEqual([])
    expect(await store.get(pendingKey(ALICE))).toBeUndefined()
  })

  it("passes the validators' refusal code on (ledger.insufficient_balance) and frees the seq when none voted", async () => {
    const nodes = committee(() => ({ noAttestation: true }))
    const store = memoryStore()
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, store })
    const error = await errorOf(client.transfer({ to: BOB, amount: ALLOCATION + 1n }))
    expect(error.code).toBe('client.refused')
    expect(error.reason).toBe('ledger.insufficient_balance')
    expect(nodes[0]?.orders).toHaveLength(1)
    expect(await store.get(pendingKey(ALICE))).toBeUndefined()
    expect((await client.transfer({ to: BOB, amount: 1n })).seq).toBe(0)
    // An account that never held tokens: the validators' own code.
    const empty = createClient({ nodes, network: LEDGER_NETWORK, signer: carol })
    const none = await errorOf(empty.transfer({ to: BOB, amount: 1n }))
    expect(none.reason).toBe('ledger.unknown_account')
    await client.close()
  })

  it('does not count a vote that does not verify, and reports the node', async () => {
    const faults: NodeFault[] = []
    const nodes = committee((i) =>
      i === 0
        ? {
            // A's vote is for another order.
            vote: () => encodeVote(signVote(new Uint8Array(32), validators[0] as never)),
          }
        : {},
    )
    const client = createClient({
      nodes,
      network: LEDGER_NETWORK,
      signer: alice,
      onFault: (f) => faults.push(f),
    })
    const sent = await client.transfer({ to: BOB, amount: 3n })
    const voters = decodeCertificate(sent.certificate, params).votes.map((v) => toHex(v.validator))
    expect(voters).not.toContain(toHex(validators[0]?.publicKey as Uint8Array))
    expect(faults.map((f) => [f.node, f.code])).toEqual([['A', 'client.node_lied']])
    await client.close()
  })

  it('refuses an app key and a bad request before anything is sent', async () => {
    const nodes = committee()
    const app = createClient({ nodes, network: LEDGER_NETWORK, signer: bob, account: ALICE })
    expect((await errorOf(app.transfer({ to: CAROL, amount: 1n }))).code).toBe(
      'client.invalid_request',
    )
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice })
    for (const args of [
      { to: 'fb1nope', amount: 1n },
      { to: BOB, amount: 0n },
      { to: BOB, amount: -1 },
      { to: BOB, amount: '1.5' },
      { to: ALICE, amount: 1n },
    ]) {
      expect((await errorOf(client.transfer(args))).code).toBe('client.invalid_request')
    }
    for (const node of nodes) expect(node.orders).toEqual([])
  })

  it('learns the ledger from a genesis that hashes to its network, and reports a node serving another', async () => {
    const faults: NodeFault[] = []
    const liar = ledgerNode('liar', { genesis: new TextEncoder().encode('{"network":"other"}') })
    const nodes = [liar, ...committee()]
    const client = createClient({
      nodes,
      network: LEDGER_NETWORK,
      signer: alice,
      onFault: (f) => faults.push(f),
    })
    expect((await client.transfer({ to: BOB, amount: 1n })).seq).toBe(0)
    expect(faults.some((f) => f.node === 'liar' && f.code === 'client.node_lied')).toBe(true)
    await client.close()
  })
})

describe('a pending order survives a crash', () => {
  it('a new client finishes the stored order first (same id, same bytes), then signs the next seq', async () => {
    const nodes = committee()
    const store = memoryStore()
    // The crashed run: signed and stored, maybe sent to some validators, never certified.
    const order = aliceOrder(0, 77n)
    await store.set(
      pendingKey(ALICE),
      JSON.stringify({ v: 1, id: toHex(order.id), seq: 0, order: toHex(order.bytes) }),
    )
    await nodes[0]?.order(order.bytes)
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, store })
    const next = await client.transfer({ to: CAROL, amount: 5n })
    expect(next.resumed?.id).toBe(toHex(order.id))
    expect(next.resumed?.amount).toBe(77n)
    expect(next.seq).toBe(1)
    expect(
      toHex(decodeCertificate(next.resumed?.certificate as Uint8Array, params).order.bytes),
    ).toBe(toHex(order.bytes))
    // Never a second order at seq 0: every order any node saw at seq 0 is that one.
    for (const node of nodes) {
      for (const bytes of node.orders) {
        const seq0 = orderOf(bytes)
        if (seq0.seq === 0) expect(seq0.id).toBe(toHex(order.id))
      }
    }
    await client.close()
  })

  it('finishes an order that was already certified before the crash: the validators vote again for the same order', async () => {
    const nodes = committee()
    const order = aliceOrder(0, 9n)
    const votes = await Promise.all(nodes.map((n) => n.order(order.bytes)))
    const certificate = buildCertificate(
      order,
      votes.map((v) => decodeVote((v as { vote: Uint8Array }).vote)),
      params,
    )
    for (const node of nodes) node.apply(certificate.bytes)
    const store = memoryStore()
    await store.set(
      pendingKey(ALICE),
      JSON.stringify({ v: 1, id: toHex(order.id), seq: 0, order: toHex(order.bytes) }),
    )
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, store })
    expect((await client.resumePending())?.id).toBe(toHex(order.id))
    expect((await client.transfer({ to: BOB, amount: 1n })).seq).toBe(1)
    await client.close()
  })

  it('surfaces ledger.conflicting_order when validators hold another order at that seq, and keeps the order', async () => {
    const nodes = committee()
    const store = memoryStore()
    const mine = aliceOrder(0, 10n)
    const other = aliceOrder(0, 11n)
    await store.set(
      pendingKey(ALICE),
      JSON.stringify({ v: 1, id: toHex(mine.id), seq: 0, order: toHex(mine.bytes) }),
    )
    // Another device of alice's got two validators to lock another order at seq 0: nobody has a quorum.
    await nodes[0]?.order(other.bytes)
    await nodes[1]?.order(other.bytes)
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, store })
    const error = await errorOf(client.transfer({ to: BOB, amount: 1n }))
    expect(error.code).toBe('client.refused')
    expect(error.reason).toBe('ledger.conflicting_order')
    expect(error.message).toContain(toHex(mine.id))
    expect(error.message).toContain('stays pending')
    expect(await store.get(pendingKey(ALICE))).toBeDefined()
    // Nothing new was signed.
    for (const node of nodes) {
      expect(
        node.orders.every((b) => toHex(b) === toHex(mine.bytes) || toHex(b) === toHex(other.bytes)),
      ).toBe(true)
    }
    // Giving up on it is explicit.
    expect((await client.discardPending())?.id).toBe(toHex(mine.id))
    expect(await store.get(pendingKey(ALICE))).toBeUndefined()
  })

  it('drops the order when a verified certificate proves its seq went to another order', async () => {
    const nodes = committee()
    const store = memoryStore()
    const mine = aliceOrder(0, 10n)
    const other = aliceOrder(0, 12n)
    const votes = await Promise.all(nodes.map((n) => n.order(other.bytes)))
    const certificate = buildCertificate(
      other,
      votes.map((v) => decodeVote((v as { vote: Uint8Array }).vote)),
      params,
    )
    for (const node of nodes) node.apply(certificate.bytes)
    await store.set(
      pendingKey(ALICE),
      JSON.stringify({ v: 1, id: toHex(mine.id), seq: 0, order: toHex(mine.bytes) }),
    )
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, store })
    const error = await errorOf(client.resumePending())
    expect(error.reason).toBe('ledger.conflicting_order')
    expect(error.message).toContain('can never be certified')
    expect(await store.get(pendingKey(ALICE))).toBeUndefined()
    // The seq is known now: the next transfer takes seq 1.
    expect((await client.transfer({ to: BOB, amount: 1n })).seq).toBe(1)
    await client.close()
  })

  it('a file store keeps the pending order on disk, written before any node sees it', async () => {
    const file = join(dir, 'alice.key.pending.json')
    const nodes = committee()
    for (const node of nodes) node.down = true
    const client = createClient({
      nodes,
      network: LEDGER_NETWORK,
      signer: alice,
      store: fileStore(file),
      timeoutMs: 200,
    })
    // No node answers the genesis: nothing is signed.
    expect((await errorOf(client.transfer({ to: BOB, amount: 4n }))).code).toBe(
      'client.unavailable',
    )
    // The genesis is learned, then validators go down between the attestations and the order.
    for (const node of nodes) node.down = false
    await client.getBalance()
    const order = nodes.map((n) => n.order.bind(n))
    nodes.forEach((n, i) => {
      n.order = async (bytes) => {
        const onDisk = JSON.parse(readFileSync(file, 'utf8'))
        expect(onDisk[pendingKey(ALICE)]).toBeDefined()
        n.down = true
        return (order[i] as typeof n.order)(bytes)
      }
    })
    expect((await errorOf(client.transfer({ to: BOB, amount: 4n }))).code).toBe(
      'client.unavailable',
    )
    const record = JSON.parse(JSON.parse(readFileSync(file, 'utf8'))[pendingKey(ALICE)])
    expect(record).toMatchObject({ v: 1, seq: 0 })
    expect(orderOf(fromHex(record.order))).toEqual({ id: record.id, seq: 0 })
    await client.close()

    // A new process: a new client over the same file finishes it.
    nodes.forEach((n, i) => {
      n.order = order[i] as typeof n.order
      n.down = false
    })
    const again = createClient({
      nodes,
      network: LEDGER_NETWORK,
      signer: alice,
      store: fileStore(file),
    })
    expect((await again.resumePending())?.id).toBe(record.id)
    const onDisk = JSON.parse(readFileSync(file, 'utf8'))
    expect(onDisk[pendingKey(ALICE)]).toBeUndefined()
    expect(JSON.parse(onDisk[`freebird/ledger/${LEDGER_NETWORK}/${ALICE}/last`])).toMatchObject({
      v: 1,
      seq: 0,
      id: record.id,
    })
    await again.close()
  })
})

describe('balances, history and tips', () => {
  it('is a verified lower bound when the attestations do not reach a quorum', async () => {
    const nodes = committee((i) => ({ noAttestation: i > 0 }))
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice })
    await client.transfer({ to: BOB, amount: 100n })
    await client.close()
    const bobs = createClient({ nodes, network: LEDGER_NETWORK, signer: bob })
    await bobs.transfer({ to: ALICE, amount: 30n })
    await bobs.close()
    expect(await client.getBalance()).toMatchObject({
      balance: ALLOCATION - 100n + 30n,
      nextSeq: 1,
      source: 'lower-bound',
      attestations: 1,
    })
  })

  it('a lower bound counts no certificate that does not verify', async () => {
    const faults: NodeFault[] = []
    const nodes = committee(() => ({ noAttestation: true }))
    const sender = createClient({ nodes, network: LEDGER_NETWORK, signer: bob })
    const sent = await sender.transfer({ to: ALICE, amount: 40n })
    await sender.close()
    // A node serves the certificate with one byte of a vote signature changed.
    const bad = sent.certificate.slice()
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1
    const liar = ledgerNode('liar', { transfers: () => [bad] })
    const client = createClient({
      nodes: [liar, ...nodes],
      network: LEDGER_NETWORK,
      onFault: (f) => faults.push(f),
    })
    expect(await client.getBalance(ALICE)).toMatchObject({
      balance: ALLOCATION + 40n,
      source: 'lower-bound',
    })
    expect(faults.map((f) => f.node)).toContain('liar')
  })

  it('history is merged, verified, newest first, and pages by time', async () => {
    const nodes = committee()
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice, reads: 2 })
    for (let i = 0; i < 5; i++)
      await client.transfer({ to: i % 2 ? BOB : CAROL, amount: BigInt(i + 1) })
    const first = await client.getTransfers(undefined, { limit: 3 })
    expect(first.transfers.map((t) => t.seq)).toEqual([4, 3, 2])
    expect(first.next).toBeDefined()
    const second = await client.getTransfers(ALICE, { limit: 3, before: first.next as number })
    expect(second.transfers.map((t) => t.seq)).toEqual([1, 0])
    expect(second.next).toBeUndefined()
    const carols = await client.getTransfers(CAROL)
    expect(carols.transfers.map((t) => [t.from, t.to, t.amount])).toEqual([
      [ALICE, CAROL, 5n],
      [ALICE, CAROL, 3n],
      [ALICE, CAROL, 1n],
    ])
    await client.close()
  })

  it('a node serving a transfer of other accounts is reported and its answer dropped', async () => {
    const faults: NodeFault[] = []
    const nodes = committee()
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice })
    const sent = await client.transfer({ to: BOB, amount: 8n })
    await client.close()
    const liar = ledgerNode('liar', { transfers: () => [sent.certificate] })
    const reader = createClient({
      nodes: [liar, nodes[0] as never],
      network: LEDGER_NETWORK,
      reads: 2,
      onFault: (f) => faults.push(f),
    })
    const page = await reader.getTransfers(CAROL)
    expect(page.transfers).toEqual([])
    expect(page.faults.map((f) => f.node)).toEqual(['liar'])
  })

  it('tips a post: the author gets it, and the verified total counts it', async () => {
    const post = buildPostAdd(
      { text: 'tip me' },
      { network: ledgerNetwork, signer: carol, timestamp: T0 },
    )
    const nodes = committee(() => ({ messages: [post] }))
    const client = createClient({ nodes, network: LEDGER_NETWORK, signer: alice })
    const tipped = await client.tip(toHex(post.id), 15n)
    expect(tipped).toMatchObject({ kind: 'tip', to: CAROL, amount: 15n })
    await client.tip(toHex(post.id), 5n)
    await client.close()
    const tips = await client.getTips(toHex(post.id))
    expect(tips.total).toBe(20n)
    expect(tips.tips.map((t) => [t.from, t.amount, t.ref])).toEqual([
      [ALICE, 5n, toHex(post.id)],
      [ALICE, 15n, toHex(post.id)],
    ])
    expect((await client.getBalance(CAROL)).balance).toBe(20n)
  })
})

describe('stores', () => {
  const roundTrip = async (store: KeyValueStore) => {
    expect(await store.get('a')).toBeUndefined()
    await store.set('a', '1')
    await store.set('b', '2')
    await store.set('a', '3')
    await store.delete('b')
    await store.delete('missing')
    expect(await store.get('a')).toBe('3')
    expect(await store.get('b')).toBeUndefined()
  }

  it('memory, localStorage and file stores keep, replace and delete values', async () => {
    await roundTrip(memoryStore())
    const items = new Map<string, string>()
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    }
    await roundTrip(localStorageStore('fb:', storage))
    expect([...items]).toEqual([['fb:a', '3']])
    const file = join(dir, 'store.json')
    await roundTrip(fileStore(file))
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ a: '3' })
    // Another instance (another process) reads what the first wrote.
    expect(await fileStore(file).get('a')).toBe('3')
  })

  it('a file store serializes concurrent writes', async () => {
    const store = fileStore(join(dir, 'concurrent.json'))
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, String(i))))
    const again = fileStore(join(dir, 'concurrent.json'))
    for (let i = 0; i < 20; i++) expect(await again.get(`k${i}`)).toBe(String(i))
  })
})

/** The id and seq of a signed order's bytes. */
function orderOf(bytes: Uint8Array): { id: string; seq: number } {
  const order = decodeTransferOrder(bytes, ledgerNetwork)
  return { id: toHex(order.id), seq: order.data.seq }
}
