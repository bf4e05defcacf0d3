import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { DevnetNode } from '@freebird/node'
import type { Signer } from '@freebird/protocol'
import { buildCertificate, type Certificate, type Vote } from '@freebird/protocol/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accountOf,
  answerText,
  askAll,
  askVote,
  balanceOf,
  DEMO_BALANCE,
  forgeCertificate,
  freshSigner,
  type LedgerNet,
  ledgerOf,
  metric,
  order,
  pushCertificate,
  refusalCode,
  startLedgerNet,
  transfersOf,
  verify,
  voteOf,
  Wallet,
  waitBalances,
  waitSame,
  waitSameRoot,
} from './ledger-helpers.ts'

/**
 * The token ledger through crashes and restarts on a 4-validator devnet:
 * a validator's (from, seq) lock survives SIGKILL; certificates that arrive
 * out of seq order (and a restart while one waits) give the same balances
 * and the same certificate set everywhere; a node whose ledger is deleted
 * catches up by sync.
 */
let net: LedgerNet
beforeAll(async () => {
  net = await startLedgerNet({ accounts: 4, syncIntervalMs: 1_000 })
}, 90_000)
afterAll(async () => {
  await net?.stop()
})

const at = (i: number): DevnetNode => net.nodes[i] as DevnetNode
const fresh = freshSigner

describe('token ledger: crashes, restarts and late certificates', () => {
  it('a validator SIGKILLed right after voting keeps its lock: a conflicting order is refused, the same order gets the same vote', async () => {
    const { nodes, params } = net
    const sender = new Wallet(net.accounts[0] as Signer)
    const [x, y] = [fresh(), fresh()]
    const a = order(net, sender.signer, { to: x.publicKey, amount: 100n, seq: 0, kind: 'payment' })
    const b = order(net, sender.signer, { to: y.publicKey, amount: 200n, seq: 0, kind: 'payment' })
    const victim = at(1)

    const first = await askVote(victim, a.bytes)
    expect(first.status).toBe(200)
    await victim.kill()
    await victim.start()

    // Back up: the lock on (sender, 0) is A's, as before the crash.
    const conflicting = await askVote(victim, b.bytes)
    expect(conflicting.status).toBe(409)
    expect(refusalCode(conflicting)).toBe('ledger.conflicting_order')
    const again = await askVote(victim, a.bytes)
    expect(answerText(again)).toBe(answerText(first))

    // A still completes with the restarted validator's vote; B never gets a quorum.
    await net.devnet.waitConnected(30_000)
    const others = await askAll([at(0), at(2)], a.bytes)
    const cert = buildCertificate(
      a,
      [voteOf(first) as Vote, ...others.map((o) => voteOf(o) as Vote)],
      params,
      verify,
    )
    expect((await pushCertificate(at(2), cert.bytes)).status).toBe(201)
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE - 100n, nextSeq: 1 }],
        [accountOf(x), { balance: 100n }],
        [accountOf(y), { balance: 0n }],
      ]),
    )
    // Once certified, a restart still answers A with the same vote and B with a conflict.
    await victim.kill()
    await victim.start()
    expect(answerText(await askVote(victim, a.bytes))).toBe(answerText(first))
    expect(refusalCode(await askVote(victim, b.bytes))).toBe('ledger.conflicting_order')
    await net.devnet.waitConnected(30_000)
  })

  it('certificates delivered out of order (seq 2, then 0, then 1, to different nodes) converge, through a restart; a node with its ledger deleted catches up by sync', async () => {
    const { nodes } = net
    await waitSameRoot(nodes, (await ledgerOf(at(0))).certificates)
    const start = (await ledgerOf(at(0))).certificates
    const sender = new Wallet(net.accounts[1] as Signer)
    const to = [fresh(), fresh(), fresh()]
    // Validators vote only at an account's next seq, so three certificates in
    // a row come from the committee's keys directly (an offline committee).
    const certs: Certificate[] = to.map((r, seq) =>
      forgeCertificate(
        net,
        order(net, sender.signer, {
          to: r.publicKey,
          amount: 1_000n * BigInt(seq + 1),
          seq,
          kind: 'payment',
        }),
      ),
    )
    const [c0, c1, c2] = certs as [Certificate, Certificate, Certificate]

    // Seq 2 first: its recipient is credited at once, the sender's debit waits for 0 and 1.
    expect((await pushCertificate(at(2), c2.bytes)).status).toBe(201)
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE, nextSeq: 0 }],
        [accountOf(to[2] as Signer), { balance: 3_000n }],
      ]),
    )
    // A node killed while holding the buffered certificate (on disk: it counts in
    // /v1/ledger only once written) keeps it buffered.
    await waitSameRoot(nodes, start + 1)
    await at(3).kill()
    await at(3).start()
    const restarted = await balanceOf(at(3), sender.account)
    expect([restarted.balance, restarted.nextSeq]).toEqual([DEMO_BALANCE.toString(), 0])
    expect((await balanceOf(at(3), accountOf(to[2] as Signer))).balance).toBe('3000')
    // The validators refuse seq 1 and 2 orders: the sender's next seq is still 0.
    const early = order(net, sender.signer, {
      to: to[0]?.publicKey as Uint8Array,
      amount: 1n,
      seq: 1,
      kind: 'payment',
    })
    for (const answer of await askAll(nodes, early.bytes))
      expect(refusalCode(answer)).toBe('ledger.wrong_seq')

    // Seq 0 to another node: debited for 0 only (1 is missing).
    expect((await pushCertificate(at(0), c0.bytes)).status).toBe(201)
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE - 1_000n, nextSeq: 1 }],
        [accountOf(to[0] as Signer), { balance: 1_000n }],
        [accountOf(to[1] as Signer), { balance: 0n }],
      ]),
    )
    // Seq 1 to a third node: the gap closes, 1 and the buffered 2 are debited.
    expect((await pushCertificate(at(1), c1.bytes)).status).toBe(201)
    const settled = new Map([
      [sender.account, { balance: DEMO_BALANCE - 6_000n, nextSeq: 3 }],
      [accountOf(to[0] as Signer), { balance: 1_000n, nextSeq: 0 }],
      [accountOf(to[1] as Signer), { balance: 2_000n, nextSeq: 0 }],
      [accountOf(to[2] as Signer), { balance: 3_000n, nextSeq: 0 }],
    ])
    await waitBalances(nodes, settled)
    const root = await waitSameRoot(nodes, start + 3)
    const history = await waitSame(
      nodes,
      (n) => transfersOf(n, sender.account),
      (l) => l.length === 3,
      "the sender's transfers on every node",
    )
    expect(history.map((t) => t.seq).sort()).toEqual([0, 1, 2])
    // The next order is voted at seq 3 by every validator.
    const next = order(net, sender.signer, {
      to: to[0]?.publicKey as Uint8Array,
      amount: 1n,
      seq: 3,
      kind: 'payment',
    })
    for (const answer of await askAll(nodes, next.bytes)) expect(answer.status).toBe(200)

    // Node-2 loses its whole ledger directory and catches up from its peers.
    const wiped = at(2)
    await wiped.stop()
    rmSync(join(wiped.dataDir, 'ledger'), { recursive: true, force: true })
    await wiped.start()
    expect(await waitSameRoot(nodes, root.certificates, 30_000)).toEqual(root)
    // Every certificate it holds now came back by sync (its metrics restarted with it).
    expect(
      await metric(wiped, 'freebird_ledger_certificates_applied_total', { source: 'sync' }),
    ).toBe(root.certificates)
    await waitBalances(nodes, settled)
    const list = await transfersOf(wiped, sender.account)
    expect(list.map((t) => t.id).sort()).toEqual(history.map((t) => t.id).sort())
    await net.devnet.waitConnected(30_000)
  })
})
